package dev.adjoint.tensor;

/**
 * A seedable source of random numbers for {@code rand}, {@code randn}, {@code randint} and
 * everything built on them (initialisation, dropout, shuffling). The algorithm is xoshiro256**
 * seeded through SplitMix64; its whole state can be read and restored for exact checkpoints.
 *
 * <p>One default generator serves calls that name none; {@link #manualSeed(long)} reseeds it, as
 * {@code torch.manual_seed} does. A generator is not thread-safe: give each thread its own.
 */
public final class Generator {
  private static final Generator DEFAULT = new Generator(0x5eed_ad10_1172L);

  private long s0;
  private long s1;
  private long s2;
  private long s3;
  private double spareNormal = Double.NaN;

  /** A generator seeded with {@code seed}. */
  public Generator(long seed) {
    setSeed(seed);
  }

  /** The generator used when none is given. */
  public static Generator defaultGenerator() {
    return DEFAULT;
  }

  /** Reseeds the default generator ({@code torch.manual_seed(seed)}). */
  public static void manualSeed(long seed) {
    DEFAULT.setSeed(seed);
  }

  /** Restarts this generator from {@code seed}; returns this. */
  public synchronized Generator setSeed(long seed) {
    long x = seed;
    s0 = splitMix(x += 0x9E3779B97F4A7C15L);
    s1 = splitMix(x += 0x9E3779B97F4A7C15L);
    s2 = splitMix(x += 0x9E3779B97F4A7C15L);
    s3 = splitMix(x + 0x9E3779B97F4A7C15L);
    spareNormal = Double.NaN;
    return this;
  }

  private static long splitMix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The full state (for checkpoints); {@link #setState(long[])} restores it exactly. */
  public synchronized long[] getState() {
    return new long[] {s0, s1, s2, s3, Double.doubleToRawLongBits(spareNormal)};
  }

  /** Restores a state from {@link #getState()}. */
  public synchronized void setState(long[] state) {
    if (state == null || state.length != 5) {
      throw new IllegalArgumentException("Generator.setState: expected 5 longs from getState()");
    }
    if ((state[0] | state[1] | state[2] | state[3]) == 0) {
      throw new IllegalArgumentException("Generator.setState: an all-zero state is invalid");
    }
    s0 = state[0];
    s1 = state[1];
    s2 = state[2];
    s3 = state[3];
    spareNormal = Double.longBitsToDouble(state[4]);
  }

  /** 64 random bits. */
  public synchronized long nextLong() {
    long result = Long.rotateLeft(s1 * 5, 7) * 9;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  /** Uniform in {@code [0, 1)} with 24 random bits: every float32 step is reachable. */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1p-24f;
  }

  /** Uniform in {@code [0, 1)} with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1p-53;
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  public synchronized double nextGaussian() {
    if (!Double.isNaN(spareNormal)) {
      double g = spareNormal;
      spareNormal = Double.NaN;
      return g;
    }
    double u1 = 1.0 - nextDouble(); // (0, 1]: log(u1) is finite
    double u2 = nextDouble();
    double r = Math.sqrt(-2.0 * Math.log(u1));
    spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in {@code [0, bound)} without modulo bias. */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("Generator.nextLong: bound must be positive, got " + bound);
    }
    long limit = Long.remainderUnsigned(-bound, bound); // 2^64 mod bound
    while (true) {
      long r = nextLong();
      if (Long.compareUnsigned(r, limit) >= 0) {
        return Long.remainderUnsigned(r, bound);
      }
    }
  }
}
