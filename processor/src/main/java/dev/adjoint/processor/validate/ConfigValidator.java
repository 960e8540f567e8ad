package dev.adjoint.processor.validate;

import dev.adjoint.processor.Message;
import dev.adjoint.processor.Reporter;
import dev.adjoint.processor.model.ConfigPlan;
import dev.adjoint.processor.model.KnownTypes;
import dev.adjoint.processor.model.RuleTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Plans the configuration the binding generates for a {@code @Layer} that does not implement
 * {@code Configurable}: picks the constructor that rebuilds it (the one marked
 * {@code @Layer.Constructor}, else the only one that is not private) and, for each parameter, the
 * same-named field that keeps the argument. For a marked constructor every argument that cannot
 * be recorded is a compile-time error on that parameter; for an unmarked one the plan carries the
 * problem, which saving the layer as part of a model file reports.
 */
public final class ConfigValidator {
  private final Types types;
  private final Elements elements;
  private final Reporter reporter;

  public ConfigValidator(Types types, Elements elements, Reporter reporter) {
    this.types = types;
    this.elements = elements;
    this.reporter = reporter;
  }

  /**
   * The plan for {@code layer}, or null when the binding gets no configuration methods at all:
   * the layer implements {@code Configurable} (it writes its own), or the runtime on the class
   * path predates generated configurations (it has no {@code Configurable}), or a
   * {@code @Layer.Constructor} mark was reported as an error.
   */
  public ConfigPlan plan(TypeElement layer) {
    List<ExecutableElement> constructors =
        ElementFilter.constructorsIn(layer.getEnclosedElements());
    List<ExecutableElement> marked = constructors.stream()
        .filter(c -> RuleTable.has(c, KnownTypes.LAYER_CONSTRUCTOR)).collect(Collectors.toList());
    TypeElement configurable = elements.getTypeElement(KnownTypes.CONFIGURABLE);
    if (configurable == null) {
      return null;
    }
    if (types.isSubtype(types.erasure(layer.asType()),
        types.erasure(configurable.asType()))) {
      for (ExecutableElement c : marked) {
        reporter.error(c, Message.CONFIG_CONSTRUCTOR, ConfigPlan.signature(c),
            "the class implements Configurable, whose own config() and fromConfig rebuild it");
      }
      return null;
    }
    if (layer.getModifiers().contains(Modifier.ABSTRACT)) {
      for (ExecutableElement c : marked) {
        reporter.error(c, Message.CONFIG_CONSTRUCTOR, ConfigPlan.signature(c), "the class is"
            + " abstract, so only its subclasses are built; mark a constructor of each of them");
      }
      return marked.isEmpty() ? ConfigPlan.without("the class is abstract") : null;
    }
    if (marked.size() > 1) {
      for (ExecutableElement c : marked.subList(1, marked.size())) {
        reporter.error(c, Message.CONFIG_CONSTRUCTOR, ConfigPlan.signature(c), "only one"
            + " constructor of " + layer.getSimpleName() + " can rebuild it, and "
            + ConfigPlan.signature(marked.get(0)) + " is marked too");
      }
      return null;
    }
    boolean strict = marked.size() == 1;
    ExecutableElement chosen;
    if (strict) {
      chosen = marked.get(0);
    } else {
      List<ExecutableElement> callable = constructors.stream()
          .filter(c -> !c.getModifiers().contains(Modifier.PRIVATE))
          .collect(Collectors.toList());
      if (callable.size() != 1) {
        return ConfigPlan.without(callable.isEmpty() ? "all its constructors are private"
            : "it has " + callable.size() + " constructors and none is marked"
                + " @Layer.Constructor to say which one rebuilds it");
      }
      chosen = callable.get(0);
    }
    String problem = constructorProblem(layer, chosen);
    if (problem != null) {
      if (strict) {
        reporter.error(chosen, Message.CONFIG_CONSTRUCTOR, ConfigPlan.signature(chosen), problem);
        return null;
      }
      return ConfigPlan.without(ConfigPlan.signature(chosen) + " cannot be called to rebuild it: "
          + problem);
    }
    int errorsBefore = reporter.errorCount();
    List<ConfigPlan.Argument> arguments = new ArrayList<>();
    for (VariableElement p : chosen.getParameters()) {
      String name = p.getSimpleName().toString();
      if (p.asType().getKind() == TypeKind.ERROR) {
        return null; // javac reports the type it could not resolve
      }
      Object argument = argument(layer, p);
      if (argument instanceof ConfigPlan.Argument a) {
        arguments.add(a);
      } else if (strict) {
        reporter.error(p, Message.CONFIG_ARGUMENT, name, ConfigPlan.signature(chosen), argument);
      } else {
        return ConfigPlan.without("the argument '" + name + "' of " + ConfigPlan.signature(chosen)
            + " cannot be recorded: " + argument);
      }
    }
    return reporter.errorCount() == errorsBefore ? ConfigPlan.of(chosen, arguments) : null;
  }

  /** Why the generated code cannot call {@code c} to build a {@code layer}, or null. */
  private String constructorProblem(TypeElement layer, ExecutableElement c) {
    if (c.getModifiers().contains(Modifier.PRIVATE)) {
      return "it is private, so the generated code cannot call it";
    }
    if (layer.getNestingKind() == NestingKind.LOCAL
        || layer.getNestingKind() == NestingKind.ANONYMOUS) {
      return "the class is local to a method";
    }
    if (layer.getNestingKind() == NestingKind.MEMBER
        && !layer.getModifiers().contains(Modifier.STATIC)) {
      return "the class is an inner class, which needs an enclosing instance (make it static)";
    }
    if (!layer.getTypeParameters().isEmpty()) {
      return "the class is generic, so a file cannot say which type arguments to build it with";
    }
    TypeElement runtime = elements.getTypeElement("java.lang.RuntimeException");
    TypeElement error = elements.getTypeElement("java.lang.Error");
    for (TypeMirror thrown : c.getThrownTypes()) {
      if (!types.isSubtype(thrown, runtime.asType()) && !types.isSubtype(thrown, error.asType())) {
        return "it declares the checked exception " + ConfigPlan.simple(thrown);
      }
    }
    return null;
  }

  /**
   * How parameter {@code p} of a constructor of {@code layer} is recorded: a
   * {@link ConfigPlan.Argument}, or a String saying why it cannot be.
   */
  private Object argument(TypeElement layer, VariableElement p) {
    String name = p.getSimpleName().toString();
    TypeMirror type = p.asType();
    VariableElement field = field(layer, name);
    if (field == null) {
      return "it is kept in no field of the same name";
    }
    if (field.getModifiers().contains(Modifier.PRIVATE)) {
      return "its field '" + name + "' is private, so the generated code cannot read it";
    }
    PackageElement pkg = elements.getPackageOf(layer);
    if (!field.getModifiers().contains(Modifier.PUBLIC)
        && !elements.getPackageOf(field).equals(pkg)) {
      return "its field '" + name + "' in " + field.getEnclosingElement().getSimpleName()
          + " is not visible from package " + pkg.getQualifiedName();
    }
    TypeMirror fieldType = field.asType();
    ConfigPlan.Kind kind = kindOf(type);
    if (kind == null) {
      return "its type " + ConfigPlan.simple(type) + " is not one that can be recorded";
    }
    TypeMirror element = switch (kind) {
      case ENUM, LAYER -> type;
      case LAYER_LIST -> listElement(type);
      case LAYER_ARRAY -> ((ArrayType) type).getComponentType();
      default -> null;
    };
    if (element != null && !accessible((TypeElement) types.asElement(element), pkg)) {
      return "its type " + ConfigPlan.simple(element) + " is not visible from package "
          + pkg.getQualifiedName();
    }
    boolean matches = switch (kind) {
      case LAYER -> RuleTable.isModule(fieldType) && types.isAssignable(fieldType, type);
      case LAYER_LIST -> isLayerIn(listElement(fieldType), element);
      case LAYER_ARRAY -> isLayerIn(fieldType.getKind() == TypeKind.ARRAY
          ? ((ArrayType) fieldType).getComponentType() : listElement(fieldType), element);
      default -> types.isSameType(fieldType, type);
    };
    if (matches) {
      return new ConfigPlan.Argument(name, kind, element);
    }
    if (kind == ConfigPlan.Kind.BOOLEAN
        && (RuleTable.isTensor(fieldType) || RuleTable.isModule(fieldType))) {
      return new ConfigPlan.Argument(name, ConfigPlan.Kind.PRESENCE, null);
    }
    return "it is declared " + ConfigPlan.simple(type) + " but its field '" + name + "' is "
        + ConfigPlan.simple(fieldType);
  }

  /** How a parameter of this type is recorded, or null when it cannot be. */
  private ConfigPlan.Kind kindOf(TypeMirror t) {
    switch (t.getKind()) {
      case INT:
        return ConfigPlan.Kind.INT;
      case LONG:
        return ConfigPlan.Kind.LONG;
      case FLOAT:
        return ConfigPlan.Kind.FLOAT;
      case DOUBLE:
        return ConfigPlan.Kind.DOUBLE;
      case BOOLEAN:
        return ConfigPlan.Kind.BOOLEAN;
      case ARRAY:
        TypeMirror component = ((ArrayType) t).getComponentType();
        return component.getKind() == TypeKind.INT ? ConfigPlan.Kind.INT_ARRAY
            : isPlainLayer(component) ? ConfigPlan.Kind.LAYER_ARRAY : null;
      case DECLARED:
        TypeElement e = (TypeElement) types.asElement(t);
        if (e.getQualifiedName().contentEquals("java.lang.String")) {
          return ConfigPlan.Kind.STRING;
        }
        if (e.getKind() == ElementKind.ENUM) {
          return ConfigPlan.Kind.ENUM;
        }
        if (RuleTable.isTensor(t)) {
          return ConfigPlan.Kind.TENSOR;
        }
        if (isPlainLayer(t)) {
          return ConfigPlan.Kind.LAYER;
        }
        TypeMirror element = listElement(t);
        return element != null && isPlainLayer(element) ? ConfigPlan.Kind.LAYER_LIST : null;
      default:
        return null;
    }
  }

  /** The field {@code name} of {@code layer} or of its nearest superclass declaring one. */
  private VariableElement field(TypeElement layer, String name) {
    for (TypeElement t = layer; t != null; t = RuleTable.superclass(t)) {
      for (VariableElement f : ElementFilter.fieldsIn(t.getEnclosedElements())) {
        if (!f.getModifiers().contains(Modifier.STATIC) && f.getSimpleName().contentEquals(name)) {
          return f;
        }
      }
    }
    return null;
  }

  /** A layer type that a class literal names exactly: not generic. */
  private boolean isPlainLayer(TypeMirror t) {
    return RuleTable.isModule(t) && ((DeclaredType) t).getTypeArguments().isEmpty()
        && ((TypeElement) types.asElement(t)).getTypeParameters().isEmpty();
  }

  /** Whether {@code t} is a layer type that is a {@code bound} (false for null). */
  private boolean isLayerIn(TypeMirror t, TypeMirror bound) {
    return t != null && RuleTable.isModule(t) && types.isSubtype(t, bound);
  }

  /** The {@code X} of a {@code java.util.List<X>}, or null for any other type. */
  private TypeMirror listElement(TypeMirror t) {
    if (t.getKind() != TypeKind.DECLARED) {
      return null;
    }
    DeclaredType d = (DeclaredType) t;
    return ((TypeElement) d.asElement()).getQualifiedName().contentEquals(KnownTypes.LIST)
        && d.getTypeArguments().size() == 1
        && d.getTypeArguments().get(0).getKind() == TypeKind.DECLARED
        ? d.getTypeArguments().get(0) : null;
  }

  /** Whether code in {@code pkg} can name {@code type}. */
  private boolean accessible(TypeElement type, PackageElement pkg) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)
          || !e.getModifiers().contains(Modifier.PUBLIC) && !elements.getPackageOf(e).equals(pkg)) {
        return false;
      }
    }
    return true;
  }
}
