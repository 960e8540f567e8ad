package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The notebook's autograd cells, checked against what PyTorch prints for them. */
class NotebookAutogradTest {
  private static Map<String, String> run() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    NotebookAutograd.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), 3);
    Map<String, String> cells = new LinkedHashMap<>();
    String[] blocks = bytes.toString(StandardCharsets.UTF_8).split("\n>>> ");
    for (int i = 1; i < blocks.length; i++) {
      int nl = blocks[i].indexOf('\n');
      cells.put(blocks[i].substring(0, nl), blocks[i].substring(nl + 1).strip());
    }
    return cells;
  }

  @Test
  void cellsPrintWhatTheNotebookShows() {
    Map<String, String> cells = run();
    // The notebook's own outputs.
    assertEquals("tensor(2.)", cells.get("x = torch.tensor(2.); x"));
    assertEquals("tensor(2., requires_grad=True)",
        cells.get("x = torch.tensor(2., requires_grad=True); x"));
    assertEquals("None", cells.get("print(x.grad)"));
    assertEquals("Grad of x: None", cells.get("y = x ** 2; print(\"Grad of x:\", x.grad)"));
    assertEquals("Grad of x: tensor(4.)",
        cells.get("y = x ** 2; y.backward(); print(\"Grad of x:\", x.grad)"));
    assertEquals("None", cells.get("with torch.no_grad(): y = x * x; print(y.grad_fn)"));
    // PyTorch prints <MulBackward0 object at 0x7f...>; the address is left out.
    assertEquals("<MulBackward0 object>", cells.get("y = x * x; print(y.grad_fn)"));
  }

  @Test
  void linearRegressionGradientMatchesTheNormalEquationsDerivative() {
    // L = mean((X w^T + b - y)^2) over N rows: dL/dw = (2/N) r^T X, dL/db = (2/N) sum(r), with
    // r the residuals. Computed here in double from the same initial parameters.
    Tensor.manualSeed(3);
    LinReg fresh = new LinReg(3);
    double[] w = fresh.namedParameters().get("weight").toDoubleArray();
    double b = fresh.namedParameters().get("bias").item();
    double[][] x = {{1, 2, 3}, {4, 5, 6}};
    double[] y = {1, 2};
    double[] dw = new double[3];
    double db = 0;
    for (int n = 0; n < 2; n++) {
      double r = b - y[n];
      for (int j = 0; j < 3; j++) {
        r += x[n][j] * w[j];
      }
      for (int j = 0; j < 3; j++) {
        dw[j] += 2.0 / 2 * r * x[n][j];
      }
      db += 2.0 / 2 * r;
    }
    String cell = run().get(
        "model = LinReg(3); y_ = model(X); loss = ((y_ - y) ** 2).mean(); loss.backward()");
    String expectedW = "weight.grad " + Tensor.of(new double[][] {dw}).toFloat();
    String expectedB = "bias.grad " + Tensor.of(new double[] {db}).toFloat();
    assertEquals(expectedW, cell.lines().filter(l -> l.startsWith("weight.grad")).findFirst()
        .orElseThrow());
    assertEquals(expectedB, cell.lines().filter(l -> l.startsWith("bias.grad")).findFirst()
        .orElseThrow());
  }
}
