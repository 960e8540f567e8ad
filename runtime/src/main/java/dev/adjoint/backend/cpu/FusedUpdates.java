package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UpdatePrograms;
import dev.adjoint.tensor.DType;

/**
 * Hand-fused loops for the optimizers' update programs ({@link UpdatePrograms}) run in place,
 * as the optimizers run them: one pass in which each element's values stay in registers, where
 * {@link PointwiseKernel} makes a pass per step of the program (Adam's is 20 passes over each
 * block). Each loop computes exactly the steps of its program, in its order, rounding after
 * every operation as the program does, so the results are the same bits ({@code
 * FusedUpdatesTest} holds every loop to the step-by-step evaluation).
 *
 * <p>Only the in-place form is fused: every output is the very input it updates (same storage)
 * and all operands start at one offset, so that one index addresses every array and each array
 * is written where it was read. That is what lets the JIT vectorize the loop: given separate
 * output arrays or differing offsets it must assume they overlap the inputs at a distance, and
 * the same loop then ran element by element, slower than the step-by-step evaluator, which
 * therefore takes every other layout.
 */
final class FusedUpdates {
  /** Elements per parallel chunk, at least (as {@link PointwiseKernel}). */
  private static final int GRAIN = 1 << 15;

  private FusedUpdates() {}

  /** Runs {@code program} with a fused loop and returns true, or returns false if it has none. */
  static boolean run(Pointwise program, double[] s, long count, Storage[] in, long[] inOff,
      Storage[] out, long[] outOff) {
    Object form = program.form();
    int[] updated;
    if (form instanceof UpdatePrograms.Adam adam) {
      // exp_avg, exp_avg_sq, [max_exp_avg_sq], p
      updated = adam.amsgrad() ? new int[] {2, 3, 4, 0} : new int[] {2, 3, 0};
    } else if (form instanceof UpdatePrograms.Sgd sgd) {
      // [momentum_buffer], p
      updated = sgd.momentum() ? new int[] {2, 0} : new int[] {0};
    } else {
      return false;
    }
    if (!inPlace(updated, in, inOff, out, outOff)) {
      return false;
    }
    int n = Math.toIntExact(count);
    int off = Math.toIntExact(inOff[0]);
    boolean f32 = out[0].dtype() == DType.FLOAT32;
    Object[] a = new Object[in.length];
    for (int k = 0; k < in.length; k++) {
      a[k] = CpuBackend.cpu(in[k]).array();
    }
    Chunk chunk;
    if (form instanceof UpdatePrograms.Adam adam) {
      chunk = f32 ? (from, to) -> adamF32(adam, s, a, from, to)
          : (from, to) -> adamF64(adam, s, a, from, to);
    } else {
      UpdatePrograms.Sgd sgd = (UpdatePrograms.Sgd) form;
      chunk = f32 ? (from, to) -> sgdF32(sgd, s, a, from, to)
          : (from, to) -> sgdF64(sgd, s, a, from, to);
    }
    int chunks = Parallel.chunks(n, GRAIN);
    int per = (int) (((long) n + chunks - 1) / chunks);
    Parallel.forEach(chunks, chunks > 1, c -> {
      int from = c * per;
      int to = (int) Math.min(n, (long) from + per);
      if (from < to) {
        chunk.run(off + from, off + to);
      }
    });
    return true;
  }

  private interface Chunk {
    void run(int from, int to);
  }

  /**
   * Whether output {@code k} is input {@code updated[k]} (same storage) for every output, every
   * operand starts at one offset, and no two inputs share a storage (else a write through one
   * would change what another reads later in the loop, unlike the step-by-step evaluation).
   */
  private static boolean inPlace(int[] updated, Storage[] in, long[] inOff, Storage[] out,
      long[] outOff) {
    if (out.length != updated.length) {
      return false;
    }
    for (int k = 0; k < out.length; k++) {
      if (out[k] != in[updated[k]] || outOff[k] != inOff[0]) {
        return false;
      }
    }
    for (int j = 0; j < in.length; j++) {
      if (inOff[j] != inOff[0]) {
        return false;
      }
      for (int k = 0; k < j; k++) {
        if (in[j] == in[k]) {
          return false;
        }
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------ Adam
  // Arrays: p, grad, exp_avg, exp_avg_sq, [max_exp_avg_sq], each updated in place. Scalars:
  // decay, beta1, 1 - beta1, beta2, 1 - beta2, sqrt(bias correction 2), eps, -step size.

  private static void adamF32(UpdatePrograms.Adam f, double[] s, Object[] a, int from, int to) {
    float[] p = (float[]) a[0];
    float[] grad = (float[]) a[1];
    float[] expAvg = (float[]) a[2];
    float[] expAvgSq = (float[]) a[3];
    float decay = (float) s[0];
    float beta1 = (float) s[1];
    float omb1 = (float) s[2];
    float beta2 = (float) s[3];
    float omb2 = (float) s[4];
    float bc2 = (float) s[5];
    float eps = (float) s[6];
    float negStep = (float) s[7];
    if (f.amsgrad() || f.maximize()) {
      adamGeneralF32(f, p, grad, expAvg, expAvgSq, f.amsgrad() ? (float[]) a[4] : null, from, to,
          decay, beta1, omb1, beta2, omb2, bc2, eps, negStep);
      return;
    }
    if (f.decoupled()) {
      for (int i = from; i < to; i++) {
        float g = grad[i];
        float pv = p[i] * decay;
        float m = expAvg[i] * beta1 + g * omb1;
        float v = expAvgSq[i] * beta2 + g * g * omb2;
        float denom = (float) Math.sqrt(v) / bc2 + eps;
        expAvg[i] = m;
        expAvgSq[i] = v;
        p[i] = pv + m / denom * negStep;
      }
    } else if (f.coupledDecay()) {
      for (int i = from; i < to; i++) {
        float pv = p[i];
        float g = grad[i] + pv * decay;
        float m = expAvg[i] * beta1 + g * omb1;
        float v = expAvgSq[i] * beta2 + g * g * omb2;
        float denom = (float) Math.sqrt(v) / bc2 + eps;
        expAvg[i] = m;
        expAvgSq[i] = v;
        p[i] = pv + m / denom * negStep;
      }
    } else {
      for (int i = from; i < to; i++) {
        float g = grad[i];
        float m = expAvg[i] * beta1 + g * omb1;
        float v = expAvgSq[i] * beta2 + g * g * omb2;
        float denom = (float) Math.sqrt(v) / bc2 + eps;
        expAvg[i] = m;
        expAvgSq[i] = v;
        p[i] = p[i] + m / denom * negStep;
      }
    }
  }

  /** Every option, amsgrad and maximize included: the steps of the program one by one. */
  private static void adamGeneralF32(UpdatePrograms.Adam f, float[] p, float[] grad,
      float[] expAvg, float[] expAvgSq, float[] max, int from, int to, float decay, float beta1,
      float omb1, float beta2, float omb2, float bc2, float eps, float negStep) {
    for (int i = from; i < to; i++) {
      float g = f.maximize() ? -grad[i] : grad[i];
      float pv = p[i];
      if (f.decoupled()) {
        pv = pv * decay;
      } else if (f.coupledDecay()) {
        g = g + pv * decay;
      }
      float m = expAvg[i] * beta1 + g * omb1;
      float v = expAvgSq[i] * beta2 + g * g * omb2;
      float second = v;
      if (f.amsgrad()) {
        second = Math.max(max[i], v);
        max[i] = second;
      }
      float denom = (float) Math.sqrt(second) / bc2 + eps;
      expAvg[i] = m;
      expAvgSq[i] = v;
      p[i] = pv + m / denom * negStep;
    }
  }

  private static void adamF64(UpdatePrograms.Adam f, double[] s, Object[] a, int from, int to) {
    double[] p = (double[]) a[0];
    double[] grad = (double[]) a[1];
    double[] expAvg = (double[]) a[2];
    double[] expAvgSq = (double[]) a[3];
    double[] max = f.amsgrad() ? (double[]) a[4] : null;
    for (int i = from; i < to; i++) {
      double g = f.maximize() ? -grad[i] : grad[i];
      double pv = p[i];
      if (f.decoupled()) {
        pv = pv * s[0];
      } else if (f.coupledDecay()) {
        g = g + pv * s[0];
      }
      double m = expAvg[i] * s[1] + g * s[2];
      double v = expAvgSq[i] * s[3] + g * g * s[4];
      double second = v;
      if (f.amsgrad()) {
        second = Math.max(max[i], v);
        max[i] = second;
      }
      double denom = Math.sqrt(second) / s[5] + s[6];
      expAvg[i] = m;
      expAvgSq[i] = v;
      p[i] = pv + m / denom * s[7];
    }
  }

  // ------------------------------------------------------------------------------------- SGD
  // Arrays: p, grad, [momentum_buffer], updated in place. Scalars: weight_decay, momentum,
  // 1 - dampening, -lr.

  private static void sgdF32(UpdatePrograms.Sgd f, double[] s, Object[] a, int from, int to) {
    float[] p = (float[]) a[0];
    float[] grad = (float[]) a[1];
    float[] buf = f.momentum() ? (float[]) a[2] : null;
    float weightDecay = (float) s[0];
    float momentum = (float) s[1];
    float omd = (float) s[2];
    float negLr = (float) s[3];
    if (!f.maximize() && !f.decay() && !f.nesterov()) {
      if (!f.momentum()) {
        for (int i = from; i < to; i++) {
          p[i] = p[i] + grad[i] * negLr;
        }
        return;
      }
      if (!f.first()) {
        for (int i = from; i < to; i++) {
          float b = buf[i] * momentum + grad[i] * omd;
          buf[i] = b;
          p[i] = p[i] + b * negLr;
        }
        return;
      }
    }
    for (int i = from; i < to; i++) {
      float d = f.maximize() ? -grad[i] : grad[i];
      float pv = p[i];
      if (f.decay()) {
        d = d + pv * weightDecay;
      }
      if (f.momentum()) {
        float b = f.first() ? d : buf[i] * momentum + d * omd;
        buf[i] = b;
        d = f.nesterov() ? d + b * momentum : b;
      }
      p[i] = pv + d * negLr;
    }
  }

  private static void sgdF64(UpdatePrograms.Sgd f, double[] s, Object[] a, int from, int to) {
    double[] p = (double[]) a[0];
    double[] grad = (double[]) a[1];
    double[] buf = f.momentum() ? (double[]) a[2] : null;
    for (int i = from; i < to; i++) {
      double d = f.maximize() ? -grad[i] : grad[i];
      double pv = p[i];
      if (f.decay()) {
        d = d + pv * s[0];
      }
      if (f.momentum()) {
        double b = f.first() ? d : buf[i] * s[1] + d * s[2];
        buf[i] = b;
        d = f.nesterov() ? d + b * s[1] : b;
      }
      p[i] = pv + d * s[3];
    }
  }
}
