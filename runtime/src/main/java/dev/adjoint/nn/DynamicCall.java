package dev.adjoint.nn;

import dev.adjoint.autograd.SavedValues;
import dev.adjoint.tensor.Tensor;
import java.lang.ref.WeakReference;

/**
 * A call of a layer whose class generated code knows only as {@link Module} (the elements of a
 * {@code Sequential}): runs the layer's generated forward through its binding and keeps what that
 * layer's generated backward needs. Generated code uses it; users call {@link Module#call}.
 */
public final class DynamicCall {
  private final Module layer;
  private final LayerBinding<Module> binding;
  private final SavedValues saved;
  private final Tensor out;

  private DynamicCall(Module layer, LayerBinding<Module> binding, SavedValues saved, Tensor out) {
    this.layer = layer;
    this.binding = binding;
    this.saved = saved;
    this.out = out;
  }

  /** Runs {@code layer} on {@code args} without recording a graph node. */
  public static DynamicCall forwardSaving(Module layer, Tensor... args) {
    boolean[] all = new boolean[args.length];
    java.util.Arrays.fill(all, true);
    return forwardSaving(layer, all, args);
  }

  /**
   * Runs {@code layer} on {@code args} without recording a graph node; its backward returns
   * gradients only for the inputs flagged in {@code needs}.
   */
  @SuppressWarnings("unchecked")
  public static DynamicCall forwardSaving(Module layer, boolean[] needs, Tensor... args) {
    LayerBinding<Module> binding = (LayerBinding<Module>) Bindings.of(layer.getClass());
    SavedValues saved = binding.newSaved();
    // An argument that is the gradient-free output of the previous call on this thread (and not
    // written since) needs no gradient, whatever the caller could tell: the caller's flag for a
    // local is true unless the local is its own input, so Sequential(Flatten, Linear) asked
    // Linear for the gradient of Flatten's output of an input that wants none (a 128x784x256
    // product per step for nothing).
    GradFree free = GRAD_FREE.get();
    boolean[] need = needs.clone();
    boolean any = false;
    for (int i = 0; i < need.length; i++) {
      if (need[i] && free != null && free.holds(args[i])) {
        need[i] = false;
      }
      any |= need[i];
    }
    saved.needInputs(need);
    Tensor out = binding.callSaving(layer, args, saved);
    if (!any && out != null && !layer.recordsGradients()) {
      // No gradient reaches this output from anything that wants one.
      GRAD_FREE.set(new GradFree(new WeakReference<>(out), out.version()));
    }
    return new DynamicCall(layer, binding, saved, out);
  }

  /**
   * The output of the last call on this thread that no gradient can flow through (none of its
   * inputs needed one, and its layer has no parameter that requires one), and its version then:
   * a later in-place write (of a parameter's value, say) voids it, and so does
   * {@code requiresGrad_(true)} on it.
   */
  private static final ThreadLocal<GradFree> GRAD_FREE = new ThreadLocal<>();

  private record GradFree(WeakReference<Tensor> out, int version) {
    /** Whether {@code t} is that output, unwritten since, and not made a leaf that wants one. */
    boolean holds(Tensor t) {
      return t != null && out.get() == t && t.version() == version && !t.requiresGrad();
    }
  }

  /** The layer's output. */
  public Tensor out() {
    return out;
  }

  /** The gradient of each tensor input, given the gradient of the output. */
  public Tensor[] backward(Tensor g) {
    return binding.backward(layer, saved, g);
  }
}
