package dev.adjoint.processor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * How the generated binding records a layer's configuration for whole-model files and rebuilds
 * the layer from it: the constructor it calls and, for each of its parameters, the field that
 * keeps the argument and how the value is written and read. A plan with a {@link #problem} has no
 * configuration; the binding reports the problem when the layer is saved.
 *
 * @param constructor the constructor that rebuilds the layer (null when none could be chosen)
 * @param arguments one entry per constructor parameter, in order (empty with a problem)
 * @param problem why no configuration is generated, a clause such as "the argument 'width' of
 *     Block(int width) is kept in no field of the same name"; null when it is
 */
public record ConfigPlan(ExecutableElement constructor, List<Argument> arguments,
    String problem) {
  /** How an argument is recorded and read back. */
  public enum Kind {
    INT, LONG, FLOAT, DOUBLE, BOOLEAN, STRING,
    /** An enum constant, recorded by its name. */
    ENUM,
    INT_ARRAY, TENSOR,
    /** A sub-layer, saved as its own description. */
    LAYER,
    /** A {@code List} of sub-layers. */
    LAYER_LIST,
    /** An array of sub-layers (a varargs {@code Module...}), kept as an array or a list. */
    LAYER_ARRAY,
    /** A {@code boolean} that says whether the same-named tensor or sub-layer field is set. */
    PRESENCE
  }

  /**
   * One constructor parameter and the field of the same name that keeps its value.
   *
   * @param name the parameter's name, which is also the field's and the config key
   * @param kind how it is recorded
   * @param element the enum or layer type read back ({@code ENUM} and the layer kinds), else null
   */
  public record Argument(String name, Kind kind, TypeMirror element) {}

  /** A plan that generates a configuration. */
  public static ConfigPlan of(ExecutableElement constructor, List<Argument> arguments) {
    return new ConfigPlan(constructor, List.copyOf(arguments), null);
  }

  /** A plan without a configuration, for {@code problem}. */
  public static ConfigPlan without(String problem) {
    return new ConfigPlan(null, List.of(), problem);
  }

  /**
   * A constructor as its source declares it, with simple type names:
   * {@code Block(Module body, int width)}.
   */
  public static String signature(ExecutableElement c) {
    List<String> params = new ArrayList<>();
    for (int i = 0; i < c.getParameters().size(); i++) {
      VariableElement p = c.getParameters().get(i);
      String type = simple(p.asType());
      if (c.isVarArgs() && i == c.getParameters().size() - 1 && type.endsWith("[]")) {
        type = type.substring(0, type.length() - 2) + "...";
      }
      params.add(type + " " + p.getSimpleName());
    }
    return c.getEnclosingElement().getSimpleName() + "(" + String.join(", ", params) + ")";
  }

  /** A type as its source would write it with simple names: {@code List<Module>}, {@code int[]}. */
  public static String simple(TypeMirror t) {
    if (t.getKind() == TypeKind.ARRAY) {
      return simple(((ArrayType) t).getComponentType()) + "[]";
    }
    if (t.getKind() != TypeKind.DECLARED) {
      return t.toString();
    }
    DeclaredType d = (DeclaredType) t;
    String name = d.asElement().getSimpleName().toString();
    if (d.getTypeArguments().isEmpty()) {
      return name;
    }
    return name + "<" + d.getTypeArguments().stream().map(ConfigPlan::simple)
        .collect(Collectors.joining(", ")) + ">";
  }
}
