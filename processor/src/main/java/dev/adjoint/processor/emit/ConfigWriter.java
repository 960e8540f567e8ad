package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.adjoint.processor.model.ConfigPlan;
import dev.adjoint.processor.model.KnownTypes;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Writes a binding's configuration methods from a {@link ConfigPlan}: {@code config} reads the
 * constructor's arguments back from the layer's fields, {@code fromConfig} calls the constructor
 * with them, or, without a configuration, {@code configProblem} says why.
 */
final class ConfigWriter {
  private static final ClassName LAYER_CONFIG = ClassName.bestGuess(KnownTypes.LAYER_CONFIG);

  private ConfigWriter() {}

  /** Adds the methods of {@code plan} to {@code cls}, the binding of {@code self} (none: null). */
  static void write(TypeSpec.Builder cls, ClassName self, ConfigPlan plan) {
    if (plan == null) {
      return;
    }
    MethodSpec.Builder problem = MethodSpec.methodBuilder("configProblem")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(String.class);
    if (plan.problem() != null) {
      cls.addMethod(problem
          .addJavadoc("Why no configuration is generated; saving a model file with this layer"
              + " reports it.\n")
          .addStatement("return $S", plan.problem())
          .build());
      return;
    }
    String signature = ConfigPlan.signature(plan.constructor());
    cls.addMethod(problem
        .addJavadoc("None: {@link #config} and {@link #fromConfig} are generated.\n")
        .addStatement("return null")
        .build());

    CodeBlock.Builder pairs = CodeBlock.builder();
    for (ConfigPlan.Argument a : plan.arguments()) {
      if (!pairs.isEmpty()) {
        pairs.add(",$W");
      }
      pairs.add("$S, $L", a.name(), value(a));
    }
    cls.addMethod(MethodSpec.methodBuilder("config")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class),
            ClassName.OBJECT))
        .addParameter(self, "layer")
        .addJavadoc(plan.arguments().isEmpty() ? "None: {@code $L} takes no arguments.\n"
            : "The arguments of {@code $L}, read back\nfrom the layer's fields.\n", signature)
        .addStatement("return $T.of($L)", LAYER_CONFIG, pairs.build())
        .build());

    MethodSpec.Builder fromConfig = MethodSpec.methodBuilder("fromConfig")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(self)
        .addParameter(ParameterizedTypeName.get(ClassName.get(Map.class),
            ClassName.get(String.class), WildcardTypeName.subtypeOf(Object.class)), "config")
        .addJavadoc(plan.arguments().isEmpty() ? "A new layer from {@code $L}.\n"
            : "A new layer from {@code $L}, called with\nthe arguments in {@code config}.\n",
            signature);
    if (plan.arguments().isEmpty()) {
      // Still refuses a null config, as every factory does.
      fromConfig.addStatement("$T.read($T.class, config)", LAYER_CONFIG, self)
          .addStatement("return new $T()", self);
    } else {
      CodeBlock.Builder args = CodeBlock.builder();
      for (ConfigPlan.Argument a : plan.arguments()) {
        if (!args.isEmpty()) {
          args.add(",$W");
        }
        args.add(read(a));
      }
      fromConfig.addStatement("$T c = $T.read($T.class, config)", LAYER_CONFIG, LAYER_CONFIG, self)
          .addStatement("return new $T($L)", self, args.build());
    }
    cls.addMethod(fromConfig.build());
  }

  /** The config value of {@code a}, read from the field {@code layer.<name>}. */
  private static CodeBlock value(ConfigPlan.Argument a) {
    String n = a.name();
    return switch (a.kind()) {
      case ENUM -> CodeBlock.of("layer.$L == null ? null : layer.$L.name()", n, n);
      case PRESENCE -> CodeBlock.of("layer.$L != null", n);
      default -> CodeBlock.of("layer.$L", n);
    };
  }

  /** The argument {@code a} read from the {@code LayerConfig c}. */
  private static CodeBlock read(ConfigPlan.Argument a) {
    String n = a.name();
    return switch (a.kind()) {
      case INT -> CodeBlock.of("c.intValue($S)", n);
      case LONG -> CodeBlock.of("c.longValue($S)", n);
      case FLOAT -> CodeBlock.of("(float) c.doubleValue($S)", n);
      case DOUBLE -> CodeBlock.of("c.doubleValue($S)", n);
      case BOOLEAN, PRESENCE -> CodeBlock.of("c.booleanValue($S)", n);
      case STRING -> CodeBlock.of("c.string($S)", n);
      case ENUM -> CodeBlock.of("c.enumValue($S, $T.class)", n, TypeName.get(a.element()));
      case INT_ARRAY -> CodeBlock.of("c.intArray($S)", n);
      case TENSOR -> CodeBlock.of("c.tensor($S)", n);
      case LAYER -> CodeBlock.of("c.module($S, $T.class)", n, TypeName.get(a.element()));
      case LAYER_LIST -> CodeBlock.of("c.modules($S, $T.class)", n, TypeName.get(a.element()));
      case LAYER_ARRAY -> CodeBlock.of("c.modules($S, $T.class).toArray(new $T[0])", n,
          TypeName.get(a.element()), TypeName.get(a.element()));
    };
  }
}
