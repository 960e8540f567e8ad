package dev.adjoint.samples;

import static dev.adjoint.tensor.Index.all;
import static dev.adjoint.tensor.Index.range;

import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Tensor;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The tensor and device cells of the PyTorch intro notebook, ported one by one. Each block
 * prints the PyTorch line it ports ({@code >>>}) and then what Adjoint gives, in PyTorch's format.
 *
 * <p>Run it with {@code mvn -q -pl samples -am compile exec:java}.
 */
public final class NotebookTensors {
  private NotebookTensors() {}

  /** Runs every cell, printing to standard output. */
  public static void main(String[] args) {
    run(System.out, 0);
  }

  /**
   * Runs every cell, printing to {@code out}; {@code seed} seeds the random cells.
   *
   * @return the device the last cells ran on
   */
  public static Device run(PrintStream out, long seed) {
    Tensor.manualSeed(seed);

    cell(out, "torch.eye(3)");
    out.println(Tensor.eye(3));

    cell(out, "Y = torch.rand((5, 3)); Y");
    Tensor y = Tensor.rand(5, 3);
    out.println(y);

    cell(out, "Y.t() @ Y");
    Tensor gram = y.t().matmul(y);
    out.println(gram);

    cell(out, "torch.inverse(Y.t() @ Y)");
    out.println(gram.inverse());

    cell(out, "A = torch.eye(3); A.add(1)");
    Tensor a = Tensor.eye(3);
    out.println(a.add(1));

    cell(out, "A[0, 0]");
    out.println(a.get(0, 0));

    cell(out, "A[:, 1:3]");
    out.println(a.index(all(), range(1, 3)));

    cell(out, "B = A.numpy(); B");
    float[][] b = a.toFloatArray2d();
    out.println(Arrays.deepToString(b));

    cell(out, "torch.from_numpy(np.eye(3))");
    double[][] eye = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    out.println(Tensor.of(eye));

    cell(out, "device = torch.device(\"cuda:0\" if torch.cuda.is_available() else \"cpu\"); device");
    Device device = Device.best();
    out.println("device(type='" + device.type().name().toLowerCase(java.util.Locale.ROOT) + "'"
        + (device.isCuda() ? ", index=" + device.index() : "") + ")");

    cell(out, "data = torch.eye(3).to(device); data");
    Tensor data = Tensor.eye(3).to(device);
    out.println(data);

    cell(out, "res = data + data; res");
    out.println(data.add(data));
    return device;
  }

  private static void cell(PrintStream out, String pytorch) {
    out.println();
    out.println(">>> " + pytorch);
  }
}
