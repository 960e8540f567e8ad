package dev.adjoint.processor.emit;

import dev.adjoint.processor.model.Operand;
import dev.adjoint.processor.model.Stmt;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each tensor local is read as an operand by a forward's modelled statements (user
 * code reads only the user's own locals, which this count does not need to cover: the writer
 * asks it about temporaries of one expression).
 */
final class LocalReads implements Stmt.Visitor<Void> {
  private final Map<String, Integer> counts = new HashMap<>();

  private LocalReads() {}

  /** The reads of each local in {@code body}, nested statements included. */
  static Map<String, Integer> count(List<Stmt> body) {
    LocalReads r = new LocalReads();
    r.all(body);
    return r.counts;
  }

  private void all(List<Stmt> stmts) {
    for (Stmt s : stmts) {
      s.accept(this);
      s.children().forEach(this::all);
    }
  }

  private void read(Operand o) {
    if (o instanceof Operand.Var v) {
      counts.merge(v.name(), 1, Integer::sum);
    } else if (o instanceof Operand.TensorList l) {
      l.elements().forEach(this::read);
    }
  }

  @Override
  public Void prim(Stmt.Prim s) {
    s.args().forEach(this::read);
    return null;
  }

  @Override
  public Void call(Stmt.Call s) {
    s.args().forEach(this::read);
    return null;
  }

  @Override
  public Void assign(Stmt.Assign s) {
    read(s.source());
    return null;
  }

  @Override
  public Void cut(Stmt.Cut s) {
    if (s.source() instanceof Stmt.Cut.PrimitiveCall p) {
      p.args().forEach(this::read);
    }
    return null;
  }

  @Override
  public Void bind(Stmt.Bind s) {
    read(s.value());
    return null;
  }

  @Override
  public Void declare(Stmt.Declare s) {
    return null;
  }

  @Override
  public Void plain(Stmt.Plain s) {
    return null;
  }

  @Override
  public Void ifElse(Stmt.If s) {
    return null;
  }

  @Override
  public Void forLoop(Stmt.For s) {
    return null;
  }

  @Override
  public Void forEach(Stmt.ForEach s) {
    return null;
  }

  @Override
  public Void ret(Stmt.Return s) {
    read(s.value());
    return null;
  }

  @Override
  public Void line(Stmt.Line s) {
    return null;
  }
}
