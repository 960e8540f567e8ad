package dev.adjoint.processor.model;

import dev.adjoint.processor.Message;
import dev.adjoint.processor.Reporter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * The rule table as the processor sees it: {@code @Primitive} methods and their {@code @Adjoint}
 * rules, read through {@code AnnotationMirror}s (never by loading classes), so rules in a
 * dependency's class files work the same as rules in the sources being compiled.
 */
public final class RuleTable {
  private final Types types;
  private final Reporter reporter;
  private final Map<ExecutableElement, Optional<Primitive>> cache = new HashMap<>();
  private final Set<ExecutableElement> reportedAmbiguous = new HashSet<>();

  public RuleTable(Types types, Reporter reporter) {
    this.types = types;
    this.reporter = reporter;
  }

  /** The primitive behind {@code method}, or empty when it is not annotated {@code @Primitive}. */
  public Optional<Primitive> primitive(ExecutableElement method) {
    return cache.computeIfAbsent(method, this::read);
  }

  private Optional<Primitive> read(ExecutableElement method) {
    AnnotationMirror mirror = find(method, KnownTypes.PRIMITIVE);
    if (mirror == null) {
      return Optional.empty();
    }
    Map<String, AnnotationValue> values = values(mirror);
    TypeElement declaring = (TypeElement) method.getEnclosingElement();
    TypeElement rules = declaring;
    AnnotationValue rulesValue = values.get("rules");
    if (rulesValue != null && rulesValue.getValue() instanceof DeclaredType dt) {
      rules = (TypeElement) dt.asElement();
    }
    List<String> nondiff = new ArrayList<>();
    AnnotationValue nd = values.get("nondifferentiable");
    if (nd != null) {
      for (Object o : (List<?>) nd.getValue()) {
        nondiff.add((String) ((AnnotationValue) o).getValue());
      }
    }
    AnnotationValue dv = values.get("differentiable");
    boolean differentiable = dv == null || (Boolean) dv.getValue();
    List<Input> inputs = inputsOf(method);
    List<Rule> rules0 = new ArrayList<>();
    if (differentiable) {
      for (ExecutableElement adj : ElementFilter.methodsIn(rules.getEnclosedElements())) {
        AnnotationMirror am = find(adj, KnownTypes.ADJOINT);
        if (am == null) {
          continue;
        }
        Map<String, AnnotationValue> av = values(am);
        String of = (String) av.get("of").getValue();
        if (!of.equals(method.getSimpleName().toString())) {
          continue;
        }
        List<String> signature = new ArrayList<>();
        AnnotationValue sig = av.get("signature");
        if (sig != null) {
          for (Object o : (List<?>) sig.getValue()) {
            signature.add(normalize((String) ((AnnotationValue) o).getValue()));
          }
        }
        // An explicit signature (even {} for a no-argument overload) selects one overload.
        if (sig != null && !signature.equals(signatureOf(method))) {
          continue;
        }
        if (sig == null && overloads(declaring, method) > 1) {
          if (reportedAmbiguous.add(adj)) { // once, not once per overload
            reporter.error(adj, Message.AMBIGUOUS_RULE, of, overloads(declaring, method));
          }
          continue;
        }
        String wrt = (String) av.get("wrt").getValue();
        if (inputs.stream().noneMatch(in -> in.name().equals(wrt))) {
          if (reportedAmbiguous.add(adj)) {
            reporter.error(adj, Message.ORPHAN_RULE, of, wrt, rules.getSimpleName());
          }
          continue;
        }
        rules0.add(new Rule(adj, wrt, needsOf(adj, method, inputs)));
      }
    }
    AnnotationValue ov = values.get("output");
    String output = ov == null || ((String) ov.getValue()).isEmpty() ? null
        : (String) ov.getValue();
    return Optional.of(new Primitive(method, rules, inputs, Set.copyOf(nondiff), differentiable,
        rules0, output));
  }

  /**
   * Reports every differentiable input of {@code p} that has no rule, on {@code where}.
   *
   * @return whether the primitive is complete
   */
  public boolean checkComplete(Primitive p, Element where) {
    boolean ok = true;
    if (!p.differentiable()) {
      return true;
    }
    String problem = outputProblem(p);
    if (problem != null) {
      ok = false;
      reporter.error(where, Message.BAD_OUTPUT, p.describe(), simpleName(
          p.method().getReturnType()), problem);
    }
    for (Input in : p.inputs()) {
      if (in.kind() == Input.Kind.VALUE || p.nondifferentiable().contains(in.name())) {
        continue;
      }
      if (p.rule(in.name()) == null) {
        ok = false;
        String name = p.method().getSimpleName().toString();
        reporter.error(where, Message.MISSING_ADJOINT, p.describe(), in.name(), name, in.name(),
            p.rules().getQualifiedName(), in.name());
      }
    }
    return ok;
  }

  /** What is wrong with how the primitive's differentiable result is reached, or null. */
  private static String outputProblem(Primitive p) {
    TypeMirror r = p.method().getReturnType();
    if (p.output() == null) {
      return isTensor(r) ? null : "which is not a Tensor, and names no output accessor";
    }
    if (r.getKind() == TypeKind.DECLARED) {
      for (ExecutableElement m : ElementFilter.methodsIn(
          ((DeclaredType) r).asElement().getEnclosedElements())) {
        if (m.getSimpleName().contentEquals(p.output()) && m.getParameters().isEmpty()
            && !m.getModifiers().contains(Modifier.STATIC) && isTensor(m.getReturnType())) {
          return null;
        }
      }
    }
    return "which has no method " + p.output() + "() returning a Tensor";
  }

  private List<Need> needsOf(ExecutableElement adjoint, ExecutableElement primitive,
      List<Input> inputs) {
    List<Need> needs = new ArrayList<>();
    Map<String, Input> byName = new LinkedHashMap<>();
    for (Input in : inputs) {
      byName.put(in.name(), in);
    }
    for (VariableElement p : adjoint.getParameters()) {
      String n = p.getSimpleName().toString();
      if (n.equals("g")) {
        needs.add(new Need(Need.Kind.GRAD, n, p.asType()));
      } else if (n.equals("out")) {
        needs.add(new Need(Need.Kind.OUT, n, p.asType()));
      } else if (byName.containsKey(n)) {
        needs.add(new Need(Need.Kind.INPUT, n, p.asType()));
      } else if (n.endsWith("Shape") && byName.containsKey(n.substring(0, n.length() - 5))) {
        needs.add(new Need(Need.Kind.SHAPE, n.substring(0, n.length() - 5), p.asType()));
      } else if (n.endsWith("DType") && byName.containsKey(n.substring(0, n.length() - 5))) {
        needs.add(new Need(Need.Kind.DTYPE, n.substring(0, n.length() - 5), p.asType()));
      } else if (n.endsWith("Layout") && byName.containsKey(n.substring(0, n.length() - 6))) {
        needs.add(new Need(Need.Kind.LAYOUT, n.substring(0, n.length() - 6), p.asType()));
      } else {
        reporter.error(p, Message.UNKNOWN_NEED, n, adjoint.getSimpleName(),
            primitive.getSimpleName());
        needs.add(new Need(Need.Kind.GRAD, n, p.asType()));
      }
    }
    return needs;
  }

  private List<Input> inputsOf(ExecutableElement method) {
    List<Input> inputs = new ArrayList<>();
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      TypeMirror self = method.getEnclosingElement().asType();
      inputs.add(new Input("self", self, isTensor(self) ? Input.Kind.TENSOR : Input.Kind.VALUE));
    }
    for (VariableElement p : method.getParameters()) {
      TypeMirror t = p.asType();
      Input.Kind kind = isTensor(t) ? Input.Kind.TENSOR
          : isTensorList(t) ? Input.Kind.TENSOR_LIST
          : Input.Kind.VALUE;
      inputs.add(new Input(p.getSimpleName().toString(), t, kind));
    }
    return inputs;
  }

  /** Whether {@code t} is {@code dev.adjoint.tensor.Tensor}. */
  public static boolean isTensor(TypeMirror t) {
    return t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName()
            .contentEquals(KnownTypes.TENSOR);
  }

  /** Whether {@code t} is a layer: a class type extending {@code dev.adjoint.nn.Module}. */
  public static boolean isModule(TypeMirror t) {
    if (t.getKind() != TypeKind.DECLARED) {
      return false;
    }
    for (TypeElement c = (TypeElement) ((DeclaredType) t).asElement(); c != null;
        c = superclass(c)) {
      if (c.getQualifiedName().contentEquals(KnownTypes.MODULE)) {
        return true;
      }
    }
    return false;
  }

  /** The superclass of {@code type}, or null for Object and interfaces. */
  public static TypeElement superclass(TypeElement type) {
    TypeMirror s = type.getSuperclass();
    return s.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) s).asElement() : null;
  }

  /** Whether {@code t} is a {@code List<Tensor>} (or another collection type of tensors). */
  public static boolean isTensorList(TypeMirror t) {
    if (t.getKind() != TypeKind.DECLARED) {
      return false;
    }
    DeclaredType dt = (DeclaredType) t;
    String name = ((TypeElement) dt.asElement()).getQualifiedName().toString();
    return (name.equals(KnownTypes.LIST) || name.equals("java.util.Collection"))
        && dt.getTypeArguments().size() == 1 && isTensor(dt.getTypeArguments().get(0));
  }

  private int overloads(TypeElement declaring, ExecutableElement method) {
    int n = 0;
    for (ExecutableElement m : ElementFilter.methodsIn(declaring.getEnclosedElements())) {
      if (m.getSimpleName().equals(method.getSimpleName())
          && find(m, KnownTypes.PRIMITIVE) != null) {
        n++;
      }
    }
    return n;
  }

  /** The simple parameter type names of a method, as {@code @Adjoint.signature} spells them. */
  public List<String> signatureOf(ExecutableElement method) {
    List<String> sig = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      sig.add(normalize(simpleName(types.erasure(p.asType()))));
    }
    return sig;
  }

  private static String simpleName(TypeMirror t) {
    if (t.getKind() == TypeKind.ARRAY) {
      return simpleName(((javax.lang.model.type.ArrayType) t).getComponentType()) + "[]";
    }
    if (t.getKind() == TypeKind.DECLARED) {
      return ((DeclaredType) t).asElement().getSimpleName().toString();
    }
    return t.toString();
  }

  private static String normalize(String s) {
    return s.replace("...", "[]").replace(" ", "");
  }

  static AnnotationMirror find(Element e, String annotation) {
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
          .contentEquals(annotation)) {
        return m;
      }
    }
    return null;
  }

  /** Whether {@code e} carries the annotation with this qualified name. */
  public static boolean has(Element e, String annotation) {
    return find(e, annotation) != null;
  }

  private static Map<String, AnnotationValue> values(AnnotationMirror m) {
    Map<String, AnnotationValue> out = new HashMap<>();
    m.getElementValues().forEach((k, v) -> out.put(k.getSimpleName().toString(), v));
    return out;
  }

  /** Adjoints already reported as wrong (ambiguous, or naming no input). */
  public Set<ExecutableElement> reported() {
    return java.util.Collections.unmodifiableSet(reportedAmbiguous);
  }

  /** Methods of {@code type} annotated {@code @Primitive}, in declaration order. */
  public static List<ExecutableElement> primitivesIn(TypeElement type) {
    List<ExecutableElement> out = new ArrayList<>();
    for (Element e : type.getEnclosedElements()) {
      if (e.getKind() == ElementKind.METHOD && has(e, KnownTypes.PRIMITIVE)) {
        out.add((ExecutableElement) e);
      }
    }
    return out;
  }
}
