package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Elementwise;
import dev.adjoint.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sigmoid and tanh adjoints take one fused pass when gradient and output are
 * contiguous (relu keeps its comparison and where kernels); each is checked bit for bit against
 * its definition written out per element here
 * (the same roundings as PyTorch's composite: float32 steps for float32), and the fused and the
 * composite path (a non-contiguous gradient) against each other.
 */
class FusedRulesTest {
  enum Rule {
    RELU, SIGMOID, TANH
  }

  private static double definition(Rule rule, double g, double out, boolean f32) {
    if (f32) {
      float gf = (float) g;
      float o = (float) out;
      return switch (rule) {
        case RELU -> o > 0 ? gf : 0f;
        case SIGMOID -> gf * (o * (-o + 1f));
        case TANH -> gf * (-(o * o) + 1f);
      };
    }
    return switch (rule) {
      case RELU -> out > 0 ? g : 0.0;
      case SIGMOID -> g * (out * (-out + 1));
      case TANH -> g * (-(out * out) + 1);
    };
  }

  private static BinaryOperator<Tensor> adjoint(Rule rule) {
    return switch (rule) {
      case RELU -> Elementwise::reluSelf;
      case SIGMOID -> Elementwise::sigmoidSelf;
      case TANH -> Elementwise::tanhSelf;
    };
  }

  @ParameterizedTest
  @EnumSource(Rule.class)
  void fusedAndCompositeMatchTheDefinition(Rule rule) {
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      int rows = 45;
      int cols = 71;
      SplittableRandom r = new SplittableRandom(rule.ordinal());
      double[] g = new double[rows * cols];
      double[] out = new double[rows * cols];
      for (int i = 0; i < g.length; i++) {
        g[i] = i % 97 == 0 ? Double.NaN : r.nextDouble(-2, 2);
        out[i] = i % 89 == 0 ? 0.0 : i % 83 == 0 ? Double.NaN : r.nextDouble(-1, 1);
      }
      Tensor gt = Tensor.fromArray(g, rows, cols).to(dtype);
      Tensor ot = Tensor.fromArray(out, rows, cols).to(dtype);
      Tensor fused = adjoint(rule).apply(gt, ot);
      Tensor strided = gt.t().contiguous().t();
      assertFalse(strided.isContiguous());
      Tensor composite = adjoint(rule).apply(strided, ot);
      double[] a = (double[]) fused.to(DType.FLOAT64).reshape(-1).toArray();
      double[] b = (double[]) composite.to(DType.FLOAT64).reshape(-1).toArray();
      boolean f32 = dtype == DType.FLOAT32;
      for (int i = 0; i < a.length; i++) {
        double want = definition(rule, g[i], out[i], f32);
        String at = rule + " " + dtype + " at " + i + " g=" + g[i] + " out=" + out[i];
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(a[i]), "fused " + at);
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(b[i]),
            "composite " + at);
      }
    }
  }
}
