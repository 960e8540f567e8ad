package dev.adjoint.processor.model;

import java.util.List;

/**
 * The qualified names of the annotations the processor reads and of the runtime types it reads
 * or the generated code uses, in one place.
 */
public final class KnownTypes {
  private KnownTypes() {}

  /** {@code @Layer}. */
  public static final String LAYER = "dev.adjoint.annotations.Layer";
  /** {@code @Layer.Constructor}. */
  public static final String LAYER_CONSTRUCTOR = "dev.adjoint.annotations.Layer.Constructor";
  /** {@code @Forward}. */
  public static final String FORWARD = "dev.adjoint.annotations.Forward";
  /** {@code @Param}. */
  public static final String PARAM = "dev.adjoint.annotations.Param";
  /** {@code @Buffer}. */
  public static final String BUFFER = "dev.adjoint.annotations.Buffer";
  /** {@code @Primitive}. */
  public static final String PRIMITIVE = "dev.adjoint.annotations.Primitive";
  /** {@code @Adjoint}. */
  public static final String ADJOINT = "dev.adjoint.annotations.Adjoint";

  /**
   * Our annotations that mark an element to process, in the order their elements are searched
   * for one to report a problem of the whole environment on.
   */
  public static final List<String> ANNOTATIONS =
      List.of(LAYER, FORWARD, PRIMITIVE, ADJOINT, PARAM, BUFFER);

  /** The marker every generated file carries. */
  public static final String GENERATED = "javax.annotation.processing.Generated";
  /** The processor, as {@code @Generated} names it. */
  public static final String PROCESSOR = "dev.adjoint.processor.AdjointProcessor";

  /** {@code java.util.List}: how ops take several tensors, and layers hold sub-layers. */
  public static final String LIST = "java.util.List";
  /** The tensor: what gradients flow through. */
  public static final String TENSOR = "dev.adjoint.tensor.Tensor";
  /** What a max or min along a dim returns: two tensors. */
  public static final String VALUES_INDICES = "dev.adjoint.tensor.ValuesIndices";
  /** The base class of every layer. */
  public static final String MODULE = "dev.adjoint.nn.Module";
  /** A layer that writes its own whole-model configuration. */
  public static final String CONFIGURABLE = "dev.adjoint.nn.Configurable";
  /** What a generated {@code <Layer>_Adjoint} implements, found through its service file. */
  public static final String LAYER_BINDING = "dev.adjoint.nn.LayerBinding";
  /** What a binding's parameter registry visits. */
  public static final String LAYER_BINDING_VISITOR = "dev.adjoint.nn.LayerBinding.Visitor";
  /** The arguments of a layer's constructor, as a whole-model file keeps them. */
  public static final String LAYER_CONFIG = "dev.adjoint.nn.LayerConfig";
  /** A call of a layer whose class is known only at run time, and its record. */
  public static final String DYNAMIC_CALL = "dev.adjoint.nn.DynamicCall";
  /** The base of every generated {@code Saved} record. */
  public static final String SAVED_VALUES = "dev.adjoint.autograd.SavedValues";
  /** Names the user's source line in the stack trace of a failure in generated code. */
  public static final String SOURCE_LINES = "dev.adjoint.autograd.SourceLines";
  /** The base of every generated graph node. */
  public static final String NODE = "dev.adjoint.autograd.Node";
  /** Accumulates gradients that may be null, and finds a primitive's edges. */
  public static final String AUTOGRAD = "dev.adjoint.autograd.Autograd";
  /** Runs a generated forward and records its one graph node. */
  public static final String TRACKED_CALL = "dev.adjoint.autograd.TrackedCall";
  /** Releases a call's temporaries; generated forwards tell it what escapes. */
  public static final String TEMPORARIES = "dev.adjoint.autograd.Temporaries";
  /** Elementwise chains a generated forward runs in one pass. */
  public static final String FUSIONS = "dev.adjoint.autograd.Fusions";
  /** Which output no gradient flows through; generated forwards ask and tell it. */
  public static final String GRAD_FREE = "dev.adjoint.autograd.GradFree";

  /** The service file that lists the generated layer bindings. */
  public static final String BINDING_SERVICE = "META-INF/services/" + LAYER_BINDING;
}
