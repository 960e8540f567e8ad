package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/**
 * A statement of a {@code @Forward} body in A-normal form: at most one differentiable operation
 * per statement, operands reduced to names. Source lines travel with {@link Line} markers.
 */
public sealed interface Stmt {
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
  }

  /** {@code target = source} for tensors. */
  record Assign(String target, boolean declare, Operand source) implements Stmt {}

  /** {@code target = code}: a tensor computed with no gradient (detach, argmax, a factory). */
  record Cut(String target, boolean declare, String code) implements Stmt {}

  /** {@code final type name = code;}: a non-tensor temporary. */
  record Bind(String name, TypeMirror type, String code) implements Stmt {}

  /** A non-tensor statement, copied with {@code this} rewritten to {@code self}. */
  record Plain(String code) implements Stmt {}

  /** {@code if (condition) then else otherwise}; the condition is not a tensor. */
  record If(String condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}

  /** {@code for (init; condition; update) body}: a counted loop. */
  record For(String init, String condition, String update, List<Stmt> body) implements Stmt {}

  /** {@code for (type var : iterable) body}: a loop over layers or plain values. */
  record ForEach(TypeMirror type, String var, String iterable, List<Stmt> body)
      implements Stmt {}

  /** {@code return value}. */
  record Return(Operand value) implements Stmt {}

  /** Marks the user's source line the following statements come from. */
  record Line(String file, long line, String text) implements Stmt {}
}
