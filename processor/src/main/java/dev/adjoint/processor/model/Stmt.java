package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/**
 * A statement of a {@code @Forward} body in A-normal form: at most one differentiable operation
 * per statement, operands reduced to names. Source lines travel with {@link Line} markers.
 *
 * <p>Statement kinds are told apart in one place, {@link #accept}: whoever handles statements
 * implements a {@link Visitor} (or extends {@link Default} where most kinds need nothing).
 */
public sealed interface Stmt {
  /** Calls the method of {@code visitor} for this statement's kind. */
  <R> R accept(Visitor<R> visitor);

  /** The tensor variable this statement assigns, or null. */
  default String target() {
    return null;
  }

  /** The statement lists nested in this one (branches, a loop body), in order. */
  default List<List<Stmt>> children() {
    return List.of();
  }

  /**
   * {@code target = primitive(args)}; for an instance primitive the receiver is args[0]. When the
   * primitive returns a value holding tensors ({@link Primitive#output()} is set), that value goes
   * to the non-tensor local {@code carrier} and {@code target} is its differentiable tensor:
   * {@code carrier = primitive(args); target = carrier.output()}.
   */
  record Prim(String target, boolean declare, Primitive primitive, List<Operand> args,
      String carrier) implements Stmt {
    /** A primitive whose result is the tensor itself. */
    public Prim(String target, boolean declare, Primitive primitive, List<Operand> args) {
      this(target, declare, primitive, args, null);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.prim(this);
    }
  }

  /**
   * {@code target = layer.method(args)} for a sub-layer (or this layer's own) {@code @Forward}
   * method, or {@code target = Owner.method(args)} for a static one ({@code layer} null).
   */
  record Call(String target, boolean declare, Operand.Value layer, TypeElement owner,
      ExecutableElement method, List<Operand> args) implements Stmt {
    /** A call through {@code Module.call} of a layer whose class is known only at run time. */
    public boolean dynamic() {
      return method == null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.call(this);
    }
  }

  /** {@code target = source} for tensors. */
  record Assign(String target, boolean declare, Operand source) implements Stmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.assign(this);
    }
  }

  /** {@code target = source}: a tensor computed with no gradient (detach, argmax, a factory). */
  record Cut(String target, boolean declare, Source source, Escape escape) implements Stmt {
    public Cut(String target, boolean declare, Source source) {
      this(target, declare, source, null);
    }

    /** Where a tensor without gradient comes from. */
    public sealed interface Source {}

    /** A primitive whose result carries no gradient ({@code argmax}), on reduced operands. */
    public record PrimitiveCall(Primitive primitive, List<Operand> args) implements Source {}

    /** The differentiable tensor of a value holding tensors: {@code local.output()}. */
    public record Output(String local, String output) implements Source {}

    /** The user's code, run as written. */
    public record UserCode(Code code) implements Source {}

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.cut(this);
    }
  }

  /** {@code final type name = value;}: a non-tensor temporary. */
  record Bind(String name, TypeMirror type, Operand.Value value) implements Stmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.bind(this);
    }
  }

  /** {@code Tensor name = null;}: a tensor local that a later statement assigns. */
  record Declare(String name) implements Stmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.declare(this);
    }
  }

  /**
   * A non-tensor statement of the user's code, run as written; {@code escape} says what of the
   * call's temporaries it may keep beyond the call (null: nothing).
   */
  record Plain(Code code, Escape escape) implements Stmt {
    public Plain(Code code) {
      this(code, null);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.plain(this);
    }
  }

  /** {@code if (condition) then else otherwise}; the condition is not a tensor. */
  record If(Code condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {
    @Override
    public List<List<Stmt>> children() {
      return List.of(then, otherwise);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.ifElse(this);
    }
  }

  /** {@code for (init; condition; update) body}: a counted loop (a part left out has no parts). */
  record For(Code init, Code condition, Code update, List<Stmt> body) implements Stmt {
    @Override
    public List<List<Stmt>> children() {
      return List.of(body);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.forLoop(this);
    }
  }

  /** {@code for (type var : iterable) body}: a loop over layers or plain values. */
  record ForEach(TypeMirror type, String var, Code iterable, List<Stmt> body)
      implements Stmt {
    @Override
    public List<List<Stmt>> children() {
      return List.of(body);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.forEach(this);
    }
  }

  /** {@code return value}. */
  record Return(Operand value) implements Stmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.ret(this);
    }
  }

  /** Marks the user's source line the following statements come from. */
  record Line(String file, long line, String text) implements Stmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.line(this);
    }
  }

  /** One method per statement kind. */
  interface Visitor<R> {
    R prim(Prim s);

    R call(Call s);

    R assign(Assign s);

    R cut(Cut s);

    R bind(Bind s);

    R declare(Declare s);

    R plain(Plain s);

    R ifElse(If s);

    R forLoop(For s);

    R forEach(ForEach s);

    R ret(Return s);

    R line(Line s);
  }

  /** A visitor answering {@link #otherwise} for every kind it does not override. */
  abstract class Default<R> implements Visitor<R> {
    /** The answer for a kind not overridden. */
    protected abstract R otherwise(Stmt s);

    @Override
    public R prim(Prim s) {
      return otherwise(s);
    }

    @Override
    public R call(Call s) {
      return otherwise(s);
    }

    @Override
    public R assign(Assign s) {
      return otherwise(s);
    }

    @Override
    public R cut(Cut s) {
      return otherwise(s);
    }

    @Override
    public R bind(Bind s) {
      return otherwise(s);
    }

    @Override
    public R declare(Declare s) {
      return otherwise(s);
    }

    @Override
    public R plain(Plain s) {
      return otherwise(s);
    }

    @Override
    public R ifElse(If s) {
      return otherwise(s);
    }

    @Override
    public R forLoop(For s) {
      return otherwise(s);
    }

    @Override
    public R forEach(ForEach s) {
      return otherwise(s);
    }

    @Override
    public R ret(Return s) {
      return otherwise(s);
    }

    @Override
    public R line(Line s) {
      return otherwise(s);
    }
  }
}
