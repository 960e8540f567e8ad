package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code model.to(DType)}, {@code double_()} and {@code float_()} ({@code model.double()} and
 * {@code model.float()} in PyTorch): floating parameters and buffers change dtype in place, the
 * parameter objects stay the same (so an optimizer built before still updates them), integer
 * buffers keep int64, and a converted model computes in float64 with gradients that pass float64
 * finite differences.
 */
class ModuleDtypeTest {
  private static Sequential model() {
    Generator gen = new Generator(7);
    return new Sequential(new Linear(3, 4, true, gen), new BatchNorm1d(4), new Tanh(),
        new Linear(4, 2, true, gen));
  }

  @Test
  void toFloat64ConvertsParametersInPlaceAndKeepsTheirIdentity() {
    Sequential m = model();
    List<Tensor> before = new ArrayList<>(m.parameters());
    List<double[]> values = new ArrayList<>();
    for (Tensor p : before) {
      assertEquals(DType.FLOAT32, p.dtype());
      values.add(p.toDoubleArray());
    }
    Sequential same = m.to(DType.FLOAT64);
    assertSame(m, same);
    List<Tensor> after = m.parameters();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      assertSame(before.get(i), after.get(i), "parameter " + i + " was replaced");
      assertEquals(DType.FLOAT64, after.get(i).dtype());
      assertTrue(after.get(i).requiresGrad());
      // float32 -> float64 is exact.
      assertArrayEquals(values.get(i), after.get(i).toDoubleArray());
    }
    for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
      assertSame(p.getValue(), m.parameter(p.getKey()));
    }
  }

  @Test
  void floatingBuffersConvertAndIntegerBuffersStayInt64() {
    Sequential m = model();
    m.to(DType.FLOAT64);
    Map<String, Tensor> buffers = m.namedBuffers();
    assertEquals(DType.FLOAT64, buffers.get("1.running_mean").dtype());
    assertEquals(DType.FLOAT64, buffers.get("1.running_var").dtype());
    assertEquals(DType.INT64, buffers.get("1.num_batches_tracked").dtype());
    m.float_();
    buffers = m.namedBuffers();
    assertEquals(DType.FLOAT32, buffers.get("1.running_mean").dtype());
    assertEquals(DType.INT64, buffers.get("1.num_batches_tracked").dtype());
    for (Tensor p : m.parameters()) {
      assertEquals(DType.FLOAT32, p.dtype());
    }
    m.double_();
    for (Tensor p : m.parameters()) {
      assertEquals(DType.FLOAT64, p.dtype());
    }
    // The state dict, and so checkpoints, carry the new dtypes.
    assertEquals(DType.FLOAT64, m.stateDict().get("0.weight").dtype());
    assertEquals(DType.INT64, m.stateDict().get("1.num_batches_tracked").dtype());
  }

  @Test
  void aFloat64ModelGivesFloat64OutputsAndExactGradients() {
    Sequential m = model().double_();
    Tensor x = Tensor.randn(new Generator(3), 5, 3).toDouble();
    Tensor out = m.call(x);
    assertEquals(DType.FLOAT64, out.dtype());
    Tensor loss = out.pow(2.0).sum();
    loss.backward();
    for (Tensor p : m.parameters()) {
      assertEquals(DType.FLOAT64, p.grad().dtype());
    }
    // Float64 finite differences with h = 1e-6: a model still rounding to float32 anywhere
    // (relative error ~6e-8) would give differences off by ~6e-8 / 2e-6 = 0.03, far above
    // GradCheck's 1e-6.
    GradCheck.check(() -> m.call(x).pow(2.0).sum(), m.parameters());
  }

  @Test
  void anOptimizerBuiltBeforeTheConversionUpdatesTheConvertedParameters() {
    Sequential m = model();
    SGD opt = new SGD(m.parameters(), 0.5);
    m.double_();
    Tensor x = Tensor.randn(new Generator(4), 6, 3).toDouble();
    m.call(x).pow(2.0).sum().backward();
    List<double[]> before = new ArrayList<>();
    List<double[]> grads = new ArrayList<>();
    for (Tensor p : m.parameters()) {
      before.add(p.toDoubleArray());
      grads.add(p.grad().toDoubleArray());
    }
    opt.step();
    for (int i = 0; i < before.size(); i++) {
      Tensor p = m.parameters().get(i);
      assertEquals(DType.FLOAT64, p.dtype());
      double[] now = p.toDoubleArray();
      for (int j = 0; j < now.length; j++) {
        assertEquals(before.get(i)[j] - 0.5 * grads.get(i)[j], now[j], 1e-15,
            "parameter " + i + " element " + j + " (SGD: p - lr * grad)");
      }
    }
  }

  @Test
  void existingGradientsAreConvertedWithTheirParameters() {
    Sequential m = model();
    m.call(Tensor.randn(new Generator(5), 4, 3)).sum().backward();
    Tensor w = m.parameters().get(0);
    double[] grad = w.grad().toDoubleArray();
    m.double_();
    assertSame(w, m.parameters().get(0));
    assertEquals(DType.FLOAT64, w.grad().dtype());
    assertArrayEquals(grad, w.grad().toDoubleArray());
  }

  @Test
  void onlyFloatingDtypesAreAccepted() {
    Sequential m = model();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.to(DType.INT64));
    assertTrue(e.getMessage().contains("floating point"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> m.to(DType.BOOL));
    assertEquals(DType.FLOAT32, m.parameters().get(0).dtype());
  }
}
