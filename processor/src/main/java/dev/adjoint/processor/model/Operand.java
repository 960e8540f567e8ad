package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.type.TypeMirror;

/**
 * An argument of an IR statement, already reduced to a name or a simple expression. Tensor
 * operands say where a gradient goes; the others ({@link Value}) say how the backward pass can
 * read them again: a literal or the layer itself as they are, a final field of the layer from
 * the layer, anything else only from what the forward saved.
 */
public sealed interface Operand {
  /** A tensor local or temporary of the generated forward; may carry a gradient. */
  record Var(String name) implements Operand {}

  /** A {@code @Param} field of the layer: its gradient accumulates into the parameter. */
  record Param(String field) implements Operand {}

  /**
   * A tensor that carries no gradient (a buffer, a static field, a field of a holder).
   *
   * @param code how the user's code reads it
   * @param name what it is called (the field's name), for the slot that may keep it
   */
  record Constant(Code code, String name) implements Operand {}

  /** {@code List.of(a, b, ...)} of tensors (the input of cat and stack). */
  record TensorList(List<Operand> elements) implements Operand {}

  /** A value that is not a tensor and never differentiated. */
  sealed interface Value extends Operand {
    /** Its static type, null where javac gave none. */
    TypeMirror type();
  }

  /** A literal, inlined wherever it is needed ({@code 2}, {@code -1.0}, {@code "mean"}). */
  record Literal(String text, TypeMirror type) implements Value {}

  /** A local variable or parameter of the generated forward. */
  record Local(String name, TypeMirror type) implements Value {}

  /** The layer itself ({@code this}). */
  record Self(TypeMirror type) implements Value {}

  /** A field of the layer ({@code this.eps}); the backward can read a final one again. */
  record SelfField(String name, TypeMirror type, boolean isFinal) implements Value {}

  /** Any other expression of the user's code. */
  record Expression(Code code, TypeMirror type) implements Value {}

  /** {@code new T[] {a, b}}: the values a varargs parameter takes, packed. */
  record NewArray(TypeMirror type, List<Code> elements) implements Value {}
}
