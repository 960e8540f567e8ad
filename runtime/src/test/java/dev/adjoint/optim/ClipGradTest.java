package dev.adjoint.optim;

import static dev.adjoint.optim.PyTorchOptimCases.assertClose;
import static dev.adjoint.optim.SchedulerTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link ClipGrad} against {@code torch.nn.utils.clip_grad_norm_} (cases from
 * {@code optim_cases.py}: two gradients and a parameter without one; norms 1, 2, 3 and inf,
 * clipping and not) and hand-derived values.
 *
 * <p>Tolerance 2e-6 relative: PyTorch sums the float32 norm in float32, we in double and round
 * once; both are within a few float32 ulps (1.2e-7 each) of the true norm.
 */
class ClipGradTest {
  private static final PyTorchOptimCases REF = PyTorchOptimCases.load();
  private static final double RTOL = 2e-6;

  @TestFactory
  Stream<DynamicTest> clipGradNormMatchesPyTorch() {
    assertTrue(REF.clipCases.size() >= 6, "clip cases");
    return REF.clipCases.stream().map(c -> dynamicTest(c.name(), () -> {
      Tensor p = Tensor.zeros(2, 3).requiresGrad_(true);
      Tensor q = Tensor.zeros(4).requiresGrad_(true);
      Tensor r = Tensor.zeros(2).requiresGrad_(true);
      p.setGrad(floats(c.given().get("p"), 2, 3));
      q.setGrad(floats(c.given().get("q"), 4));
      Tensor total = ClipGrad.clipGradNorm(List.of(p, q, r), c.maxNorm(), c.normType());
      assertEquals(DType.FLOAT32, total.dtype());
      assertEquals(0, total.dim(), "a 0-d tensor, like PyTorch's");
      assertClose(c.name() + " total", new double[] {c.total()}, total, RTOL, 0);
      assertClose(c.name() + " p.grad", c.clipped().get("p"), p.grad(), RTOL, 1e-9);
      assertClose(c.name() + " q.grad", c.clipped().get("q"), q.grad(), RTOL, 1e-9);
      assertNull(r.grad(), "a missing gradient stays missing");
    }));
  }

  @Test
  void handDerivedNorms() {
    // Gradients [3, 4] and [12]: 2-norm sqrt(9 + 16 + 144) = 13; max 26 leaves them alone.
    Tensor a = withGrad(3f, 4f);
    Tensor b = withGrad(12f);
    assertEquals(13.0, ClipGrad.clipGradNorm(List.of(a, b), 26).item(), 0.0);
    assertArrayEquals(new float[] {3, 4}, a.grad().toFloatArray());
    // Max norm 1.3: every gradient times 1.3 / (13 + 1e-6), i.e. 0.1 less 8e-8 relative;
    // with float32 rounding of the factor and the products, within 3e-7 of [0.3, 0.4], [1.2].
    assertEquals(13.0, ClipGrad.clipGradNorm(List.of(a, b), 1.3).item(), 0.0);
    assertArrayEquals(new float[] {0.3f, 0.4f}, a.grad().toFloatArray(), 3e-7f);
    assertArrayEquals(new float[] {1.2f}, b.grad().toFloatArray(), 3e-7f);
    // Infinity norm of [-5, 2] and [4]: 5. Max norm 2.5 halves them (times 1 - 2e-7).
    Tensor c = withGrad(-5f, 2f);
    Tensor d = withGrad(4f);
    assertEquals(5.0, ClipGrad.clipGradNorm(List.of(c, d), 2.5, Double.POSITIVE_INFINITY)
        .item(), 0.0);
    assertArrayEquals(new float[] {-2.5f, 1f}, c.grad().toFloatArray(), 1e-6f);
    assertArrayEquals(new float[] {2f}, d.grad().toFloatArray(), 1e-6f);
    // Their 1-norm is now (5 + 2 + 4) / 2 = 5.5, less 11 / 2 * 2e-7 = 1.1e-6.
    assertEquals(5.5, ClipGrad.clipGradNorm(List.of(c, d), 100, 1).item(), 2e-6);
  }

  @Test
  void noGradientsGiveZero() {
    Tensor total = ClipGrad.clipGradNorm(List.of(Tensor.zeros(3).requiresGrad_(true)), 1.0);
    assertEquals(0.0, total.item());
  }

  @Test
  void nonFiniteNorm() {
    Tensor a = withGrad(Float.NaN, 1f);
    assertMessage(assertThrows(ArithmeticException.class,
        () -> ClipGrad.clipGradNorm(List.of(a), 1.0, 2.0, true)), "clipGradNorm",
        "total norm of order 2.0", "NaN", "errorIfNonfinite");
    assertEquals(1f, a.grad().toFloatArray()[1], "unchanged when refused");
    // Without the check the NaN spreads, as in PyTorch.
    assertTrue(Double.isNaN(ClipGrad.clipGradNorm(List.of(a), 1.0).item()));
    assertTrue(Float.isNaN(a.grad().toFloatArray()[1]));
  }

  @Test
  void clipGradValueClamps() {
    Tensor a = withGrad(-3f, 0.5f, 2f);
    ClipGrad.clipGradValue(List.of(a, Tensor.zeros(1).requiresGrad_(true)), 1.0);
    assertArrayEquals(new float[] {-1f, 0.5f, 1f}, a.grad().toFloatArray());
  }

  @Test
  void badArgumentsAreRefused() {
    List<Tensor> ps = List.of(withGrad(1f));
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ClipGrad.clipGradNorm(ps, -1)), "clipGradNorm: maxNorm must be >= 0, got -1.0");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ClipGrad.clipGradNorm(ps, 1, 0)), "clipGradNorm: normType must be positive");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ClipGrad.clipGradNorm(ps, 1, Double.NaN)), "normType must be positive");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ClipGrad.clipGradValue(ps, -0.5)), "clipGradValue: clipValue must be >= 0");
  }

  private static Tensor withGrad(float... g) {
    Tensor t = Tensor.zeros(g.length).requiresGrad_(true);
    t.setGrad(Tensor.of(g));
    return t;
  }

  private static Tensor floats(double[] v, int... shape) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return Tensor.fromArray(f, shape);
  }
}
