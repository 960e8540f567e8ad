package dev.adjoint.nn;

import dev.adjoint.autograd.SavedValues;
import dev.adjoint.tensor.Tensor;
import java.util.Map;
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
   * A fresh holder for what the backward of {@link #callSaving(Module, Tensor[], SavedValues)}
   * needs.
   */
  SavedValues newSaved();

  /**
   * The generated forward of the layer's tensor-only {@code @Forward} method, without recording a
   * graph node, keeping in {@code saved} (from {@link #newSaved()}) what its backward needs. For
   * generated code that calls a layer whose class is known only at run time (a {@code Sequential}
   * of {@code Module}s).
   */
  Tensor callSaving(L layer, Tensor[] args, SavedValues saved);

  /** The generated backward of such a call: the gradient of each tensor input, in order. */
  Tensor[] backward(L layer, SavedValues saved, Tensor g);

  /**
   * Why the processor generated no configuration for this layer (a clause such as "the argument
   * 'width' of Block(int width) is kept in no field of the same name"), or null when
   * {@link #config} and {@link #fromConfig} are generated. Not asked of a layer that implements
   * {@link Configurable}, which writes its own.
   */
  default String configProblem() {
    return "its generated code has no configuration; recompile it with the Adjoint processor of"
        + " this runtime";
  }

  /**
   * The arguments of the layer's constructor, read back from its fields, by parameter name: the
   * configuration {@link dev.adjoint.io.ModelFiles} saves for a layer that does not implement
   * {@link Configurable}.
   *
   * @throws UnsupportedOperationException when {@link #configProblem()} is not null
   */
  default Map<String, Object> config(L layer) {
    throw new UnsupportedOperationException(layerType().getName() + ": " + configProblem());
  }

  /**
   * A new layer built by the constructor from a map {@link #config} returned (or one loaded from
   * a file, see {@link LayerConfig}).
   *
   * @throws IllegalArgumentException when an entry is missing or of the wrong type, or the
   *     constructor refuses the values
   * @throws UnsupportedOperationException when {@link #configProblem()} is not null
   */
  default L fromConfig(Map<String, ?> config) {
    throw new UnsupportedOperationException(layerType().getName() + ": " + configProblem());
  }

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
