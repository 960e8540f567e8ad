package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Reading a CPU tensor into Java ({@code item()}, {@code toFloatArray()}) copies into a plain
 * array, and an op with a scalar operand reads the scalar from a per-thread element: neither makes
 * a storage, so the backend's storage count (which the benchmarks report as storages made per
 * training step) counts results only. Adam's {@code item()} and {@code add_(1)} of each
 * parameter's step count made twelve storages a step for the MLP before.
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

  @Test
  void scalarOperandsMakeNoStorage() {
    Backend cpu = Backends.cpu();
    Tensor x = Tensor.of(new float[] {1f, -2f, 0.5f});
    Tensor counts = Tensor.of(new long[] {4L, 7L});
    Tensor d = Tensor.of(new double[] {0.25, 8.0});
    d.mul_(1.0); // the thread's scalar elements are made once, by its first scalar op
    long before = cpu.nextSerial();
    x.add_(1.0);
    x.mul_(2.0);
    counts.add_(3L);
    d.add_(-0.5);
    assertEquals(before, cpu.nextSerial(), "in-place scalar ops made a storage");
    assertArrayEquals(new float[] {4f, -2f, 3f}, x.toFloatArray(), 0f);
    assertArrayEquals(new long[] {7L, 10L}, counts.toLongArray());
    assertArrayEquals(new double[] {-0.25, 7.5}, d.toDoubleArray(), 0.0);
    Tensor y = x.sub(1.0);
    Tensor z = counts.sub(2L);
    // One result each, and a later scalar op does not change an earlier one's operand.
    assertEquals(before + 2, cpu.nextSerial(), "storages made by two out-of-place scalar ops");
    assertArrayEquals(new float[] {3f, -3f, 2f}, y.toFloatArray(), 0f);
    assertArrayEquals(new long[] {5L, 8L}, z.toLongArray());
  }
}
