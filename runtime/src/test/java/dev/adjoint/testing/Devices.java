package dev.adjoint.testing;

import dev.adjoint.backend.Backends;
import dev.adjoint.tensor.Device;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices a test body runs on: the CPU (the reference), plus {@code cuda:0} when a CUDA
 * backend is usable in this process. Suites that take a device parameter run one body per device
 * ({@code @MethodSource("dev.adjoint.testing.Devices#all")}, or one dynamic test per device), so
 * a CUDA backend is held to the same tests as the CPU the day it exists. The strict test backend
 * (the second surefire run) serves the CPU entry with opaque storage.
 */
public final class Devices {
  private Devices() {}

  /** CPU, and CUDA when usable. */
  public static List<Device> all() {
    List<Device> out = new ArrayList<>();
    out.add(Device.cpu());
    if (Backends.cudaAvailable()) {
      out.add(Device.cuda(0));
    }
    return out;
  }
}
