package dev.adjoint.processor;

import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diff.ReversePass;
import dev.adjoint.processor.emit.AdjointWriter;
import dev.adjoint.processor.emit.Names;
import dev.adjoint.processor.model.ConfigPlan;
import dev.adjoint.processor.model.ForwardModel;
import dev.adjoint.processor.model.IrBuilder;
import dev.adjoint.processor.model.KnownTypes;
import dev.adjoint.processor.model.LayerInfo;
import dev.adjoint.processor.model.RuleTable;
import dev.adjoint.processor.validate.BodyValidator;
import dev.adjoint.processor.validate.ConfigValidator;
import dev.adjoint.processor.validate.LayerValidator;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.StandardLocation;

/**
 * The step for {@code @Layer} classes and {@code @Forward} methods: validate, model, reverse,
 * emit; a class with any error gets no generated code, and every error is reported.
 */
final class ForwardStep {
  private final ProcessingEnvironment env;
  private final Trees trees;
  private final RuleTable rules;
  private final Reporter reporter;
  private final Set<String> bindings = new TreeSet<>();

  ForwardStep(ProcessingEnvironment env, Trees trees, RuleTable rules, Reporter reporter) {
    this.env = env;
    this.trees = trees;
    this.rules = rules;
    this.reporter = reporter;
  }

  void process(RoundEnvironment round) {
    TypeElement layerAnnotation = env.getElementUtils().getTypeElement(KnownTypes.LAYER);
    TypeElement forwardAnnotation = env.getElementUtils().getTypeElement(KnownTypes.FORWARD);
    Set<TypeElement> owners = new LinkedHashSet<>();
    if (layerAnnotation != null) {
      for (Element e : round.getElementsAnnotatedWith(layerAnnotation)) {
        owners.add((TypeElement) e);
      }
    }
    if (forwardAnnotation != null) {
      for (Element e : round.getElementsAnnotatedWith(forwardAnnotation)) {
        owners.add((TypeElement) e.getEnclosingElement());
      }
    }
    for (TypeElement owner : owners) {
      try {
        processOwner(owner);
      } catch (RuntimeException e) {
        reporter.internal(owner, owner.getQualifiedName(), e);
      }
    }
    TypeElement constructorAnnotation =
        env.getElementUtils().getTypeElement(KnownTypes.LAYER_CONSTRUCTOR);
    if (constructorAnnotation != null) {
      for (Element e : round.getElementsAnnotatedWith(constructorAnnotation)) {
        if (!RuleTable.has(e.getEnclosingElement(), KnownTypes.LAYER)) {
          reporter.error(e, Message.CONFIG_CONSTRUCTOR,
              ConfigPlan.signature((ExecutableElement) e), "the class is not a @Layer");
        }
      }
    }
    if (round.processingOver() && !bindings.isEmpty()) {
      writeServiceFile();
    }
  }

  private void processOwner(TypeElement owner) throws RuntimeException {
    int before = reporter.errorCount();
    boolean isLayer = RuleTable.has(owner, KnownTypes.LAYER);
    LayerValidator layerValidator = new LayerValidator(env.getTypeUtils(),
        env.getElementUtils(), reporter);
    LayerInfo layer = isLayer ? layerValidator.read(owner) : null;
    ConfigPlan config = isLayer ? new ConfigValidator(env.getTypeUtils(), env.getElementUtils(),
        reporter).plan(owner) : null;
    BodyValidator bodyValidator = new BodyValidator(trees, reporter);
    IrBuilder builder = new IrBuilder(trees, rules, reporter);
    List<AdjointWriter.Method> methods = new ArrayList<>();
    boolean unresolved = false;
    for (Element e : owner.getEnclosedElements()) {
      if (e.getKind() != ElementKind.METHOD || !RuleTable.has(e, KnownTypes.FORWARD)) {
        continue;
      }
      ExecutableElement m = (ExecutableElement) e;
      if (!layerValidator.checkForward(m)) {
        continue;
      }
      TreePath path = trees.getPath(m);
      if (path == null) {
        continue;
      }
      // Bodies are only parsed during processing: attribute them so the validator sees types.
      builder.attribute(path);
      if (!bodyValidator.check((MethodTree) path.getLeaf(), path.getCompilationUnit())) {
        continue;
      }
      int errors = reporter.errorCount();
      ForwardModel model = builder.build(m, owner, layer);
      if (model != null) {
        methods.add(new AdjointWriter.Method(model, new ReversePass(model)));
      } else if (reporter.errorCount() == errors) {
        unresolved = true; // javac reports the names it could not resolve
      }
    }
    if (reporter.errorCount() != before || unresolved) {
      return;
    }
    try {
      new AdjointWriter().write(owner, layer, methods, config)
          .writeTo(env.getFiler());
    } catch (IOException e) {
      reporter.internal(owner, owner.getQualifiedName(), e);
      return;
    }
    if (isLayer) {
      bindings.add(Names.adjointClass(owner).reflectionName());
    }
  }

  private void writeServiceFile() {
    try (Writer w = env.getFiler()
        .createResource(StandardLocation.CLASS_OUTPUT, "", KnownTypes.BINDING_SERVICE)
        .openWriter()) {
      for (String b : bindings) {
        w.write(b + "\n");
      }
    } catch (IOException e) {
      reporter.note(null, "could not write " + KnownTypes.BINDING_SERVICE + ": " + e);
    }
  }
}
