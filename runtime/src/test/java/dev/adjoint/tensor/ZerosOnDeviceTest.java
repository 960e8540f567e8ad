package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.testing.Devices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code Tensor.zeros(dtype, device, shape)}: made on the device, zero, of that dtype. */
class ZerosOnDeviceTest {
  @ParameterizedTest
  @MethodSource("dev.adjoint.testing.Devices#all")
  void zerosAreMadeOnTheDevice(Device device) {
    Tensor z = Tensor.zeros(DType.INT64, device, 2, 3);
    assertEquals(device, z.device());
    assertEquals(DType.INT64, z.dtype());
    assertArrayEquals(new int[] {2, 3}, z.shape());
    assertArrayEquals(new long[6], z.toLongArray());
    assertEquals(0, Tensor.zeros(DType.FLOAT32, device, 0, 4).numel());
    assertThrows(NullPointerException.class, () -> Tensor.zeros(null, device, 1));
    assertThrows(NullPointerException.class, () -> Tensor.zeros(DType.FLOAT32, null, 1));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.FLOAT32, device, -1));
    assertEquals(Devices.all().get(0), Device.cpu());
  }
}
