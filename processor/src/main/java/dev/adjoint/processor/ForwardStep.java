package dev.adjoint.processor;

import com.sun.source.util.Trees;
import dev.adjoint.processor.model.RuleTable;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;

/** The step for {@code @Layer} classes and {@code @Forward} methods. */
final class ForwardStep {
  private ForwardStep() {}

  static void run(ProcessingEnvironment env, RoundEnvironment round, Trees trees,
      RuleTable rules, Reporter reporter) {
    // Filled in by the differentiation stages.
  }
}
