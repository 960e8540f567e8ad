package dev.adjoint.nn;

import dev.adjoint.autograd.SavedValues;
import dev.adjoint.tensor.Tensor;

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
    saved.needInputs(needs);
    Tensor out = binding.callSaving(layer, args, saved);
    return new DynamicCall(layer, binding, saved, out);
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
