package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Philox;
import dev.adjoint.tensor.DType;

/**
 * The random fills of the CPU backend: elements {@code [start, start + count)} of a storage get
 * values {@code 0 .. count - 1} of a draw from the {@link Philox} stream. Value {@code i} depends
 * only on the seed, the offset and {@code i}, so the fill is split into chunks of whole blocks and
 * run on as many threads as {@link Parallel} gives, with the same result for any split.
 */
final class RandomFill {
  /** Elements per chunk below which a fill is not worth splitting (a block costs ~10 ns). */
  static final long GRAIN = 1 << 14;

  private RandomFill() {}

  /** One chunk {@code [from, to)} of a draw; {@code w} is the chunk's two-word scratch block. */
  private interface Chunk {
    void run(int from, int to, long[] w);
  }

  /** The number of chunks a fill of {@code count} values is split into by default. */
  static int defaultChunks(long count) {
    return Parallel.chunks(count, GRAIN);
  }

  /** Runs {@code body} over {@code [0, count)} in {@code chunks} pieces starting at even values. */
  private static void split(int count, int chunks, Chunk body) {
    if (count == 0) {
      return;
    }
    int per = (int) Math.min(count, ((long) count + chunks - 1) / chunks);
    per += per & 1; // each chunk starts on a block boundary, so no block is computed twice
    int per2 = per;
    int n = (count + per - 1) / per;
    Parallel.forEach(n, n > 1, c -> {
      int from = c * per2;
      body.run(from, Math.min(count, from + per2), new long[2]);
    });
  }

  static void uniform(CpuStorage dst, int start, int count, long seed, long offset, double low,
      double high, int chunks) {
    switch (dst.dtype()) {
      case FLOAT32 -> {
        float[] a = dst.floats();
        boolean unit = low == 0 && high == 1; // rand(): the 24-bit grid itself, no arithmetic
        float lf = (float) low;
        float hf = (float) high;
        split(count, chunks, (from, to, w) -> {
          for (int i = from; i < to; i++) {
            if (i == from || (i & 1) == 0) {
              Philox.block(seed, offset + (i >>> 1), w);
            }
            float u = Philox.uniformFloat(w[i & 1]);
            a[start + i] = unit ? u : clampBelow((float) (low + (high - low) * u), lf, hf);
          }
        });
      }
      case FLOAT64 -> {
        double[] a = dst.doubles();
        split(count, chunks, (from, to, w) -> {
          for (int i = from; i < to; i++) {
            if (i == from || (i & 1) == 0) {
              Philox.block(seed, offset + (i >>> 1), w);
            }
            double v = low + (high - low) * Philox.uniformDouble(w[i & 1]);
            a[start + i] = v >= high && high > low ? Math.nextDown(high) : v;
          }
        });
      }
      default -> throw unsupported("randomUniform", dst);
    }
  }

  /** Keeps a rounded {@code low + (high - low) u} inside {@code [low, high)}. */
  private static float clampBelow(float v, float low, float high) {
    return v >= high && high > low ? Math.nextDown(high) : v;
  }

  static void normal(CpuStorage dst, int start, int count, long seed, long offset, double mean,
      double std, int chunks) {
    if (!dst.dtype().isFloatingPoint()) {
      throw unsupported("randomNormal", dst);
    }
    boolean f32 = dst.dtype() == DType.FLOAT32;
    float[] af = f32 ? dst.floats() : null;
    double[] ad = f32 ? null : dst.doubles();
    split(count, chunks, (from, to, w) -> {
      double radius = 0;
      double angle = 0;
      for (int i = from; i < to; i++) {
        if (i == from || (i & 1) == 0) {
          Philox.block(seed, offset + (i >>> 1), w);
          radius = Philox.normalRadius(w[0]);
          angle = Philox.normalAngle(w[1]);
        }
        double z = radius * ((i & 1) == 0 ? StrictMath.cos(angle) : StrictMath.sin(angle));
        double v = mean + std * z;
        if (f32) {
          af[start + i] = (float) v;
        } else {
          ad[start + i] = v;
        }
      }
    });
  }

  static void bernoulli(CpuStorage dst, int start, int count, long seed, long offset, double p,
      int chunks) {
    split(count, chunks, (from, to, w) -> {
      for (int i = from; i < to; i++) {
        if (i == from || (i & 1) == 0) {
          Philox.block(seed, offset + (i >>> 1), w);
        }
        boolean one = Philox.uniformDouble(w[i & 1]) < p;
        switch (dst.dtype()) {
          case FLOAT32 -> dst.floats()[start + i] = one ? 1f : 0f;
          case FLOAT64 -> dst.doubles()[start + i] = one ? 1d : 0d;
          case INT64 -> dst.longs()[start + i] = one ? 1L : 0L;
          case BOOL -> dst.bools()[start + i] = one;
        }
      }
    });
  }

  static void integers(CpuStorage dst, int start, int count, long seed, long offset, long low,
      long high, int chunks) {
    if (dst.dtype() == DType.BOOL) {
      throw unsupported("randomInt", dst);
    }
    long range = high - low; // unsigned: up to 2^64 - 1
    split(count, chunks, (from, to, w) -> {
      for (int i = from; i < to; i++) {
        if (i == from || (i & 1) == 0) {
          Philox.block(seed, offset + (i >>> 1), w);
        }
        long v = low + Philox.below(w[i & 1], range);
        switch (dst.dtype()) {
          case FLOAT32 -> dst.floats()[start + i] = v;
          case FLOAT64 -> dst.doubles()[start + i] = v;
          default -> dst.longs()[start + i] = v;
        }
      }
    });
  }

  private static IllegalArgumentException unsupported(String op, CpuStorage dst) {
    return new IllegalArgumentException(op + ": cannot fill a " + dst.dtype() + " storage"
        + (op.equals("randomInt") ? " (int64 or floating expected)" : " (floating expected)"));
  }
}
