package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SGD, which updates through one fused pass when parameter, gradient and buffer are contiguous,
 * against PyTorch's SGD formula written out on arrays in double (float64 parameters), and in
 * float32 bit for bit against the unfused tensor-op path (taken for a non-contiguous gradient).
 */
class FusedSgdTest {
  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = r.nextDouble(-1, 1);
    }
    return d;
  }

  @ParameterizedTest
  @CsvSource({
      "0.0, 0.0, 0.0, false, false", "0.0, 0.0, 0.01, false, true", "0.9, 0.0, 0.0, false, false",
      "0.9, 0.1, 0.01, false, false", "0.9, 0.0, 0.01, true, false", "0.5, 0.0, 0.0, true, true"})
  void float64MatchesTheFormulaOnArrays(double momentum, double dampening, double wd,
      boolean nesterov, boolean maximize) {
    int n = 4099;
    double lr = 0.05;
    double[] p = random(n, 1);
    double[] buf = null;
    Tensor param = Tensor.fromArray(p.clone(), n).requiresGrad_(true);
    SGD opt = SGD.builder(List.of(param)).lr(lr).momentum(momentum).dampening(dampening)
        .weightDecay(wd).nesterov(nesterov).maximize(maximize).build();
    for (int t = 1; t <= 4; t++) {
      double[] g = random(n, 100 + t);
      param.setGrad(Tensor.fromArray(g.clone(), n));
      opt.step();
      for (int i = 0; i < n; i++) {
        double d = maximize ? -g[i] : g[i];
        d += wd * p[i];
        if (momentum != 0) {
          if (buf == null) {
            buf = new double[n];
          }
          buf[i] = t == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
          d = nesterov ? d + momentum * buf[i] : buf[i];
        }
        p[i] -= lr * d;
      }
      double[] got = (double[]) param.detach().toArray();
      for (int i = 0; i < n; i++) {
        assertEquals(p[i], got[i], 1e-14 * Math.max(1, Math.abs(p[i])), "step " + t + " i " + i);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"0.0, 0.0, false", "0.9, 0.01, false", "0.9, 0.0, true"})
  void float32FusedEqualsUnfusedBitForBit(double momentum, double wd, boolean nesterov) {
    int rows = 33;
    int cols = 65;
    float[] start = new float[rows * cols];
    double[] r = random(start.length, 9);
    for (int i = 0; i < start.length; i++) {
      start[i] = (float) r[i];
    }
    Tensor fused = Tensor.fromArray(start.clone(), rows, cols).requiresGrad_(true);
    Tensor plain = Tensor.fromArray(start.clone(), rows, cols).requiresGrad_(true);
    SGD a = SGD.builder(List.of(fused)).lr(0.1).momentum(momentum).weightDecay(wd)
        .nesterov(nesterov).build();
    SGD b = SGD.builder(List.of(plain)).lr(0.1).momentum(momentum).weightDecay(wd)
        .nesterov(nesterov).build();
    for (int t = 1; t <= 4; t++) {
      double[] gd = random(start.length, 50 + t);
      float[] g = new float[gd.length];
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) gd[i];
      }
      Tensor grad = Tensor.fromArray(g, rows, cols);
      fused.setGrad(grad.clone());
      Tensor strided = grad.t().contiguous().t();
      assertFalse(strided.isContiguous());
      plain.setGrad(strided);
      a.step();
      b.step();
      float[] x = fused.detach().toFloatArray();
      float[] y = plain.detach().toFloatArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(x[i]),
            "step " + t + " element " + i + ": " + x[i] + " vs " + y[i]);
      }
    }
  }
}
