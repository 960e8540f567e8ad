package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void eyePlusOne() {
    // eye(2) + 1 = [[2, 1], [1, 2]]
    assertEquals("tensor([[2., 1.],\n        [1., 2.]])", Tensor.eye(2).add(1).toString());
  }
}
