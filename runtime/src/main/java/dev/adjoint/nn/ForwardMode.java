package dev.adjoint.nn;

/**
 * How {@link Module#call} runs a layer's {@code @Forward} method: through the generated forward
 * and backward (the default), or, in <em>eager</em> mode, as the method's own body, op by op,
 * each op on a tracked tensor recording its own graph node. Eager mode is for debugging: a
 * breakpoint inside {@code forward} is then hit during training, like {@code set_trace()} in a
 * PyTorch notebook. Gradients are the same in both modes; eager mode is slower and keeps more
 * memory for the backward.
 *
 * <p>The switch is the system property {@code adjoint.eager} ({@code -Dadjoint.eager=true} on
 * the command line), read at every call; {@link #setEager(boolean)} sets that property. It is
 * global to the JVM, for every thread.
 */
public final class ForwardMode {
  /** The system property that switches eager mode on ({@code true}) or off. */
  public static final String PROPERTY = "adjoint.eager";

  private ForwardMode() {}

  /** Whether {@link Module#call} runs {@code @Forward} bodies as written. */
  public static boolean isEager() {
    return Boolean.getBoolean(PROPERTY);
  }

  /**
   * Switches eager mode on or off for the whole JVM, by setting the system property
   * {@value #PROPERTY}.
   */
  public static void setEager(boolean eager) {
    System.setProperty(PROPERTY, Boolean.toString(eager));
  }
}
