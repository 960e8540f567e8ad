package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the notebook's tensor cells and checks each against what PyTorch prints for them. */
class NotebookTensorsTest {

  /** Output of each cell, keyed by the PyTorch line it ports. */
  private static Map<String, String> cells(String output) {
    Map<String, String> cells = new LinkedHashMap<>();
    String[] blocks = output.split("\n>>> ");
    for (int i = 1; i < blocks.length; i++) {
      int nl = blocks[i].indexOf('\n');
      cells.put(blocks[i].substring(0, nl), blocks[i].substring(nl + 1).strip());
    }
    return cells;
  }

  private static Map<String, String> run(long seed) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Device device = NotebookTensors.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), seed);
    assertEquals(Device.cpu(), device, "no GPU on the test machine");
    return cells(bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void deterministicCellsPrintWhatTheNotebookShows() {
    Map<String, String> cells = run(0);
    // These are the notebook's own outputs (PyTorch), copied from its cells.
    assertEquals("tensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]])",
        cells.get("torch.eye(3)"));
    assertEquals("tensor([[2., 1., 1.],\n        [1., 2., 1.],\n        [1., 1., 2.]])",
        cells.get("A = torch.eye(3); A.add(1)"));
    assertEquals("tensor(1.)", cells.get("A[0, 0]"));
    assertEquals("tensor([[0., 0.],\n        [1., 0.],\n        [0., 1.]])",
        cells.get("A[:, 1:3]"));
    assertEquals("tensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]],"
        + " dtype=torch.float64)", cells.get("torch.from_numpy(np.eye(3))"));
    assertEquals("[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]",
        cells.get("B = A.numpy(); B"));
    assertEquals("device(type='cpu')", cells.get(
        "device = torch.device(\"cuda:0\" if torch.cuda.is_available() else \"cpu\"); device"));
    assertEquals("tensor([[2., 0., 0.],\n        [0., 2., 0.],\n        [0., 0., 2.]])",
        cells.get("res = data + data; res"));
  }

  @Test
  void randomCellsAreSeededAndConsistent() {
    Map<String, String> first = run(42);
    assertEquals(first, run(42), "the same seed gives the same notebook");
    assertTrue(!first.get("Y = torch.rand((5, 3)); Y").equals(
        run(43).get("Y = torch.rand((5, 3)); Y")), "another seed gives another Y");

    // Rebuild Y from the same seed and check the printed Gram matrix and its inverse.
    Tensor.manualSeed(42);
    Tensor y = Tensor.rand(5, 3);
    double[] yv = y.toDoubleArray();
    double[][] gram = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int r = 0; r < 5; r++) {
          gram[i][j] += yv[r * 3 + i] * yv[r * 3 + j];
        }
      }
    }
    assertEquals(Tensor.of(gram).toFloat().toString(), first.get("Y.t() @ Y"));
    // inverse(G) @ G must be the identity: checked on the tensor the sample printed.
    Tensor g = y.t().matmul(y);
    Tensor shouldBeEye = g.inverse().matmul(g);
    assertTrue(shouldBeEye.allClose(Tensor.eye(3), 1e-4, 1e-4), shouldBeEye.toString());
  }
}
