package dev.adjoint.processor.model;

import javax.lang.model.type.TypeMirror;

/**
 * One parameter of an adjoint: what the generated forward must keep for it.
 *
 * @param kind what the parameter asks for
 * @param name the input it refers to (for INPUT, SHAPE, DTYPE and LAYOUT), else the parameter name
 * @param type the adjoint parameter's declared type
 */
public record Need(Kind kind, String name, TypeMirror type) {
  /**
   * What this need keeps of a value named {@code of}, as a name: {@code of} itself, or
   * {@code ofShape}, {@code ofDType}, {@code ofLayout} for the shape, the dtype, the layout.
   */
  public String kept(String of) {
    return switch (kind) {
      case SHAPE -> of + "Shape";
      case DTYPE -> of + "DType";
      case LAYOUT -> of + "Layout";
      default -> of;
    };
  }

  /** What an adjoint parameter asks for. */
  public enum Kind {
    /** {@code g}: the gradient of the primitive's result. */
    GRAD,
    /** {@code out}: the primitive's result. */
    OUT,
    /** An input's value. */
    INPUT,
    /** Only an input's shape ({@code int[]}). */
    SHAPE,
    /** Only an input's dtype ({@code <input>DType}): a conversion's gradient goes back to it. */
    DTYPE,
    /**
     * Only an input's layout ({@code <input>Layout}: shape, strides, offset), where a rule gives
     * the gradient the layout of its input (a matmul's, as PyTorch's mm backward does).
     */
    LAYOUT
  }
}
