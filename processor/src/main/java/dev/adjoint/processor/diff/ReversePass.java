package dev.adjoint.processor.diff;

import dev.adjoint.processor.model.Activity;
import dev.adjoint.processor.model.ForwardModel;
import dev.adjoint.processor.model.Input;
import dev.adjoint.processor.model.NameAllocator;
import dev.adjoint.processor.model.Need;
import dev.adjoint.processor.model.Operand;
import dev.adjoint.processor.model.Primitive;
import dev.adjoint.processor.model.Rule;
import dev.adjoint.processor.model.RuleTable;
import dev.adjoint.processor.model.Stmt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.lang.model.element.ExecutableElement;

/**
 * The reverse pass of one {@code @Forward} method: decides what the forward must save (and
 * where), then plans the backward body that walks the statements in reverse and accumulates
 * adjoints ({@code d_<name>}). It plans only; the writer spells the plan in Java.
 *
 * <p>Values computed once are saved in named fields of the {@code Saved} class; values computed
 * inside loops are pushed on its stack after each statement and popped in reverse, together with
 * branch decisions and trip counts. A variable assigned once outside loops shares one slot for
 * all its uses.
 */
public final class ReversePass {
  private final ForwardModel model;
  private final Map<String, Integer> defs = new HashMap<>();
  private final Set<String> loopDefined = new HashSet<>();
  private final Set<String> active = new HashSet<>();
  /** Locals the plan names: the forward's records, decisions and counts, the backward's. */
  private final NameAllocator locals = NameAllocator.copies();
  /** The fields of the Saved record. */
  private final NameAllocator fieldNames = NameAllocator.copies();

  /** Saves before and after each statement, in push order. */
  private final Map<Stmt, List<Slot>> preSaves = new IdentityHashMap<>();
  private final Map<Stmt, List<Slot>> postSaves = new IdentityHashMap<>();
  /** Saves right after a single-assigned variable is defined (shared slots). */
  private final Map<Slot.Value, Slot> sharedSlots = new LinkedHashMap<>();
  /** Which slot each (statement, need key) reads in the backward pass. */
  private final Map<Stmt, Map<String, Slot>> reads = new IdentityHashMap<>();
  private final List<Slot> fields = new ArrayList<>();
  private final Map<Slot.Value, Slot> paramSlots = new LinkedHashMap<>();
  /** Ifs whose branches have nothing to do in the backward: their decision is not saved. */
  private final Set<Stmt> unreadBranches = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<Step> backward;

  public ReversePass(ForwardModel model) {
    this.model = model;
    for (ForwardModel.Param p : model.params()) {
      locals.reserve(p.name());
      if (p.tensor()) {
        defs.merge(p.name(), 1, Integer::sum);
      }
    }
    model.tensorLocals().forEach(locals::reserve);
    countDefs(model.body(), false);
    active.addAll(Activity.of(model.params(), model.body()));
    plan(model.body(), false);
    // Planned now: which branch decisions the backward reads is known only once it is planned,
    // and the forward saves only those.
    deriveSharedShapes();
    keepOnce(model.body());
    backward = planBackward();
    for (Stmt s : unreadBranches) {
      Slot flag = reads.get(s).remove(BRANCH);
      fields.remove(flag);
    }
  }

  // ------------------------------------------------------------------ analysis

  private void countDefs(List<Stmt> stmts, boolean inLoop) {
    for (Stmt s : stmts) {
      String t = s.target();
      if (t != null) {
        defs.merge(t, 1, Integer::sum);
        if (inLoop) {
          loopDefined.add(t);
        }
      }
      String bound = bindName(s);
      if (bound != null) {
        locals.reserve(bound);
        if (inLoop) {
          loopDefined.add(bound);
        }
      }
      for (List<Stmt> child : s.children()) {
        countDefs(child, inLoop || isLoop(s));
      }
    }
  }

  private static String bindName(Stmt s) {
    return s.accept(new Stmt.Default<String>() {
      @Override
      protected String otherwise(Stmt s) {
        return null;
      }

      @Override
      public String bind(Stmt.Bind b) {
        return b.name();
      }
    });
  }

  private static boolean isLoop(Stmt s) {
    return s.accept(new Stmt.Default<Boolean>() {
      @Override
      protected Boolean otherwise(Stmt s) {
        return false;
      }

      @Override
      public Boolean forLoop(Stmt.For f) {
        return true;
      }

      @Override
      public Boolean forEach(Stmt.ForEach f) {
        return true;
      }
    });
  }

  private boolean isActive(Operand o) {
    return Activity.isActive(o, active);
  }

  private static boolean differentiable(Primitive p, int argIndex) {
    return Activity.differentiable(p, argIndex);
  }

  private boolean singleDef(String var) {
    return defs.getOrDefault(var, 0) == 1 && !loopDefined.contains(var);
  }

  // ------------------------------------------------------------------ what to save

  /** Keys under which statements read their slots, besides the needs of their rules. */
  private static final String RECORD = "record";
  private static final String LAYER = "layer";
  private static final String BRANCH = "branch";
  private static final String TRIPS = "trips";
  private static final String OUT = "out";

  /** The source line of the statement {@link #plan} is at: it names decisions and trip counts. */
  private long line;

  private void plan(List<Stmt> stmts, boolean inLoop) {
    for (Stmt s : stmts) {
      s.accept(new Stmt.Default<Void>() {
        @Override
        protected Void otherwise(Stmt s) {
          return null;
        }

        @Override
        public Void prim(Stmt.Prim p) {
          if (!active.contains(p.target())) {
            return null;
          }
          for (int i = 0; i < p.args().size(); i++) {
            if (!differentiable(p.primitive(), i) || !isActive(p.args().get(i))) {
              continue;
            }
            Rule r = p.primitive().rule(p.primitive().inputs().get(i).name());
            for (Need n : r.needs()) {
              planNeed(p, n, inLoop);
            }
          }
          return null;
        }

        @Override
        public Void call(Stmt.Call c) {
          String local = locals.newName(c.target() + (c.dynamic() ? "Call" : "Saved"));
          slotFor(c, RECORD, local, new Slot.CallRecord(c), new Slot.Local(local), inLoop, true);
          if (!c.dynamic() && c.layer() != null && !readAgain(c.layer())) {
            slotFor(c, LAYER, name(c.layer(), "layer"), new Slot.Declared(c.layer().type()),
                new Slot.Of(c.layer(), Slot.Access.VALUE), inLoop, false);
          }
          return null;
        }

        @Override
        public Void ifElse(Stmt.If f) {
          // Named by the line of the if, so that the field says which decision it holds.
          String name = "branchAtLine" + line;
          plan(f.then(), inLoop);
          plan(f.otherwise(), inLoop);
          slotFor(f, BRANCH, name, new Slot.Flag(), new Slot.Local(locals.newName(name)), inLoop,
              true);
          return null;
        }

        @Override
        public Void forLoop(Stmt.For f) {
          return loop(f, f.body());
        }

        @Override
        public Void forEach(Stmt.ForEach f) {
          return loop(f, f.body());
        }

        private Void loop(Stmt s, List<Stmt> body) {
          String name = "tripsAtLine" + line;
          plan(body, true);
          slotFor(s, TRIPS, name, new Slot.Count(), new Slot.Local(locals.newName(name)), inLoop,
              true);
          return null;
        }

        @Override
        public Void line(Stmt.Line l) {
          line = l.line();
          return null;
        }
      });
    }
  }

  // ------------------------------------------------------------------ one slot per value

  /** A shape whose tensor is kept anyway is read from that tensor, not kept as well. */
  private void deriveSharedShapes() {
    for (Slot.Value value : new ArrayList<>(sharedSlots.keySet())) {
      if (!(value instanceof Slot.Of of) || of.access() != Slot.Access.SHAPE) {
        continue;
      }
      Slot tensor = sharedSlots.get(new Slot.Of(of.operand(), Slot.Access.VALUE));
      if (tensor == null || !tensor.type().isTensor()) {
        continue;
      }
      Slot shape = sharedSlots.remove(value);
      paramSlots.remove(value);
      fields.remove(shape);
      redirect(shape, Slot.shapeOf(tensor, shape));
    }
  }

  /**
   * In one straight-line list, a tensor variable's value kept twice between two assignments of
   * the variable (the output of {@code h = h.tanh()} and the input of the next {@code h.mul(x)})
   * is kept once, and its shape is read from the kept tensor. Values on the loop stack keep
   * their push order and are left alone.
   */
  private void keepOnce(List<Stmt> stmts) {
    Map<String, Slot> tensors = new HashMap<>();
    Map<String, List<Slot>> shapes = new HashMap<>();
    for (Stmt s : stmts) {
      keepOnce(preSaves.get(s), tensors, shapes);
      Set<String> redefined = new HashSet<>();
      if (s.target() != null) {
        redefined.add(s.target());
      }
      for (List<Stmt> child : s.children()) {
        keepOnce(child);
        defined(child, redefined);
      }
      for (String v : redefined) {
        tensors.remove(v);
        shapes.remove(v);
      }
      keepOnce(postSaves.get(s), tensors, shapes);
    }
  }

  private void keepOnce(List<Slot> saves, Map<String, Slot> tensors,
      Map<String, List<Slot>> shapes) {
    if (saves == null) {
      return;
    }
    for (Slot slot : new ArrayList<>(saves)) {
      if (slot.stack() || !(slot.value() instanceof Slot.Of of)
          || !(of.operand() instanceof Operand.Var var)) {
        continue;
      }
      if (of.access() == Slot.Access.SHAPE) {
        Slot tensor = tensors.get(var.name());
        if (tensor != null) {
          saves.remove(slot);
          fields.remove(slot);
          redirect(slot, Slot.shapeOf(tensor, slot));
        } else {
          shapes.computeIfAbsent(var.name(), k -> new ArrayList<>()).add(slot);
        }
      } else if (of.access() == Slot.Access.VALUE && slot.type().isTensor()) {
        Slot same = tensors.get(var.name());
        if (same != null) {
          saves.remove(slot);
          fields.remove(slot);
          redirect(slot, same);
          continue;
        }
        tensors.put(var.name(), slot);
        // Shapes kept earlier in this stretch: read them from this tensor instead.
        for (Slot shape : shapes.getOrDefault(var.name(), List.of())) {
          for (List<Slot> list : preSaves.values()) {
            list.remove(shape);
          }
          for (List<Slot> list : postSaves.values()) {
            list.remove(shape);
          }
          fields.remove(shape);
          redirect(shape, Slot.shapeOf(slot, shape));
        }
        shapes.remove(var.name());
      }
    }
  }

  /** Makes every statement that reads {@code from} read {@code to}. */
  private void redirect(Slot from, Slot to) {
    for (Map<String, Slot> byKey : reads.values()) {
      byKey.replaceAll((key, slot) -> slot == from ? to : slot);
    }
  }

  private static void defined(List<Stmt> stmts, Set<String> out) {
    for (Stmt s : stmts) {
      if (s.target() != null) {
        out.add(s.target());
      }
      s.children().forEach(c -> defined(c, out));
    }
  }

  private void planNeed(Stmt.Prim p, Need n, boolean inLoop) {
    switch (n.kind()) {
      case GRAD -> { }
      case OUT -> {
        Slot.Type type = new Slot.Declared(p.primitive().method().getReturnType());
        if (p.carrier() != null) {
          // The rule reads the whole result (max along a dim: its indices), kept after the call.
          slotFor(p, OUT, p.carrier(), type, new Slot.Local(p.carrier()), inLoop, true);
        } else {
          valueSlot(p, OUT, new Operand.Var(p.target()), type, inLoop, true, Slot.Access.VALUE,
              n.kept(p.target()));
        }
      }
      case INPUT, SHAPE, DTYPE, LAYOUT -> {
        Operand o = p.args().get(inputIndex(p.primitive(), n.name()));
        Slot.Type type = n.kind() == Need.Kind.SHAPE ? new Slot.Shape()
            : new Slot.Declared(n.type());
        valueSlot(p, needKey(n), o, type, inLoop, false, access(n), n.kept(name(o, n.name())));
      }
    }
  }

  /** What a need reads of its input. */
  private static Slot.Access access(Need n) {
    return n.kind() == Need.Kind.SHAPE ? Slot.Access.SHAPE
        : n.kind() == Need.Kind.DTYPE ? Slot.Access.DTYPE
        : n.kind() == Need.Kind.LAYOUT ? Slot.Access.LAYOUT : Slot.Access.VALUE;
  }

  /** The key under which a statement reads the slot of an input need. */
  private static String needKey(Need n) {
    return access(n) + ":" + n.name();
  }

  private static int inputIndex(Primitive p, String name) {
    for (int i = 0; i < p.inputs().size(); i++) {
      if (p.inputs().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("no input " + name);
  }

  /**
   * Whether the backward reads value {@code v} again as the forward did: a literal, the layer,
   * or one of its fields (the IR builder leaves only final ones unbound).
   */
  private static boolean readAgain(Operand.Value v) {
    return v instanceof Operand.Literal || v instanceof Operand.Self
        || v instanceof Operand.SelfField;
  }

  /** What {@code o} is called, for the slot that keeps it; {@code fallback} for a list. */
  private static String name(Operand o, String fallback) {
    if (o instanceof Operand.Var v) {
      return v.name();
    } else if (o instanceof Operand.Param p) {
      return p.field();
    } else if (o instanceof Operand.Constant c) {
      return c.name();
    } else if (o instanceof Operand.Local l) {
      return l.name();
    } else if (o instanceof Operand.SelfField f) {
      return f.name();
    }
    return fallback;
  }

  /** Plans the slot for operand {@code o} as statement {@code s} sees it. */
  private void valueSlot(Stmt s, String key, Operand o, Slot.Type type, boolean inLoop,
      boolean after, Slot.Access access, String base) {
    if (o instanceof Operand.Param param && access == Slot.Access.VALUE) {
      // A parameter's value is kept on entry, not read from the field by the backward pass: an
      // optimizer step in between must be caught by the version check, never used silently.
      Slot.Value value = new Slot.Of(o, access);
      Slot shared = sharedSlots.get(value);
      if (shared == null) {
        shared = new Slot(fieldNames.newName(param.field()), type, value, false);
        sharedSlots.put(value, shared);
        fields.add(shared);
        paramSlots.put(value, shared);
      }
      reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, shared);
      return;
    }
    if (o instanceof Operand.Param || (o instanceof Operand.Value v && readAgain(v))) {
      return; // read directly in the backward pass
    }
    Slot.Value value = new Slot.Of(o, access);
    if (o instanceof Operand.Var var && singleDef(var.name()) && !inLoop) {
      Slot shared = sharedSlots.get(value);
      if (shared == null) {
        shared = new Slot(fieldNames.newName(base), type, value, false);
        sharedSlots.put(value, shared);
        fields.add(shared);
        if (isParam(var.name())) {
          paramSlots.put(value, shared);
        }
      }
      reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, shared);
      return;
    }
    if (o instanceof Operand.Value v && !inLoop
        && !(v instanceof Operand.Local l && loopDefined.contains(l.name()))) {
      slotFor(s, key, base, type, value, false, false);
      return;
    }
    slotFor(s, key, base, type, value, inLoop, after);
  }

  private boolean isParam(String name) {
    return model.params().stream().anyMatch(p -> p.name().equals(name));
  }

  private void slotFor(Stmt s, String key, String base, Slot.Type type, Slot.Value value,
      boolean stack, boolean after) {
    // One statement reading the same value twice (h.mul(h)) keeps it once.
    for (Slot existing : (after ? postSaves : preSaves).getOrDefault(s, List.of())) {
      if (value.equals(existing.value())) {
        reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, existing);
        return;
      }
    }
    Slot slot = new Slot(fieldNames.newName(base), type, value, stack);
    if (!stack) {
      fields.add(slot);
    }
    (after ? postSaves : preSaves).computeIfAbsent(s, k -> new ArrayList<>()).add(slot);
    reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, slot);
  }

  // ------------------------------------------------------------------ results for the forward

  /** Named fields of the Saved class. */
  public List<Slot> fields() {
    return fields;
  }

  /** Saves to emit before statement {@code s} in the forward. */
  public List<Slot> savesBefore(Stmt s) {
    return preSaves.getOrDefault(s, List.of());
  }

  /** Saves to emit after statement {@code s} (and after shared definitions it makes). */
  public List<Slot> savesAfter(Stmt s) {
    List<Slot> out = new ArrayList<>(postSaves.getOrDefault(s, List.of()));
    String t = s.target();
    if (t != null) {
      for (Slot shared : sharedSlots.values()) {
        if (shared.value() instanceof Slot.Of of && of.operand() instanceof Operand.Var v
            && v.name().equals(t)) {
          out.add(shared);
        }
      }
    }
    return out;
  }

  /** Shared slots of method parameters and of {@code @Param} fields, saved on entry. */
  public List<Slot> savesOnEntry() {
    return new ArrayList<>(paramSlots.values());
  }

  /** The slot that keeps the record of call {@code c}'s forward. */
  public Slot callRecord(Stmt.Call c) {
    return slot(c, RECORD);
  }

  /** The slot that keeps which branch {@code f} took, or null when the backward needs none. */
  public Slot branch(Stmt.If f) {
    return slot(f, BRANCH);
  }

  /** The slot that keeps how often loop {@code s} ran. */
  public Slot trips(Stmt s) {
    return slot(s, TRIPS);
  }

  private Slot slot(Stmt s, String key) {
    return reads.getOrDefault(s, Map.of()).get(key);
  }

  // ------------------------------------------------------------------ the backward body

  private enum State { NULL, MAYBE, SET }

  /** The gradient of one assignment of a variable: the local holding it, and its state key. */
  private record Grad(String local, String key) {}

  /**
   * The name of the backward's incoming gradient: {@code d_out}, unless the body has a tensor
   * named {@code out} whose adjoint already has that name.
   */
  public String gradOutputName() {
    if (!model.tensorLocals().contains("out")) {
      return "d_out";
    }
    return model.tensorLocals().contains("result") ? "gradOutput" : "d_result";
  }

  /** The backward body; it ends by returning the gradients of the tensor parameters. */
  public List<Step> backwardBody() {
    return backward;
  }

  /** The accumulator of the gradient of tensor variable {@code var}. */
  private static String grad(String var) {
    return "d_" + var;
  }

  private List<Step> planBackward() {
    List<Step> b = new ArrayList<>();
    List<String> vars = new ArrayList<>();
    for (String v : model.tensorLocals()) {
      if (active.contains(v)) {
        vars.add(v);
      }
    }
    for (String v : vars) {
      b.add(new Step.DeclareGradient(grad(v)));
    }
    Map<String, State> states = new HashMap<>();
    vars.forEach(v -> states.put(v, State.NULL));
    reverse(model.body(), b, states, false);
    List<Step.Expr> grads = new ArrayList<>();
    for (ForwardModel.Param p : model.tensorParams()) {
      grads.add(active.contains(p.name()) ? new Step.Name(grad(p.name())) : new Step.Null());
    }
    b.add(new Step.Return(grads, grads.size() != 1));
    return b;
  }

  private static Stmt.Line lineOf(Stmt s) {
    return s.accept(new Stmt.Default<Stmt.Line>() {
      @Override
      protected Stmt.Line otherwise(Stmt s) {
        return null;
      }

      @Override
      public Stmt.Line line(Stmt.Line l) {
        return l;
      }
    });
  }

  private void reverse(List<Stmt> stmts, List<Step> b, Map<String, State> states,
      boolean inLoop) {
    // Group statements by source line; groups run in reverse, each under its line heading.
    List<List<Stmt>> groups = new ArrayList<>();
    List<Stmt> current = new ArrayList<>();
    for (Stmt s : stmts) {
      if (lineOf(s) != null && !current.isEmpty()) {
        groups.add(current);
        current = new ArrayList<>();
      }
      current.add(s);
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    for (int gi = groups.size() - 1; gi >= 0; gi--) {
      List<Stmt> group = groups.get(gi);
      List<Step> code = new ArrayList<>();
      for (int i = group.size() - 1; i >= 0; i--) {
        reverseOne(group.get(i), code, states, inLoop);
      }
      if (code.isEmpty()) {
        continue; // a line with no gradient to pass gets no heading either
      }
      Stmt.Line line = lineOf(group.get(0));
      if (line != null) {
        b.add(new Step.Heading(line));
      }
      b.addAll(code);
    }
  }

  private void reverseOne(Stmt s, List<Step> b, Map<String, State> states, boolean inLoop) {
    s.accept(new Stmt.Default<Void>() {
      @Override
      protected Void otherwise(Stmt s) {
        return null; // nothing to differentiate: lines, plain code, bindings, declarations
      }

      @Override
      public Void ret(Stmt.Return r) {
        accumulate(r.value(), new Step.Name(gradOutputName()), b, states);
        return null;
      }

      @Override
      public Void prim(Stmt.Prim p) {
        reversePrim(p, b, states, inLoop);
        return null;
      }

      @Override
      public Void call(Stmt.Call c) {
        reverseCall(c, b, states, inLoop);
        return null;
      }

      @Override
      public Void assign(Stmt.Assign a) {
        if (!active.contains(a.target())) {
          return null;
        }
        Grad g = take(a.target(), b, states, a.declare() && !inLoop);
        if (g != null) {
          guarded(g, b, states, in -> accumulate(a.source(), new Step.Name(g.local()), in,
              states));
        }
        return null;
      }

      @Override
      public Void cut(Stmt.Cut c) {
        if (active.contains(c.target()) && !singleDef(c.target())) {
          b.add(new Step.Clear(grad(c.target())));
          states.put(c.target(), State.NULL);
        }
        return null;
      }

      @Override
      public Void ifElse(Stmt.If f) {
        List<Step> flagRead = new ArrayList<>();
        Step.Expr flag = read(f, BRANCH, flagRead);
        Map<String, State> thenStates = new HashMap<>(states);
        Map<String, State> elseStates = new HashMap<>(states);
        List<Step> thenCode = new ArrayList<>();
        List<Step> elseCode = new ArrayList<>();
        reverse(f.then(), thenCode, thenStates, inLoop);
        reverse(f.otherwise(), elseCode, elseStates, inLoop);
        if (onlyHeadings(thenCode) && onlyHeadings(elseCode)) {
          // Neither branch has a gradient to pass (statistics on detached values, say): no block
          // of comments, and no decision to save for it.
          unreadBranches.add(f);
          return null;
        }
        b.addAll(flagRead);
        b.add(new Step.If(flag, thenCode, f.otherwise().isEmpty() ? null : elseCode));
        for (String v : new HashSet<>(states.keySet())) {
          State x = thenStates.get(v);
          State y = elseStates.get(v);
          states.put(v, x == y ? x : State.MAYBE);
        }
        return null;
      }

      @Override
      public Void forLoop(Stmt.For f) {
        return loop(f, f.body());
      }

      @Override
      public Void forEach(Stmt.ForEach f) {
        return loop(f, f.body());
      }

      private Void loop(Stmt s, List<Stmt> body) {
        Step.Expr trips = read(s, TRIPS, b);
        // Whether an iteration ran, and so set a gradient, is known only at run time.
        Set<String> touched = new HashSet<>();
        touched(body, touched);
        touched.retainAll(states.keySet());
        touched.forEach(v -> states.put(v, State.MAYBE));
        String k = locals.newName("iteration");
        List<Step> steps = new ArrayList<>();
        reverse(body, steps, states, true);
        b.add(new Step.CountDown(k, trips, steps));
        touched.forEach(v -> states.put(v, State.MAYBE));
        return null;
      }
    });
  }

  /** Whether {@code steps} hold nothing but source-line headings. */
  private static boolean onlyHeadings(List<Step> steps) {
    return steps.stream().allMatch(s -> s instanceof Step.Heading);
  }

  private void touched(List<Stmt> stmts, Set<String> out) {
    for (Stmt s : stmts) {
      if (s.target() != null) {
        out.add(s.target());
      }
      s.accept(new Stmt.Default<Void>() {
        @Override
        protected Void otherwise(Stmt s) {
          return null;
        }

        @Override
        public Void prim(Stmt.Prim p) {
          p.args().forEach(a -> operandVars(a, out));
          return null;
        }

        @Override
        public Void call(Stmt.Call c) {
          c.args().forEach(a -> operandVars(a, out));
          return null;
        }

        @Override
        public Void assign(Stmt.Assign a) {
          operandVars(a.source(), out);
          return null;
        }

        @Override
        public Void ret(Stmt.Return r) {
          operandVars(r.value(), out);
          return null;
        }
      });
      s.children().forEach(c -> touched(c, out));
    }
  }

  private static void operandVars(Operand o, Set<String> out) {
    if (o instanceof Operand.Var v) {
      out.add(v.name());
    } else if (o instanceof Operand.TensorList l) {
      l.elements().forEach(e -> operandVars(e, out));
    }
  }

  /**
   * The gradient of {@code target} for its defining statement, resetting the accumulator when
   * the variable is assigned more than once; null when no gradient can reach it. The reset is
   * left out where it would be a dead store ({@code nothingReadsItAfter}): at the declaration
   * outside loops, which nothing before it can use, or where the statement itself writes the
   * variable's gradient next without reading it.
   */
  private Grad take(String target, List<Step> b, Map<String, State> states,
      boolean nothingReadsItAfter) {
    State st = states.getOrDefault(target, State.NULL);
    if (st == State.NULL) {
      return null;
    }
    if (singleDef(target)) {
      return new Grad(grad(target), target);
    }
    String g = locals.newName("g_" + target);
    b.add(new Step.Take(g, grad(target)));
    if (!nothingReadsItAfter) {
      b.add(new Step.Clear(grad(target)));
    }
    states.put(target, State.NULL);
    states.put(g, st);
    return new Grad(g, g);
  }

  private void guarded(Grad g, List<Step> b, Map<String, State> states,
      Consumer<List<Step>> body) {
    boolean maybe = states.getOrDefault(g.local(), State.SET) == State.MAYBE
        || states.getOrDefault(g.key(), State.SET) == State.MAYBE;
    if (!maybe) {
      body.accept(b);
      return;
    }
    Map<String, State> before = new HashMap<>(states);
    List<Step> inner = new ArrayList<>();
    body.accept(inner);
    b.add(new Step.If(new Step.NotNull(g.local()), inner, null));
    for (Map.Entry<String, State> e : states.entrySet()) {
      if (e.getValue() != before.get(e.getKey())) {
        e.setValue(State.MAYBE);
      }
    }
  }

  private void reversePrim(Stmt.Prim p, List<Step> b, Map<String, State> states,
      boolean inLoop) {
    if (!active.contains(p.target())) {
      return;
    }
    Map<String, String> popped = pops(p, b);
    // h = h.tanh(): unless guarded, the adjoint of the input h is assigned to d_h straight away.
    boolean rewritesItself = states.getOrDefault(p.target(), State.NULL) == State.SET
        && readsOwnTarget(p);
    Grad g = take(p.target(), b, states, (p.declare() && !inLoop) || rewritesItself);
    if (g == null) {
      return;
    }
    Primitive prim = p.primitive();
    guarded(g, b, states, in -> {
      for (int i = 0; i < p.args().size(); i++) {
        if (!differentiable(prim, i) || !isActive(p.args().get(i))) {
          continue;
        }
        Input input = prim.inputs().get(i);
        Rule r = prim.rule(input.name());
        List<Step.Expr> args = new ArrayList<>();
        for (Need n : r.needs()) {
          args.add(needValue(p, n, g, popped));
        }
        Step.Expr call = new Step.RuleCall(prim.rules(), r.method(), args);
        Operand o = p.args().get(i);
        if (o instanceof Operand.TensorList l) {
          String list = locals.newName("grads");
          in.add(new Step.Let(list, Step.Of.TENSOR_LIST, call));
          for (int e = 0; e < l.elements().size(); e++) {
            if (isActive(l.elements().get(e))) {
              accumulate(l.elements().get(e), new Step.Element(list, e, false), in, states);
            }
          }
        } else {
          accumulate(o, call, in, states);
        }
      }
    });
  }

  /** Whether {@code p}'s target is one of its differentiable, active arguments. */
  private boolean readsOwnTarget(Stmt.Prim p) {
    for (int i = 0; i < p.args().size(); i++) {
      if (differentiable(p.primitive(), i) && p.args().get(i) instanceof Operand.Var v
          && v.name().equals(p.target()) && isActive(v)) {
        return true;
      }
    }
    return false;
  }

  private Step.Expr needValue(Stmt.Prim p, Need n, Grad g, Map<String, String> popped) {
    switch (n.kind()) {
      case GRAD:
        return new Step.Name(g.local());
      case OUT:
        return slotRead(p, OUT, popped, new Step.Name(p.target()));
      default:
        Operand o = p.args().get(inputIndex(p.primitive(), n.name()));
        Slot.Access access = access(n);
        // A parameter's shape and dtype are read from the field; its value was kept on entry.
        if ((o instanceof Operand.Param && access != Slot.Access.VALUE)
            || (o instanceof Operand.Value v && readAgain(v))) {
          return new Step.Read(o, access);
        }
        return slotRead(p, needKey(n), popped, null);
    }
  }

  private Step.Expr slotRead(Stmt s, String key, Map<String, String> popped,
      Step.Expr fallback) {
    Slot slot = slot(s, key);
    if (slot == null) {
      if (fallback == null) {
        throw new IllegalStateException("no saved slot for " + key);
      }
      return fallback;
    }
    if (slot.stack()) {
      return new Step.Name(popped.get(key));
    }
    return new Step.Saved(slot);
  }

  /** Pops this statement's stack slots (in reverse push order); returns key -> local name. */
  private Map<String, String> pops(Stmt s, List<Step> b) {
    Map<String, String> out = new HashMap<>();
    List<Slot> all = new ArrayList<>(savesBefore(s));
    all.addAll(postSaves.getOrDefault(s, List.of()));
    Map<String, Slot> byKey = reads.getOrDefault(s, Map.of());
    for (int i = all.size() - 1; i >= 0; i--) {
      Slot slot = all.get(i);
      if (!slot.stack()) {
        continue;
      }
      String local = locals.newName(slot.name());
      b.add(new Step.Pop(local, slot.type()));
      for (Map.Entry<String, Slot> e : byKey.entrySet()) {
        if (e.getValue() == slot) {
          out.put(e.getKey(), local);
        }
      }
    }
    return out;
  }

  private Step.Expr read(Stmt s, String key, List<Step> b) {
    Slot slot = slot(s, key);
    if (slot.stack()) {
      String local = locals.newName(slot.name());
      b.add(new Step.Pop(local, slot.type()));
      return new Step.Name(local);
    }
    return new Step.Saved(slot);
  }

  private void reverseCall(Stmt.Call c, List<Step> b, Map<String, State> states,
      boolean inLoop) {
    Map<String, String> popped = pops(c, b);
    Grad g = take(c.target(), b, states, c.declare() && !inLoop);
    if (g == null) {
      return;
    }
    Step.Expr record = slotRead(c, RECORD, popped, null);
    Step.Expr gradient = new Step.Name(g.local());
    if (c.dynamic()) {
      guarded(g, b, states, in -> {
        String arr = locals.newName(grad(c.target()) + "Inputs");
        in.add(new Step.Let(arr, Step.Of.TENSOR_ARRAY, new Step.DynamicBackward(record,
            gradient)));
        for (int k = 0; k < c.args().size(); k++) {
          if (isActive(c.args().get(k))) {
            accumulateNullable(c.args().get(k), new Step.Element(arr, k, true), in, states);
          }
        }
      });
      return;
    }
    Step.Expr layer = c.layer() == null ? null
        : readAgain(c.layer()) ? new Step.Read(c.layer(), Slot.Access.VALUE)
        : slotRead(c, LAYER, popped, null);
    ExecutableElement m = c.method();
    List<Integer> tensorArgs = new ArrayList<>();
    for (int i = 0; i < m.getParameters().size(); i++) {
      if (RuleTable.isTensor(m.getParameters().get(i).asType())) {
        tensorArgs.add(i);
      }
    }
    Step.Expr call = new Step.LayerBackward(c.owner(), m, layer, record, gradient);
    guarded(g, b, states, in -> {
      if (tensorArgs.size() == 1) {
        Operand o = c.args().get(tensorArgs.get(0));
        if (isActive(o) && o instanceof Operand.Var v && isNeedFlagged(v.name())) {
          // The call also accumulates the sub-layer's parameter gradients: it must run even
          // when the caller wants no gradient of this input.
          String d = locals.newName(grad(c.target()) + "Input");
          in.add(new Step.Let(d, Step.Of.TENSOR, call));
          accumulateNullable(o, new Step.Name(d), in, states);
        } else if (isActive(o)) {
          accumulateNullable(o, call, in, states);
        } else {
          in.add(new Step.Evaluate(call));
        }
      } else {
        String arr = locals.newName(grad(c.target()) + "Inputs");
        in.add(new Step.Let(arr, Step.Of.TENSOR_ARRAY, call));
        for (int k = 0; k < tensorArgs.size(); k++) {
          Operand o = c.args().get(tensorArgs.get(k));
          if (isActive(o)) {
            accumulateNullable(o, new Step.Element(arr, k, true), in, states);
          }
        }
      }
    });
  }

  /** {@code d_o += value} for a variable, into the parameter's gradient for a parameter. */
  private void accumulate(Operand o, Step.Expr value, List<Step> b, Map<String, State> states) {
    if (o instanceof Operand.Param p) {
      b.add(new Step.AccumulateParam(p.field(), value));
      return;
    }
    if (!(o instanceof Operand.Var v) || !active.contains(v.name())) {
      return;
    }
    String n = v.name();
    boolean guard = isNeedFlagged(n);
    // Only the caller wants this input's gradient, and it said whether it does.
    List<Step> into = guard ? new ArrayList<>() : b;
    Step.Mode mode = switch (states.getOrDefault(n, State.NULL)) {
      case NULL -> Step.Mode.SET;
      case SET -> Step.Mode.ADD;
      case MAYBE -> Step.Mode.MAYBE;
    };
    into.add(new Step.Accumulate(grad(n), mode, value));
    if (guard) {
      b.add(new Step.If(new Step.NeedFlag(needFlag(n)), into, null));
      states.put(n, State.MAYBE);
    } else {
      states.put(n, State.SET);
    }
  }

  /**
   * Accumulates a value that may be null (a sub-layer's backward returns null for an input it
   * does not use): always through {@code Autograd.accumulate}, leaving the state MAYBE unless it
   * was already SET.
   */
  private void accumulateNullable(Operand o, Step.Expr value, List<Step> b,
      Map<String, State> states) {
    if (!(o instanceof Operand.Var v) || !active.contains(v.name())) {
      return;
    }
    String n = v.name();
    boolean guard = isNeedFlagged(n);
    Step accumulate = new Step.Accumulate(grad(n), Step.Mode.MAYBE, value);
    b.add(guard ? new Step.If(new Step.NeedFlag(needFlag(n)), List.of(accumulate), null)
        : accumulate);
    if (guard || states.getOrDefault(n, State.NULL) != State.SET) {
      states.put(n, State.MAYBE);
    }
  }

  /**
   * Whether {@code var} is a tensor parameter of the method that is never reassigned: its
   * gradient is needed only when the caller asks ({@code saved.need_<name>}).
   */
  public boolean isNeedFlagged(String var) {
    return model.tensorParams().stream().anyMatch(p -> p.name().equals(var)) && singleDef(var);
  }

  /** The tensor parameters that {@link #isNeedFlagged}, in declaration order. */
  public List<String> needFlaggedParams() {
    List<String> out = new ArrayList<>();
    model.tensorParams().forEach(p -> {
      if (isNeedFlagged(p.name())) {
        out.add(p.name());
      }
    });
    return out;
  }

  /** The Saved field that says whether the caller wants the gradient of parameter {@code p}. */
  public static String needFlag(String param) {
    return "need_" + param;
  }
}
