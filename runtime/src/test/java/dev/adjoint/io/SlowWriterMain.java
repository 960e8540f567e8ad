package dev.adjoint.io;

import dev.adjoint.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;

/** A child process for {@link AtomicWriteTest}: rewrites a large file until it is killed. */
public final class SlowWriterMain {
  private SlowWriterMain() {}

  /** args[0]: target file; args[1]: value to fill the tensor with. */
  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]);
    Tensor big = Tensor.full(Double.parseDouble(args[1]), 16 * 1024 * 1024); // 64 MiB
    while (true) {
      SafeTensors.save(Map.of("w", big), target);
    }
  }
}
