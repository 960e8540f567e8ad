package dev.adjoint.tensor;

import dev.adjoint.backend.Philox;

/**
 * A seedable source of random numbers for {@code rand}, {@code randn}, {@code randint} and
 * everything built on them (initialisation, dropout masks, shuffling, random splits).
 *
 * <p><b>One seed gives the same numbers on every device and any thread count.</b> A generator
 * is a position in a counter-based stream, Philox4x32-10 (see {@link Philox} for the exact
 * definition): a 64-bit {@linkplain #initialSeed() seed} and an {@linkplain #offset() offset}
 * counting the stream's 128-bit blocks, as PyTorch's CUDA generator keeps a seed and a Philox
 * offset. A draw does not run the generator forward value by value: it {@linkplain #reserve
 * reserves} the blocks it needs and hands the seed and its starting offset to the backend, whose
 * kernels compute value {@code i} from the seed, that offset and {@code i} alone. So the numbers
 * do not depend on how a fill is split over threads or which device computes it (uniform,
 * bernoulli and integer draws bit for bit; normals up to a device's {@code log}, {@code sin} and
 * {@code cos}). PyTorch does not promise this; Adjoint tests it.
 *
 * <p><b>How far each draw moves the offset:</b> a draw of {@code n} values (a tensor of {@code
 * n} elements from {@code rand}, {@code randn}, {@code randint}, a dropout mask, an {@code Init}
 * fill) advances it by {@code ceil(n / 2)}; a single value ({@link #nextLong()}, {@link
 * #nextDouble()}, {@link #nextGaussian()}, ...) by 1; a permutation of {@code n} items by {@code
 * ceil((n - 1) / 2)}. The same seed therefore gives different numbers than PyTorch's for the same
 * calls; the distributions are the same.
 *
 * <p>One default generator serves calls that name none; {@link #manualSeed(long)} reseeds it, as
 * {@code torch.manual_seed} does. The state ({@link #getState()}, saved in checkpoints) is the
 * seed and the offset. Methods are synchronized, but threads that share a generator draw in an
 * order they do not control: give each thread its own for reproducible results.
 */
public final class Generator {
  /** First long of every state: marks a Philox4x32-10 (seed, offset) state, format 1. */
  private static final long STATE_TAG = 0x5048_494C_4F58_0001L; // "PHILOX" 0001

  /** Number of longs in {@link #getState()}. */
  public static final int STATE_LENGTH = 3;

  private static final Generator DEFAULT = new Generator(0x5eed_ad10_1172L);

  private long seed;
  private long offset;

  /** A generator at the start of {@code seed}'s stream. */
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

  /** Restarts this generator at the start of {@code seed}'s stream (offset 0); returns this. */
  public synchronized Generator setSeed(long seed) {
    this.seed = seed;
    this.offset = 0;
    return this;
  }

  /** The seed of the stream this generator walks ({@code Generator.initial_seed()}). */
  public synchronized long initialSeed() {
    return seed;
  }

  /** How many 128-bit blocks of the stream have been drawn ({@code Generator.get_offset()}). */
  public synchronized long offset() {
    return offset;
  }

  /**
   * Reserves the blocks for a draw of {@code count} values: returns the offset the draw starts at
   * and advances this generator by {@code ceil(count / 2)} blocks. Pass {@link #initialSeed()}
   * and the returned offset to a backend's random fill.
   *
   * @throws IllegalArgumentException when {@code count} is negative
   */
  public synchronized long reserve(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("Generator.reserve: count must be non-negative, got "
          + count);
    }
    long start = offset;
    offset += Philox.blocks(count);
    return start;
  }

  /**
   * The full state, {@code {tag, seed, offset}} ({@code torch.Generator.get_state}); {@link
   * #setState(long[])} restores it exactly. Checkpoints store it.
   */
  public synchronized long[] getState() {
    return new long[] {STATE_TAG, seed, offset};
  }

  /**
   * Restores a state from {@link #getState()}.
   *
   * @throws IllegalArgumentException when {@code state} is not one
   */
  public synchronized void setState(long[] state) {
    if (state == null || state.length != STATE_LENGTH) {
      throw new IllegalArgumentException("Generator.setState: expected " + STATE_LENGTH
          + " longs from getState(), got " + (state == null ? "null" : state.length
              + (state.length == 5 ? " (a state of the xoshiro256** generator of an earlier"
                  + " Adjoint, which this one cannot continue)" : "")));
    }
    if (state[0] != STATE_TAG) {
      throw new IllegalArgumentException("Generator.setState: not a Philox4x32-10 generator state"
          + " (its first long is 0x" + Long.toHexString(state[0]) + ", expected 0x"
          + Long.toHexString(STATE_TAG) + ")");
    }
    if (state[2] < 0) {
      throw new IllegalArgumentException("Generator.setState: the offset must be non-negative,"
          + " got " + state[2]);
    }
    seed = state[1];
    offset = state[2];
  }

  /** The first word of a fresh block (a single value takes a block of its own). */
  private synchronized long nextWord() {
    long[] w = new long[2];
    Philox.block(seed, reserve(1), w);
    return w[0];
  }

  /** 64 random bits. */
  public long nextLong() {
    return nextWord();
  }

  /** Uniform in {@code [0, 1)} with 24 random bits: every float32 step is reachable. */
  public float nextFloat() {
    return Philox.uniformFloat(nextWord());
  }

  /** Uniform in {@code [0, 1)} with 53 random bits. */
  public double nextDouble() {
    return Philox.uniformDouble(nextWord());
  }

  /** Standard normal (Box-Muller's cosine branch of a fresh block). */
  public synchronized double nextGaussian() {
    long[] w = new long[2];
    Philox.block(seed, reserve(1), w);
    return Philox.normal(w[0], w[1], false);
  }

  /**
   * Uniform integer in {@code [0, bound)}: {@code floor(w bound / 2^64)} of 64 random bits
   * {@code w}, so each outcome's probability is within {@code 2^-64} of {@code 1 / bound}.
   */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("Generator.nextLong: bound must be positive, got "
          + bound);
    }
    return Philox.below(nextWord(), bound);
  }
}
