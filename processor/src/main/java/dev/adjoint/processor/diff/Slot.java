package dev.adjoint.processor.diff;

import dev.adjoint.processor.model.Operand;
import dev.adjoint.processor.model.RuleTable;
import dev.adjoint.processor.model.Stmt;
import javax.lang.model.type.TypeMirror;

/**
 * A value the forward keeps for the backward: a field of the {@code Saved} record, or an entry
 * of its stack when it is made inside a loop.
 *
 * @param name the field's name (for a stack entry: the name of the local it is popped into)
 * @param type what it holds
 * @param value what the forward keeps in it
 * @param stack whether it is pushed on the stack rather than kept in a field
 * @param shapeOf for a shape read from a tensor kept anyway, that tensor's slot (this slot is
 *     then never written, only read); else null
 */
public record Slot(String name, Type type, Value value, boolean stack, Slot shapeOf) {
  /** A slot written by the forward. */
  public Slot(String name, Type type, Value value, boolean stack) {
    this(name, type, value, stack, null);
  }

  /** The shape of {@code tensor}'s value, read from that slot. */
  static Slot shapeOf(Slot tensor, Slot shape) {
    return new Slot(tensor.name(), shape.type(), shape.value(), false, tensor);
  }

  /** What a slot holds. */
  public sealed interface Type {
    /** Whether it is a tensor (kept with its version, which the backward checks). */
    default boolean isTensor() {
      return false;
    }
  }

  /** A type of the program: an op's result, an input, a layer. */
  public record Declared(TypeMirror type) implements Type {
    @Override
    public boolean isTensor() {
      return RuleTable.isTensor(type);
    }
  }

  /** A shape, {@code int[]}. */
  public record Shape() implements Type {}

  /** A branch decision, {@code boolean}. */
  public record Flag() implements Type {}

  /** A loop's trip count, {@code int}. */
  public record Count() implements Type {}

  /**
   * The record of a call of another generated forward ({@code <Method>Saved} of its class), or of
   * a layer whose class is known only at run time ({@code DynamicCall}).
   */
  public record CallRecord(Stmt.Call call) implements Type {}

  /** What the forward keeps in a slot. */
  public sealed interface Value {}

  /** What an operand is, its shape, its dtype or its layout. */
  public record Of(Operand operand, Access access) implements Value {}

  /** A local the generated forward makes: a call's record, a decision, a trip count. */
  public record Local(String name) implements Value {}

  /** Which part of an operand's value. */
  public enum Access {
    VALUE, SHAPE, DTYPE, LAYOUT
  }
}
