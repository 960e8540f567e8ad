package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import com.sun.source.util.Trees;
import dev.adjoint.processor.emit.TapeWriter;
import dev.adjoint.processor.model.KnownTypes;
import dev.adjoint.processor.model.Primitive;
import dev.adjoint.processor.model.RuleTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The Adjoint annotation processor. Per round it runs two steps, each of which validates,
 * reports every problem it finds and emits only for classes without errors:
 *
 * <ol>
 *   <li>the rule table: for classes declaring {@code @Primitive} ops, a {@code <Class>Tape} of
 *       graph nodes built from their {@code @Adjoint} rules;
 *   <li>layers and {@code @Forward} functions: validate the bodies, build their A-normal-form IR,
 *       differentiate it and write {@code <Class>_Adjoint} with forward, backward and the
 *       parameter registry.
 * </ol>
 *
 * <p>No exception ever reaches javac: an internal failure becomes one error on the element.
 */
@AutoService(Processor.class)
public final class AdjointProcessor extends AbstractProcessor {
  private Reporter reporter;
  private RuleTable rules;
  private Trees trees;
  private ForwardStep forwardStep;
  private boolean environmentReported;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    // Every annotation of dev.adjoint.annotations, @Param and @Buffer included (they are read
    // through their layer), and the @Generated that the generated files carry: claiming them
    // (process returns true) keeps users' -Xlint:all builds free of -Xlint:processing's "No
    // processor claimed any of these annotations" warning. @Generated is a marker for tools
    // that read sources, not for processors, so claiming it takes nothing from another one.
    Set<String> claimed = new LinkedHashSet<>(KnownTypes.ANNOTATIONS);
    claimed.add(KnownTypes.LAYER_CONSTRUCTOR);
    claimed.add(KnownTypes.GENERATED);
    return claimed;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  /** Whether the steps can run: false (once reported) when javac's trees are out of reach. */
  private boolean init(RoundEnvironment round) {
    if (reporter == null) {
      Optional<Trees> found = JavacEnvironment.trees(processingEnv);
      if (found.isEmpty()) {
        reportWrappedEnvironment(round);
        return false;
      }
      trees = found.get();
      reporter = new Reporter(processingEnv.getMessager(), trees);
      rules = new RuleTable(processingEnv.getTypeUtils(), reporter);
      forwardStep = new ForwardStep(processingEnv, trees, rules, reporter);
    }
    return true;
  }

  /**
   * One error, on the first element of this round that carries one of our annotations (a round
   * without any has nothing to process, so nothing fails).
   */
  private void reportWrappedEnvironment(RoundEnvironment round) {
    if (environmentReported) {
      return;
    }
    for (String name : KnownTypes.ANNOTATIONS) {
      TypeElement annotation = processingEnv.getElementUtils().getTypeElement(name);
      if (annotation == null) {
        continue;
      }
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
            Message.WRAPPED_ENVIRONMENT.format(processingEnv.getClass().getName()), e);
        environmentReported = true;
        return;
      }
    }
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      if (!init(round)) {
        return true;
      }
      writeTapes(round);
      forwardStep.process(round);
    } catch (RuntimeException | Error e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.INTERNAL.format("this round", Reporter.trace(e)));
    }
    // Claimed: see getSupportedAnnotationTypes.
    return true;
  }

  private void writeTapes(RoundEnvironment round) {
    TypeElement primitive = processingEnv.getElementUtils()
        .getTypeElement(KnownTypes.PRIMITIVE);
    if (primitive == null) {
      return;
    }
    Set<TypeElement> owners = new LinkedHashSet<>();
    for (Element e : round.getElementsAnnotatedWith(primitive)) {
      owners.add((TypeElement) e.getEnclosingElement());
    }
    Set<Element> used = new java.util.HashSet<>();
    Set<TypeElement> ruleClasses = new LinkedHashSet<>();
    for (TypeElement owner : owners) {
      try {
        int before = reporter.errorCount();
        List<Primitive> prims = new ArrayList<>();
        for (ExecutableElement m : RuleTable.primitivesIn(owner)) {
          Primitive p = rules.primitive(m).orElseThrow();
          rules.checkComplete(p, m);
          prims.add(p);
          ruleClasses.add(p.rules());
          p.adjoints().forEach(r -> used.add(r.method()));
        }
        if (reporter.errorCount() == before) {
          new TapeWriter().write(owner, prims).writeTo(processingEnv.getFiler());
        }
      } catch (IOException | RuntimeException e) {
        reporter.internal(owner, owner.getQualifiedName(), e);
      }
    }
    reportOrphans(round, used, ruleClasses);
  }

  /** An {@code @Adjoint} in a rules class of this round that no primitive uses is a mistake. */
  private void reportOrphans(RoundEnvironment round, Set<Element> used,
      Set<TypeElement> ruleClasses) {
    TypeElement adjoint = processingEnv.getElementUtils()
        .getTypeElement(KnownTypes.ADJOINT);
    if (adjoint == null) {
      return;
    }
    for (Element e : round.getElementsAnnotatedWith(adjoint)) {
      if (!used.contains(e) && !rules.reported().contains(e)
          && ruleClasses.contains((TypeElement) e.getEnclosingElement())) {
        String of = "";
        String wrt = "";
        for (var m : e.getAnnotationMirrors()) {
          if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
              .contentEquals(KnownTypes.ADJOINT)) {
            for (var v : m.getElementValues().entrySet()) {
              if (v.getKey().getSimpleName().contentEquals("of")) {
                of = (String) v.getValue().getValue();
              } else if (v.getKey().getSimpleName().contentEquals("wrt")) {
                wrt = (String) v.getValue().getValue();
              }
            }
          }
        }
        reporter.error(e, Message.ORPHAN_RULE, of, wrt,
            e.getEnclosingElement().getSimpleName());
      }
    }
  }
}
