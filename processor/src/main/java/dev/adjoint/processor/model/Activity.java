package dev.adjoint.processor.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Activity analysis of a {@code @Forward} body: the tensor variables that can carry a gradient
 * because they depend, through differentiable inputs of primitives, {@code @Forward} calls and
 * assignments, on a tensor parameter or a {@code @Param} field. The reverse pass differentiates
 * exactly these; the IR builder uses them to reject values that are not tensors but hold active
 * ones, whose gradient would otherwise be silently lost.
 */
public final class Activity {
  private Activity() {}

  /** The active tensor variables of {@code body}, whose method takes {@code params}. */
  public static Set<String> of(List<ForwardModel.Param> params, List<Stmt> body) {
    Set<String> active = new HashSet<>();
    for (ForwardModel.Param p : params) {
      if (p.tensor()) {
        active.add(p.name());
      }
    }
    // Until nothing changes: a value carried around a loop becomes active one step per pass.
    int before;
    do {
      before = active.size();
      visit(body, active);
    } while (active.size() != before);
    return active;
  }

  private static void visit(List<Stmt> stmts, Set<String> active) {
    Stmt.Visitor<Void> step = new Stmt.Default<>() {
      @Override
      protected Void otherwise(Stmt s) {
        return null;
      }

      @Override
      public Void prim(Stmt.Prim p) {
        for (int i = 0; i < p.args().size(); i++) {
          if (differentiable(p.primitive(), i) && isActive(p.args().get(i), active)) {
            active.add(p.target());
          }
        }
        return null;
      }

      @Override
      public Void call(Stmt.Call c) {
        active.add(c.target());
        return null;
      }

      @Override
      public Void assign(Stmt.Assign a) {
        if (isActive(a.source(), active)) {
          active.add(a.target());
        }
        return null;
      }
    };
    for (Stmt s : stmts) {
      s.accept(step);
      for (List<Stmt> child : s.children()) {
        visit(child, active);
      }
    }
  }

  /** Whether operand {@code o} can carry a gradient, given the active variables. */
  public static boolean isActive(Operand o, Set<String> active) {
    if (o instanceof Operand.Var v) {
      return active.contains(v.name());
    } else if (o instanceof Operand.Param) {
      return true;
    } else if (o instanceof Operand.TensorList l) {
      return l.elements().stream().anyMatch(e -> isActive(e, active));
    }
    return false;
  }

  /** Whether argument {@code argIndex} of {@code p} receives a gradient. */
  public static boolean differentiable(Primitive p, int argIndex) {
    Input in = p.inputs().get(argIndex);
    return in.kind() != Input.Kind.VALUE && p.rule(in.name()) != null;
  }
}
