package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

/** {@link Device} naming and parsing, and what using CUDA does where it is not available. */
class DeviceTest {

  @Test
  void cpuIsTheDefaultDevice() {
    Device cpu = Device.cpu();
    assertTrue(cpu.isCpu());
    assertFalse(cpu.isCuda());
    assertEquals(Device.Type.CPU, cpu.type());
    assertEquals(-1, cpu.index());
    assertEquals("cpu", cpu.toString());
    assertEquals(cpu, Tensor.zeros(2).device());
    assertEquals(cpu, Tensor.of(1L).device());
  }

  @Test
  void devicesParseLikeTorchDevice() {
    Device d = Device.of("cuda:1");
    assertTrue(d.isCuda());
    assertEquals(1, d.index());
    assertEquals("cuda:1", d.toString());
    assertEquals(Device.cuda(1), d);
    assertEquals(Device.cuda(1).hashCode(), d.hashCode());
    assertNotEquals(Device.cuda(0), d);
    assertEquals(Device.cuda(0), Device.of("cuda"));
    assertEquals(Device.cuda(0), Device.cuda());
    assertSame(Device.cpu(), Device.of("cpu"));
    assertThrowsWith(IllegalArgumentException.class, () -> Device.of("tpu"), "Device.of:",
        "\"tpu\"");
    assertThrowsWith(IllegalArgumentException.class, () -> Device.of("cuda:x"), "Device.of:");
    assertThrowsWith(IllegalArgumentException.class, () -> Device.of("cuda:-1"), "-1");
    assertThrowsWith(IllegalArgumentException.class, () -> Device.cuda(-2), "-2");
    assertThrows(NullPointerException.class, () -> Device.of(null));
  }

  @Test
  void bestIsCudaExactlyWhenCudaIsAvailable() {
    assertEquals(Device.cudaAvailable() ? Device.cuda(0) : Device.cpu(), Device.best());
  }

  @Test
  void withoutCudaBestIsTheCpuAndMovingToCudaSaysWhy() {
    assumeFalse(Device.cudaAvailable(), "CUDA is available here");
    assertEquals(Device.cpu(), Device.best());
    Tensor t = Tensor.ones(2);
    CudaNotAvailableException e =
        assertThrows(CudaNotAvailableException.class, () -> t.to(Device.cuda(0)));
    assertTrue(e.getMessage().startsWith("CUDA not available: "), e.getMessage());
    // The reason follows the prefix.
    assertTrue(e.getMessage().length() > "CUDA not available: ".length(), e.getMessage());
    assertThrows(CudaNotAvailableException.class, () -> t.to(Device.of("cuda:1")));
  }

  @Test
  void movingToTheDeviceATensorIsOnReturnsIt() {
    Tensor t = Tensor.ones(2);
    assertSame(t, t.to(Device.cpu()));
    assertSame(t, t.cpu());
  }
}
