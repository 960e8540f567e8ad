package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dropout's two modes, its scaling, its gradient and its seeded masks. */
class DropoutTest {
  @Test
  void evaluationIsTheIdentity() {
    Dropout d = new Dropout(0.5, new Generator(1));
    d.eval();
    Tensor x = Tensor.randn(new Generator(2), 4, 5).requiresGrad_(true);
    Tensor y = d.call(x);
    assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 0f);
    Tensor g = Tensor.randn(new Generator(3), 4, 5);
    y.backward(g);
    assertArrayEquals(g.toFloatArray(), x.grad().toFloatArray(), 0f, "gradient passes through");
  }

  @Test
  void trainingZeroesAFractionPAndScalesTheRest() {
    double p = 0.3;
    int n = 100_000;
    Dropout d = new Dropout(p, new Generator(4));
    float[] y = d.call(Tensor.ones(n)).toFloatArray();
    float kept = (float) (1 / (1 - p));
    int zeros = 0;
    double sum = 0;
    for (float v : y) {
      assertTrue(v == 0 || v == kept, "each element is 0 or 1 / (1 - p), got " + v);
      zeros += v == 0 ? 1 : 0;
      sum += v;
    }
    // Zeros ~ Binomial(n, p): standard deviation sqrt(p (1 - p) / n) = 0.00145 of the fraction;
    // 5 of them (0.0072) fail with probability below 1e-6. The mean output is 1 in expectation
    // with standard deviation sqrt(p / (1 - p) / n) = 0.0021; 5 of them is 0.0104.
    assertEquals(p, zeros / (double) n, 0.0073, "fraction dropped");
    assertEquals(1, sum / n, 0.0105, "mean preserved by the 1 / (1 - p) scaling");
  }

  @Test
  void theGradientIsTheMask() {
    Dropout d = new Dropout(0.5, new Generator(5));
    Tensor x = Tensor.full(2, 1000).requiresGrad_(true);
    Tensor y = d.call(x);
    y.sum().backward();
    // y = x * mask with x = 2, so mask = y / 2 = d sum(y) / dx.
    assertArrayEquals(y.div(2.0).toFloatArray(), x.grad().toFloatArray(), 0f);
  }

  @Test
  void seededGeneratorsReproduceMasks() {
    Tensor x = Tensor.ones(64);
    float[] a = new Dropout(0.5, new Generator(42)).call(x).toFloatArray();
    float[] b = new Dropout(0.5, new Generator(42)).call(x).toFloatArray();
    float[] c = new Dropout(0.5, new Generator(43)).call(x).toFloatArray();
    assertArrayEquals(a, b, 0f, "same seed, same mask");
    assertFalse(Arrays.equals(a, c), "another seed, another mask (2^-64 chance of a clash)");
    Dropout twice = new Dropout(0.5, new Generator(42));
    twice.call(x);
    assertFalse(Arrays.equals(a, twice.call(x).toFloatArray()), "each call draws a new mask");
    float[] functional = Functional.dropout(x, 0.5, true, new Generator(42)).toFloatArray();
    assertArrayEquals(a, functional, 0f, "Functional.dropout draws the same mask");
  }

  @Test
  void functionalDropoutInsideAForwardMethod() {
    FunctionalDropoutLayer layer = new FunctionalDropoutLayer(new Generator(7));
    Tensor x = Tensor.full(2, 200).requiresGrad_(true);
    Tensor y = layer.call(x);
    y.sum().backward();
    // y = 3 x mask (mask 0 or 2) with x = 2: d sum(y) / dx = 3 mask = y / 2, and
    // d sum(y) / d scale = sum(x mask) = sum(y) / 3 (small integers: exact in float32).
    assertArrayEquals(y.div(2.0).toFloatArray(), x.grad().toFloatArray(), 1e-6f);
    assertEquals(y.sum().item() / 3, layer.scale.grad().item(), 0);
    float[] mask = y.div(6.0).toFloatArray();
    for (float m : mask) {
      assertTrue(m == 0 || m == 2, "mask values 0 or 1 / (1 - p) = 2, got " + m);
    }
    layer.eval();
    assertArrayEquals(Tensor.full(6, 200).toFloatArray(), layer.call(x).toFloatArray(), 0f);
  }

  @Test
  void extremeProbabilities() {
    Tensor x = Tensor.randn(new Generator(6), 3, 4);
    assertArrayEquals(x.toFloatArray(), new Dropout(0).call(x).toFloatArray(), 0f, "p = 0");
    assertArrayEquals(new float[12], new Dropout(1.0).call(x).toFloatArray(), 0f, "p = 1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Dropout(1.5));
    assertEquals("dropout probability has to be between 0 and 1, but got 1.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Functional.dropout(x, -0.1, true,
        new Generator(1)));
  }

  @Test
  void printsLikePyTorch() {
    assertEquals("Dropout(p=0.5, inplace=False)", new Dropout().toString());
    assertEquals("Dropout(p=0.25, inplace=False)", new Dropout(0.25).toString());
  }
}
