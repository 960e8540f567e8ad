package dev.adjoint.nn;

import dev.adjoint.autograd.SavedValues;
import dev.adjoint.tensor.Tensor;
import java.util.function.Consumer;

/**
 * What the annotation processor generates for each {@code @Layer} class ({@code <Layer>_Adjoint}):
 * its parameter registry and its tracked entry point. Bindings are found through
 * {@link java.util.ServiceLoader} (the processor writes the service entry), never by reflection
 * on fields.
 *
 * @param <L> the layer class
 */
public interface LayerBinding<L extends Module> {
  /** The layer class this binding serves. */
  Class<L> layerType();

  /**
   * Visits the layer's own parameters, buffers and sub-layers, in declaration order; sub-layers in
   * a list are visited as {@code name.0}, {@code name.1}, ...
   */
  void visit(L layer, Visitor visitor);

  /**
   * Runs the layer's {@code @Forward} method on {@code args} through the generated code: the
   * result carries one graph node whose backward is the generated backward.
   *
   * @throws IllegalArgumentException when the layer has no single-tensor-list forward matching
   *     {@code args}
   */
  Tensor call(L layer, Tensor... args);

  /**
   * Runs the layer's {@code @Forward} method itself, as written, on {@code args}: each op on a
   * tracked tensor records its own graph node, and a breakpoint inside the method is hit. What
   * {@link Module#call} does under {@link ForwardMode#isEager()}; gradients are those of
   * {@link #call}.
   *
   * @throws IllegalArgumentException as {@link #call} does
   */
  Tensor callEager(L layer, Tensor... args);

  /**
   * A fresh holder for what the backward of {@link #forward(Module, Tensor[], SavedValues)}
   * needs.
   */
  SavedValues newSaved();

  /**
   * The generated forward of the layer's tensor-only {@code @Forward} method, without recording a
   * graph node, keeping in {@code saved} (from {@link #newSaved()}) what its backward needs. For
   * generated code that calls a layer whose class is known only at run time (a {@code Sequential}
   * of {@code Module}s).
   */
  Tensor forward(L layer, Tensor[] args, SavedValues saved);

  /** The generated backward of such a call: the gradient of each tensor input, in order. */
  Tensor[] backward(L layer, SavedValues saved, Tensor g);

  /** Receives the entries of a layer's registry. */
  interface Visitor {
    /** A {@code @Param} field: its name, current value and a setter. */
    void parameter(String name, Tensor value, Consumer<Tensor> set);

    /** A {@code @Buffer} field. */
    void buffer(String name, Tensor value, boolean persistent, Consumer<Tensor> set);

    /** A sub-layer (a field, or an element of a list field). */
    void child(String name, Module child);
  }
}
