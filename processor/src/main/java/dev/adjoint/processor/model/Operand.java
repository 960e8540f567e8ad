package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.type.TypeMirror;

/** An argument of an IR statement, already reduced to a name or a simple expression. */
public sealed interface Operand {
  /** A tensor local or temporary of the generated forward; may carry a gradient. */
  record Var(String name) implements Operand {}

  /** A {@code @Param} field of the layer: its gradient accumulates into the parameter. */
  record Param(String field) implements Operand {}

  /** A tensor that carries no gradient (a buffer, a constant): Java code that reads it. */
  record Constant(String code) implements Operand {}

  /**
   * A non-tensor value: a literal (inlined where needed) or a name whose value is saved when the
   * backward pass needs it.
   */
  record Value(String code, TypeMirror type, boolean literal) implements Operand {}

  /** {@code List.of(a, b, ...)} of tensors (the input of cat and stack). */
  record TensorList(List<Operand> elements) implements Operand {}
}
