package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.model.Input;
import dev.adjoint.processor.model.Need;
import dev.adjoint.processor.model.Primitive;
import dev.adjoint.processor.model.Rule;
import dev.adjoint.processor.model.RuleTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Writes {@code <Class>Tape}: for each differentiable primitive of a class, a recorder method
 * that the primitive calls with its result, and a named {@code Node} subclass (PyTorch-style,
 * e.g. {@code MulBackward0}) that keeps exactly what the primitive's adjoints ask for and calls
 * them. This is how ops on tracked tensors outside {@code @Forward} code build the graph.
 */
public final class TapeWriter {
  private static final ClassName LIST = ClassName.get("java.util", "List");

  /** The generated class for primitives declared in {@code type}. */
  public static ClassName tapeClass(TypeElement type) {
    ClassName c = ClassName.get(type);
    return ClassName.get(c.packageName(), String.join("_", c.simpleNames()) + "Tape");
  }

  /** Builds the tape class for {@code primitives}, all declared in {@code type}. */
  public JavaFile write(TypeElement type, List<Primitive> primitives) {
    ClassName tape = tapeClass(type);
    TypeSpec.Builder cls = TypeSpec.classBuilder(tape)
        .addAnnotation(Names.generated("graph nodes for the primitives of "
            + type.getQualifiedName()))
        .addJavadoc("Records graph nodes for the {@code @Primitive} ops of {@link $T}, built from"
            + " their {@code @Adjoint} rules.\n", ClassName.get(type))
        .addModifiers(Modifier.FINAL)
        .addOriginatingElement(type)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    Map<String, Integer> overloadIndex = new HashMap<>();
    for (Primitive p : primitives) {
      String name = p.method().getSimpleName().toString();
      int index = overloadIndex.merge(name, 1, Integer::sum) - 1;
      if (!p.differentiable() || trackedOutput(p) == null || p.adjoints().isEmpty()) {
        continue;
      }
      String nodeName = Names.capitalize(name) + "Backward" + index;
      cls.addMethod(recorder(p, nodeName));
      cls.addType(node(p, nodeName));
      p.adjoints().forEach(r -> cls.addOriginatingElement(r.method()));
    }
    return JavaFile.builder(tape.packageName(), cls.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  /** How the result's tracked tensor is reached: "out", "out.values()", or null if none. */
  private static String trackedOutput(Primitive p) {
    if (p.output() != null) {
      return "out." + p.output() + "()";
    }
    return RuleTable.isTensor(p.method().getReturnType()) ? "out"
        : null;
  }

  /** Inputs that get gradients, in node-edge order. */
  private static List<Input> edgeInputs(Primitive p) {
    List<Input> out = new ArrayList<>();
    for (Input in : p.inputs()) {
      if (in.kind() != Input.Kind.VALUE && p.rule(in.name()) != null) {
        out.add(in);
      }
    }
    return out;
  }

  /** Saved fields: name -> type, in first-use order. */
  private static Map<String, TypeName> savedFields(Primitive p) {
    Map<String, TypeName> fields = new LinkedHashMap<>();
    for (Rule r : p.adjoints()) {
      for (Need n : r.needs()) {
        switch (n.kind()) {
          case OUT -> fields.putIfAbsent("out", TypeName.get(p.method().getReturnType()));
          case INPUT -> fields.putIfAbsent(n.name(), inputType(p, n.name()));
          case SHAPE -> fields.putIfAbsent(n.name() + "Shape", TypeName.get(int[].class));
          case DTYPE -> fields.putIfAbsent(n.name() + "DType", TypeName.get(n.type()));
          case GRAD -> { }
        }
      }
    }
    return fields;
  }

  private static TypeName inputType(Primitive p, String name) {
    for (Input in : p.inputs()) {
      if (in.name().equals(name)) {
        return TypeName.get(in.type());
      }
    }
    throw new IllegalStateException("no input " + name);
  }

  private static String savedValue(String field) {
    return field.endsWith("Shape") && !field.equals("Shape")
        ? field.substring(0, field.length() - 5) + ".shape()"
        : field.endsWith("DType") && !field.equals("DType")
        ? field.substring(0, field.length() - 5) + ".dtype()"
        : field;
  }

  private MethodSpec recorder(Primitive p, String nodeName) {
    String tracked = trackedOutput(p);
    MethodSpec.Builder m = MethodSpec.methodBuilder(p.method().getSimpleName().toString())
        .addModifiers(Modifier.STATIC)
        .addJavadoc("Records {@code $L} on {@code out} when an input is tracked; returns"
            + " {@code out}.\n", p.describe())
        .returns(TypeName.get(p.method().getReturnType()))
        .addParameter(TypeName.get(p.method().getReturnType()), "out");
    for (Input in : p.inputs()) {
      m.addParameter(TypeName.get(in.type()), in.name());
    }
    List<Input> edges = edgeInputs(p);
    CodeBlock.Builder args = CodeBlock.builder();
    for (int i = 0; i < edges.size(); i++) {
      args.add(i > 0 ? ", $L" : "$L", edges.get(i).name());
    }
    m.addStatement("$T[] edges = $T.edges($L)", Names.TENSOR, Names.AUTOGRAD, args.build());
    StringBuilder skip = new StringBuilder("edges == null");
    if (tracked.equals("out")) {
      for (Input in : edges) {
        if (in.kind() == Input.Kind.TENSOR) {
          skip.append(" || out == ").append(in.name());
        }
      }
    }
    m.beginControlFlow("if ($L)", skip).addStatement("return out").endControlFlow();
    CodeBlock.Builder ctor = CodeBlock.builder().add("edges");
    for (Map.Entry<String, TypeName> f : savedFields(p).entrySet()) {
      ctor.add(", $L", savedValue(f.getKey()));
    }
    for (Input in : edges) {
      if (in.kind() == Input.Kind.TENSOR_LIST) {
        ctor.add(", $L.size()", in.name());
      }
    }
    m.addStatement("$L.setGradFn(new $L($L))", tracked, nodeName, ctor.build());
    return m.addStatement("return out").build();
  }

  private TypeSpec node(Primitive p, String nodeName) {
    Map<String, TypeName> fields = savedFields(p);
    List<Input> edges = edgeInputs(p);
    TypeSpec.Builder node = TypeSpec.classBuilder(nodeName)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .superclass(Names.NODE)
        .addJavadoc("Backward of {@code $L}.\n", p.describe());
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addParameter(com.palantir.javapoet.ArrayTypeName.of(Names.TENSOR), "edges")
        .addStatement("super($S, edges)", nodeName);
    MethodSpec.Builder release = MethodSpec.methodBuilder("release")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED);
    for (Map.Entry<String, TypeName> f : fields.entrySet()) {
      node.addField(FieldSpec.builder(f.getValue(), f.getKey(), Modifier.PRIVATE).build());
      ctor.addParameter(f.getValue(), f.getKey());
      if (f.getValue().equals(Names.TENSOR) || f.getValue().equals(Names.TENSOR_LIST)) {
        // Kept with its version: the node refuses to run after an in-place write to it.
        ctor.addStatement("this.$L = keep($L, $S)", f.getKey(), f.getKey(), f.getKey());
      } else {
        ctor.addStatement("this.$L = $L", f.getKey(), f.getKey());
      }
      if (!f.getValue().isPrimitive()) {
        release.addStatement("$L = null", f.getKey());
      }
    }
    for (Input in : edges) {
      if (in.kind() == Input.Kind.TENSOR_LIST) {
        String size = in.name() + "Size";
        node.addField(FieldSpec.builder(int.class, size, Modifier.PRIVATE, Modifier.FINAL)
            .build());
        ctor.addParameter(int.class, size).addStatement("this.$L = $L", size, size);
      }
    }
    MethodSpec.Builder apply = MethodSpec.methodBuilder("apply")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(com.palantir.javapoet.ArrayTypeName.of(Names.TENSOR))
        .addParameter(Names.TENSOR, "g")
        .addStatement("$T[] grads = new $T[$L]", Names.TENSOR, Names.TENSOR,
            edgeCount(edges));
    String at = "0";
    for (Input in : edges) {
      Rule r = p.rule(in.name());
      CodeBlock call = CodeBlock.of("$T.$L($L)", ClassName.get(p.rules()),
          r.method().getSimpleName(), ruleArgs(r));
      if (in.kind() == Input.Kind.TENSOR) {
        apply.addStatement("grads[$L] = needsGrad($L) ? $L : null", at, at, call);
        at = at.equals("0") ? "1" : at.matches("\\d+") ? Integer.toString(
            Integer.parseInt(at) + 1) : at + " + 1";
      } else {
        String size = in.name() + "Size";
        apply.addStatement("$T<$T> $LGrads = $L", LIST, Names.TENSOR, in.name(), call);
        apply.beginControlFlow("for (int i = 0; i < $L; i++)", size)
            .addStatement("grads[$L + i] = needsGrad($L + i) ? $LGrads.get(i) : null", at, at,
                in.name())
            .endControlFlow();
        at = at + " + " + size;
      }
    }
    apply.addStatement("return grads");
    return node.addMethod(ctor.build()).addMethod(apply.build()).addMethod(release.build())
        .build();
  }

  private static String edgeCount(List<Input> edges) {
    int fixed = 0;
    StringBuilder lists = new StringBuilder();
    for (Input in : edges) {
      if (in.kind() == Input.Kind.TENSOR) {
        fixed++;
      } else {
        lists.append(" + ").append(in.name()).append("Size");
      }
    }
    return lists.length() == 0 ? Integer.toString(fixed) : fixed + lists.toString();
  }

  private static String ruleArgs(Rule r) {
    List<String> args = new ArrayList<>();
    for (Need n : r.needs()) {
      args.add(switch (n.kind()) {
        case GRAD -> "g";
        case OUT -> "out";
        case INPUT -> n.name();
        case SHAPE -> n.name() + "Shape";
        case DTYPE -> n.name() + "DType";
      });
    }
    return String.join(", ", args);
  }
}
