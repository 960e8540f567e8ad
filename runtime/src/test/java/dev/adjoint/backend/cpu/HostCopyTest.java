package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Reading a CPU tensor into Java ({@code item()}, {@code toFloatArray()}) copies into a plain
 * array and makes no tensor storage: the backend's storage count (which the benchmarks report as
 * storages made per training step) stays where it was. Adam's {@code item()} of each parameter's
 * step count made six storages a step for the MLP before.
 */
class HostCopyTest {
  @Test
  void hostCopiesMakeNoStorage() {
    Backend cpu = Backends.cpu();
    Tensor step = Tensor.of(new double[] {3.0}).reshape();
    Tensor row = Tensor.of(new float[] {1f, -2f, 0.5f});
    Tensor view = Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 6f}).reshape(2, 3).select(0, 1);
    long before = cpu.nextSerial();
    assertEquals(3.0, step.item(), 0.0);
    assertArrayEquals(new float[] {1f, -2f, 0.5f}, row.toFloatArray(), 0f);
    assertArrayEquals(new float[] {4f, 5f, 6f}, view.toFloatArray(), 0f);
    assertEquals(before, cpu.nextSerial(), "storages made by host copies");
  }
}
