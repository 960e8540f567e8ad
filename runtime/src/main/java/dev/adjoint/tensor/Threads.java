package dev.adjoint.tensor;

/**
 * How many threads the CPU backend splits an op's work over: {@code torch.set_num_threads} and
 * {@code torch.get_num_threads}.
 *
 * <p>The count starts at the system property {@code adjoint.threads} when it is set (run with
 * {@code -Dadjoint.threads=2}), else at {@link Runtime#availableProcessors()}. The property is
 * read once, at the first use of this class's count (the first large op or a call here); a value
 * that is not a positive integer makes that use fail with an error naming the property.
 *
 * <p>With {@code n} threads a large op runs on the calling thread and on {@code n - 1} daemon
 * threads of Adjoint's own pool, named {@code adjoint-cpu-<i>} (never the common fork-join pool,
 * so the application's parallel streams and Adjoint do not queue behind each other). With 1,
 * every op runs on the calling thread and the pool is shut down. Results of elementwise ops,
 * matrix products and reductions do not depend on the count: work is split over output
 * elements or rows, each computed the same way whatever the split. The weight gradient of a
 * convolution, which adds per-thread partial sums, may differ in the last bits.
 *
 * <pre>{@code
 * Threads.setNumThreads(1);   // everything on the calling thread
 * int n = Threads.getNumThreads();
 * }</pre>
 */
public final class Threads {
  /** The system property that sets the starting count. */
  public static final String PROPERTY = "adjoint.threads";

  // 0 until first read; then the count in force.
  private static volatile int count;

  private Threads() {}

  /**
   * Sets the number of threads ops may use, from now on ({@code torch.set_num_threads}). Ops
   * already running keep the count they started with.
   *
   * @throws IllegalArgumentException when {@code n < 1}
   */
  public static void setNumThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "Threads.setNumThreads: the number of threads must be >= 1, got " + n);
    }
    count = n;
  }

  /**
   * The number of threads ops may use ({@code torch.get_num_threads}): the last
   * {@link #setNumThreads} value, else the {@code adjoint.threads} property, else the cores
   * available.
   *
   * @throws IllegalArgumentException when no count was set and {@code adjoint.threads} is not a
   *     positive integer
   */
  public static int getNumThreads() {
    int n = count;
    if (n == 0) {
      synchronized (Threads.class) {
        n = count;
        if (n == 0) {
          n = fromProperty(System.getProperty(PROPERTY), Runtime.getRuntime().availableProcessors());
          count = n;
        }
      }
    }
    return n;
  }

  /**
   * The count a value of the {@code adjoint.threads} property gives: {@code cores} when it is
   * null, else the positive integer it spells (surrounding blanks allowed).
   *
   * @throws IllegalArgumentException naming the property when the value is not a positive
   *     integer
   */
  static int fromProperty(String value, int cores) {
    if (value == null) {
      return Math.max(1, cores);
    }
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("System property " + PROPERTY + "=\"" + value
          + "\" is not a number of threads: expected a positive integer such as -D" + PROPERTY
          + "=2");
    }
    if (n < 1) {
      throw new IllegalArgumentException("System property " + PROPERTY + "=\"" + value
          + "\" is not a number of threads: it must be >= 1");
    }
    return n;
  }

  /** Forgets the count, so the next read takes the property again (tests only). */
  static void resetForTest() {
    count = 0;
  }
}
