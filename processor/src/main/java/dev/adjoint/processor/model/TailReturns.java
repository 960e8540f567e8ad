package dev.adjoint.processor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Moves every {@code return} of a body into tail position: the statements that follow an
 * {@code if} whose branch may return run only on the paths that do not, so a copy of them goes to
 * the end of each such path. The reverse pass then starts from each return.
 */
final class TailReturns {
  private TailReturns() {}

  /** {@code stmts} with every return in tail position. */
  static List<Stmt> of(List<Stmt> stmts) {
    List<Stmt> out = new ArrayList<>();
    for (int i = 0; i < stmts.size(); i++) {
      Stmt s = stmts.get(i);
      Stmt.If f = RETURNING_IF.apply(s);
      if (f != null) {
        // The statements after an if that may return run only on the paths that do not: move a
        // copy of them to the end of each such path, so every return ends the method body.
        List<Stmt> rest = stmts.subList(i + 1, stmts.size());
        out.add(new Stmt.If(f.condition(), withRest(f.then(), rest),
            withRest(f.otherwise(), rest)));
        return out;
      }
      out.add(s);
    }
    return out;
  }

  /** The if itself when one of its branches may return, else null. */
  private static final Function<Stmt, Stmt.If> RETURNING_IF =
      s -> s.accept(new Stmt.Default<Stmt.If>() {
        @Override
        protected Stmt.If otherwise(Stmt s) {
          return null;
        }

        @Override
        public Stmt.If ifElse(Stmt.If f) {
          return mayReturn(f.then()) || mayReturn(f.otherwise()) ? f : null;
        }
      });

  private static List<Stmt> withRest(List<Stmt> branch, List<Stmt> rest) {
    List<Stmt> b = of(branch);
    if (rest.isEmpty() || alwaysReturns(b)) {
      return b;
    }
    List<Stmt> joined = new ArrayList<>(b);
    for (Stmt r : rest) {
      joined.add(copy(r)); // each copy gets its own saved slots
    }
    return of(joined);
  }

  private static boolean mayReturn(List<Stmt> stmts) {
    for (Stmt s : stmts) {
      boolean returns = s.accept(new Stmt.Default<Boolean>() {
        @Override
        protected Boolean otherwise(Stmt s) {
          return false;
        }

        @Override
        public Boolean ret(Stmt.Return r) {
          return true;
        }
      });
      if (returns || RETURNING_IF.apply(s) != null) {
        return true;
      }
    }
    return false;
  }

  /** A fresh statement object with the same content (statements are planned by identity). */
  static Stmt copy(Stmt s) {
    return s.accept(new Stmt.Visitor<Stmt>() {
      @Override
      public Stmt prim(Stmt.Prim p) {
        return new Stmt.Prim(p.target(), p.declare(), p.primitive(), p.args(), p.carrier());
      }

      @Override
      public Stmt call(Stmt.Call c) {
        return new Stmt.Call(c.target(), c.declare(), c.layer(), c.owner(), c.method(),
            c.args());
      }

      @Override
      public Stmt assign(Stmt.Assign a) {
        return new Stmt.Assign(a.target(), a.declare(), a.source());
      }

      @Override
      public Stmt cut(Stmt.Cut c) {
        return new Stmt.Cut(c.target(), c.declare(), c.source(), c.escape());
      }

      @Override
      public Stmt bind(Stmt.Bind b) {
        return new Stmt.Bind(b.name(), b.type(), b.value());
      }

      @Override
      public Stmt declare(Stmt.Declare d) {
        return new Stmt.Declare(d.name());
      }

      @Override
      public Stmt plain(Stmt.Plain p) {
        return new Stmt.Plain(p.code(), p.escape());
      }

      @Override
      public Stmt ifElse(Stmt.If f) {
        return new Stmt.If(f.condition(), copyAll(f.then()), copyAll(f.otherwise()));
      }

      @Override
      public Stmt forLoop(Stmt.For f) {
        return new Stmt.For(f.init(), f.condition(), f.update(), copyAll(f.body()));
      }

      @Override
      public Stmt forEach(Stmt.ForEach f) {
        return new Stmt.ForEach(f.type(), f.var(), f.iterable(), copyAll(f.body()));
      }

      @Override
      public Stmt ret(Stmt.Return r) {
        return new Stmt.Return(r.value());
      }

      @Override
      public Stmt line(Stmt.Line l) {
        return new Stmt.Line(l.file(), l.line(), l.text());
      }
    });
  }

  private static List<Stmt> copyAll(List<Stmt> stmts) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : stmts) {
      out.add(copy(s));
    }
    return out;
  }

  /** Whether every path through {@code stmts} ends in a return. */
  static boolean alwaysReturns(List<Stmt> stmts) {
    for (int i = stmts.size() - 1; i >= 0; i--) {
      Boolean answer = stmts.get(i).accept(new Stmt.Default<Boolean>() {
        @Override
        protected Boolean otherwise(Stmt s) {
          return false;
        }

        @Override
        public Boolean line(Stmt.Line l) {
          return null; // look further back
        }

        @Override
        public Boolean ret(Stmt.Return r) {
          return true;
        }

        @Override
        public Boolean ifElse(Stmt.If f) {
          return alwaysReturns(f.then()) && alwaysReturns(f.otherwise());
        }
      });
      if (answer != null) {
        return answer;
      }
    }
    return false;
  }
}
