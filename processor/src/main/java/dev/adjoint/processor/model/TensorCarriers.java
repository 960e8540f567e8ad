package dev.adjoint.processor.model;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.Message;
import dev.adjoint.processor.Reporter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Values inside a {@code @Forward} body that are not tensors but can hold one (a record, an
 * array, a {@code List}, an {@code Optional}, an {@code Object}, a holder class): the reverse
 * pass differentiates tensor locals only, so a tensor that needs a gradient and travels through
 * such a value would come back as a constant. The IR builder registers every place where such a
 * value is made, written or read; once the activity of the tensor locals is known,
 * {@link #check} extends it to these values and reports each place that carries an active
 * tensor as {@code [AdjointTensorCarrier]} on its line. Values that depend on no input, shapes,
 * sizes, flags and layers are left alone.
 */
final class TensorCarriers {
  private final Trees trees;
  private final RuleTable rules;
  private final CompilationUnitTree unit;
  private final LayerInfo layer;
  private final Reporter reporter;

  TensorCarriers(Trees trees, RuleTable rules, CompilationUnitTree unit, LayerInfo layer,
      Reporter reporter) {
    this.trees = trees;
    this.rules = rules;
    this.unit = unit;
    this.layer = layer;
    this.reporter = reporter;
  }

  /**
   * A place where a value that is not a Tensor but can hold one is made or read: an error if one
   * of {@code values} carries an active tensor. Locals in {@code defines} then hold active
   * tensors themselves (a declaration, an assignment, a call that may store into its receiver).
   */
  private record Site(Tree report, List<TreePath> values, List<String> defines,
      TypeMirror definedType, String field, boolean tensorField) {
    Site(Tree report, List<TreePath> values, List<String> defines, TypeMirror definedType) {
      this(report, values, defines, definedType, null, false);
    }

    Site(Tree report, TreePath value) {
      this(report, List.of(value), List.of(), null, null, false);
    }
  }

  private final List<Site> sites = new ArrayList<>();
  private Map<String, Carrier> lowered = Map.of();

  /**
   * A local holding the result of a primitive that returns a value holding tensors (max along a
   * dim): the tensor local of its differentiable part and the accessor that returns it.
   */
  record Carrier(String values, String output) {}

  /**
   * {@code T name = value} (or a for-each variable over {@code value}): the local holds what the
   * value holds.
   */
  void declared(VariableTree variable, TreePath value, TypeMirror type) {
    if (canHold(type)) {
      sites.add(new Site(variable, List.of(value), List.of(variable.getName().toString()), type));
    }
  }

  /**
   * A tensor or value read out of non-tensor code at {@code path} (a call that is not a
   * primitive, a field of a holder, a plain argument): an error if it carries an active tensor.
   */
  void read(Tree report, TreePath path) {
    TypeMirror type = trees.getTypeMirror(path);
    if (type != null && canHold(type)) {
      sites.add(new Site(report, path));
    }
  }

  /** {@code a = value} for a non-tensor {@code a}: a local it writes into now holds the value. */
  void assigned(TreePath path, AssignmentTree a) {
    TreePath lhs = new TreePath(path, a.getVariable());
    String root = rootLocal(lhs);
    if (root != null) {
      sites.add(new Site(a, List.of(new TreePath(path, a.getExpression())), List.of(root),
          rootType(lhs)));
      return;
    }
    Element field = writtenField(lhs);
    Element direct = trees.getElement(lhs);
    TreePath value = new TreePath(path, a.getExpression());
    if (direct != null && direct.getKind() == ElementKind.FIELD
        && RuleTable.isTensor(direct.asType())
        && (field == null || field.equals(direct) || !canHold(field.asType()))) {
      // A tensor field of any owner (a buffer, a static, another layer's): what it is given is
      // read back as a constant, which is right only for a value that needs no gradient.
      sites.add(new Site(a, List.of(value), List.of(), direct.asType(),
          direct.getSimpleName().toString(), true));
      return;
    }
    if (field != null && canHold(field.asType())) {
      sites.add(new Site(a, List.of(value), List.of(), field.asType(),
          field.getSimpleName().toString(), false));
    }
  }

  /** The field of this object (or a static one) that {@code f}, {@code f[i]}, {@code f.g} write. */
  private Element writtenField(TreePath path) {
    Tree t = CodeReader.unparenthesized(path).getLeaf();
    while (true) {
      if (t instanceof ParenthesizedTree p) {
        t = p.getExpression();
      } else if (t instanceof ArrayAccessTree aa) {
        t = aa.getExpression();
      } else if (t instanceof MemberSelectTree ms && !CodeReader.isThis(ms.getExpression())) {
        t = ms.getExpression();
      } else {
        break;
      }
    }
    if (!(t instanceof IdentifierTree) && !(t instanceof MemberSelectTree)) {
      return null;
    }
    Element el = trees.getElement(trees.getPath(unit, t));
    return el != null && el.getKind() == ElementKind.FIELD ? el : null;
  }

  /** {@code list.add(h)}: a call may store its arguments in its receiver or other arguments. */
  void called(TreePath path, MethodInvocationTree call) {
    List<TreePath> operands = new ArrayList<>();
    if (call.getMethodSelect() instanceof MemberSelectTree ms) {
      operands.add(new TreePath(new TreePath(path, ms), ms.getExpression()));
    }
    for (ExpressionTree a : call.getArguments()) {
      operands.add(new TreePath(path, a));
    }
    List<String> defines = new ArrayList<>();
    TypeMirror type = null;
    for (TreePath o : operands) {
      String root = rootLocal(o);
      if (root != null) {
        defines.add(root);
        type = type == null ? rootType(o) : type;
      }
    }
    if (!defines.isEmpty()) {
      sites.add(new Site(call, operands, defines, type));
      return;
    }
    for (TreePath o : operands) {
      Element field = writtenField(o);
      if (field != null && canHold(field.asType()) && !RuleTable.isTensor(field.asType())) {
        // Stored in a field, an active tensor would come back as a constant.
        List<TreePath> others = new ArrayList<>(operands);
        others.remove(o);
        sites.add(new Site(call, others, List.of(), field.asType(),
            field.getSimpleName().toString(), false));
        return;
      }
    }
  }

  /** The local variable that {@code a}, {@code a[i]} or {@code a.f} writes into, if it can hold. */
  private String rootLocal(TreePath path) {
    Element el = rootElement(path);
    return el != null && isLocal(el) && canHold(el.asType()) && !RuleTable.isTensor(el.asType())
        ? el.getSimpleName().toString() : null;
  }

  private TypeMirror rootType(TreePath path) {
    return rootElement(path).asType();
  }

  private Element rootElement(TreePath path) {
    Tree t = CodeReader.unparenthesized(path).getLeaf();
    while (t instanceof ArrayAccessTree || t instanceof MemberSelectTree
        || t instanceof ParenthesizedTree) {
      t = t instanceof ArrayAccessTree aa ? aa.getExpression()
          : t instanceof MemberSelectTree ms ? ms.getExpression()
          : ((ParenthesizedTree) t).getExpression();
    }
    return t instanceof IdentifierTree ? trees.getElement(trees.getPath(unit, t)) : null;
  }

  private static boolean isLocal(Element el) {
    return el.getKind() == ElementKind.LOCAL_VARIABLE || el.getKind() == ElementKind.PARAMETER
        || el.getKind() == ElementKind.BINDING_VARIABLE;
  }

  /**
   * The activity analysis extended to values that are not tensors: a local that can hold a tensor
   * and is made from an active one holds active tensors too (until nothing changes), and every
   * place where such a value is made or read is reported, since the reverse pass would treat the
   * tensors inside as constants. {@code lowered} maps the locals holding a max/min result to the
   * tensor local of their differentiable values.
   */
  void check(Set<String> activeTensors, List<ForwardModel.Param> params,
      Map<String, Carrier> lowered) {
    if (sites.isEmpty()) {
      return;
    }
    this.lowered = lowered;
    Set<String> active = new HashSet<>(activeTensors);
    for (Map.Entry<String, Carrier> c : lowered.entrySet()) {
      if (active.contains(c.getValue().values())) {
        active.add(c.getKey()); // a max/min result read other than through its accessors
      }
    }
    for (ForwardModel.Param p : params) {
      if (!p.tensor() && canHold(p.type())) {
        active.add(p.name()); // the caller's tensors, which the entry point gives no gradient
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Site site : sites) {
        if (!active.containsAll(site.defines()) && carriesAny(site, active)) {
          changed |= active.addAll(site.defines());
        }
      }
    }
    // A read of a local whose making is reported already is not reported again.
    Set<String> unreported = new HashSet<>(active);
    for (Site site : sites) {
      if (!site.defines().isEmpty() && carriesAny(site, active)) {
        reporter.error(site.report(), unit, Message.TENSOR_CARRIER, subject(site, active));
        unreported.removeAll(site.defines());
      }
    }
    for (Site site : sites) {
      if (site.tensorField() && carriesAny(site, active)) {
        reporter.error(site.report(), unit, Message.TENSOR_FIELD_WRITE, site.field());
      } else if (site.defines().isEmpty() && carriesAny(site, unreported)) {
        reporter.error(site.report(), unit, Message.TENSOR_CARRIER, subject(site, unreported));
      }
    }
  }

  private boolean carriesAny(Site site, Set<String> active) {
    return site.values().stream().anyMatch(v -> carries(v, active));
  }

  /** How a message names the value holding tensors. */
  private String subject(Site site, Set<String> active) {
    if (!site.defines().isEmpty() || site.field() != null) {
      String name = site.field() != null ? site.field() : site.defines().get(0);
      return "'" + name + "' (" + Describe.withArticle(Describe.type(site.definedType())) + ")";
    }
    String[] found = new String[1];
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void v) {
        Element el = trees.getElement(getCurrentPath());
        if (found[0] == null && el != null && isLocal(el) && !RuleTable.isTensor(el.asType())
            && active.contains(node.getName().toString())) {
          found[0] = "'" + node.getName() + "' ("
              + Describe.withArticle(Describe.type(el.asType())) + ")";
        }
        return null;
      }
    }.scan(site.values().get(0), null);
    return found[0] != null ? found[0]
        : "this " + Describe.type(trees.getTypeMirror(site.values().get(0))) + " value";
  }


  /**
   * Whether the value of expression {@code path} can contain an active tensor: it reads one (or
   * an own {@code @Param}, or a local holding active tensors) through subexpressions whose types
   * can all hold a tensor. A shape, a size or a boolean computed from a tensor stops the flow.
   */
  private boolean carries(TreePath path, Set<String> active) {
    Tree t = path.getLeaf();
    TypeMirror type = t instanceof ExpressionTree ? trees.getTypeMirror(path) : null;
    if (type != null && type.getKind() != TypeKind.EXECUTABLE && !canHold(type)) {
      return false;
    }
    if (t instanceof MethodInvocationTree call
        && (trees.getElement(path) instanceof ExecutableElement m
            && rules.primitive(m).map(p -> !p.differentiable()).orElse(false)
            || otherAccessor(path, call))) {
      return false; // x.detach(), x.argmax(), x.max(1).indices(): cut on purpose
    }
    if (t instanceof IdentifierTree id) {
      Element el = trees.getElement(path);
      if (el == null) {
        return false;
      }
      if (el.getKind() == ElementKind.FIELD) {
        return isOwnParam(el);
      }
      return isLocal(el) && active.contains(id.getName().toString());
    }
    if (t instanceof MemberSelectTree ms) {
      Element el = trees.getElement(path);
      if (el != null && el.getKind() == ElementKind.FIELD && isOwnParam(el)
          && CodeReader.isOwnMember(path)) {
        return true;
      }
      return carries(new TreePath(path, ms.getExpression()), active);
    }
    boolean[] found = new boolean[1];
    new TreePathScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void v) {
        // Only the direct subexpressions; carries() recurses into each.
        if (tree instanceof ExpressionTree && !found[0]) {
          found[0] = carries(new TreePath(getCurrentPath(), tree), active);
        }
        return null;
      }

      @Override
      public Void scan(Iterable<? extends Tree> nodes, Void v) {
        if (nodes != null) {
          for (Tree n : nodes) {
            scan(n, v);
          }
        }
        return null;
      }
    }.scan(path, null);
    return found[0];
  }

  /**
   * Whether {@code call} reads a part other than the differentiable output of a max/min result
   * ({@code vi.indices()}, {@code x.max(1).indices()}), which the rule table declares constant.
   */
  private boolean otherAccessor(TreePath path, MethodInvocationTree call) {
    if (!(call.getMethodSelect() instanceof MemberSelectTree ms)
        || !call.getArguments().isEmpty()) {
      return false;
    }
    TreePath recv =
        CodeReader.unparenthesized(new TreePath(new TreePath(path, ms), ms.getExpression()));
    String output = null;
    if (recv.getLeaf() instanceof IdentifierTree id && lowered.containsKey(id.getName().toString())
        && trees.getElement(recv) != null && isLocal(trees.getElement(recv))) {
      output = lowered.get(id.getName().toString()).output();
    } else if (recv.getLeaf() instanceof MethodInvocationTree
        && trees.getElement(recv) instanceof ExecutableElement m) {
      output = rules.primitive(m).map(Primitive::output).orElse(null);
    }
    return output != null && !ms.getIdentifier().contentEquals(output);
  }

  private boolean isOwnParam(Element field) {
    return layer != null && !field.getModifiers().contains(Modifier.STATIC)
        && RuleTable.has(field, KnownTypes.PARAM)
        && field.getEnclosingElement() instanceof TypeElement
        && layer.kindOf(field.getSimpleName().toString()) == LayerInfo.Kind.PARAM;
  }

  /**
   * Whether a value of type {@code t} can hold a tensor: a Tensor, an array or a generic type of
   * such, Object, a type variable, or a class with such a field (records: a component). Layers
   * do not count (their parameters get gradients through their @Forward methods), nor do JDK
   * value types, enums and primitives.
   */
  static boolean canHold(TypeMirror t) {
    return canHold(t, new HashSet<>());
  }

  private static boolean canHold(TypeMirror t, Set<Element> seen) {
    switch (t.getKind()) {
      case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE, VOID, NONE, NULL, PACKAGE,
          MODULE, EXECUTABLE -> {
        return false;
      }
      case ARRAY -> {
        return canHold(((ArrayType) t).getComponentType(), seen);
      }
      case DECLARED -> { }
      default -> {
        return true; // a type variable, a wildcard, an intersection: could be anything
      }
    }
    if (RuleTable.isTensor(t)) {
      return true;
    }
    DeclaredType dt = (DeclaredType) t;
    TypeElement te = (TypeElement) dt.asElement();
    if (te.getKind() == ElementKind.ENUM || RuleTable.isModule(t)) {
      return false;
    }
    String qualified = te.getQualifiedName().toString();
    if (qualified.equals("java.lang.Object")) {
      return true;
    }
    for (TypeMirror a : dt.getTypeArguments()) {
      if (canHold(a, seen)) {
        return true;
      }
    }
    if (qualified.startsWith("java.") || !seen.add(te)) {
      return false;
    }
    if (te.getKind() == ElementKind.INTERFACE || te.getModifiers().contains(Modifier.ABSTRACT)) {
      return true;
    }
    for (TypeElement c = te; c != null; c = RuleTable.superclass(c)) {
      for (Element e : c.getEnclosedElements()) {
        if (e.getKind() == ElementKind.FIELD && !e.getModifiers().contains(Modifier.STATIC)
            && canHold(e.asType(), seen)) {
          return true;
        }
      }
    }
    return false;
  }
}
