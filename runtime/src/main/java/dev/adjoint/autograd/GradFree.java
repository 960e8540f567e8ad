package dev.adjoint.autograd;

import dev.adjoint.tensor.Tensor;
import java.lang.ref.WeakReference;

/**
 * Which tensor no gradient can flow through: the output of the last layer forward on this
 * thread whose inputs needed no gradient and whose layer has no parameter that requires one
 * (a {@code Flatten} of a batch, say). Generated code calls it: a layer's forward asks for no
 * gradient of an input that {@link #holds}, so {@code Sequential(Flatten, Linear, ...)} on a
 * batch does not compute the first Linear's input gradient (its caller, knowing only that the
 * argument is not its own input, asked for it), and marks its own output with
 * {@link #passing}.
 *
 * <p>A mark covers one tensor, the latest, per thread (a chain of layers hands it on), and only
 * while that tensor is unwritten (its version then) and not made a leaf that wants a gradient.
 */
public final class GradFree {
  private GradFree() {}

  private record Mark(WeakReference<Tensor> out, int version) {}

  private static final ThreadLocal<Mark> LAST = new ThreadLocal<>();

  /**
   * Whether {@code t} is the thread's latest gradient-free output, unwritten since and not
   * made a leaf that wants a gradient.
   */
  public static boolean holds(Tensor t) {
    Mark m = LAST.get();
    return m != null && t != null && m.out().get() == t && t.version() == m.version()
        && !t.requiresGrad();
  }

  /**
   * Returns {@code out}, marked gradient-free first unless {@code needed} (an input needed a
   * gradient, or the layer has a parameter that requires one).
   */
  public static Tensor passing(Tensor out, boolean needed) {
    if (!needed && out != null) {
      LAST.set(new Mark(new WeakReference<>(out), out.version()));
    }
    return out;
  }
}
