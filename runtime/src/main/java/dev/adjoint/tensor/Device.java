package dev.adjoint.tensor;

import dev.adjoint.backend.Backends;
import java.util.Objects;

/**
 * Where a tensor's storage lives: the CPU or one CUDA device. Mirrors {@code torch.device}.
 *
 * <pre>{@code
 * Device device = Device.best();          // cuda:0 when usable, else cpu
 * Tensor data = Tensor.eye(3).to(device);
 * }</pre>
 */
public final class Device {
  /** The kind of a device. */
  public enum Type {
    /** Host memory, computed by the pure-Java backend. */
    CPU,
    /** An NVIDIA GPU reached through the CUDA backend. */
    CUDA
  }

  private static final Device CPU = new Device(Type.CPU, -1);

  private final Type type;
  private final int index;

  private Device(Type type, int index) {
    this.type = type;
    this.index = index;
  }

  /** The CPU. */
  public static Device cpu() {
    return CPU;
  }

  /**
   * CUDA device {@code index}. Naming a device never fails; using it does when CUDA is not
   * available, with the reason.
   */
  public static Device cuda(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("Device.cuda: index must be >= 0, got " + index);
    }
    return new Device(Type.CUDA, index);
  }

  /** {@code cuda(0)}. */
  public static Device cuda() {
    return cuda(0);
  }

  /**
   * Parses {@code "cpu"}, {@code "cuda"} or {@code "cuda:1"}, as {@code torch.device("cuda:1")}.
   */
  public static Device of(String spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.equals("cpu")) {
      return CPU;
    }
    if (spec.equals("cuda")) {
      return cuda(0);
    }
    if (spec.startsWith("cuda:")) {
      try {
        return cuda(Integer.parseInt(spec.substring(5)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(
        "Device.of: expected \"cpu\", \"cuda\" or \"cuda:<index>\", got \"" + spec + "\"");
  }

  /**
   * The fastest usable device: {@code cuda:0} when CUDA is available, else the CPU. The port of
   * {@code torch.device("cuda:0" if torch.cuda.is_available() else "cpu")}.
   */
  public static Device best() {
    return Backends.cudaAvailable() ? cuda(0) : CPU;
  }

  /** Whether CUDA can be used in this process ({@code torch.cuda.is_available()}). */
  public static boolean cudaAvailable() {
    return Backends.cudaAvailable();
  }

  /** The kind of device. */
  public Type type() {
    return type;
  }

  /** The CUDA device index, or -1 for the CPU. */
  public int index() {
    return index;
  }

  /** True for the CPU. */
  public boolean isCpu() {
    return type == Type.CPU;
  }

  /** True for a CUDA device. */
  public boolean isCuda() {
    return type == Type.CUDA;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Device d && d.type == type && d.index == index;
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + index;
  }

  /** {@code cpu} or {@code cuda:<index>}, as PyTorch prints it inside {@code device='...'}. */
  @Override
  public String toString() {
    return type == Type.CPU ? "cpu" : "cuda:" + index;
  }
}
