package dev.adjoint.autograd;

/**
 * Whether ops record the graph, per thread. {@link #noGrad()} is the port of
 * {@code with torch.no_grad():}
 *
 * <pre>{@code
 * try (var scope = GradMode.noGrad()) {
 *   Tensor y = x.mul(x);        // y.gradFn() is null
 * }
 * }</pre>
 */
public final class GradMode {
  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() ->
      new boolean[] {true});

  private GradMode() {}

  /** Whether ops on this thread record the graph now. */
  public static boolean isEnabled() {
    return ENABLED.get()[0];
  }

  /** Turns recording off until the returned scope is closed; scopes nest. */
  public static Scope noGrad() {
    return set(false);
  }

  /** Turns recording on until the returned scope is closed ({@code torch.enable_grad()}). */
  public static Scope enableGrad() {
    return set(true);
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
