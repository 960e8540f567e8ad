package dev.adjoint.autograd;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether ops record the graph, per thread. {@link #noGrad(Supplier)} is the port of
 * {@code with torch.no_grad():}
 *
 * <pre>{@code
 * Tensor y = GradMode.noGrad(() -> x.mul(x));   // y.gradFn() is null
 * GradMode.noGrad(() -> {
 *   model.eval();
 *   System.out.println(model.call(x));
 * });
 * }</pre>
 *
 * <p>The lambda forms restore the previous mode when the body returns or throws, and compile
 * without warnings under {@code -Xlint:all}. The scope forms ({@link #noGrad()},
 * {@link #enableGrad()}) suit bodies that assign several locals; javac's {@code -Xlint:try}
 * warns about their unreferenced scope variable.
 */
public final class GradMode {
  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() ->
      new boolean[] {true});

  private GradMode() {}

  /** Whether ops on this thread record the graph now. */
  public static boolean isEnabled() {
    return ENABLED.get()[0];
  }

  /**
   * Runs {@code body} with recording off and returns its result; the previous mode is restored
   * when it returns or throws. Calls nest.
   */
  public static <T> T noGrad(Supplier<T> body) {
    return call(false, body);
  }

  /**
   * Runs {@code body} with recording off; the previous mode is restored when it returns or
   * throws. Calls nest.
   */
  public static void noGrad(Runnable body) {
    run(false, body);
  }

  /**
   * Runs {@code body} with recording on ({@code torch.enable_grad()}) and returns its result;
   * the previous mode is restored when it returns or throws.
   */
  public static <T> T enableGrad(Supplier<T> body) {
    return call(true, body);
  }

  /**
   * Runs {@code body} with recording on ({@code torch.enable_grad()}); the previous mode is
   * restored when it returns or throws.
   */
  public static void enableGrad(Runnable body) {
    run(true, body);
  }

  /**
   * Turns recording off until the returned scope is closed; scopes nest. Prefer
   * {@link #noGrad(Supplier)}: {@code try (var s = GradMode.noGrad()) {...}} draws an
   * {@code -Xlint:try} warning because {@code s} is never referenced.
   */
  public static Scope noGrad() {
    return set(false);
  }

  /**
   * Turns recording on until the returned scope is closed ({@code torch.enable_grad()}). Prefer
   * {@link #enableGrad(Supplier)}.
   */
  public static Scope enableGrad() {
    return set(true);
  }

  private static <T> T call(boolean enabled, Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    boolean[] state = ENABLED.get();
    boolean previous = state[0];
    state[0] = enabled;
    try {
      return body.get();
    } finally {
      state[0] = previous;
    }
  }

  private static void run(boolean enabled, Runnable body) {
    Objects.requireNonNull(body, "body");
    boolean[] state = ENABLED.get();
    boolean previous = state[0];
    state[0] = enabled;
    try {
      body.run();
    } finally {
      state[0] = previous;
    }
  }

  private static Scope set(boolean enabled) {
    boolean[] state = ENABLED.get();
    boolean previous = state[0];
    state[0] = enabled;
    return new Scope(state, previous);
  }

  /** Restores the previous mode when closed. */
  public static final class Scope implements AutoCloseable {
    private final boolean[] state;
    private final boolean previous;
    private boolean closed;

    private Scope(boolean[] state, boolean previous) {
      this.state = state;
      this.previous = previous;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        state[0] = previous;
      }
    }
  }
}
