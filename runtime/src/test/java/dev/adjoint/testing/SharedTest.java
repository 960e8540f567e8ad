package dev.adjoint.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The file groups that skipped tests name on the console. */
class SharedTest {
  @Test
  void aGroupIsTheFolderAndTheExtension() {
    assertEquals("../shared/fixtures/*.safetensors", Shared.group("fixtures/ops.safetensors"));
    assertEquals("../shared/data/*.csv", Shared.group("data/california_housing.csv"));
    assertEquals("../shared/*", Shared.group("README"));
  }
}
