package dev.adjoint.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.diff.ReversePass;
import dev.adjoint.processor.diff.Slot;
import dev.adjoint.processor.model.ConfigPlan;
import dev.adjoint.processor.model.ForwardModel;
import dev.adjoint.processor.model.KnownTypes;
import dev.adjoint.processor.model.LayerInfo;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Writes {@code <Owner>_Adjoint}: for each {@code @Forward} method {@code m} its {@code Saved}
 * class, {@code mSaving} (the forward, keeping what the reverse pass asks for, recording nothing),
 * {@code mBackward}, and {@code mTracked}, the entry point that records one graph node per call
 * through the runtime's {@code TrackedCall}; for a {@code @Layer} also the parameter registry and
 * the configuration for whole-model files ({@code LayerBinding}).
 */
public final class AdjointWriter {
  private static final ClassName SAVED_VALUES = ClassName.bestGuess(KnownTypes.SAVED_VALUES);
  private static final ClassName LAYER_BINDING = ClassName.bestGuess(KnownTypes.LAYER_BINDING);
  private static final ClassName VISITOR = ClassName.bestGuess(KnownTypes.LAYER_BINDING_VISITOR);

  /** One differentiated method with its reverse pass. */
  public record Method(ForwardModel model, ReversePass pass) {}

  /**
   * The file for {@code owner}; {@code layer} is null for a class of static functions, and
   * {@code config} null for a layer that gets no configuration methods.
   */
  public JavaFile write(TypeElement owner, LayerInfo layer, List<Method> methods,
      ConfigPlan config) {
    ClassName self = ClassName.get(owner);
    ClassName adjoint = Names.adjointClass(owner);
    TypeSpec.Builder cls = TypeSpec.classBuilder(adjoint)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(Names.generated("backward pass of " + owner.getQualifiedName()))
        .addOriginatingElement(owner)
        .addJavadoc("Generated from {@link $T}: forward and backward of its {@code @Forward}"
            + " methods" + (layer != null ? ", and its parameter registry" : "") + ".\n", self);
    for (Method m : methods) {
      writeMethod(cls, owner, self, m);
    }
    if (layer != null) {
      writeBinding(cls, self, layer, methods, config);
    } else {
      cls.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    }
    return JavaFile.builder(adjoint.packageName(), cls.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private void writeMethod(TypeSpec.Builder cls, TypeElement owner, ClassName self, Method m) {
    ForwardModel model = m.model();
    ReversePass pass = m.pass();
    String name = model.method().getSimpleName().toString();
    ClassName saved = Names.savedClass(owner, name);
    boolean isStatic = model.isStatic();

    // The Saved class.
    TypeSpec.Builder savedType = TypeSpec.classBuilder(saved)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .superclass(SAVED_VALUES)
        .addJavadoc("What {@code $L}'s backward needs, and nothing more.\n", name);
    for (ForwardModel.Param p : model.tensorParams()) {
      // Public: a parent layer's generated code in another package sets it.
      savedType.addField(FieldSpec.builder(TypeName.BOOLEAN, ReversePass.needFlag(p.name()),
              Modifier.PUBLIC)
          .initializer("true")
          .addJavadoc("Whether the caller wants the gradient of {@code $L}.\n", p.name())
          .build());
    }
    for (Slot slot : pass.fields()) {
      savedType.addField(FieldSpec.builder(Names.typeOf(slot.type()), slot.name()).build());
    }
    savedType.addMethod(MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("An empty record of one call.\n")
        .addStatement("super($S, $S)", owner.getSimpleName() + "." + name, sourceFile(owner))
        .build());
    if (!model.tensorParams().isEmpty()) {
      MethodSpec.Builder needInputs = MethodSpec.methodBuilder("needInputs")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .addParameter(boolean[].class, "needs");
      for (int i = 0; i < model.tensorParams().size(); i++) {
        needInputs.addStatement("$L = needs[$L]",
            ReversePass.needFlag(model.tensorParams().get(i).name()), i);
      }
      savedType.addMethod(needInputs.build());
    }
    cls.addType(savedType.build());

    // nameSaving(self, params..., saved)
    MethodSpec.Builder fwd = MethodSpec.methodBuilder(Names.saving(name))
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(Names.TENSOR)
        .addJavadoc("The forward of {@code $L}, keeping in {@code saved} what the backward"
            + " needs. Runs without recording a graph.\n", name);
    if (!isStatic) {
      fwd.addParameter(self, JavaCode.SELF);
    }
    for (ForwardModel.Param p : model.params()) {
      fwd.addParameter(TypeName.get(p.type()), p.name());
    }
    fwd.addParameter(saved, "saved");
    // An input that no gradient reaches (the gradient-free output of the layer before) needs
    // none, whatever the caller asked; the output needs one if an input or a parameter does.
    List<CodeBlock> needs = new ArrayList<>();
    if (!pass.needFlaggedParams().isEmpty()) {
      fwd.addComment("An input that no gradient reaches (the layer before gave it) needs none.");
    }
    for (String p : pass.needFlaggedParams()) {
      fwd.beginControlFlow("if (saved.$L && $T.holds($L))", ReversePass.needFlag(p),
          Names.GRAD_FREE, p);
      fwd.addStatement("saved.$L = false", ReversePass.needFlag(p));
      fwd.endControlFlow();
      needs.add(CodeBlock.of("saved.$L", ReversePass.needFlag(p)));
    }
    if (!isStatic) {
      needs.add(CodeBlock.of("$L.recordsGradients()", JavaCode.SELF));
    }
    boolean everyInputFlagged = pass.needFlaggedParams().size() == model.tensorParams().size();
    CodeBlock outputNeeds = everyInputFlagged && !needs.isEmpty()
        ? CodeBlock.join(needs, " || ") : null;
    fwd.addCode(withSourceLines(ForwardWriter.write(model.body(), pass, outputNeeds), owner,
        name, false));
    cls.addMethod(fwd.build());

    // nameBackward(self, saved, d_out)
    List<ForwardModel.Param> tensorParams = model.tensorParams();
    TypeName gradType = tensorParams.size() == 1 ? Names.TENSOR : ArrayTypeName.of(Names.TENSOR);
    MethodSpec.Builder bwd = MethodSpec.methodBuilder(Names.backward(name))
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(gradType)
        .addJavadoc("The backward of {@code $L}: accumulates parameter gradients and returns the"
            + " gradient of $L (null where none flows).\n", name,
            tensorParams.size() == 1 ? "its tensor input" : "each tensor input, in order");
    if (!isStatic) {
      bwd.addParameter(self, JavaCode.SELF);
    }
    bwd.addParameter(saved, "saved").addParameter(Names.TENSOR, pass.gradOutputName());
    // Refuses to run when a kept tensor was written in place since the forward.
    bwd.addStatement("saved.checkVersions()");
    bwd.addCode(withSourceLines(BackwardWriter.write(pass.backwardBody()), owner, name, true));
    cls.addMethod(bwd.build());

    // The tracked entry: TrackedCall runs the forward and records the node.
    MethodSpec.Builder entry = MethodSpec.methodBuilder(Names.tracked(name))
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(Names.TENSOR)
        .addJavadoc("Runs {@link #$L} and, when gradients are wanted, records one graph node whose"
            + " backward is {@link #$L}.\n", Names.saving(name), Names.backward(name));
    if (!isStatic) {
      entry.addParameter(self, JavaCode.SELF);
    }
    List<String> args = new ArrayList<>();
    for (ForwardModel.Param p : model.params()) {
      entry.addParameter(TypeName.get(p.type()), p.name());
      args.add(p.name());
    }
    String prefix = isStatic ? "" : JavaCode.SELF + ", ";
    String call = prefix + String.join(", ", args) + (args.isEmpty() ? "saved" : ", saved");
    // The gradient's name in the backward, which no name in the user's method takes.
    String g = pass.gradOutputName();
    String backwardCall = Names.backward(name) + "(" + prefix + "saved, " + g + ")";
    String inputs = tensorParams.stream().map(p -> ", " + p.name()).reduce("", String::concat);
    entry.addStatement("$T saved = new $T()", saved, saved);
    CodeBlock backward = tensorParams.size() == 1
        ? CodeBlock.of("$L -> new $T[] {$L}", g, Names.TENSOR, backwardCall)
        : CodeBlock.of("$L -> $L", g, backwardCall);
    if (isStatic) {
      entry.addStatement("return $T.function(saved, () -> $L($L),$W$L$L)", Names.TRACKED_CALL,
          Names.saving(name), call, backward, inputs);
    } else {
      entry.addStatement("return $T.layer(saved, self::recordsGradients, () -> $L($L),$W$L$L)",
          Names.TRACKED_CALL, Names.saving(name), call, backward, inputs);
    }
    cls.addMethod(entry.build());
  }

  /** The source file of {@code owner}: that of its top-level class. */
  private static String sourceFile(TypeElement owner) {
    for (javax.lang.model.element.Element e = owner; e != null; e = e.getEnclosingElement()) {
      if (e.getEnclosingElement() != null
          && e.getEnclosingElement().getKind() == javax.lang.model.element.ElementKind.PACKAGE) {
        return e.getSimpleName() + ".java";
      }
    }
    return owner.getSimpleName() + ".java";
  }

  /**
   * Wraps a body so that an exception's stack trace names the user's line being run: each source
   * block sets {@code sourceLine}, and the catch inserts that line as a frame.
   */
  private static CodeBlock withSourceLines(CodeBlock body, TypeElement owner, String method,
      boolean backward) {
    String file = sourceFile(owner);
    return CodeBlock.builder()
        .addStatement("int sourceLine = 0")
        .beginControlFlow("try")
        .add(body)
        .nextControlFlow("catch ($T failure)", RuntimeException.class)
        .addStatement("throw $T.at(failure, $T.class, $S, $S, $S, sourceLine)",
            ClassName.bestGuess(KnownTypes.SOURCE_LINES),
            Names.adjointClass(owner), ClassName.get(owner).reflectionName(),
            backward ? method + " (backward)" : method, file)
        .endControlFlow()
        .build();
  }

  /**
   * {@code callEager}: the user's own method run as written, so each op on a tracked tensor
   * records its own graph node (the debugging switch {@code ForwardMode.setEager}).
   */
  private static MethodSpec callEager(ClassName self, Method target) {
    MethodSpec.Builder eager = delegate("callEager", Names.TENSOR, self)
        .addParameter(ArrayTypeName.of(Names.TENSOR), "args")
        .varargs(true);
    if (target == null) {
      return eager.addStatement("throw new $T($S)", IllegalArgumentException.class,
          self.simpleName() + " has no @Forward method taking only tensors").build();
    }
    int n = target.model().params().size();
    String name = target.model().method().getSimpleName().toString();
    checkArity(eager, self, name, n);
    return eager.addStatement("return layer.$L($L)", name, String.join(", ", spread(n))).build();
  }

  /** Refuses a number of tensors other than the {@code n} that {@code method} takes. */
  private static void checkArity(MethodSpec.Builder b, ClassName self, String method, int n) {
    b.beginControlFlow("if (args.length != $L)", n)
        .addStatement("throw new $T($S + args.length)", IllegalArgumentException.class,
            self.simpleName() + "." + method + " takes " + n + " tensor" + (n == 1 ? "" : "s")
                + ", got ")
        .endControlFlow();
  }

  /** {@code args[0]}, {@code args[1]}, ...: the {@code n} tensors a binding method was given. */
  private static List<String> spread(int n) {
    List<String> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      args.add("args[" + i + "]");
    }
    return args;
  }

  /**
   * A {@code @Layer} without {@code @Forward} methods of its own runs its base's: the entry points
   * delegate to the base's binding, whose generated code takes the base type.
   */
  private static void writeInheritedForward(TypeSpec.Builder cls, ClassName self,
      TypeElement superLayer) {
    ClassName base = Names.adjointClass(superLayer);
    cls.addField(FieldSpec.builder(base, "BASE", Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL)
        .initializer("new $T()", base)
        .addJavadoc("The binding of $L, whose {@code @Forward} method this layer inherits.\n",
            superLayer.getSimpleName())
        .build());
    TypeName tensors = ArrayTypeName.of(Names.TENSOR);
    cls.addMethod(delegate("call", Names.TENSOR, self).addParameter(tensors, "args").varargs(true)
        .addStatement("return BASE.call(layer, args)").build());
    cls.addMethod(delegate("callEager", Names.TENSOR, self).addParameter(tensors, "args")
        .varargs(true).addStatement("return BASE.callEager(layer, args)").build());
    cls.addMethod(MethodSpec.methodBuilder("newSaved")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(SAVED_VALUES)
        .addStatement("return BASE.newSaved()")
        .build());
    cls.addMethod(delegate("callSaving", Names.TENSOR, self).addParameter(tensors, "args")
        .addParameter(SAVED_VALUES, "saved")
        .addStatement("return BASE.callSaving(layer, args, saved)").build());
    cls.addMethod(delegate("backward", tensors, self).addParameter(SAVED_VALUES, "saved")
        .addParameter(Names.TENSOR, "g")
        .addStatement("return BASE.backward(layer, saved, g)").build());
  }

  /** A binding method {@code name} that overrides LayerBinding's, on {@code layer}. */
  private static MethodSpec.Builder delegate(String name, TypeName returns, ClassName self) {
    return MethodSpec.methodBuilder(name)
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(returns)
        .addParameter(self, "layer");
  }

  private void writeBinding(TypeSpec.Builder cls, ClassName self, LayerInfo layer,
      List<Method> methods, ConfigPlan config) {
    cls.addSuperinterface(ParameterizedTypeName.get(LAYER_BINDING, self));
    cls.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("For {@link java.util.ServiceLoader}.\n").build());
    cls.addMethod(MethodSpec.methodBuilder("layerType")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(ClassName.get(Class.class), self))
        .addStatement("return $T.class", self)
        .build());
    MethodSpec.Builder visit = MethodSpec.methodBuilder("visit")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(self, "layer")
        .addParameter(VISITOR, "visitor");
    if (layer.superLayer() != null) {
      visit.addComment("Inherited from $L, first, as PyTorch registers them.",
          layer.superLayer().getSimpleName());
      visit.addStatement("new $T().visit(layer, visitor)",
          Names.adjointClass(layer.superLayer()));
    }
    for (LayerInfo.Field f : layer.fields()) {
      String n = f.name();
      switch (f.kind()) {
        case PARAM -> visit.addStatement("visitor.parameter($S, layer.$L, value -> layer.$L ="
            + " value)", n, n, n);
        case BUFFER, BUFFER_TRANSIENT -> visit.addStatement("visitor.buffer($S, layer.$L, $L,"
            + " value -> layer.$L = value)", n, n, f.kind() == LayerInfo.Kind.BUFFER, n);
        case CHILD -> visit.beginControlFlow("if (layer.$L != null)", n)
            .addStatement("visitor.child($S, layer.$L)", n, n)
            .endControlFlow();
        case CHILD_LIST -> visit.beginControlFlow("if (layer.$L != null)", n)
            .beginControlFlow("for (int i = 0; i < layer.$L.size(); i++)", n)
            .addStatement("visitor.child($S + i, layer.$L.get(i))", n + ".", n)
            .endControlFlow()
            .endControlFlow();
      }
    }
    cls.addMethod(visit.build());
    ConfigWriter.write(cls, self, config);
    if (methods.isEmpty() && layer.superLayer() != null) {
      writeInheritedForward(cls, self, layer.superLayer());
      return;
    }
    MethodSpec.Builder call = delegate("call", Names.TENSOR, self)
        .addParameter(ArrayTypeName.of(Names.TENSOR), "args")
        .varargs(true);
    Method target = null;
    for (Method m : methods) {
      if (!m.model().isStatic() && m.model().params().stream()
          .allMatch(ForwardModel.Param::tensor)) {
        if (target == null || m.model().method().getSimpleName().contentEquals("forward")) {
          target = m;
        }
      }
    }
    if (target == null) {
      call.addStatement("throw new $T($S)", IllegalArgumentException.class,
          self.simpleName() + " has no @Forward method taking only tensors; call its generated"
              + " entry point in " + self.simpleName() + "_Adjoint instead");
    } else {
      int n = target.model().params().size();
      String name = target.model().method().getSimpleName().toString();
      checkArity(call, self, name, n);
      List<String> args = spread(n);
      call.addStatement("return $L(layer$L)", Names.tracked(name),
          args.isEmpty() ? "" : ", " + String.join(", ", args));
    }
    cls.addMethod(call.build());
    cls.addMethod(callEager(self, target));

    ClassName savedValues = SAVED_VALUES;
    MethodSpec.Builder newSaved = MethodSpec.methodBuilder("newSaved")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(savedValues);
    MethodSpec.Builder dynForward = delegate("callSaving", Names.TENSOR, self)
        .addParameter(ArrayTypeName.of(Names.TENSOR), "args")
        .addParameter(savedValues, "saved");
    MethodSpec.Builder dynBackward = delegate("backward", ArrayTypeName.of(Names.TENSOR), self)
        .addParameter(savedValues, "saved")
        .addParameter(Names.TENSOR, "g");
    if (target == null) {
      String msg = self.simpleName() + " has no @Forward method taking only tensors";
      newSaved.addStatement("throw new $T($S)", IllegalStateException.class, msg);
      dynForward.addStatement("throw new $T($S)", IllegalStateException.class, msg);
      dynBackward.addStatement("throw new $T($S)", IllegalStateException.class, msg);
    } else {
      String name = target.model().method().getSimpleName().toString();
      ClassName savedType = Names.savedClass(layer.type(), name);
      int n = target.model().params().size();
      List<String> args = spread(n);
      newSaved.addStatement("return new $T()", savedType);
      checkArity(dynForward, self, name, n);
      dynForward.addStatement("return $L(layer, $L($T) saved)", Names.saving(name),
              args.isEmpty() ? "" : String.join(", ", args) + ", ", savedType);
      if (n == 1) {
        dynBackward.addStatement("return new $T[] {$L(layer, ($T) saved, g)}",
            Names.TENSOR, Names.backward(name), savedType);
      } else {
        dynBackward.addStatement("return $L(layer, ($T) saved, g)", Names.backward(name),
            savedType);
      }
    }
    cls.addMethod(newSaved.build()).addMethod(dynForward.build()).addMethod(dynBackward.build());
  }
}
