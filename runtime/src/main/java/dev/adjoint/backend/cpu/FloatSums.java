package dev.adjoint.backend.cpu;

/**
 * The steps of {@link DenseMath#FLOAT_SUM_ORDER} that both implementations share: the per-thread
 * counter that combines the chunks' 16 lanes pairwise, and the combination across the lanes.
 */
final class FloatSums {
  /** Lanes a chunk is folded to. */
  static final int LANES = 16;

  /**
   * Counter levels: one per bit of the chunk count of a segment ({@link Reductions#SEGMENT} /
   * {@link Reductions#CHUNK} = 64 chunks: 7 bits), or of any {@code int}-sized row (21 bits),
   * plus one for the short chunk.
   */
  private static final int LEVELS = 23;

  private static final ThreadLocal<double[]> COUNTER =
      ThreadLocal.withInitial(() -> new double[LANES * LEVELS]);

  private FloatSums() {}

  /** This thread's counter, {@link #LANES} doubles a level (a sum uses it only while it runs). */
  static double[] counter() {
    return COUNTER.get();
  }

  /**
   * Pushes the chunk whose lanes were just written at level {@code top} (the {@code count}-th
   * full chunk, from 0) onto the counter: merges it with each complete pair below it, older
   * level plus newer, and returns the new top.
   */
  static int push(double[] levels, int top, int count) {
    for (int k = count; (k & 1) == 1; k >>= 1) {
      top--;
      for (int l = 0; l < LANES; l++) {
        levels[LANES * top + l] += levels[LANES * (top + 1) + l];
      }
    }
    return top + 1;
  }

  /**
   * Adds the counter's {@code top} levels, newest first, onto the short chunk's lanes written at
   * level {@code top}, and returns their index in {@code levels}.
   */
  static int fold(double[] levels, int top) {
    int at = LANES * top;
    while (top > 0) {
      top--;
      for (int l = 0; l < LANES; l++) {
        levels[at + l] = levels[LANES * top + l] + levels[at + l];
      }
    }
    return at;
  }

  /**
   * {@code u[k] = w[k] + w[8 + k]}, {@code t[l] = u[l] + u[4 + l]}, {@code (t[0] + t[1]) + (t[2]
   * + t[3])} of the 16 lanes {@code w} at {@code w[at, at + 16)}.
   */
  static double acrossLanes(double[] w, int at) {
    double t0 = (w[at] + w[at + 8]) + (w[at + 4] + w[at + 12]);
    double t1 = (w[at + 1] + w[at + 9]) + (w[at + 5] + w[at + 13]);
    double t2 = (w[at + 2] + w[at + 10]) + (w[at + 6] + w[at + 14]);
    double t3 = (w[at + 3] + w[at + 11]) + (w[at + 7] + w[at + 15]);
    return (t0 + t1) + (t2 + t3);
  }
}
