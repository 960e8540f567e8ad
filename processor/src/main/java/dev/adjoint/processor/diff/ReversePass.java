package dev.adjoint.processor.diff;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.emit.Names;
import dev.adjoint.processor.model.Activity;
import dev.adjoint.processor.model.ForwardModel;
import dev.adjoint.processor.model.Input;
import dev.adjoint.processor.model.IrBuilder;
import dev.adjoint.processor.model.Need;
import dev.adjoint.processor.model.Operand;
import dev.adjoint.processor.model.Primitive;
import dev.adjoint.processor.model.Rule;
import dev.adjoint.processor.model.Stmt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * The reverse pass of one {@code @Forward} method: decides what the forward must save (and
 * where), then writes the backward body that walks the statements in reverse and accumulates
 * adjoints ({@code d_<name>}).
 *
 * <p>Values computed once are saved in named fields of the {@code Saved} class; values computed
 * inside loops are pushed on its stack after each statement and popped in reverse, together with
 * branch decisions and trip counts. A variable assigned once outside loops shares one slot for
 * all its uses.
 */
public final class ReversePass {
  /** A value the forward keeps: a field of Saved, or a stack entry when inside a loop. */
  public record Slot(String name, TypeName type, String valueCode, boolean stack) {}

  private final ForwardModel model;
  private final Map<String, Integer> defs = new HashMap<>();
  private final Set<String> loopDefined = new HashSet<>();
  private final Set<String> active = new HashSet<>();
  private final Set<String> usedNames = new HashSet<>();
  private final Set<String> fieldNames = new HashSet<>();

  /** Saves before and after each statement, in push order. */
  private final Map<Stmt, List<Slot>> preSaves = new IdentityHashMap<>();
  private final Map<Stmt, List<Slot>> postSaves = new IdentityHashMap<>();
  /** Saves right after a single-assigned variable is defined (shared slots). */
  private final Map<String, Slot> sharedSlots = new LinkedHashMap<>();
  /** Which slot each (statement, need key) reads in the backward pass. */
  private final Map<Stmt, Map<String, Slot>> reads = new IdentityHashMap<>();
  private final List<Slot> fields = new ArrayList<>();
  private final Map<String, Slot> paramSlots = new LinkedHashMap<>();
  /** Ifs whose branches have nothing to do in the backward: their decision is not saved. */
  private final Set<Stmt> unreadBranches = java.util.Collections.newSetFromMap(
      new IdentityHashMap<>());
  private final CodeBlock backward;

  public ReversePass(ForwardModel model) {
    this.model = model;
    for (ForwardModel.Param p : model.params()) {
      usedNames.add(p.name());
      if (p.tensor()) {
        defs.merge(p.name(), 1, Integer::sum);
      }
    }
    usedNames.addAll(model.tensorLocals());
    countDefs(model.body(), false);
    active.addAll(Activity.of(model.params(), model.body()));
    plan(model.body(), false);
    // Written now: which branch decisions the backward reads is known only once it is written,
    // and the forward saves only those.
    deriveSharedShapes();
    keepOnce(model.body());
    backward = writeBackward();
    for (Stmt s : unreadBranches) {
      Slot flag = reads.get(s).remove("branch");
      fields.remove(flag);
    }
  }

  // ------------------------------------------------------------------ analysis

  private void countDefs(List<Stmt> stmts, boolean inLoop) {
    for (Stmt s : stmts) {
      String t = target(s);
      if (t != null) {
        defs.merge(t, 1, Integer::sum);
        if (inLoop) {
          loopDefined.add(t);
        }
      }
      if (s instanceof Stmt.Bind b) {
        usedNames.add(b.name());
        if (inLoop) {
          loopDefined.add(b.name());
        }
      }
      for (List<Stmt> child : children(s)) {
        countDefs(child, inLoop || s instanceof Stmt.For || s instanceof Stmt.ForEach);
      }
    }
  }

  private static String target(Stmt s) {
    if (s instanceof Stmt.Prim p) {
      return p.target();
    } else if (s instanceof Stmt.Call c) {
      return c.target();
    } else if (s instanceof Stmt.Assign a) {
      return a.target();
    } else if (s instanceof Stmt.Cut c) {
      return c.target();
    }
    return null;
  }

  private static List<List<Stmt>> children(Stmt s) {
    if (s instanceof Stmt.If f) {
      return List.of(f.then(), f.otherwise());
    } else if (s instanceof Stmt.For f) {
      return List.of(f.body());
    } else if (s instanceof Stmt.ForEach f) {
      return List.of(f.body());
    }
    return List.of();
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

  /** The source line of the statement {@link #plan} is at. */
  private long line;

  private void plan(List<Stmt> stmts, boolean inLoop) {
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Prim p && active.contains(p.target())) {
        for (int i = 0; i < p.args().size(); i++) {
          if (!differentiable(p.primitive(), i) || !isActive(p.args().get(i))) {
            continue;
          }
          Rule r = p.primitive().rule(p.primitive().inputs().get(i).name());
          for (Need n : r.needs()) {
            planNeed(s, p, n, inLoop);
          }
        }
      } else if (s instanceof Stmt.Call c) {
        String local = unique(c.target() + (c.dynamic() ? "Call" : "Saved"));
        slotFor(s, "saved", local, c.dynamic() ? DYNAMIC_CALL : savedType(c), local, inLoop,
            true);
        if (c.dynamic()) {
          continue;
        }
        if (c.layer() != null && !stable(c.layer().code())) {
          slotFor(s, "layer", c.layer().code(), TypeName.get(c.layer().type()), c.layer().code(),
              inLoop, false);
        }
      } else if (s instanceof Stmt.If f) {
        // Named by the line of the if, so that the field says which decision it holds.
        String name = "branchAtLine" + line;
        plan(f.then(), inLoop);
        plan(f.otherwise(), inLoop);
        slotFor(s, "branch", name, TypeName.BOOLEAN, unique(name), inLoop, true);
      } else if (s instanceof Stmt.For f) {
        String name = "tripsAtLine" + line;
        plan(f.body(), true);
        slotFor(s, "trips", name, TypeName.INT, unique(name), inLoop, true);
      } else if (s instanceof Stmt.ForEach f) {
        String name = "tripsAtLine" + line;
        plan(f.body(), true);
        slotFor(s, "trips", name, TypeName.INT, unique(name), inLoop, true);
      } else if (s instanceof Stmt.Line l) {
        line = l.line();
      }
    }
  }

  // ------------------------------------------------------------------ one slot per value

  private static final String SHAPE = ".shape()";

  /** A shape whose tensor is kept anyway is read from that tensor, not kept as well. */
  private void deriveSharedShapes() {
    for (String code : new ArrayList<>(sharedSlots.keySet())) {
      if (!code.endsWith(SHAPE)) {
        continue;
      }
      Slot tensor = sharedSlots.get(code.substring(0, code.length() - SHAPE.length()));
      if (tensor == null || !tensor.type().equals(Names.TENSOR)) {
        continue;
      }
      Slot shape = sharedSlots.remove(code);
      paramSlots.remove(code);
      fields.remove(shape);
      redirect(shape, new Slot(tensor.name() + SHAPE, shape.type(), code, false));
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
      String t = target(s);
      Set<String> redefined = new HashSet<>();
      if (t != null) {
        redefined.add(t);
      }
      for (List<Stmt> child : children(s)) {
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
      String code = slot.valueCode();
      if (slot.stack() || code == null
          || !code.matches("[A-Za-z_$][\\w$]*(\\.shape\\(\\))?")) {
        continue;
      }
      if (code.endsWith(SHAPE) && slot.type().equals(TypeName.get(int[].class))) {
        String base = code.substring(0, code.length() - SHAPE.length());
        Slot tensor = tensors.get(base);
        if (tensor != null) {
          saves.remove(slot);
          fields.remove(slot);
          redirect(slot, new Slot(tensor.name() + SHAPE, slot.type(), code, false));
        } else {
          shapes.computeIfAbsent(base, k -> new ArrayList<>()).add(slot);
        }
      } else if (slot.type().equals(Names.TENSOR)) {
        Slot same = tensors.get(code);
        if (same != null) {
          saves.remove(slot);
          fields.remove(slot);
          redirect(slot, same);
          continue;
        }
        tensors.put(code, slot);
        // Shapes kept earlier in this stretch: read them from this tensor instead.
        for (Slot shape : shapes.getOrDefault(code, List.of())) {
          for (List<Slot> list : preSaves.values()) {
            list.remove(shape);
          }
          for (List<Slot> list : postSaves.values()) {
            list.remove(shape);
          }
          fields.remove(shape);
          redirect(shape, new Slot(slot.name() + SHAPE, shape.type(), shape.valueCode(), false));
        }
        shapes.remove(code);
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
      String t = target(s);
      if (t != null) {
        out.add(t);
      }
      children(s).forEach(c -> defined(c, out));
    }
  }

  private void planNeed(Stmt s, Stmt.Prim p, Need n, boolean inLoop) {
    switch (n.kind()) {
      case GRAD -> { }
      case OUT -> {
        TypeName type = TypeName.get(p.primitive().method().getReturnType());
        if (p.carrier() != null) {
          // The rule reads the whole result (max along a dim: its indices), kept after the call.
          slotFor(s, "out", p.carrier(), type, p.carrier(), inLoop, true);
        } else {
          valueSlot(s, "out", new Operand.Var(p.target()), type, inLoop, true, null);
        }
      }
      case INPUT, SHAPE, DTYPE -> {
        Operand o = p.args().get(inputIndex(p.primitive(), n.name()));
        boolean shape = n.kind() == Need.Kind.SHAPE;
        TypeName type = shape ? TypeName.get(int[].class) : TypeName.get(n.type());
        valueSlot(s, needKey(n), o, type, inLoop, false, accessor(n));
      }
    }
  }

  /** What a need reads of its input: null (the value), "shape" or "dtype". */
  private static String accessor(Need n) {
    return n.kind() == Need.Kind.SHAPE ? "shape" : n.kind() == Need.Kind.DTYPE ? "dtype" : null;
  }

  /** The key under which a statement reads the slot of an input need. */
  private static String needKey(Need n) {
    return (accessor(n) != null ? accessor(n) + ":" : "in:") + n.name();
  }

  private static int inputIndex(Primitive p, String name) {
    for (int i = 0; i < p.inputs().size(); i++) {
      if (p.inputs().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("no input " + name);
  }

  /** Plans the slot for operand {@code o} as statement {@code s} sees it. */
  private void valueSlot(Stmt s, String key, Operand o, TypeName type, boolean inLoop,
      boolean after, String accessor) {
    if (o instanceof Operand.Param param && accessor == null) {
      // A parameter's value is kept on entry, not read from the field by the backward pass: an
      // optimizer step in between must be caught by the version check, never used silently.
      String code = IrBuilder.code(o);
      Slot shared = sharedSlots.get(code);
      if (shared == null) {
        shared = new Slot(uniqueField(param.field()), type, code, false);
        sharedSlots.put(code, shared);
        fields.add(shared);
        paramSlots.put(code, shared);
      }
      reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, shared);
      return;
    }
    if (o instanceof Operand.Param || (o instanceof Operand.Value v && (v.literal()
        || stable(v.code())))) {
      return; // read directly in the backward pass
    }
    String code = IrBuilder.code(o);
    String valueCode = accessor != null ? code + "." + accessor + "()" : code;
    String base = accessor == null ? code : code + (accessor.equals("shape") ? "Shape" : "DType");
    if (o instanceof Operand.Var var && singleDef(var.name()) && !inLoop) {
      Slot shared = sharedSlots.get(valueCode);
      if (shared == null) {
        shared = new Slot(uniqueField(base), type, valueCode, false);
        sharedSlots.put(valueCode, shared);
        fields.add(shared);
        if (isParam(var.name())) {
          paramSlots.put(valueCode, shared);
        }
      }
      reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, shared);
      return;
    }
    if (o instanceof Operand.Value v && !inLoop && singleDefBind(v.code())) {
      slotFor(s, key, base, type, valueCode, false, false);
      return;
    }
    slotFor(s, key, base, type, valueCode, inLoop, after);
  }

  private boolean singleDefBind(String name) {
    return !loopDefined.contains(name);
  }

  private boolean isParam(String name) {
    return model.params().stream().anyMatch(p -> p.name().equals(name));
  }

  private void slotFor(Stmt s, String key, String base, TypeName type, String valueCode,
      boolean stack, boolean after) {
    if (valueCode != null) {
      // One statement reading the same value twice (h.mul(h)) keeps it once.
      for (Slot existing : (after ? postSaves : preSaves).getOrDefault(s, List.of())) {
        if (valueCode.equals(existing.valueCode())) {
          reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, existing);
          return;
        }
      }
    }
    Slot slot = new Slot(uniqueField(base), type, valueCode, stack);
    if (!stack) {
      fields.add(slot);
    }
    (after ? postSaves : preSaves).computeIfAbsent(s, k -> new ArrayList<>()).add(slot);
    reads.computeIfAbsent(s, k -> new HashMap<>()).put(key, slot);
  }

  private static boolean stable(String code) {
    return code.equals("self") || code.matches("self\\.[A-Za-z_$][A-Za-z_$0-9]*");
  }

  private String uniqueField(String base) {
    String name = base.replaceAll("[^A-Za-z0-9_$]", "_");
    String candidate = name;
    for (int i = 1; !fieldNames.add(candidate); i++) {
      candidate = name + "_" + i;
    }
    return candidate;
  }

  private String unique(String base) {
    String name = base.replaceAll("[^A-Za-z0-9_$]", "_");
    String candidate = name;
    for (int i = 1; usedNames.contains(candidate); i++) {
      candidate = name + "_" + i;
    }
    usedNames.add(candidate);
    return candidate;
  }

  /** The runtime holder of a dynamic call. */
  public static final ClassName DYNAMIC_CALL = ClassName.bestGuess(dev.adjoint.processor.model.KnownTypes.DYNAMIC_CALL);

  /** The Saved class of the method a Call statement invokes. */
  public static ClassName savedType(Stmt.Call c) {
    return ClassName.get(adjointClass(c.owner()).packageName(), adjointClass(c.owner())
        .simpleName(), Names.capitalize(c.method().getSimpleName().toString()) + "Saved");
  }

  /** {@code <Owner>_Adjoint} for a class with {@code @Forward} methods. */
  public static ClassName adjointClass(TypeElement owner) {
    ClassName c = ClassName.get(owner);
    return ClassName.get(c.packageName(), String.join("_", c.simpleNames()) + "_Adjoint");
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
    String t = target(s);
    if (t != null) {
      for (Slot shared : sharedSlots.values()) {
        if (shared.valueCode().equals(t) || shared.valueCode().equals(t + ".shape()")
            || shared.valueCode().equals(t + ".dtype()")) {
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

  /** The slot a Call/If/For keeps under {@code key} ("saved", "branch", "trips", "layer"). */
  public Slot slot(Stmt s, String key) {
    return reads.getOrDefault(s, Map.of()).get(key);
  }

  // ------------------------------------------------------------------ the backward body

  private enum State { NULL, MAYBE, SET }

  private int takes;

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
  public CodeBlock backwardBody() {
    return backward;
  }

  private CodeBlock writeBackward() {
    CodeBlock.Builder b = CodeBlock.builder();
    List<String> vars = new ArrayList<>();
    for (String v : model.tensorLocals()) {
      if (active.contains(v)) {
        vars.add(v);
      }
    }
    for (String v : vars) {
      b.addStatement("$T d_$L = null", Names.TENSOR, v);
    }
    Map<String, State> states = new HashMap<>();
    vars.forEach(v -> states.put(v, State.NULL));
    reverse(model.body(), b, states, false);
    List<ForwardModel.Param> tp = model.tensorParams();
    if (tp.size() == 1) {
      b.addStatement("return $L", gradOf(tp.get(0).name()));
    } else {
      CodeBlock.Builder arr = CodeBlock.builder();
      for (int i = 0; i < tp.size(); i++) {
        arr.add(i > 0 ? ", $L" : "$L", gradOf(tp.get(i).name()));
      }
      b.addStatement("return new $T[] {$L}", Names.TENSOR, arr.build());
    }
    return b.build();
  }

  private String gradOf(String param) {
    return active.contains(param) ? "d_" + param : "null";
  }

  private void reverse(List<Stmt> stmts, CodeBlock.Builder b, Map<String, State> states,
      boolean inLoop) {
    // Group statements by source line; groups run in reverse, each under its line comment.
    List<List<Stmt>> groups = new ArrayList<>();
    List<Stmt> current = new ArrayList<>();
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Line && !current.isEmpty()) {
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
      CodeBlock.Builder code = CodeBlock.builder();
      for (int i = group.size() - 1; i >= 0; i--) {
        if (!(group.get(i) instanceof Stmt.Line)) {
          reverseOne(group.get(i), code, states, inLoop);
        }
      }
      if (code.isEmpty()) {
        continue; // a line with no gradient to pass gets no heading either
      }
      if (group.get(0) instanceof Stmt.Line line) {
        b.add("// $L:$L  $L\n", line.file(), line.line(), line.text());
        b.addStatement("sourceLine = $L", line.line());
      }
      b.add(code.build());
    }
  }

  private void reverseOne(Stmt s, CodeBlock.Builder b, Map<String, State> states,
      boolean inLoop) {
    if (s instanceof Stmt.Return r) {
      accumulate(r.value(), gradOutputName(), b, states);
    } else if (s instanceof Stmt.Prim p) {
      reversePrim(p, b, states, inLoop);
    } else if (s instanceof Stmt.Call c) {
      reverseCall(c, b, states, inLoop);
    } else if (s instanceof Stmt.Assign a) {
      if (!active.contains(a.target())) {
        return;
      }
      String g = take(a.target(), b, states, a.declare() && !inLoop);
      if (g == null) {
        return;
      }
      guarded(g, b, states, () -> accumulate(a.source(), g, b, states));
    } else if (s instanceof Stmt.Cut c) {
      if (active.contains(c.target()) && !singleDef(c.target())) {
        b.addStatement("d_$L = null", c.target());
        states.put(c.target(), State.NULL);
      }
    } else if (s instanceof Stmt.If f) {
      CodeBlock.Builder flagRead = CodeBlock.builder();
      String flag = read(s, "branch", flagRead);
      Map<String, State> thenStates = new HashMap<>(states);
      Map<String, State> elseStates = new HashMap<>(states);
      CodeBlock.Builder thenCode = CodeBlock.builder();
      CodeBlock.Builder elseCode = CodeBlock.builder();
      reverse(f.then(), thenCode, thenStates, inLoop);
      reverse(f.otherwise(), elseCode, elseStates, inLoop);
      if (onlyLineMarks(thenCode.build()) && onlyLineMarks(elseCode.build())) {
        // Neither branch has a gradient to pass (statistics on detached values, say): no block
        // of comments, and no decision to save for it.
        unreadBranches.add(s);
        return;
      }
      b.add(flagRead.build());
      b.beginControlFlow("if ($L)", flag);
      b.add(thenCode.build());
      if (!f.otherwise().isEmpty()) {
        b.nextControlFlow("else");
        b.add(elseCode.build());
      }
      b.endControlFlow();
      for (String v : new HashSet<>(states.keySet())) {
        State x = thenStates.get(v);
        State y = elseStates.get(v);
        states.put(v, x == y ? x : State.MAYBE);
      }
    } else if (s instanceof Stmt.For || s instanceof Stmt.ForEach) {
      List<Stmt> body = s instanceof Stmt.For f ? f.body() : ((Stmt.ForEach) s).body();
      String trips = read(s, "trips", b);
      Set<String> touched = new HashSet<>();
      touched(body, touched);
      for (String v : touched) {
        if (states.containsKey(v)) {
          states.put(v, State.MAYBE);
        }
      }
      String k = unique("iteration");
      b.beginControlFlow("for (int $L = $L; $L > 0; $L--)", k, trips, k, k);
      reverse(body, b, states, true);
      b.endControlFlow();
      for (String v : touched) {
        if (states.containsKey(v)) {
          states.put(v, State.MAYBE);
        }
      }
    }
  }

  /** Whether {@code code} holds only source-line comments and {@code sourceLine} marks. */
  private static boolean onlyLineMarks(CodeBlock code) {
    return code.toString().lines().map(String::strip)
        .allMatch(l -> l.isEmpty() || l.startsWith("//") || l.matches("sourceLine = \\d+;"));
  }

  private void touched(List<Stmt> stmts, Set<String> out) {
    for (Stmt s : stmts) {
      String t = target(s);
      if (t != null) {
        out.add(t);
      }
      if (s instanceof Stmt.Prim p) {
        p.args().forEach(a -> operandVars(a, out));
      } else if (s instanceof Stmt.Call c) {
        c.args().forEach(a -> operandVars(a, out));
      } else if (s instanceof Stmt.Assign a) {
        operandVars(a.source(), out);
      } else if (s instanceof Stmt.Return r) {
        operandVars(r.value(), out);
      }
      children(s).forEach(c -> touched(c, out));
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
   * The name holding the gradient of {@code target} for its defining statement, resetting the
   * accumulator when the variable is assigned more than once; null when no gradient can reach it.
   * The reset is left out where it would be a dead store ({@code nothingReadsItAfter}): at the
   * declaration outside loops, which nothing before it can use, or where the statement itself
   * writes the variable's gradient next without reading it.
   */
  private String take(String target, CodeBlock.Builder b, Map<String, State> states,
      boolean nothingReadsItAfter) {
    State st = states.getOrDefault(target, State.NULL);
    if (st == State.NULL) {
      return null;
    }
    if (singleDef(target)) {
      return "d_" + target;
    }
    String g = unique("g_" + target);
    b.addStatement("$T $L = d_$L", Names.TENSOR, g, target);
    if (!nothingReadsItAfter) {
      b.addStatement("d_$L = null", target);
    }
    states.put(target, State.NULL);
    states.put(g, st);
    return g;
  }

  private void guarded(String g, CodeBlock.Builder b, Map<String, State> states, Runnable body) {
    boolean maybe = states.getOrDefault(g, State.SET) == State.MAYBE
        || states.getOrDefault(g.startsWith("d_") ? g.substring(2) : g, State.SET)
            == State.MAYBE;
    if (!maybe) {
      body.run();
      return;
    }
    Map<String, State> before = new HashMap<>(states);
    b.beginControlFlow("if ($L != null)", g);
    body.run();
    b.endControlFlow();
    for (Map.Entry<String, State> e : states.entrySet()) {
      if (e.getValue() != before.get(e.getKey())) {
        e.setValue(State.MAYBE);
      }
    }
  }

  private void reversePrim(Stmt.Prim p, CodeBlock.Builder b, Map<String, State> states,
      boolean inLoop) {
    if (!active.contains(p.target())) {
      return;
    }
    Map<String, String> popped = pops(p, b);
    // h = h.tanh(): unless guarded, the adjoint of the input h is assigned to d_h straight away.
    boolean rewritesItself = states.getOrDefault(p.target(), State.NULL) == State.SET
        && readsOwnTarget(p);
    String g = take(p.target(), b, states, (p.declare() && !inLoop) || rewritesItself);
    if (g == null) {
      return;
    }
    Primitive prim = p.primitive();
    guarded(g, b, states, () -> {
      for (int i = 0; i < p.args().size(); i++) {
        if (!differentiable(prim, i) || !isActive(p.args().get(i))) {
          continue;
        }
        Input in = prim.inputs().get(i);
        Rule r = prim.rule(in.name());
        CodeBlock.Builder args = CodeBlock.builder();
        for (int k = 0; k < r.needs().size(); k++) {
          args.add(k > 0 ? ", $L" : "$L", needCode(p, r.needs().get(k), g, popped));
        }
        CodeBlock call = CodeBlock.of("$T.$L($L)", ClassName.get(prim.rules()),
            r.method().getSimpleName(), args.build());
        Operand o = p.args().get(i);
        if (o instanceof Operand.TensorList l) {
          String list = unique("grads");
          b.addStatement("$T<$T> $L = $L", ClassName.get("java.util", "List"), Names.TENSOR,
              list, call);
          for (int e = 0; e < l.elements().size(); e++) {
            if (isActive(l.elements().get(e))) {
              accumulate(l.elements().get(e), list + ".get(" + e + ")", b, states);
            }
          }
        } else {
          accumulate(o, call, b, states);
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

  private String needCode(Stmt.Prim p, Need n, String g, Map<String, String> popped) {
    switch (n.kind()) {
      case GRAD:
        return g;
      case OUT:
        return slotRead(p, "out", popped, IrBuilder.code(new Operand.Var(p.target())));
      default:
        Operand o = p.args().get(inputIndex(p.primitive(), n.name()));
        String accessor = accessor(n);
        // A parameter's shape and dtype are read from the field; its value was kept on entry.
        if ((o instanceof Operand.Param && accessor != null) || (o instanceof Operand.Value v
            && (v.literal() || stable(v.code())))) {
          return IrBuilder.code(o) + (accessor != null ? "." + accessor + "()" : "");
        }
        return slotRead(p, needKey(n), popped, null);
    }
  }

  private String slotRead(Stmt s, String key, Map<String, String> popped, String fallback) {
    Slot slot = reads.getOrDefault(s, Map.of()).get(key);
    if (slot == null) {
      if (fallback == null) {
        throw new IllegalStateException("no saved slot for " + key);
      }
      return fallback;
    }
    if (slot.stack()) {
      return popped.get(key);
    }
    return "saved." + slot.name();
  }

  /** Pops this statement's stack slots (in reverse push order); returns key -> local name. */
  private Map<String, String> pops(Stmt s, CodeBlock.Builder b) {
    Map<String, String> out = new HashMap<>();
    List<Slot> all = new ArrayList<>(savesBefore(s));
    all.addAll(postSaves.getOrDefault(s, List.of()));
    Map<String, Slot> byKey = reads.getOrDefault(s, Map.of());
    for (int i = all.size() - 1; i >= 0; i--) {
      Slot slot = all.get(i);
      if (!slot.stack()) {
        continue;
      }
      String local = unique(slot.name());
      b.addStatement("$T $L = saved.pop()", slot.type(), local);
      for (Map.Entry<String, Slot> e : byKey.entrySet()) {
        if (e.getValue() == slot) {
          out.put(e.getKey(), local);
        }
      }
    }
    return out;
  }

  private String read(Stmt s, String key, CodeBlock.Builder b) {
    Slot slot = slot(s, key);
    if (slot.stack()) {
      String local = unique(slot.name());
      b.addStatement("$T $L = saved.pop()", slot.type(), local);
      return local;
    }
    return "saved." + slot.name();
  }

  private void reverseCall(Stmt.Call c, CodeBlock.Builder b, Map<String, State> states,
      boolean inLoop) {
    Map<String, String> popped = pops(c, b);
    String g = take(c.target(), b, states, c.declare() && !inLoop);
    if (g == null) {
      return;
    }
    Slot sub = slot(c, "saved");
    String subSaved = sub.stack() ? popped.get("saved") : "saved." + sub.name();
    if (c.dynamic()) {
      guarded(g, b, states, () -> {
        String arr = unique("d_" + c.target() + "Inputs");
        b.addStatement("$T[] $L = $L.backward($L)", Names.TENSOR, arr, subSaved, g);
        for (int k = 0; k < c.args().size(); k++) {
          if (isActive(c.args().get(k))) {
            accumulateNullable(c.args().get(k), arr + "[" + k + "]", b, states);
          }
        }
      });
      return;
    }
    String layer = c.layer() == null ? null
        : stable(c.layer().code()) ? c.layer().code()
        : slot(c, "layer").stack() ? popped.get("layer") : "saved." + slot(c, "layer").name();
    ExecutableElement m = c.method();
    List<Integer> tensorArgs = new ArrayList<>();
    for (int i = 0; i < m.getParameters().size(); i++) {
      if (dev.adjoint.processor.model.RuleTable.isTensor(m.getParameters().get(i).asType())) {
        tensorArgs.add(i);
      }
    }
    ClassName owner = adjointClass(c.owner());
    String backward = m.getSimpleName() + "Backward";
    CodeBlock call = layer == null
        ? CodeBlock.of("$T.$L($L, $L)", owner, backward, subSaved, g)
        : CodeBlock.of("$T.$L($L, $L, $L)", owner, backward, layer, subSaved, g);
    guarded(g, b, states, () -> {
      if (tensorArgs.size() == 1) {
        Operand o = c.args().get(tensorArgs.get(0));
        if (isActive(o) && o instanceof Operand.Var v && isNeedFlagged(v.name())) {
          // The call also accumulates the sub-layer's parameter gradients: it must run even
          // when the caller wants no gradient of this input.
          String d = unique("d_" + c.target() + "Input");
          b.addStatement("$T $L = $L", Names.TENSOR, d, call);
          accumulateNullable(o, d, b, states);
        } else if (isActive(o)) {
          accumulateNullable(o, call, b, states);
        } else {
          b.addStatement("$L", call);
        }
      } else {
        String arr = unique("d_" + c.target() + "Inputs");
        b.addStatement("$T[] $L = $L", Names.TENSOR, arr, call);
        for (int k = 0; k < tensorArgs.size(); k++) {
          Operand o = c.args().get(tensorArgs.get(k));
          if (isActive(o)) {
            accumulateNullable(o, arr + "[" + k + "]", b, states);
          }
        }
      }
    });
  }

  /** {@code d_o += value} for a variable, {@code self.p.accumulateGrad(value)} for a parameter. */
  private void accumulate(Operand o, Object value, CodeBlock.Builder b,
      Map<String, State> states) {
    if (o instanceof Operand.Param p) {
      b.beginControlFlow("if (self.$L.requiresGrad())", p.field())
          .addStatement("self.$L.accumulateGrad($L)", p.field(), value)
          .endControlFlow();
      return;
    }
    if (!(o instanceof Operand.Var v) || !active.contains(v.name())) {
      return;
    }
    String n = v.name();
    boolean guard = isNeedFlagged(n);
    if (guard) {
      // Only the caller wants this input's gradient, and it said whether it does.
      b.beginControlFlow("if (saved.$L)", needFlag(n));
    }
    switch (states.getOrDefault(n, State.NULL)) {
      case NULL -> b.addStatement("d_$L = $L", n, value);
      case SET -> b.addStatement("d_$L = d_$L.add($L)", n, n, value);
      case MAYBE -> b.addStatement("d_$L = $T.accumulate(d_$L, $L)", n, Names.AUTOGRAD, n,
          value);
    }
    if (guard) {
      b.endControlFlow();
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
  private void accumulateNullable(Operand o, Object value, CodeBlock.Builder b,
      Map<String, State> states) {
    if (!(o instanceof Operand.Var v) || !active.contains(v.name())) {
      return;
    }
    String n = v.name();
    boolean guard = isNeedFlagged(n);
    if (guard) {
      b.beginControlFlow("if (saved.$L)", needFlag(n));
    }
    b.addStatement("d_$L = $T.accumulate(d_$L, $L)", n, Names.AUTOGRAD, n, value);
    if (guard) {
      b.endControlFlow();
    }
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

  /** The Saved field that says whether the caller wants the gradient of parameter {@code p}. */
  public static String needFlag(String param) {
    return "need_" + param;
  }



}
