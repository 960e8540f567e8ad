package dev.adjoint.processor.diff;

import dev.adjoint.processor.model.Operand;
import dev.adjoint.processor.model.Stmt;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A statement of the planned backward body: the reverse pass decides what runs and what every
 * local is called; the writer spells it.
 */
public sealed interface Step {
  /** The heading of the steps for one source line: a comment and the {@code sourceLine} mark. */
  record Heading(Stmt.Line line) implements Step {}

  /** {@code Tensor name = null}: the accumulator of a variable's gradient. */
  record DeclareGradient(String name) implements Step {}

  /** {@code Tensor local = from}: the gradient of one assignment of a variable. */
  record Take(String local, String from) implements Step {}

  /** {@code name = null}. */
  record Clear(String name) implements Step {}

  /** {@code T local = saved.pop()}. */
  record Pop(String local, Slot.Type type) implements Step {}

  /** {@code Tensor local = value} ({@code Tensor[]}, {@code List<Tensor>} for {@link Of}). */
  record Let(String local, Of kind, Expr value) implements Step {}

  /** What a {@link Let} local holds. */
  enum Of {
    TENSOR, TENSOR_ARRAY, TENSOR_LIST
  }

  /** Adds {@code value} to the gradient accumulator {@code name}, as {@code mode} says. */
  record Accumulate(String name, Mode mode, Expr value) implements Step {}

  /** How an accumulator takes a value. */
  enum Mode {
    /** It is null: {@code name = value}. */
    SET,
    /** It is set: {@code name = name.add(value)}. */
    ADD,
    /** It may be null, and so may the value: {@code name = Autograd.accumulate(name, value)}. */
    MAYBE
  }

  /** Accumulates {@code value} into the gradient of the layer's {@code @Param field}. */
  record AccumulateParam(String field, Expr value) implements Step {}

  /** Runs {@code value} for its effect. */
  record Evaluate(Expr value) implements Step {}

  /** {@code if (condition) then else otherwise}; no else when {@code otherwise} is null. */
  record If(Expr condition, List<Step> then, List<Step> otherwise) implements Step {}

  /** {@code for (int counter = trips; counter > 0; counter--) body}. */
  record CountDown(String counter, Expr trips, List<Step> body) implements Step {}

  /** Returns the gradient of the one tensor parameter, or an array of all of them. */
  record Return(List<Expr> gradients, boolean array) implements Step {}

  /** A value in the backward body. */
  sealed interface Expr {}

  /** A local of the backward. */
  record Name(String name) implements Expr {}

  /** No gradient. */
  record Null() implements Expr {}

  /** What the forward kept in a field of the saved record. */
  record Saved(Slot slot) implements Expr {}

  /** An operand the backward reads as the forward did (a literal, a final field, a shape). */
  record Read(Operand operand, Slot.Access access) implements Expr {}

  /** {@code Rules.method(args)}: an adjoint rule. */
  record RuleCall(TypeElement rules, ExecutableElement method, List<Expr> args)
      implements Expr {}

  /**
   * The generated backward of {@code method} of {@code owner}, on {@code layer} (null for a
   * static function), with the record of its forward and the gradient of its result.
   */
  record LayerBackward(TypeElement owner, ExecutableElement method, Expr layer, Expr record,
      Expr gradient) implements Expr {}

  /** {@code record.backward(gradient)} of a call dispatched at run time. */
  record DynamicBackward(Expr record, Expr gradient) implements Expr {}

  /** {@code local.get(index)} of a list, {@code local[index]} of an array. */
  record Element(String local, int index, boolean array) implements Expr {}

  /** {@code name != null}. */
  record NotNull(String name) implements Expr {}

  /** Whether the caller wants the gradient of the tensor parameter this need flag is for. */
  record NeedFlag(String field) implements Expr {}
}
