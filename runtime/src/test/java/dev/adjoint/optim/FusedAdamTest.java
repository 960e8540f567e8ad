package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Adam and AdamW, which update through one fused pass when parameter, gradient and state are
 * contiguous, against the update written out in double arithmetic on plain arrays (float64
 * parameters, so the only difference is the order of roundings within one element's formula),
 * and in float32 against the unfused tensor-op path (taken when the gradient is a transposed
 * view), which must agree bit for bit since the fused program makes the same roundings.
 */
class FusedAdamTest {
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
      "false, 0.0, false, false", "false, 0.01, false, false", "false, 0.01, true, false",
      "false, 0.0, false, true", "true, 0.05, false, false", "true, 0.05, true, true"})
  void float64MatchesTheFormulaOnArrays(boolean decoupled, double wd, boolean amsgrad,
      boolean maximize) {
    int n = 5000;
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.99;
    double eps = 1e-8;
    double[] p = random(n, 1);
    double[] m = new double[n];
    double[] v = new double[n];
    double[] vmax = new double[n];
    Tensor param = Tensor.fromArray(p.clone(), n).requiresGrad_(true);
    Optimizer opt = decoupled
        ? AdamW.builder(List.of(param)).lr(lr).betas(b1, b2).eps(eps).weightDecay(wd)
            .amsgrad(amsgrad).maximize(maximize).build()
        : Adam.builder(List.of(param)).lr(lr).betas(b1, b2).eps(eps).weightDecay(wd)
            .amsgrad(amsgrad).maximize(maximize).build();
    for (int t = 1; t <= 5; t++) {
      double[] g = random(n, 100 + t);
      param.setGrad(Tensor.fromArray(g.clone(), n));
      opt.step();
      for (int i = 0; i < n; i++) {
        double gi = maximize ? -g[i] : g[i];
        if (decoupled) {
          p[i] *= 1 - lr * wd;
        } else {
          gi += wd * p[i];
        }
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        vmax[i] = Math.max(vmax[i], v[i]);
        double second = amsgrad ? vmax[i] : v[i];
        double denom = Math.sqrt(second) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
        p[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
      }
      double[] got = (double[]) param.detach().toArray();
      for (int i = 0; i < n; i++) {
        assertEquals(p[i], got[i], 1e-13 * Math.max(1, Math.abs(p[i])), "step " + t + " i " + i);
      }
    }
    assertEquals(DType.FLOAT64, param.dtype());
  }

  @ParameterizedTest
  @CsvSource({"false, 0.0, false", "false, 0.01, true", "true, 0.05, false", "true, 0.05, true"})
  void float32FusedEqualsUnfusedBitForBit(boolean decoupled, double wd, boolean amsgrad) {
    int rows = 37;
    int cols = 41;
    float[] start = new float[rows * cols];
    double[] r = random(rows * cols, 9);
    for (int i = 0; i < start.length; i++) {
      start[i] = (float) r[i];
    }
    Tensor fused = Tensor.fromArray(start.clone(), rows, cols).requiresGrad_(true);
    Tensor plain = Tensor.fromArray(start.clone(), rows, cols).requiresGrad_(true);
    Optimizer a = build(decoupled, wd, amsgrad, fused);
    Optimizer b = build(decoupled, wd, amsgrad, plain);
    for (int t = 1; t <= 4; t++) {
      double[] gd = random(rows * cols, 50 + t);
      float[] g = new float[gd.length];
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) gd[i];
      }
      Tensor grad = Tensor.fromArray(g, rows, cols);
      fused.setGrad(grad.clone());
      // The same values as a transposed view's transpose: not contiguous, so not fusable.
      Tensor strided = grad.t().contiguous().t();
      assertTrue(!strided.isContiguous());
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

  private static Optimizer build(boolean decoupled, double wd, boolean amsgrad, Tensor p) {
    return decoupled
        ? AdamW.builder(List.of(p)).lr(0.02).weightDecay(wd).amsgrad(amsgrad).build()
        : Adam.builder(List.of(p)).lr(0.02).weightDecay(wd).amsgrad(amsgrad).build();
  }
}
