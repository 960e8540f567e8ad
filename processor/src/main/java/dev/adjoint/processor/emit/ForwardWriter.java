package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diff.ReversePass;
import dev.adjoint.processor.diff.Slot;
import dev.adjoint.processor.model.Escape;
import dev.adjoint.processor.model.Operand;
import dev.adjoint.processor.model.RuleTable;
import dev.adjoint.processor.model.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.type.TypeKind;

/**
 * Spells the body of a generated forward: the statements of the model, with the saves the
 * reverse pass planned before and after them.
 */
final class ForwardWriter implements Stmt.Visitor<Boolean> {
  private final ReversePass pass;
  private final CodeBlock.Builder b;
  /** How often each local is read by the forward's statements. */
  private final Map<String, Integer> reads;
  /**
   * A scalar multiplication written only if the next statement does not take it into one
   * affine pass ({@link #prim}); null when none waits.
   */
  private Stmt.Prim pendingScale;
  /**
   * The statement written just before, when it was a primitive: its result, a temporary of one
   * expression, may die in the statement that follows ({@link #releaseDead}).
   */
  private Stmt.Prim previous;
  /** The waiting scalar product, when the statement being written wrote it first. */
  private Stmt.Prim flushed;

  /**
   * Whether this forward's output needs a gradient (an input's need flag or the layer's
   * parameters), or null where that is always so: its returns mark a gradient-free output.
   */
  private final CodeBlock outputNeeds;

  private ForwardWriter(ReversePass pass, CodeBlock.Builder b, Map<String, Integer> reads,
      CodeBlock outputNeeds) {
    this.pass = pass;
    this.b = b;
    this.reads = reads;
    this.outputNeeds = outputNeeds;
  }

  /**
   * The forward's statements: the entry saves, then {@code body}. {@code outputNeeds} (or null)
   * is whether the output needs a gradient; where it does not, the returns mark the output
   * gradient-free ({@code GradFree.passing}).
   */
  static CodeBlock write(List<Stmt> body, ReversePass pass, CodeBlock outputNeeds) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Slot slot : pass.savesOnEntry()) {
      save(b, slot, value(slot));
    }
    new ForwardWriter(pass, b, LocalReads.count(body), outputNeeds).statements(body);
    return b.build();
  }

  /** The comment naming a source line, and the mark that a failure reports it by. */
  static void heading(Stmt.Line line, CodeBlock.Builder b) {
    b.add("// $L:$L  $L\n", line.file(), line.line(), line.text());
    b.addStatement("sourceLine = $L", line.line());
  }

  private void statements(List<Stmt> stmts) {
    previous = null;
    for (Stmt s : stmts) {
      List<Slot> first = pass.savesBefore(s);
      if (!first.isEmpty()) {
        flushScale();
      }
      for (Slot slot : first) {
        save(b, slot, value(slot));
      }
      // Branches and loops keep their decisions and trip counts themselves.
      Stmt.Prim before = previous;
      previous = null;
      flushed = null;
      if (s.accept(this)) {
        for (Slot slot : pass.savesAfter(s)) {
          save(b, slot, value(slot));
        }
      }
      // A scalar product that waited and was written just before s is what s follows.
      releaseDead(flushed != null ? flushed : before, previous, s);
    }
    flushScale();
    previous = null;
  }

  /**
   * After {@code s} ({@code current} when it is a primitive), the last use of {@code before}'s
   * result when that is a temporary of the
   * expression {@code s} continues ({@code x.matmul(w).add(b)}: the product dies in the add):
   * read once, by {@code s}, kept by no save, and {@code s} a primitive whose result never
   * shares its operands' memory. The runtime releases it only if the call made it and nothing
   * kept it ({@code Temporaries.release}).
   */
  private void releaseDead(Stmt.Prim before, Stmt.Prim current, Stmt s) {
    if (before == null || !before.declare() || before.carrier() != null
        || reads.getOrDefault(before.target(), 0) != 1 || keepsValue(pass.savesAfter(before),
            before.target()) || keepsValue(pass.savesBefore(s), before.target())
        || keepsValue(pass.savesAfter(s), before.target()) || current == null
        || !current.args().contains(new Operand.Var(before.target()))
        || !freshResult(current)) {
      return;
    }
    b.addStatement("$T.release($L)", Names.TEMPORARIES, before.target());
  }

  /** Whether a slot of {@code slots} keeps the value (not only the shape) of local {@code name}. */
  private static boolean keepsValue(List<Slot> slots, String name) {
    for (Slot slot : slots) {
      if (slot.value() instanceof Slot.Of of && of.access() == Slot.Access.VALUE
          && of.operand() instanceof Operand.Var v && v.name().equals(name)) {
        return true;
      }
      if (slot.value() instanceof Slot.Local l && l.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether primitive {@code p}'s result is always new memory: arithmetic, elementwise and
   * linear-algebra ops (views, reshapes, conversions and the like may share their input's).
   */
  private static boolean freshResult(Stmt.Prim p) {
    return FRESH_FAMILIES.contains(p.primitive().rules().getSimpleName().toString());
  }

  /** The rule classes of the primitives whose results never alias their operands. */
  private static final java.util.Set<String> FRESH_FAMILIES =
      java.util.Set.of("Arithmetic", "Elementwise", "LinearAlgebra");

  /** Writes the scalar multiplication that waited for an addition that did not come. */
  private void flushScale() {
    if (pendingScale != null) {
      Stmt.Prim p = pendingScale;
      pendingScale = null;
      b.addStatement("$L$L = $L", declared(p.declare()), p.target(),
          JavaCode.call(p.primitive(), p.args()));
      flushed = p;
    }
  }

  /**
   * {@code t = x.mul(s)} (a double scalar) whose result only the next statement reads and the
   * backward does not keep: it may join an addition of a scalar in one affine pass.
   */
  private boolean isFusableScale(Stmt.Prim p) {
    return p.carrier() == null && p.declare() && isScalarOp(p, "mul")
        && reads.getOrDefault(p.target(), 0) == 1 && pass.savesAfter(p).isEmpty();
  }

  /** {@code u = t.add(c)} or {@code t.sub(c)} of the waiting {@code t}, with a double scalar. */
  private boolean continuesScale(Stmt.Prim p) {
    return pendingScale != null && p.carrier() == null
        && (isScalarOp(p, "add") || isScalarOp(p, "sub"))
        && p.args().get(0) instanceof Operand.Var v && v.name().equals(pendingScale.target());
  }

  /** Tensor's instance method {@code name(double)}. */
  private static boolean isScalarOp(Stmt.Prim p, String name) {
    var m = p.primitive().method();
    return p.primitive().isInstance() && m.getSimpleName().contentEquals(name)
        && m.getParameters().size() == 1
        && m.getParameters().get(0).asType().getKind() == TypeKind.DOUBLE
        && m.getEnclosingElement().getSimpleName().contentEquals("Tensor");
  }

  /** What the forward keeps in {@code slot}. */
  private static CodeBlock value(Slot slot) {
    if (slot.value() instanceof Slot.Of of) {
      return JavaCode.of(of.operand(), of.access());
    }
    return CodeBlock.of("$L", ((Slot.Local) slot.value()).name());
  }

  private static void save(CodeBlock.Builder b, Slot slot, CodeBlock value) {
    TypeName type = Names.typeOf(slot.type());
    if (type.equals(Names.TENSOR) || type.equals(Names.TENSOR_LIST)
        || type.equals(Names.VALUES_INDICES)) {
      // Kept with its version, which the backward checks (sourceLine: the line running now).
      value = CodeBlock.of("saved.keep($L, $S, sourceLine)", value, slot.name());
    }
    if (slot.stack()) {
      b.addStatement("saved.push($L)", value);
    } else {
      b.addStatement("saved.$L = $L", slot.name(), value);
    }
  }

  /** {@code Tensor } where a statement declares its tensor. */
  private static CodeBlock declared(boolean declare) {
    return declare ? CodeBlock.of("$T ", Names.TENSOR) : CodeBlock.of("");
  }

  @Override
  public Boolean line(Stmt.Line line) {
    flushScale();
    heading(line, b);
    return true;
  }

  @Override
  public Boolean prim(Stmt.Prim p) {
    if (continuesScale(p)) {
      // x.mul(s).add(c) in one pass over memory (bit for bit the two ops: Fusions.affine).
      Stmt.Prim scale = pendingScale;
      pendingScale = null;
      CodeBlock shift = JavaCode.of(p.args().get(1));
      if (p.primitive().method().getSimpleName().contentEquals("sub")) {
        shift = CodeBlock.of("-($L)", shift);
      }
      b.addStatement("$L$L = $T.affine($L, $L, $L)", declared(p.declare()), p.target(),
          Names.FUSIONS, JavaCode.of(scale.args().get(0)), JavaCode.of(scale.args().get(1)),
          shift);
      return true;
    }
    flushScale();
    if (isFusableScale(p)) {
      pendingScale = p; // (and its operand is not released: the fused pass reads it)
      return true;
    }
    previous = p;
    CodeBlock call = JavaCode.call(p.primitive(), p.args());
    if (p.carrier() == null) {
      b.addStatement("$L$L = $L", declared(p.declare()), p.target(), call);
      return true;
    }
    if (p.declare()) {
      b.addStatement("$T $L = $L", TypeName.get(p.primitive().method().getReturnType()),
          p.carrier(), call);
    } else {
      b.addStatement("$L = $L", p.carrier(), call);
    }
    b.addStatement("$L$L = $L.$L()", declared(p.declare()), p.target(), p.carrier(),
        p.primitive().output());
    return true;
  }

  /**
   * Whether a sub-call must return the gradient of argument {@code a}: our own flag for one of
   * our inputs; for a local, that input's flag when the local holds the very same tensor (the
   * first pass of a loop over layers), else true.
   */
  private CodeBlock needOf(Operand a) {
    if (!(a instanceof Operand.Var v)) {
      return CodeBlock.of("true");
    }
    if (pass.isNeedFlagged(v.name())) {
      return CodeBlock.of("saved.$L", ReversePass.needFlag(v.name()));
    }
    List<CodeBlock> unless = new ArrayList<>();
    for (String p : pass.needFlaggedParams()) {
      unless.add(CodeBlock.of("($L != $L || saved.$L)", v.name(), p, ReversePass.needFlag(p)));
    }
    return unless.isEmpty() ? CodeBlock.of("true") : CodeBlock.join(unless, " && ");
  }

  @Override
  public Boolean call(Stmt.Call c) {
    flushScale();
    String local = ((Slot.Local) pass.callRecord(c).value()).name();
    List<CodeBlock> args = new ArrayList<>();
    if (c.dynamic()) {
      args.add(JavaCode.of(c.layer()));
      // Which inputs the callee must return gradients for: ours if an input is ours, also
      // when a local holds it (the same object: `h = input` before a loop over layers).
      List<CodeBlock> needs = new ArrayList<>();
      for (Operand a : c.args()) {
        needs.add(needOf(a));
      }
      args.add(CodeBlock.of("new boolean[] {$L}", CodeBlock.join(needs, ", ")));
      c.args().forEach(a -> args.add(JavaCode.of(a)));
      b.addStatement("$T $L = $T.forwardSaving($L)", Names.DYNAMIC_CALL, local,
          Names.DYNAMIC_CALL, CodeBlock.join(args, ", "));
      b.addStatement("$L$L = $L.out()", declared(c.declare()), c.target(), local);
      return true;
    }
    String method = c.method().getSimpleName().toString();
    ClassName savedType = Names.savedClass(c.owner(), method);
    b.addStatement("$T $L = new $T()", savedType, local, savedType);
    for (int i = 0; i < c.args().size(); i++) {
      // A sub-call's input that is one of our own inputs is needed only if ours is.
      if (c.args().get(i) instanceof Operand.Var v && pass.isNeedFlagged(v.name())
          && RuleTable.isTensor(c.method().getParameters().get(i).asType())) {
        b.addStatement("$L.$L = saved.$L", local,
            ReversePass.needFlag(c.method().getParameters().get(i).getSimpleName().toString()),
            ReversePass.needFlag(v.name()));
      }
    }
    if (c.layer() != null) {
      args.add(JavaCode.of(c.layer()));
    }
    c.args().forEach(a -> args.add(JavaCode.of(a)));
    args.add(CodeBlock.of("$L", local));
    b.addStatement("$L$L = $T.$L($L)", declared(c.declare()), c.target(),
        Names.adjointClass(c.owner()), Names.saving(method), CodeBlock.join(args, ", "));
    return true;
  }

  @Override
  public Boolean assign(Stmt.Assign a) {
    flushScale();
    b.addStatement("$L$L = $L", declared(a.declare()), a.target(), JavaCode.of(a.source()));
    return true;
  }

  @Override
  public Boolean cut(Stmt.Cut c) {
    flushScale();
    CodeBlock value;
    if (c.source() instanceof Stmt.Cut.PrimitiveCall p) {
      value = JavaCode.call(p.primitive(), p.args());
    } else if (c.source() instanceof Stmt.Cut.Output o) {
      value = CodeBlock.of("$L.$L()", o.local(), o.output());
    } else {
      value = JavaCode.of(((Stmt.Cut.UserCode) c.source()).code());
    }
    beforeUserCode(c.escape());
    b.addStatement("$L$L = $L", declared(c.declare()), c.target(), value);
    afterUserCode(c.escape());
    return true;
  }

  /** Before user code that may keep what it makes or reads: where its allocations start. */
  private void beforeUserCode(Escape escape) {
    if (escape instanceof Escape.Bracket bracket) {
      b.addStatement("int $L = $T.mark()", bracket.mark(), Names.TEMPORARIES);
    }
  }

  /** After that code: what it made and read, or the field it wrote, outlive the call. */
  private void afterUserCode(Escape escape) {
    if (escape instanceof Escape.Bracket bracket) {
      List<CodeBlock> args = new ArrayList<>();
      args.add(CodeBlock.of("$L", bracket.mark()));
      bracket.reads().forEach(r -> args.add(JavaCode.of(r)));
      b.addStatement("$T.escapeSince($L)", Names.TEMPORARIES, CodeBlock.join(args, ", "));
    } else if (escape instanceof Escape.Written written) {
      b.addStatement("$T.escape($L)", Names.TEMPORARIES, JavaCode.of(written.field()));
    }
  }

  @Override
  public Boolean bind(Stmt.Bind bind) {
    flushScale();
    b.addStatement("final $T $L = $L", TypeName.get(bind.type()), bind.name(),
        JavaCode.of(bind.value()));
    return true;
  }

  @Override
  public Boolean declare(Stmt.Declare d) {
    flushScale();
    b.addStatement("$T $L = null", Names.TENSOR, d.name());
    return true;
  }

  @Override
  public Boolean plain(Stmt.Plain plain) {
    flushScale();
    beforeUserCode(plain.escape());
    b.add("$L\n", JavaCode.of(plain.code()));
    afterUserCode(plain.escape());
    return true;
  }

  @Override
  public Boolean ifElse(Stmt.If f) {
    flushScale();
    Slot slot = pass.branch(f);
    CodeBlock condition = JavaCode.of(f.condition());
    if (slot == null) {
      // The backward has nothing to do in either branch: the decision is not kept.
      b.beginControlFlow("if ($L)", condition);
      branches(f);
      return false;
    }
    // A field is set before the branches (a branch may return); inside loops the decision is
    // pushed after them, so the reverse pass pops it before replaying the branch.
    CodeBlock flag;
    if (slot.stack()) {
      flag = value(slot);
      b.addStatement("boolean $L = $L", flag, condition);
    } else {
      flag = CodeBlock.of("saved.$L", slot.name());
      b.addStatement("$L = $L", flag, condition);
    }
    b.beginControlFlow("if ($L)", flag);
    branches(f);
    if (slot.stack()) {
      save(b, slot, flag);
    }
    return false;
  }

  private void branches(Stmt.If f) {
    statements(f.then());
    if (!f.otherwise().isEmpty()) {
      b.nextControlFlow("else");
      statements(f.otherwise());
    }
    b.endControlFlow();
  }

  @Override
  public Boolean forLoop(Stmt.For f) {
    flushScale();
    return loop(f, f.body(), CodeBlock.of("for ($L; $L; $L)", JavaCode.of(f.init()),
        JavaCode.of(f.condition()), JavaCode.of(f.update())));
  }

  @Override
  public Boolean forEach(Stmt.ForEach f) {
    flushScale();
    return loop(f, f.body(), CodeBlock.of("for ($T $L : $L)", TypeName.get(f.type()), f.var(),
        JavaCode.of(f.iterable())));
  }

  private Boolean loop(Stmt s, List<Stmt> body, CodeBlock header) {
    Slot slot = pass.trips(s);
    CodeBlock trips = value(slot);
    b.addStatement("int $L = 0", trips);
    b.beginControlFlow("$L", header);
    b.addStatement("$L++", trips);
    statements(body);
    b.endControlFlow();
    save(b, slot, trips);
    return false;
  }

  @Override
  public Boolean ret(Stmt.Return r) {
    flushScale();
    if (outputNeeds == null) {
      b.addStatement("return $L", JavaCode.of(r.value()));
    } else {
      b.addStatement("return $T.passing($L, $L)", Names.GRAD_FREE, JavaCode.of(r.value()),
          outputNeeds);
    }
    return false;
  }
}
