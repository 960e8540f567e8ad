package dev.adjoint.processor.model;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.Message;
import dev.adjoint.processor.Reporter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.Name;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Turns a validated {@code @Forward} body into A-normal form: every tensor-valued subexpression
 * becomes its own statement with a fresh name, operands are reduced to what they are (a literal,
 * a local, the layer or one of its fields, other code), non-tensor code is kept as the user's
 * {@link Code}, and every {@code return} is moved into tail position.
 * Semantic errors (calls that cannot be differentiated, writes to parameters) are reported here.
 */
public final class IrBuilder {
  private final Trees trees;
  private final RuleTable rules;
  private final Reporter reporter;

  private CompilationUnitTree unit;
  private CharSequence source;
  private TypeElement owner;
  private ExecutableElement method;
  private LayerInfo layer;
  private boolean isStatic;
  /** The names of the generated forward's locals: the user's, then the ones made here. */
  private NameAllocator names;
  private final List<String> tensorLocals = new ArrayList<>();
  /** Locals holding a primitive's non-tensor result (max along a dim), by name. */
  private final Map<String, TensorCarriers.Carrier> carriers = new HashMap<>();

  /** Reads the user's code of the method being modelled. */
  private CodeReader reader;

  /** Values that are not tensors but may hold active ones, checked once activity is known. */
  private TensorCarriers held;
  private String fileName;

  public IrBuilder(Trees trees, RuleTable rules, Reporter reporter) {
    this.trees = trees;
    this.rules = rules;
    this.reporter = reporter;
  }

  /**
   * Models {@code method} (declared in {@code owner}; {@code layer} is null for a static function
   * outside a layer), or returns null after reporting errors.
   */
  public ForwardModel build(ExecutableElement method, TypeElement owner, LayerInfo layer) {
    TreePath path = trees.getPath(method);
    this.unit = path.getCompilationUnit();
    this.method = method;
    this.owner = owner;
    this.layer = layer;
    this.isStatic = method.getModifiers().contains(Modifier.STATIC);
    this.tensorLocals.clear();
    this.carriers.clear();
    String uri = unit.getSourceFile().getName();
    this.fileName = uri.substring(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1);
    try {
      this.source = unit.getSourceFile().getCharContent(true);
    } catch (IOException e) {
      reporter.internal(method, method.getSimpleName(), e);
      return null;
    }
    MethodTree tree = (MethodTree) path.getLeaf();
    this.reader = new CodeReader(trees, unit, source, isStatic);
    attribute(path);
    if (unresolved(new TreePath(path, tree.getBody()))) {
      // javac reports the unresolved name itself after processing; an error of ours (or code
      // generated from a broken body) would only hide it.
      return null;
    }
    names = NameAllocator.counting();
    identifiers(tree).forEach(names::reserve);
    RESERVED.forEach(names::reserve);
    // Nor is a temporary called out or g, the names of a result and its gradient in rules.
    List.of("out", "g").forEach(names::reserve);
    List<ForwardModel.Param> params = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      boolean tensor = RuleTable.isTensor(p.asType());
      params.add(new ForwardModel.Param(p.getSimpleName().toString(), p.asType(), tensor));
      if (tensor) {
        tensorLocals.add(p.getSimpleName().toString());
      }
    }
    int before = reporter.errorCount();
    this.held = new TensorCarriers(trees, rules, unit, layer, reporter);
    reservedNames(tree);
    List<Stmt> body = new ArrayList<>();
    TreePath bodyPath = new TreePath(path, tree.getBody());
    for (StatementTree s : tree.getBody().getStatements()) {
      statement(new TreePath(bodyPath, s), body, false);
    }
    if (reporter.errorCount() != before) {
      return null;
    }
    held.check(Activity.of(params, body), params, carriers);
    if (reporter.errorCount() != before) {
      return null;
    }
    return new ForwardModel(owner, method, isStatic, params, TailReturns.of(body),
        List.copyOf(new LinkedHashSet<>(tensorLocals)));
  }

  /** Names the generated forward and backward use themselves; a user variable may not. */
  private static final Set<String> RESERVED = Set.of("self", "saved", "sourceLine", "failure");

  private void reservedNames(MethodTree tree) {
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void v) {
        String n = node.getName().toString();
        if (RESERVED.contains(n) || n.startsWith("d_") || n.startsWith("g_")) {
          reporter.error(node, unit, Message.RESERVED_NAME, n);
        }
        return super.visitVariable(node, v);
      }
    }.scan(tree, null);
  }

  /**
   * Makes javac attribute the class before the body is read: during annotation processing method
   * bodies are only parsed, and asking {@link Trees#getElement} for a symbol attribution has not
   * yet set attributes the whole class (so types and symbols of every expression are known).
   */
  public void attribute(TreePath methodPath) {
    MethodTree tree = (MethodTree) methodPath.getLeaf();
    TreePath[] first = new TreePath[1];
    new com.sun.source.util.TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void v) {
        if (first[0] == null) {
          first[0] = getCurrentPath();
        }
        return null;
      }
    }.scan(new TreePath(methodPath, tree.getBody()), null);
    if (first[0] != null) {
      // The first name in a body (a local, a parameter, a field or a method) has no symbol yet.
      trees.getElement(first[0]);
    }
  }

  /** Whether the body uses a name javac could not resolve. */
  private boolean unresolved(TreePath body) {
    boolean[] found = new boolean[1];
    new com.sun.source.util.TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void v) {
        check();
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void v) {
        check();
        return super.visitMemberSelect(node, v);
      }

      private void check() {
        TypeMirror t = trees.getTypeMirror(getCurrentPath());
        found[0] |= t != null && t.getKind() == TypeKind.ERROR;
      }
    }.scan(body, null);
    return found[0];
  }

  // ------------------------------------------------------------------ statements

  private void statement(TreePath path, List<Stmt> out, boolean inLoop) {
    Tree t = path.getLeaf();
    switch (t.getKind()) {
      case BLOCK -> {
        for (StatementTree s : ((BlockTree) t).getStatements()) {
          statement(new TreePath(path, s), out, inLoop);
        }
      }
      case VARIABLE -> {
        line(t, out);
        VariableTree v = (VariableTree) t;
        Element e = trees.getElement(path);
        if (RuleTable.isTensor(e.asType())) {
          String name = v.getName().toString();
          tensorLocals.add(name);
          if (v.getInitializer() == null) {
            out.add(new Stmt.Declare(name));
          } else {
            expression(new TreePath(path, v.getInitializer()), name, true, out);
          }
        } else if (v.getInitializer() != null && carrierPrimitive(new TreePath(path,
            v.getInitializer()), e.asType()) != null) {
          String name = v.getName().toString();
          Primitive p = carrierPrimitive(new TreePath(path, v.getInitializer()), e.asType());
          TensorCarriers.Carrier c = new TensorCarriers.Carrier(carrierTensor(name, p),
              p.output());
          carriers.put(name, c);
          carrierCall(new TreePath(path, v.getInitializer()), name, c.values(), true, out);
        } else {
          if (v.getInitializer() != null) {
            held.declared(v, new TreePath(path, v.getInitializer()), e.asType());
          }
          out.add(new Stmt.Plain(reader.code(path), userCode(path, false)));
        }
      }
      case EXPRESSION_STATEMENT -> {
        line(t, out);
        ExpressionTree e = ((ExpressionStatementTree) t).getExpression();
        TreePath ep = new TreePath(path, e);
        if (e instanceof AssignmentTree a) {
          assignment(ep, a, out);
        } else if (e instanceof MethodInvocationTree call && isInPlaceTensorCall(ep, call)) {
          String name = calleeName(call);
          reporter.error(t, unit, Message.IN_PLACE, name, name.substring(0, name.length() - 1));
        } else {
          if (e instanceof MethodInvocationTree call) {
            held.called(ep, call);
          }
          out.add(new Stmt.Plain(reader.code(path), userCode(path, false)));
        }
      }
      case IF -> {
        IfTree i = (IfTree) t;
        line(t, out);
        List<Stmt> then = new ArrayList<>();
        statement(new TreePath(path, i.getThenStatement()), then, inLoop);
        List<Stmt> otherwise = new ArrayList<>();
        if (i.getElseStatement() != null) {
          statement(new TreePath(path, i.getElseStatement()), otherwise, inLoop);
        }
        out.add(new Stmt.If(reader.condition(new TreePath(path, i.getCondition())), then,
            otherwise));
      }
      case FOR_LOOP -> {
        ForLoopTree f = (ForLoopTree) t;
        line(t, out);
        for (StatementTree s : f.getInitializer()) {
          if (s instanceof VariableTree v && RuleTable.isTensor(
              trees.getElement(new TreePath(path, s)).asType())) {
            reporter.error(v, unit, Message.TENSOR_LOOP_VARIABLE, v.getName());
          }
        }
        Code init = CodeReader.withoutSemicolon(reader.span(path, f.getInitializer()));
        Code cond = f.getCondition() == null ? new Code(List.of())
            : reader.code(new TreePath(path, f.getCondition()));
        Code update = reader.span(path, f.getUpdate());
        List<Stmt> body = new ArrayList<>();
        statement(new TreePath(path, f.getStatement()), body, true);
        out.add(new Stmt.For(init, cond, update, body));
      }
      case ENHANCED_FOR_LOOP -> {
        EnhancedForLoopTree f = (EnhancedForLoopTree) t;
        line(t, out);
        TypeMirror type = trees.getElement(new TreePath(path, f.getVariable())).asType();
        if (RuleTable.isTensor(type)) {
          reporter.error(t, unit, Message.TENSOR_FOR_EACH);
          return;
        }
        held.declared(f.getVariable(), new TreePath(path, f.getExpression()), type);
        List<Stmt> body = new ArrayList<>();
        statement(new TreePath(path, f.getStatement()), body, true);
        out.add(new Stmt.ForEach(type, f.getVariable().getName().toString(),
            reader.code(new TreePath(path, f.getExpression())), body));
      }
      case RETURN -> {
        line(t, out);
        if (inLoop) {
          reporter.error(t, unit, Message.RETURN_IN_LOOP);
          return;
        }
        ReturnTree r = (ReturnTree) t;
        Operand value = expression(new TreePath(path, r.getExpression()), null, false, out);
        if (value != null) {
          out.add(new Stmt.Return(value));
        }
      }
      case THROW, ASSERT -> {
        line(t, out);
        out.add(new Stmt.Plain(reader.code(path)));
      }
      case EMPTY_STATEMENT -> { }
      default -> {
        // Reported by the validator (loops, try, switch, ...); nothing to model.
      }
    }
  }

  private void assignment(TreePath path, AssignmentTree a, List<Stmt> out) {
    TreePath lhs = new TreePath(path, a.getVariable());
    Element target = trees.getElement(lhs);
    boolean tensor = target != null && RuleTable.isTensor(target.asType());
    if (target != null && target.getKind() == ElementKind.FIELD) {
      if (layer != null && layer.kindOf(target.getSimpleName().toString())
          == LayerInfo.Kind.PARAM) {
        reporter.error(a, unit, Message.PARAM_WRITE, target.getSimpleName());
        return;
      }
      held.assigned(path, a);
      out.add(new Stmt.Plain(reader.code(path.getParentPath()), fieldWrite(path, a, target)));
      return;
    }
    if (!tensor && target != null && carriers.containsKey(target.getSimpleName().toString())
        && carrierPrimitive(new TreePath(path, a.getExpression()), target.asType()) != null) {
      String name = target.getSimpleName().toString();
      carrierCall(new TreePath(path, a.getExpression()), name, carriers.get(name).values(), false,
          out);
      return;
    }
    if (!tensor) {
      held.assigned(path, a);
      out.add(new Stmt.Plain(reader.code(path.getParentPath()),
          userCode(path.getParentPath(), false)));
      TensorCarriers.Carrier c = target == null ? null
          : carriers.get(target.getSimpleName().toString());
      if (c != null) {
        // A max/min result replaced by other means: its tensor follows, as a constant (the
        // check of values holding tensors reports it if it needs a gradient).
        out.add(new Stmt.Cut(c.values(), false,
            new Stmt.Cut.Output(target.getSimpleName().toString(), c.output())));
      }
      return;
    }
    String name = target.getSimpleName().toString();
    tensorLocals.add(name);
    expression(new TreePath(path, a.getExpression()), name, false, out);
  }

  private void line(Tree t, List<Stmt> out) {
    SourcePositions sp = trees.getSourcePositions();
    long start = sp.getStartPosition(unit, t);
    long end = sp.getEndPosition(unit, t);
    long line = unit.getLineMap().getLineNumber(start);
    String text = source.subSequence((int) start, (int) Math.max(start, end)).toString();
    int nl = text.indexOf('\n');
    String first = (nl >= 0 ? text.substring(0, nl) : text).strip();
    if (t instanceof IfTree || t instanceof ForLoopTree || t instanceof EnhancedForLoopTree) {
      int brace = first.indexOf('{');
      first = brace >= 0 ? first.substring(0, brace).strip() : first;
    } else if (nl >= 0) {
      first = first + " ...";
    }
    out.add(new Stmt.Line(fileName, line, first));
  }

  // ------------------------------------------------------------------ expressions

  /**
   * Reduces a tensor expression to statements, putting its value in {@code target} when given;
   * returns the operand holding the value, or null after an error.
   */
  private Operand expression(TreePath path, String target, boolean declare, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    while (e instanceof ParenthesizedTree || e instanceof TypeCastTree) {
      e = e instanceof ParenthesizedTree p ? p.getExpression() : ((TypeCastTree) e).getExpression();
      path = new TreePath(path, e);
    }
    TypeMirror type = trees.getTypeMirror(path);
    if (type == null || !RuleTable.isTensor(type)) {
      Operand v = value(path);
      if (target != null) {
        if (type != null && type.getKind() == TypeKind.NULL) {
          reporter.error(e, unit, Message.NULL_TENSOR);
        } else {
          reporter.error(e, unit, Message.UNSUPPORTED, "assigning a non-tensor to a tensor");
        }
      }
      return v;
    }
    Operand result;
    if (e instanceof IdentifierTree || e instanceof MemberSelectTree) {
      result = reference(path);
      if (result == null) {
        return null;
      }
      if (target != null) {
        out.add(new Stmt.Assign(target, declare, result));
        return new Operand.Var(target);
      }
      return result;
    }
    if (e instanceof MethodInvocationTree call) {
      return call(path, call, target, declare, out);
    }
    if (e instanceof ConditionalExpressionTree c) {
      return conditional(path, c, target, declare, out);
    }
    if (e instanceof ArrayAccessTree) {
      reporter.error(e, unit, Message.TENSOR_ARRAY_READ);
    } else {
      reporter.error(e, unit, Message.UNSUPPORTED, e instanceof AssignmentTree
          ? "an assignment used as a tensor value"
          : "this tensor expression (" + e.getKind() + ")");
    }
    return null;
  }

  /**
   * {@code c ? a : b} between tensors as {@code if (c) dest = a; else dest = b;}: the existing
   * if/else machinery saves the decision, and each branch is differentiated only when taken.
   */
  private Operand conditional(TreePath path, ConditionalExpressionTree c, String target,
      boolean declare, List<Stmt> out) {
    String dest = target != null ? target : destination(null);
    if (target == null || declare) {
      out.add(new Stmt.Declare(dest));
    }
    List<Stmt> then = new ArrayList<>();
    Operand a = expression(new TreePath(path, c.getTrueExpression()), dest, false, then);
    List<Stmt> otherwise = new ArrayList<>();
    Operand b = expression(new TreePath(path, c.getFalseExpression()), dest, false, otherwise);
    if (a == null || b == null) {
      return null;
    }
    out.add(new Stmt.If(reader.condition(new TreePath(path, c.getCondition())), then,
        otherwise));
    return new Operand.Var(dest);
  }

  /** A tensor-typed name: a local, a parameter field, or another tensor field. */
  private Operand reference(TreePath path) {
    Element el = trees.getElement(path);
    if (el == null) {
      return null;
    }
    String name = el.getSimpleName().toString();
    if (el.getKind() == ElementKind.FIELD) {
      if (el.getModifiers().contains(Modifier.STATIC)) {
        return new Operand.Constant(reader.code(path), name);
      }
      if (layer != null && layer.kindOf(name) == LayerInfo.Kind.PARAM
          && CodeReader.isOwnMember(path)) {
        return new Operand.Param(name);
      }
      if (RuleTable.has(el, KnownTypes.PARAM)) {
        // Read as a constant, its gradient would be silently lost.
        Name layerName = el.getEnclosingElement().getSimpleName();
        reporter.error(path.getLeaf(), unit, Message.FOREIGN_PARAM, layerName + "." + name,
            layerName);
        return null;
      }
      // A tensor field of a value holding tensors (holder.t) is constant only if the holder is.
      held.read(path.getLeaf(), path);
      return new Operand.Constant(reader.code(path), name);
    }
    return new Operand.Var(name);
  }

  private Operand call(TreePath path, MethodInvocationTree call, String target, boolean declare,
      List<Stmt> out) {
    Element el = trees.getElement(path);
    if (!(el instanceof ExecutableElement m)) {
      reporter.error(call, unit, Message.UNSUPPORTED, "this call");
      return null;
    }
    boolean declareDest = target == null || declare;
    ExpressionTree select = call.getMethodSelect();
    TreePath receiverPath = select instanceof MemberSelectTree ms
        ? new TreePath(new TreePath(path, select), ms.getExpression())
        : null;
    // 1. A primitive of the rule table.
    var prim = rules.primitive(m);
    if (prim.isPresent()) {
      Primitive p = prim.get();
      List<Operand> args = new ArrayList<>();
      if (p.isInstance()) {
        if (receiverPath == null) {
          reportPrimitiveOnThis(call, m);
          return null;
        }
        args.add(expression(receiverPath, null, false, out));
      }
      args.addAll(arguments(path, call, m, out));
      if (args.contains(null)) {
        return null;
      }
      if (!p.differentiable()) {
        String dest = destination(target, m);
        out.add(new Stmt.Cut(dest, declareDest, new Stmt.Cut.PrimitiveCall(p, args)));
        return new Operand.Var(dest);
      }
      for (int i = 0; i < p.inputs().size(); i++) {
        Input in = p.inputs().get(i);
        if (in.kind() != Input.Kind.VALUE && !p.nondifferentiable().contains(in.name())
            && p.rule(in.name()) == null) {
          reporter.error(call, unit, Message.MISSING_ADJOINT, p.describe(), in.name(),
              m.getSimpleName(), in.name(), p.rules().getQualifiedName(), in.name());
          return null;
        }
      }
      String dest = destination(target, m);
      out.add(new Stmt.Prim(dest, declareDest, p, args));
      return new Operand.Var(dest);
    }
    // 2. A @Forward method: this layer's own, a sub-layer's, or a static function.
    ExecutableElement forward = m;
    if (!RuleTable.has(m, KnownTypes.FORWARD) && m.getSimpleName().contentEquals("call")
        && receiverPath != null) {
      forward = singleForward(trees.getTypeMirror(receiverPath));
    }
    if (forward != null && RuleTable.has(forward, KnownTypes.FORWARD)) {
      if (forward.equals(method)) {
        reporter.error(call, unit, Message.RECURSION, method.getSimpleName());
        return null;
      }
      TypeElement calleeOwner = (TypeElement) forward.getEnclosingElement();
      Operand.Value layerOperand = null;
      if (!forward.getModifiers().contains(Modifier.STATIC)) {
        if (receiverPath == null || CodeReader.isThis(receiverPath.getLeaf())
            || isSuper(receiverPath.getLeaf())) {
          // super.forward(x) runs the superclass's generated forward on self.
          layerOperand = new Operand.Self(owner.asType());
        } else {
          TypeMirror rt = trees.getTypeMirror(receiverPath);
          if (rt.getKind() != TypeKind.DECLARED
              || !RuleTable.has(((DeclaredType) rt).asElement(), KnownTypes.LAYER)) {
            reporter.error(call, unit, Message.LAYER_TYPE,
                calleeOwner.getSimpleName() + "." + forward.getSimpleName(), simpleName(rt),
                calleeOwner.getSimpleName(), simpleName(rt));
            return null;
          }
          // The generated code of the class declaring the method serves every subclass that
          // inherits it (calleeOwner above), so a @Layer without its own @Forward needs none.
          layerOperand = value(receiverPath);
        }
      }
      List<Operand> args = arguments(path, call, forward, out);
      if (args.contains(null)) {
        return null;
      }
      String dest = destination(target, receiverPath, layerOperand, m);
      out.add(new Stmt.Call(dest, declareDest, layerOperand, calleeOwner, forward, args));
      return new Operand.Var(dest);
    }
    // 3. Module.call on a layer whose class is known only at run time: dispatched dynamically.
    if (m.getSimpleName().contentEquals("call") && receiverPath != null
        && ((TypeElement) m.getEnclosingElement()).getQualifiedName()
            .contentEquals(KnownTypes.MODULE)) {
      List<Operand> args = new ArrayList<>();
      for (ExpressionTree a : call.getArguments()) {
        TypeMirror at = trees.getTypeMirror(new TreePath(path, a));
        if (at == null || !RuleTable.isTensor(at)) {
          String given = at == null ? "" : simpleName(at);
          reporter.error(call, unit, Message.DYNAMIC_CALL, given.isEmpty() ? "this argument"
              : Describe.withArticle(given));
          return null;
        }
        args.add(expression(new TreePath(path, a), null, false, out));
      }
      if (args.contains(null)) {
        return null;
      }
      Operand.Value layerOperand = value(receiverPath);
      String dest = destination(target, receiverPath, layerOperand, m);
      out.add(new Stmt.Call(dest, declareDest, layerOperand, null, null, args));
      return new Operand.Var(dest);
    }
    // 4. An accessor of a primitive's non-tensor result: max(dim).values() is differentiable,
    // its other accessors (indices) carry no gradient.
    if (receiverPath != null && m.getParameters().isEmpty()
        && !m.getModifiers().contains(Modifier.STATIC)) {
      TreePath recv = CodeReader.unparenthesized(receiverPath);
      Primitive carried = carrierPrimitive(recv, trees.getTypeMirror(recv));
      TensorCarriers.Carrier local = recv.getLeaf() instanceof IdentifierTree id
          && trees.getElement(recv) instanceof VariableElement ve
          && ve.getKind() != ElementKind.FIELD ? carriers.get(id.getName().toString()) : null;
      if (carried != null && m.getSimpleName().contentEquals(carried.output())) {
        // The fresh carrier local is declared with the tensor: straight into a new target, else
        // through a temporary.
        String values = declareDest ? destination(target, m) : destination(null);
        if (!carrierCall(recv, names.newTemporary(), values, true, out)) {
          return null;
        }
        if (values.equals(target) || target == null) {
          return new Operand.Var(values);
        }
        out.add(new Stmt.Assign(target, false, new Operand.Var(values)));
        return new Operand.Var(target);
      }
      if (local != null && m.getSimpleName().contentEquals(local.output())) {
        if (target == null) {
          return new Operand.Var(local.values());
        }
        out.add(new Stmt.Assign(target, declare, new Operand.Var(local.values())));
        return new Operand.Var(target);
      }
      if (carried != null || local != null) {
        String dest = destination(target, m);
        out.add(new Stmt.Cut(dest, declareDest, new Stmt.Cut.UserCode(reader.code(path)),
            userCodeResult(path, dest)));
        return new Operand.Var(dest);
      }
    }
    // 5. Anything else must not touch tensors, except factories that take none.
    // A tensor inside a container (List.of(x).get(0), x.split(..).get(0)) and a layer's own
    // helper method (which may read parameters) would otherwise silently become constants; the
    // receiver of a static call (Tensor.zeros) is a type, not a value.
    TypeMirror receiverType = receiverPath == null || m.getModifiers().contains(Modifier.STATIC)
        ? null : trees.getTypeMirror(receiverPath);
    boolean tensorInputs = receiverType != null && holdsTensors(receiverType);
    for (ExpressionTree a : call.getArguments()) {
      TypeMirror at = trees.getTypeMirror(new TreePath(path, a));
      tensorInputs |= at != null && holdsTensors(at);
    }
    boolean layerHelper = !m.getModifiers().contains(Modifier.STATIC)
        && (receiverPath == null || CodeReader.isThis(receiverPath.getLeaf()) ? layer != null
            : receiverType != null && receiverType.getKind() == TypeKind.DECLARED
                && RuleTable.has(((DeclaredType) receiverType).asElement(), KnownTypes.LAYER));
    if (tensorInputs && receiverType != null && RuleTable.isTensor(receiverType)
        && m.getSimpleName().toString().endsWith("_")) {
      String name = m.getSimpleName().toString();
      reporter.error(call, unit, Message.IN_PLACE, name, name.substring(0, name.length() - 1));
      return null;
    }
    if (tensorInputs || layerHelper) {
      // A method without source here comes from a library: it cannot be marked @Forward.
      reporter.error(call, unit, trees.getTree(m) == null ? Message.NOT_DIFFERENTIABLE_LIBRARY
          : Message.NOT_DIFFERENTIABLE, describe(m));
      return null;
    }
    held.read(call, path);
    String dest = destination(target, m);
    out.add(new Stmt.Cut(dest, declareDest, new Stmt.Cut.UserCode(reader.code(path)),
        userCodeResult(path, dest)));
    return new Operand.Var(dest);
  }

  // ------------------------------------------------------------ what user code may keep

  /**
   * How the generated forward must treat the temporaries around the user's statement at
   * {@code path}: null when it calls nothing that may keep a tensor (tensor methods, arithmetic,
   * helpers that neither take nor return tensors), else a bracket: what it allocates and the
   * tensor-holding values it reads escape the call's release of its temporaries. {@code always}
   * brackets it regardless (a write to a field).
   */
  private Escape userCode(TreePath path, boolean always) {
    if (!always && !callsWhatMayKeep(path)) {
      return null;
    }
    return new Escape.Bracket(names.newName("userCodeAtLine" + lineOf(path.getLeaf())),
        reads(path));
  }

  /** {@link #userCode} for a tensor {@code dest} that user code computes: {@code dest} escapes. */
  private Escape userCodeResult(TreePath path, String dest) {
    ExecutableElement m = (ExecutableElement) trees.getElement(path);
    if (m != null && isTensorType(m.getEnclosingElement())) {
      return null; // a factory of Tensor's: it keeps nothing
    }
    List<Operand.Value> reads = new ArrayList<>(reads(path));
    reads.add(new Operand.Local(dest, trees.getTypeMirror(path)));
    return new Escape.Bracket(names.newName("userCodeAtLine" + lineOf(path.getLeaf())), reads);
  }

  /**
   * {@code field = value}: a tensor field of the layer written by tensor code only lets just its
   * new value escape; any other field write is user code that may keep anything.
   */
  private Escape fieldWrite(TreePath path, AssignmentTree a, Element field) {
    TreePath lhs = new TreePath(path, a.getVariable());
    if (RuleTable.isTensor(field.asType()) && !isStatic
        && !field.getModifiers().contains(Modifier.STATIC) && CodeReader.isOwnMember(lhs)
        && !callsWhatMayKeep(new TreePath(path, a.getExpression()))) {
      return new Escape.Written(new Operand.SelfField(field.getSimpleName().toString(),
          field.asType(), field.getModifiers().contains(Modifier.FINAL)));
    }
    return userCode(path.getParentPath(), true);
  }

  private long lineOf(Tree t) {
    return unit.getLineMap().getLineNumber(trees.getSourcePositions().getStartPosition(unit, t));
  }

  private static boolean isTensorType(Element type) {
    return RuleTable.isTensor(type.asType());
  }

  /** A type through which a tensor can travel: tensors, their containers, carriers, Object. */
  private static boolean mayHoldTensors(TypeMirror t) {
    if (t == null) {
      return false;
    }
    if (holdsTensors(t)) {
      return true;
    }
    return t.getKind() == TypeKind.DECLARED && (((DeclaredType) t).asElement() instanceof
        TypeElement te) && (te.getQualifiedName().contentEquals(KnownTypes.VALUES_INDICES)
            || te.getQualifiedName().contentEquals("java.lang.Object"));
  }

  /**
   * Whether the code at {@code path} calls a method or constructor that is not {@code Tensor}'s
   * nor a primitive's and takes or returns something that can hold a tensor: such code may keep
   * what it is given or makes (a cache, a list in a field).
   */
  private boolean callsWhatMayKeep(TreePath path) {
    boolean[] found = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        TreePath here = getCurrentPath();
        if (trees.getElement(here) instanceof ExecutableElement m
            && !isTensorType(m.getEnclosingElement()) && rules.primitive(m).isEmpty()) {
          boolean tensors = mayHoldTensors(m.getReturnType());
          if (call.getMethodSelect() instanceof MemberSelectTree ms
              && !m.getModifiers().contains(Modifier.STATIC)) {
            tensors |= mayHoldTensors(trees.getTypeMirror(new TreePath(
                new TreePath(here, ms), ms.getExpression())));
          }
          for (ExpressionTree arg : call.getArguments()) {
            tensors |= mayHoldTensors(trees.getTypeMirror(new TreePath(here, arg)));
          }
          found[0] |= tensors;
        }
        return super.visitMethodInvocation(call, unused);
      }

      @Override
      public Void visitNewClass(com.sun.source.tree.NewClassTree nc, Void unused) {
        TreePath here = getCurrentPath();
        boolean tensors = mayHoldTensors(trees.getTypeMirror(here));
        for (ExpressionTree arg : nc.getArguments()) {
          tensors |= mayHoldTensors(trees.getTypeMirror(new TreePath(here, arg)));
        }
        found[0] |= tensors;
        return super.visitNewClass(nc, unused);
      }
    }.scan(path, null);
    return found[0];
  }

  /**
   * The tensor-holding locals, parameters and fields of the layer that the code at {@code path}
   * reads and that are in scope after it, in order of first appearance.
   */
  private List<Operand.Value> reads(TreePath path) {
    Set<Element> inside = new HashSet<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree v, Void unused) {
        if (v != path.getLeaf()) {
          inside.add(trees.getElement(getCurrentPath()));
        }
        return super.visitVariable(v, unused);
      }
    }.scan(path, null);
    Map<Element, Operand.Value> found = new java.util.LinkedHashMap<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree id, Void unused) {
        add(getCurrentPath());
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree ms, Void unused) {
        if (CodeReader.isThis(ms.getExpression())) {
          add(getCurrentPath());
          return null;
        }
        return super.visitMemberSelect(ms, unused);
      }

      @Override
      public Void visitVariable(VariableTree v, Void unused) {
        if (v == path.getLeaf() && mayHoldTensors(trees.getElement(getCurrentPath()).asType())) {
          Element el = trees.getElement(getCurrentPath());
          found.putIfAbsent(el, new Operand.Local(v.getName().toString(), el.asType()));
        }
        return super.visitVariable(v, unused);
      }

      private void add(TreePath at) {
        Element el = trees.getElement(at);
        if (el == null || inside.contains(el) || !mayHoldTensors(el.asType())) {
          return;
        }
        String name = el.getSimpleName().toString();
        if (isLocal(el)) {
          found.putIfAbsent(el, new Operand.Local(name, el.asType()));
        } else if (el.getKind() == ElementKind.FIELD && !isStatic
            && !el.getModifiers().contains(Modifier.STATIC) && CodeReader.isOwnMember(at)) {
          found.putIfAbsent(el, new Operand.SelfField(name, el.asType(),
              el.getModifiers().contains(Modifier.FINAL)));
        }
      }
    }.scan(path, null);
    return new ArrayList<>(found.values());
  }

  /**
   * The primitive {@code path} calls when it is a call of a primitive whose result is a value
   * holding tensors ({@code @Primitive(output = ...)}) of type {@code type}; else null.
   */
  private Primitive carrierPrimitive(TreePath path, TypeMirror type) {
    path = CodeReader.unparenthesized(path);
    if (!(path.getLeaf() instanceof MethodInvocationTree)
        || !(trees.getElement(path) instanceof ExecutableElement m)) {
      return null;
    }
    Primitive p = rules.primitive(m).orElse(null);
    return p == null || p.output() == null || !p.differentiable() || type == null
        || !m.getReturnType().toString().equals(type.toString()) ? null : p;
  }

  /** A fresh tensor local for the differentiable tensor of carrier local {@code name}. */
  private String carrierTensor(String name, Primitive p) {
    String candidate = names.newName(
        name + Character.toUpperCase(p.output().charAt(0)) + p.output().substring(1));
    tensorLocals.add(candidate);
    return candidate;
  }

  /**
   * {@code carrier = primitive(args); values = carrier.output()} for the carrier-primitive call
   * at {@code path}; false after an error.
   */
  private boolean carrierCall(TreePath path, String carrier, String values, boolean declare,
      List<Stmt> out) {
    path = CodeReader.unparenthesized(path);
    MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
    ExecutableElement m = (ExecutableElement) trees.getElement(path);
    Primitive p = rules.primitive(m).orElseThrow();
    List<Operand> args = new ArrayList<>();
    if (p.isInstance()) {
      ExpressionTree select = call.getMethodSelect();
      if (!(select instanceof MemberSelectTree ms)) {
        reportPrimitiveOnThis(call, m);
        return false;
      }
      args.add(expression(new TreePath(new TreePath(path, select), ms.getExpression()), null,
          false, out));
    }
    args.addAll(arguments(path, call, m, out));
    if (args.contains(null)) {
      return false;
    }
    out.add(new Stmt.Prim(values, declare, p, args, carrier));
    return true;
  }


  /** The variable a call's result goes to: the assignment's target, or a fresh temporary. */
  private String destination(String target) {
    if (target != null) {
      return target;
    }
    String t = names.newTemporary();
    tensorLocals.add(t);
    return t;
  }

  /**
   * The variable the result of calling {@code m} goes to: the assignment's target, or a fresh
   * temporary named after the op ({@code matmul}, {@code matmul2}, ...; a sub-layer's
   * {@code forward} after the method) so that the generated code says what it holds.
   */
  private String destination(String target, ExecutableElement m) {
    return destination(target, m.getSimpleName().toString());
  }

  /**
   * Where the result of calling {@code m} on the layer {@code layer} goes: named after the
   * sub-layer ({@code fcOut} for {@code fc}), after the method for this layer's own or a static
   * one.
   */
  private String destination(String target, TreePath receiver, Operand.Value layer,
      ExecutableElement m) {
    if (layer == null || layer instanceof Operand.Self) {
      return destination(target, m);
    }
    return destination(target, layerName(receiver) + "Out");
  }

  /**
   * What the sub-layer a call runs on is called: its field or local ({@code fc}, {@code block}),
   * the list or array it is taken from ({@code blocks.get(i)}, {@code stages[i]}).
   */
  private static String layerName(TreePath receiver) {
    Tree t = CodeReader.unparenthesized(receiver).getLeaf();
    while (true) {
      if (t instanceof IdentifierTree id) {
        return id.getName().toString();
      } else if (t instanceof MemberSelectTree ms) {
        return ms.getIdentifier().toString();
      } else if (t instanceof MethodInvocationTree inv
          && inv.getMethodSelect() instanceof MemberSelectTree ms) {
        t = ms.getExpression();
      } else if (t instanceof ArrayAccessTree a) {
        t = a.getExpression();
      } else if (t instanceof ParenthesizedTree p) {
        t = p.getExpression();
      } else {
        return "layer";
      }
    }
  }

  private String destination(String target, String hint) {
    if (target != null) {
      return target;
    }
    String name = names.newName(identifier(hint));
    tensorLocals.add(name);
    return name;
  }

  /**
   * An op's name as the base of a name: without a trailing underscore ({@code gather_}); a
   * keyword, or {@code t} (the temporaries' prefix), is replaced.
   */
  private static String identifier(String hint) {
    String base = hint;
    while (base.endsWith("_")) {
      base = base.substring(0, base.length() - 1);
    }
    if (base.equals("t")) {
      return "transposed";
    }
    return base.isEmpty() || SourceVersion.isKeyword(base) ? "value" : base;
  }

  private static boolean isSuper(Tree t) {
    return t instanceof IdentifierTree id && id.getName().contentEquals("super");
  }

  /** A tensor, or a type built from tensors: List<Tensor>, Optional<Tensor>, Tensor[], ... */
  private static boolean holdsTensors(TypeMirror t) {
    if (t.getKind() == TypeKind.ARRAY) {
      return holdsTensors(((ArrayType) t).getComponentType());
    }
    if (t.getKind() != TypeKind.DECLARED) {
      return false;
    }
    return RuleTable.isTensor(t)
        || ((DeclaredType) t).getTypeArguments().stream().anyMatch(IrBuilder::holdsTensors);
  }

  private ExecutableElement singleForward(TypeMirror type) {
    if (type == null || type.getKind() != TypeKind.DECLARED) {
      return null;
    }
    // The nearest class declaring @Forward methods, a layer's own or inherited from its base.
    for (TypeMirror t = type; t.getKind() == TypeKind.DECLARED;
        t = ((TypeElement) ((DeclaredType) t).asElement()).getSuperclass()) {
      ExecutableElement found = null;
      int count = 0;
      for (Element e : ((DeclaredType) t).asElement().getEnclosedElements()) {
        if (e.getKind() == ElementKind.METHOD && RuleTable.has(e, KnownTypes.FORWARD)) {
          found = (ExecutableElement) e;
          count++;
        }
      }
      if (count > 0) {
        return count == 1 ? found : null;
      }
    }
    return null;
  }

  /** The call's arguments as operands, varargs packed into one array value. */
  private List<Operand> arguments(TreePath path, MethodInvocationTree call, ExecutableElement m,
      List<Stmt> out) {
    List<Operand> args = new ArrayList<>();
    List<? extends VariableElement> params = m.getParameters();
    List<? extends ExpressionTree> given = call.getArguments();
    int fixed = m.isVarArgs() ? params.size() - 1 : params.size();
    for (int i = 0; i < fixed; i++) {
      args.add(argument(new TreePath(path, given.get(i)), params.get(i), params.get(i).asType(),
          out));
    }
    if (m.isVarArgs()) {
      TypeMirror arrayType = params.get(params.size() - 1).asType();
      boolean passedArray = given.size() == params.size()
          && trees.getTypeMirror(new TreePath(path, given.get(given.size() - 1))).getKind()
              == TypeKind.ARRAY;
      if (passedArray) {
        args.add(argument(new TreePath(path, given.get(given.size() - 1)),
            params.get(params.size() - 1), arrayType, out));
      } else {
        TypeMirror component = ((ArrayType) arrayType).getComponentType();
        if (RuleTable.isTensor(component)) {
          reporter.error(call, unit, Message.TENSOR_VARARGS, describe(m));
          args.add(null);
          return args;
        }
        List<Code> codes = new ArrayList<>();
        for (int i = fixed; i < given.size(); i++) {
          codes.add(reader.code(new TreePath(path, given.get(i))));
        }
        String name = freshValue(params.get(params.size() - 1));
        out.add(new Stmt.Bind(name, arrayType, new Operand.NewArray(arrayType, codes)));
        args.add(new Operand.Local(name, arrayType));
      }
    }
    return args;
  }

  private Operand argument(TreePath path, VariableElement param, TypeMirror paramType,
      List<Stmt> out) {
    if (RuleTable.isTensorList(paramType)) {
      ExpressionTree e = (ExpressionTree) path.getLeaf();
      if (e instanceof MethodInvocationTree inv && isListOf(path, inv)) {
        List<Operand> elements = new ArrayList<>();
        for (ExpressionTree a : inv.getArguments()) {
          elements.add(expression(new TreePath(path, a), null, false, out));
        }
        return new Operand.TensorList(elements);
      }
      reporter.error(e, unit, Message.TENSOR_LIST,
          describe((ExecutableElement) param.getEnclosingElement()));
      return null;
    }
    Operand o = expression(path, null, false, out);
    if (o instanceof Operand.Value v && v.type() != null) {
      held.read(path.getLeaf(), path);
    }
    if (o instanceof Operand.Value v && !(v instanceof Operand.Literal)
        && (!(v instanceof Operand.Local || v instanceof Operand.Self
            || isFinalPrimitiveField(v)) || widened(v.type(), paramType))) {
      // Bound with the parameter's type: a value saved on the stack as an Integer could not be
      // read back as the long (or double) the rule takes.
      // Named after the field it copies (shift), else after the parameter it feeds.
      String name = v instanceof Operand.SelfField f ? freshValue(f.name()) : freshValue(param);
      out.add(new Stmt.Bind(name, paramType, v));
      return new Operand.Local(name, paramType);
    }
    return o;
  }

  private boolean isListOf(TreePath path, MethodInvocationTree inv) {
    Element el = trees.getElement(new TreePath(path, inv));
    return el != null && el.getSimpleName().contentEquals("of")
        && ((TypeElement) el.getEnclosingElement()).getQualifiedName()
            .contentEquals(KnownTypes.LIST);
  }

  private static boolean widened(TypeMirror given, TypeMirror param) {
    return given != null && given.getKind().isPrimitive() && param.getKind().isPrimitive()
        && given.getKind() != param.getKind();
  }

  /**
   * Whether {@code v} is a final primitive field of this layer ({@code self.eps}): the backward
   * can read it again, so it is neither bound to a local nor saved.
   */
  private static boolean isFinalPrimitiveField(Operand.Value v) {
    return v instanceof Operand.SelfField f && f.isFinal() && f.type() != null
        && f.type().getKind().isPrimitive();
  }

  /**
   * A non-tensor expression: a literal (inlined where needed), a local, the layer or one of its
   * fields (which the backward can read again), or any other code.
   */
  private Operand.Value value(TreePath path) {
    path = CodeReader.unparenthesized(path);
    Tree t = path.getLeaf();
    TypeMirror type = trees.getTypeMirror(path);
    if (t instanceof LiteralTree || (t.getKind() == Tree.Kind.UNARY_MINUS
        && ((com.sun.source.tree.UnaryTree) t).getExpression() instanceof LiteralTree)) {
      return new Operand.Literal(reader.sourceText(t), type);
    }
    if (CodeReader.isThis(t)) {
      return new Operand.Self(type);
    }
    Element el = t instanceof IdentifierTree || t instanceof MemberSelectTree
        ? trees.getElement(path) : null;
    if (el != null && t instanceof IdentifierTree && isLocal(el)) {
      return new Operand.Local(el.getSimpleName().toString(), type);
    }
    if (el != null && el.getKind() == ElementKind.FIELD && !isStatic
        && !el.getModifiers().contains(Modifier.STATIC)
        && CodeReader.isOwnMember(path)) {
      return new Operand.SelfField(el.getSimpleName().toString(), type,
          el.getModifiers().contains(Modifier.FINAL));
    }
    return new Operand.Expression(reader.code(path), type);
  }

  private static boolean isLocal(Element el) {
    return switch (el.getKind()) {
      case LOCAL_VARIABLE, PARAMETER, EXCEPTION_PARAMETER, RESOURCE_VARIABLE -> true;
      default -> false;
    };
  }

  private boolean isInPlaceTensorCall(TreePath path, MethodInvocationTree call) {
    String name = calleeName(call);
    if (!name.endsWith("_") || !(call.getMethodSelect() instanceof MemberSelectTree ms)) {
      return false;
    }
    TypeMirror rt = trees.getTypeMirror(new TreePath(new TreePath(path, ms), ms.getExpression()));
    return rt != null && RuleTable.isTensor(rt);
  }

  private static String calleeName(MethodInvocationTree call) {
    ExpressionTree s = call.getMethodSelect();
    return s instanceof MemberSelectTree ms ? ms.getIdentifier().toString()
        : ((IdentifierTree) s).getName().toString();
  }

  private void reportPrimitiveOnThis(MethodInvocationTree call, ExecutableElement m) {
    Name declaring = m.getEnclosingElement().getSimpleName();
    reporter.error(call, unit, Message.PRIMITIVE_ON_THIS, declaring + "." + m.getSimpleName(),
        declaring, m.getSimpleName());
  }

  /** {@code Tensor[]}, {@code List<Tensor>}, {@code Base}: a type as the user wrote it. */
  private static String simpleName(TypeMirror type) {
    return Describe.type(type);
  }

  private static String describe(ExecutableElement m) {
    return m.getEnclosingElement().getSimpleName() + "." + m.getSimpleName() + "(...)";
  }

  // ------------------------------------------------------------------ names

  /**
   * A fresh name for a non-tensor value passed as {@code param}, named after it ({@code dim},
   * {@code dtype}, {@code shape}; {@code dim2} when taken).
   */
  private String freshValue(VariableElement param) {
    return freshValue(param.getSimpleName().toString());
  }

  private String freshValue(String base) {
    return names.newName(base);
  }

  private static Set<String> identifiers(Tree tree) {
    Set<String> names = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void v) {
        names.add(node.getName().toString());
        return null;
      }

      @Override
      public Void visitVariable(VariableTree node, Void v) {
        names.add(node.getName().toString());
        return super.visitVariable(node, v);
      }
    }.scan(tree, null);
    return names;
  }

}
