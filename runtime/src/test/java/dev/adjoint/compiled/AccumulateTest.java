package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code indexAdd}, {@code scatterAdd} and {@code prod} are primitives of the rule table, so the
 * processor differentiates them inside {@code @Forward} code: the generated backward agrees with
 * float64 finite differences for the parameters and the input (the source of both scatters), and
 * with the per-op graph of the same ops run eagerly.
 */
class AccumulateTest {
  @Test
  void generatedBackwardMatchesFiniteDifferencesAndThePerOpGraph() {
    Generator gen = new Generator(9);
    Accumulate model = new Accumulate(gen);
    Tensor x = Tensor.randn(gen, 2, 3).toDouble().requiresGrad_(true);
    Tensor rows = Tensor.of(3L, 3L); // the same row twice: both sources accumulate
    Tensor cols = Tensor.of(new long[][] {{0, 2, 0}, {1, 1, 2}});
    Tensor r = Tensor.randn(gen, 4).toDouble();
    Tensor y = model.call(x, rows, cols);
    assertNotNull(y.gradFn());
    y.mul(r).sum().backward();
    List<Tensor> wrt = new ArrayList<>(model.parameters());
    wrt.add(x);
    GradCheck.check(() -> model.call(x, rows, cols).mul(r).sum(), wrt);
    assertNull(rows.grad());

    // The same ops eagerly, recorded op by op.
    Tensor table = model.parameters().get(0).detach().requiresGrad_(true);
    Tensor scale = model.parameters().get(1).detach().requiresGrad_(true);
    Tensor xe = x.detach().requiresGrad_(true);
    Tensor scattered = table.indexAdd(0, rows, xe.mul(scale)).scatterAdd(1, cols, xe.tanh());
    scattered.prod(1, false).add(scattered.prod()).mul(r).sum().backward();
    assertClose(model.parameters().get(0).grad(), table.grad());
    assertClose(model.parameters().get(1).grad(), scale.grad());
    assertClose(x.grad(), xe.grad());
  }

  private static void assertClose(Tensor expected, Tensor actual) {
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    assertArrayEquals(e, a, 1e-12 * (1 + java.util.Arrays.stream(e).map(Math::abs).max()
        .orElse(0)));
  }
}
