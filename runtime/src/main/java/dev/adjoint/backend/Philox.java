package dev.adjoint.backend;

/**
 * The counter-based random stream every backend draws from: Philox4x32-10 (Salmon, Moraes, Dror
 * and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011) and the mapping from its
 * output to values. This class is the definition; a backend must produce the same numbers (for
 * uniform, bernoulli and integer draws bit for bit; for normals up to its {@code log}, {@code sin}
 * and {@code cos}, which here are {@link StrictMath}'s, so the same on every JVM).
 *
 * <p><b>The stream.</b> A generator is a 64-bit {@code seed} and an {@code offset} counting
 * 128-bit Philox blocks. Block {@code b} is Philox4x32-10 of the counter {@code (lo32(b),
 * hi32(b), 0, 0)} under the key {@code (lo32(seed), hi32(seed))}; its four output words {@code
 * x0..x3} form two 64-bit words, {@code x1:x0} (word 0) and {@code x3:x2} (word 1).
 *
 * <p><b>A draw of {@code n} values at {@code offset}</b> covers blocks {@code offset} to {@code
 * offset + ceil(n / 2) - 1}, and value {@code i} depends only on the seed, the offset and {@code
 * i}, never on how the work is split or on which thread computes it:
 *
 * <ul>
 *   <li>uniform, bernoulli and integer value {@code i} read word {@code i % 2} of block {@code
 *       offset + i / 2};
 *   <li>normal values {@code 2j} and {@code 2j + 1} are the Box-Muller pair of block {@code offset
 *       + j} (cosine and sine branch).
 * </ul>
 *
 * <p><b>From a 64-bit word {@code w} to a value:</b> a float64 uniform is {@code (w >>> 11)
 * 2^-53}, a float32 one {@code (w >>> 40) 2^-24} (the float64 one truncated to 24 bits), both in
 * {@code [0, 1)} with every value of that grid equally likely; bernoulli({@code p}) is the float64
 * uniform {@code < p}; an integer in {@code [low, high)} is {@code low + floor(w (high - low) /
 * 2^64)}, so each of the {@code r = high - low} outcomes is hit by {@code floor(2^64 / r)} or
 * {@code ceil(2^64 / r)} words: its probability is within {@code 2^-64} of {@code 1 / r} (no
 * rejection loop, so every value keeps a fixed place in the stream).
 */
public final class Philox {
  private static final long M0 = 0xD2511F53L;
  private static final long M1 = 0xCD9E8D57L;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;
  private static final long LOW32 = 0xFFFF_FFFFL;
  private static final double TWO_PI = 2 * Math.PI;

  private Philox() {}

  /**
   * Philox4x32-10 of a full 128-bit {@code counter} (four words) under the 64-bit {@code key} (two
   * words), into {@code out} (four words), in Random123's word order. The stream uses it through
   * {@link #block}; this form exists for the published known-answer vectors.
   */
  public static void philox4x32(int[] counter, int[] key, int[] out) {
    long[] words = new long[2];
    rounds(counter[0], counter[1], counter[2], counter[3], key[0], key[1], words);
    out[0] = (int) words[0];
    out[1] = (int) (words[0] >>> 32);
    out[2] = (int) words[1];
    out[3] = (int) (words[1] >>> 32);
  }

  /** Block {@code block} of {@code seed}'s stream as two 64-bit words, into {@code out[0..1]}. */
  public static void block(long seed, long block, long[] out) {
    rounds((int) block, (int) (block >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
  }

  private static void rounds(int c0, int c1, int c2, int c3, int k0, int k1, long[] out) {
    for (int r = 0; r < 10; r++) {
      long p0 = M0 * (c0 & LOW32);
      long p1 = M1 * (c2 & LOW32);
      c0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      c1 = (int) p1;
      c2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      c3 = (int) p0;
      k0 += W0;
      k1 += W1;
    }
    out[0] = (c1 & LOW32) << 32 | (c0 & LOW32);
    out[1] = (c3 & LOW32) << 32 | (c2 & LOW32);
  }

  /** The 64-bit word that value {@code i} of a draw at {@code offset} reads (see the class doc). */
  public static long word(long seed, long offset, long i) {
    long[] w = new long[2];
    block(seed, offset + (i >>> 1), w);
    return w[(int) (i & 1)];
  }

  /** How many blocks a draw of {@code count} values advances the offset by: {@code ceil(n / 2)}. */
  public static long blocks(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("Philox.blocks: count must be non-negative, got "
          + count);
    }
    return (count >>> 1) + (count & 1);
  }

  /** A float64 uniform in {@code [0, 1)} from a word: its top 53 bits. */
  public static double uniformDouble(long word) {
    return (word >>> 11) * 0x1p-53;
  }

  /** A float32 uniform in {@code [0, 1)} from a word: its top 24 bits. */
  public static float uniformFloat(long word) {
    return (word >>> 40) * 0x1p-24f;
  }

  /**
   * An integer in {@code [0, range)} from a word, {@code range} read as unsigned (0 meaning
   * 2^64): {@code floor(word range / 2^64)}, the high half of the unsigned 128-bit product.
   */
  public static long below(long word, long range) {
    long hi = Math.multiplyHigh(word, range);
    // Math.multiplyHigh is signed; correct it to the unsigned product's high half.
    return hi + ((word >> 63) & range) + ((range >> 63) & word);
  }

  /**
   * A standard normal from the block's two words: {@code normalRadius(word0)} times {@code
   * cos(normalAngle(word1))} ({@code second} false) or {@code sin(normalAngle(word1))} ({@code
   * second} true).
   */
  public static double normal(long word0, long word1, boolean second) {
    double theta = normalAngle(word1);
    return normalRadius(word0) * (second ? StrictMath.sin(theta) : StrictMath.cos(theta));
  }

  /**
   * Box-Muller's radius {@code sqrt(-2 ln(1 - u))} of the word's float64 uniform {@code u} ({@code
   * 1 - u} lies in {@code (0, 1]}, so the logarithm is finite).
   */
  public static double normalRadius(long word0) {
    // log(1) = 0 gives -2 * 0 = -0.0; adding +0.0 makes that radius +0.0.
    return StrictMath.sqrt(-2 * StrictMath.log(1 - uniformDouble(word0)) + 0.0);
  }

  /** Box-Muller's angle {@code 2 pi u} of the word's float64 uniform {@code u}. */
  public static double normalAngle(long word1) {
    return TWO_PI * uniformDouble(word1);
  }
}
