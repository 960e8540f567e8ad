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
  /** The recorder's parameter and the node's field holding the primitive's result. */
  private static final String OUT = "out";

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

  /** How the result's tracked tensor is reached: {@code out}, {@code out.values()}, or null. */
  private static CodeBlock trackedOutput(Primitive p) {
    if (p.output() != null) {
      return CodeBlock.of("$L.$L()", OUT, p.output());
    }
    return RuleTable.isTensor(p.method().getReturnType()) ? CodeBlock.of("$L", OUT) : null;
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

  /** A field of a node: its type, and what the recorder keeps in it. */
  private record Field(TypeName type, CodeBlock value) {}

  /** Saved fields by name, in first-use order. */
  private static Map<String, Field> savedFields(Primitive p) {
    Map<String, Field> fields = new LinkedHashMap<>();
    for (Rule r : p.adjoints()) {
      for (Need n : r.needs()) {
        switch (n.kind()) {
          case OUT -> fields.putIfAbsent(OUT, new Field(TypeName.get(p.method().getReturnType()),
              CodeBlock.of("$L", OUT)));
          case INPUT -> fields.putIfAbsent(n.kept(n.name()), new Field(inputType(p, n.name()),
              CodeBlock.of("$L", n.name())));
          case SHAPE -> fields.putIfAbsent(n.kept(n.name()), new Field(TypeName.get(int[].class),
              CodeBlock.of("$L.shape()", n.name())));
          case DTYPE -> fields.putIfAbsent(n.kept(n.name()), new Field(TypeName.get(n.type()),
              CodeBlock.of("$L.dtype()", n.name())));
          case LAYOUT -> fields.putIfAbsent(n.kept(n.name()), new Field(TypeName.get(n.type()),
              CodeBlock.of("$L.layout()", n.name())));
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

  private MethodSpec recorder(Primitive p, String nodeName) {
    CodeBlock tracked = trackedOutput(p);
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
    if (p.output() == null) {
      for (Input in : edges) {
        if (in.kind() == Input.Kind.TENSOR) {
          skip.append(" || out == ").append(in.name());
        }
      }
    }
    m.beginControlFlow("if ($L)", skip).addStatement("return out").endControlFlow();
    CodeBlock.Builder ctor = CodeBlock.builder().add("edges");
    for (Field f : savedFields(p).values()) {
      ctor.add(", $L", f.value());
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
    Map<String, Field> fields = savedFields(p);
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
    for (Map.Entry<String, Field> f : fields.entrySet()) {
      String name = f.getKey();
      TypeName type = f.getValue().type();
      node.addField(FieldSpec.builder(type, name, Modifier.PRIVATE).build());
      ctor.addParameter(type, name);
      if (type.equals(Names.TENSOR) || type.equals(Names.TENSOR_LIST)) {
        // Kept with its version: the node refuses to run after an in-place write to it.
        ctor.addStatement("this.$L = keep($L, $S)", name, name, name);
      } else {
        ctor.addStatement("this.$L = $L", name, name);
      }
      if (!type.isPrimitive()) {
        release.addStatement("$L = null", name);
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
    // The index of the next edge: the count of tensors before any list, then the terms after.
    int tensorsFirst = 0;
    List<String> after = new ArrayList<>();
    for (Input in : edges) {
      Rule r = p.rule(in.name());
      CodeBlock call = CodeBlock.of("$T.$L($L)", ClassName.get(p.rules()),
          r.method().getSimpleName(), ruleArgs(r));
      String at = tensorsFirst + after.stream().map(t -> " + " + t).reduce("", String::concat);
      if (in.kind() == Input.Kind.TENSOR) {
        apply.addStatement("grads[$L] = needsGrad($L) ? $L : null", at, at, call);
        if (after.isEmpty()) {
          tensorsFirst++;
        } else {
          after.add("1");
        }
      } else {
        String size = in.name() + "Size";
        apply.addStatement("$T<$T> $LGrads = $L", Names.LIST, Names.TENSOR, in.name(), call);
        apply.beginControlFlow("for (int i = 0; i < $L; i++)", size)
            .addStatement("grads[$L + i] = needsGrad($L + i) ? $LGrads.get(i) : null", at, at,
                in.name())
            .endControlFlow();
        after.add(size);
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
        case OUT -> OUT;
        case INPUT, SHAPE, DTYPE, LAYOUT -> n.kept(n.name());
      });
    }
    return String.join(", ", args);
  }
}
