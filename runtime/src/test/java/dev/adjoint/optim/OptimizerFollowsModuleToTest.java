package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Linear;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * An optimizer built and stepped before {@code model.to(DType.FLOAT64)} keeps training the same
 * parameters afterwards, its state converted to float64 with them. Oracle: the same trajectory
 * by hand, in float64 on plain double arrays, for a linear model under a mean squared error.
 */
class OptimizerFollowsModuleToTest {
  private static final int N = 8;
  private static final int IN = 3;
  private static final int OUT = 2;
  /** Steps taken in float32, then in float64. */
  private static final int K = 5;
  private static final int J = 6;

  private final double[] x = data(31, N * IN);
  private final double[] y = data(32, N * OUT);

  /** Uniform in [-1, 1), rounded to float32 so both precisions see the same data exactly. */
  private static double[] data(long seed, int n) {
    Generator g = new Generator(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (g.nextDouble() * 2 - 1);
    }
    return v;
  }

  private Tensor input(DType dtype) {
    return Tensor.fromArray(x, N, IN).to(dtype);
  }

  private Tensor target(DType dtype) {
    return Tensor.fromArray(y, N, OUT).to(dtype);
  }

  private static void trainStep(Linear m, Optimizer opt, Tensor in, Tensor target) {
    opt.zeroGrad();
    m.call(in).sub(target).pow(2.0).mean().backward();
    opt.step();
  }

  /**
   * The gradient of mean((x W^T + b - y)^2) by hand: with d = 2 (x W^T + b - y) / (N OUT),
   * dW = d^T x and db = the column sums of d. {@code p} holds W (row-major) then b.
   */
  private double[] gradient(double[] p) {
    double[] g = new double[p.length];
    for (int n = 0; n < N; n++) {
      for (int o = 0; o < OUT; o++) {
        double pred = p[OUT * IN + o];
        for (int i = 0; i < IN; i++) {
          pred += x[n * IN + i] * p[o * IN + i];
        }
        double d = 2 * (pred - y[n * OUT + o]) / (N * OUT);
        for (int i = 0; i < IN; i++) {
          g[o * IN + i] += d * x[n * IN + i];
        }
        g[OUT * IN + o] += d;
      }
    }
    return g;
  }

  /** One optimizer's update rule over {@link #gradient}'s flat parameter vector. */
  private interface HandUpdate {
    /** Updates {@code p} in place at step {@code t} (1-based) with {@code state} arrays. */
    void step(double[] p, double[] g, int t, double[][] state);
  }

  private static final double LR = 0.01;
  private static final double B1 = 0.9;
  private static final double B2 = 0.999;
  private static final double EPS = 1e-8;
  private static final double MOMENTUM = 0.9;

  /** torch.optim.Adam (as Adam's Javadoc); state {exp_avg, exp_avg_sq, max_exp_avg_sq}. */
  private static HandUpdate adam(boolean amsgrad) {
    return (p, g, t, s) -> {
      double bc1 = 1 - Math.pow(B1, t);
      double bc2 = 1 - Math.pow(B2, t);
      for (int i = 0; i < p.length; i++) {
        s[0][i] = B1 * s[0][i] + (1 - B1) * g[i];
        s[1][i] = B2 * s[1][i] + (1 - B2) * g[i] * g[i];
        double second = s[1][i];
        if (amsgrad) {
          s[2][i] = Math.max(s[2][i], s[1][i]);
          second = s[2][i];
        }
        p[i] -= LR / bc1 * s[0][i] / (Math.sqrt(second) / Math.sqrt(bc2) + EPS);
      }
    };
  }

  /** torch.optim.SGD with momentum: the first buffer is the gradient. */
  private static final HandUpdate SGD_MOMENTUM = (p, g, t, s) -> {
    for (int i = 0; i < p.length; i++) {
      s[0][i] = t == 1 ? g[i] : MOMENTUM * s[0][i] + g[i];
      p[i] -= LR * s[0][i];
    }
  };

  private static double[] flat(Linear m) {
    double[] w = m.parameters().get(0).toDoubleArray();
    double[] b = m.parameters().get(1).toDoubleArray();
    double[] p = new double[w.length + b.length];
    System.arraycopy(w, 0, p, 0, w.length);
    System.arraycopy(b, 0, p, w.length, b.length);
    return p;
  }

  /** A state tensor of the weight and of the bias, as one flat vector like {@link #flat}. */
  private static double[] flatState(Optimizer opt, Linear m, String key) {
    Object w = opt.state(m.parameters().get(0)).get(key);
    if (w == null) {
      return new double[OUT * IN + OUT];
    }
    double[] a = ((Tensor) w).toDoubleArray();
    double[] b = ((Tensor) opt.state(m.parameters().get(1)).get(key)).toDoubleArray();
    double[] p = new double[a.length + b.length];
    System.arraycopy(a, 0, p, 0, a.length);
    System.arraycopy(b, 0, p, a.length, b.length);
    return p;
  }

  /**
   * Trains K steps in float32, converts with {@code convert}, trains J more; checks the float64
   * steps against the hand loop seeded with the float32 parameters and state (exactly widened),
   * and the whole run against the hand loop run in float64 from the start.
   */
  private void check(Function<List<Tensor>, Optimizer> make, HandUpdate rule, String[] keys,
      Function<Linear, Linear> convert) {
    Linear m = new Linear(IN, OUT, true, new Generator(5));
    double[] start = flat(m);
    Optimizer opt = make.apply(m.parameters());
    for (int t = 0; t < K; t++) {
      trainStep(m, opt, input(DType.FLOAT32), target(DType.FLOAT32));
    }
    double[] seeded = flat(m);
    double[][] seededState = new double[3][];
    for (int s = 0; s < 3; s++) {
      seededState[s] = s < keys.length ? flatState(opt, m, keys[s]) : new double[seeded.length];
    }
    List<Tensor> params = m.parameters();
    assertSame(m, convert.apply(m));
    assertSame(params.get(0), m.parameters().get(0), "the parameter was replaced");

    // State follows at once, before any step: state(), stateDict() and so checkpoints.
    for (Tensor p : params) {
      assertEquals(DType.FLOAT64, p.dtype());
      for (String key : keys) {
        assertEquals(DType.FLOAT64, ((Tensor) opt.state(p).get(key)).dtype(), key);
      }
    }
    @SuppressWarnings("unchecked")
    Map<Integer, Map<String, Object>> saved =
        (Map<Integer, Map<String, Object>>) opt.stateDict().get("state");
    for (String key : keys) {
      assertEquals(DType.FLOAT64, ((Tensor) saved.get(0).get(key)).dtype(), key);
      assertEquals(DType.FLOAT64, ((Tensor) saved.get(1).get(key)).dtype(), key);
    }
    if (saved.get(0).containsKey("step")) {
      // PyTorch keeps the step count a float32 scalar whatever the parameter's dtype.
      assertEquals(DType.FLOAT32, ((Tensor) saved.get(0).get("step")).dtype());
      assertEquals(K, ((Tensor) saved.get(0).get("step")).item());
    }

    for (int t = 0; t < J; t++) {
      trainStep(m, opt, input(DType.FLOAT64), target(DType.FLOAT64));
    }
    double[] got = flat(m);
    for (Tensor p : params) {
      for (String key : keys) {
        assertEquals(DType.FLOAT64, ((Tensor) opt.state(p).get(key)).dtype(), key);
      }
    }

    // Seeded oracle: from the float32 values, widened exactly, everything is float64; only
    // float64 rounding (differently ordered sums of 8 terms, ~1e-16 relative, over J = 6 steps)
    // separates the two: 1e-14 (measured: 3e-17).
    for (int t = K + 1; t <= K + J; t++) {
      rule.step(seeded, gradient(seeded), t, seededState);
    }
    for (int i = 0; i < got.length; i++) {
      assertEquals(seeded[i], got[i], 1e-14, "element " + i + " after the float64 steps");
    }

    // Whole-run oracle in float64 from the start. The first K steps ran in float32: each stored
    // the parameters rounded to float32, half an ulp of values below 0.6 (Linear's init bound
    // 1/sqrt(3) plus K steps of at most lr) being 3.6e-8, so K = 5 steps leave at most 1.8e-7.
    // The float32 moments and sums move each update by ~1e-7 relative of its size (about lr),
    // 1e-9 a step, and at lr 0.01 the float64 steps barely feed the difference back. Hence
    // 2e-7 (measured: 3.5e-8); dropping or zeroing the state at the conversion moves
    // parameters by ~lr = 1e-2.
    double[] whole = start.clone();
    double[][] state = new double[3][whole.length];
    for (int t = 1; t <= K + J; t++) {
      rule.step(whole, gradient(whole), t, state);
    }
    for (int i = 0; i < got.length; i++) {
      assertEquals(whole[i], got[i], 2e-7, "element " + i + " against the float64 run");
    }
  }

  @Test
  void adamStateFollowsToFloat64() {
    check(p -> new Adam(p, LR), adam(false), new String[] {"exp_avg", "exp_avg_sq"},
        m -> m.to(DType.FLOAT64));
  }

  @Test
  void adamAmsgradStateFollowsDouble() {
    check(p -> Adam.builder(p).lr(LR).amsgrad(true).build(), adam(true),
        new String[] {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}, Linear::double_);
  }

  @Test
  void sgdMomentumBufferFollowsToFloat64() {
    check(p -> SGD.builder(p).lr(LR).momentum(MOMENTUM).build(), SGD_MOMENTUM,
        new String[] {"momentum_buffer"}, m -> m.to(DType.FLOAT64));
  }

  @Test
  void adamWAndRmspropKeepStepping() {
    // Same mechanism (state read through the optimizer base class); here: every state tensor
    // converts, training goes on, and the loss keeps falling.
    for (Function<List<Tensor>, Optimizer> make : List.<Function<List<Tensor>, Optimizer>>of(
        p -> new AdamW(p, LR),
        p -> RMSprop.builder(p).lr(LR).momentum(0.5).centered(true).build())) {
      Linear m = new Linear(IN, OUT, true, new Generator(6));
      Optimizer opt = make.apply(m.parameters());
      for (int t = 0; t < K; t++) {
        trainStep(m, opt, input(DType.FLOAT32), target(DType.FLOAT32));
      }
      m.double_();
      double lossBefore = m.call(input(DType.FLOAT64)).sub(target(DType.FLOAT64)).pow(2.0)
          .mean().item();
      for (int t = 0; t < 20; t++) {
        trainStep(m, opt, input(DType.FLOAT64), target(DType.FLOAT64));
      }
      double lossAfter = m.call(input(DType.FLOAT64)).sub(target(DType.FLOAT64)).pow(2.0)
          .mean().item();
      assertTrue(lossAfter < lossBefore, opt.getClass().getSimpleName() + ": " + lossBefore
          + " -> " + lossAfter);
      for (Tensor p : m.parameters()) {
        for (Map.Entry<String, Object> e : opt.state(p).entrySet()) {
          DType want = e.getKey().equals("step") ? DType.FLOAT32 : DType.FLOAT64;
          assertEquals(want, ((Tensor) e.getValue()).dtype(),
              opt.getClass().getSimpleName() + " " + e.getKey());
        }
      }
    }
  }
}
