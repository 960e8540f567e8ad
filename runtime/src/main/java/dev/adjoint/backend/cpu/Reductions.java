package dev.adjoint.backend.cpu;

import dev.adjoint.backend.ReduceOp;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;

/**
 * Reductions over the inner axis of a contiguous {@code [outer, inner]} block. Floating rows are
 * accumulated in double and rounded once to the output dtype; int64 rows stay exact.
 */
final class Reductions {
  private Reductions() {}

  static void reduce(ReduceOp op, Tensor src, int outer, int inner, Tensor values,
      Tensor indices, double param) {
    CpuStorage in = CpuBackend.storage(src);
    CpuStorage out = CpuBackend.storage(values);
    long[] idx = indices == null ? null : CpuBackend.storage(indices).longs();
    int so = src.storageOffset();
    int vo = values.storageOffset();
    int io = indices == null ? 0 : indices.storageOffset();
    boolean parallel = Parallel.chunks((long) outer * inner, StridedLoop.GRAIN) > 1 && outer > 1;
    if (src.dtype().isFloatingPoint()) {
      ThreadLocal<double[]> rows = ThreadLocal.withInitial(() -> new double[inner]);
      Parallel.forEach(outer, parallel, r -> {
        double[] row = rows.get();
        int base = so + r * inner;
        if (src.dtype() == DType.FLOAT32) {
          float[] a = in.floats();
          for (int i = 0; i < inner; i++) {
            row[i] = a[base + i];
          }
        } else {
          System.arraycopy(in.doubles(), base, row, 0, inner);
        }
        double[] result = reduceRow(op, row, inner, param);
        out.setDouble(vo + r, result[0]);
        if (idx != null) {
          idx[io + r] = (long) result[1];
        }
      });
    } else {
      long[] a = in.longs();
      Parallel.forEach(outer, parallel, r -> {
        int base = so + r * inner;
        long acc;
        long at = 0;
        switch (op) {
          case SUM -> {
            acc = 0;
            for (int i = 0; i < inner; i++) {
              acc += a[base + i];
            }
          }
          case PROD -> {
            acc = 1;
            for (int i = 0; i < inner; i++) {
              acc *= a[base + i];
            }
          }
          case MAX, MIN -> {
            acc = a[base];
            for (int i = 1; i < inner; i++) {
              long v = a[base + i];
              if (op == ReduceOp.MAX ? v > acc : v < acc) {
                acc = v;
                at = i;
              }
            }
          }
          default -> throw new IllegalStateException(op + " is not defined for int64");
        }
        out.setLong(vo + r, acc);
        if (idx != null) {
          idx[io + r] = at;
        }
      });
    }
  }

  /** {value, index} of one row. */
  private static double[] reduceRow(ReduceOp op, double[] row, int n, double param) {
    switch (op) {
      case SUM:
        return new double[] {sum(row, n), 0};
      case MEAN:
        return new double[] {sum(row, n) / n, 0};
      case PROD: {
        double p = 1;
        for (int i = 0; i < n; i++) {
          p *= row[i];
        }
        return new double[] {p, 0};
      }
      case MAX:
      case MIN: {
        double best = row[0];
        int at = 0;
        boolean max = op == ReduceOp.MAX;
        for (int i = 1; i < n && !Double.isNaN(best); i++) {
          double v = row[i];
          if (Double.isNaN(v) || (max ? v > best : v < best)) {
            best = v;
            at = i;
          }
        }
        return new double[] {best, at};
      }
      case VAR: {
        double mean = sum(row, n) / n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
          double d = row[i] - mean;
          ss += d * d;
        }
        // As PyTorch: divide by max(0, n - correction), so too few elements give inf (or NaN
        // when every deviation is zero), never a silent NaN for a nonzero spread.
        double dof = Math.max(0, n - param);
        return new double[] {ss / dof, 0};
      }
      case LOGSUMEXP: {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          m = Math.max(m, row[i]);
        }
        if (Double.isInfinite(m) || Double.isNaN(m)) {
          // All -inf gives -inf; any +inf gives +inf; NaN propagates. Shifting by m would give NaN.
          return new double[] {n == 0 ? Double.NEGATIVE_INFINITY : sumExpUnshifted(row, n, m), 0};
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += Math.exp(row[i] - m);
        }
        return new double[] {m + Math.log(s), 0};
      }
      default:
        throw new IllegalStateException(String.valueOf(op));
    }
  }

  private static double sumExpUnshifted(double[] row, int n, double max) {
    if (Double.isNaN(max)) {
      return Double.NaN;
    }
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(row[i])) {
        return Double.NaN;
      }
    }
    return max;
  }

  /** Pairwise (cascade) summation: error grows with log n, not n. */
  private static double sum(double[] row, int n) {
    return sum(row, 0, n);
  }

  private static double sum(double[] a, int from, int to) {
    int n = to - from;
    if (n <= 64) {
      double s = 0;
      for (int i = from; i < to; i++) {
        s += a[i];
      }
      return s;
    }
    int mid = from + n / 2;
    return sum(a, from, mid) + sum(a, mid, to);
  }
}
