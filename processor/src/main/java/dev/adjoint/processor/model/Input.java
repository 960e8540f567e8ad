package dev.adjoint.processor.model;

import javax.lang.model.type.TypeMirror;

/**
 * One input of a primitive: the receiver ({@code self}) or a parameter.
 *
 * @param name "self" or the parameter name
 * @param type its type
 * @param kind whether gradients can flow into it
 */
public record Input(String name, TypeMirror type, Kind kind) {
  /** What flows through an input. */
  public enum Kind {
    /** A tensor: may receive a gradient. */
    TENSOR,
    /** A list of tensors (cat, stack): each element may receive a gradient. */
    TENSOR_LIST,
    /** A plain value (int, double, int[], DType, ...): never differentiated. */
    VALUE
  }
}
