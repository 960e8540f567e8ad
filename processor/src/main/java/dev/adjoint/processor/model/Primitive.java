package dev.adjoint.processor.model;

import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @Primitive} method and its rules.
 *
 * @param method the primitive
 * @param rules the class holding its adjoints
 * @param inputs receiver (as "self") and parameters, in order
 * @param nondifferentiable inputs declared to get no gradient
 * @param differentiable false when the result never carries a gradient
 * @param adjoints one rule per differentiated input
 * @param output for a result that is not a Tensor (max along a dim), the accessor returning its
 *     differentiable tensor ({@code "values"}); null when the result is the tensor
 */
public record Primitive(ExecutableElement method, TypeElement rules, List<Input> inputs,
    Set<String> nondifferentiable, boolean differentiable, List<Rule> adjoints, String output) {

  /** The rule for input {@code name}, or null. */
  public Rule rule(String name) {
    for (Rule r : adjoints) {
      if (r.wrt().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /** Whether the primitive is an instance method (its receiver is input "self"). */
  public boolean isInstance() {
    return !method.getModifiers().contains(Modifier.STATIC);
  }

  /** {@code Tensor.add(Tensor)} for messages. */
  public String describe() {
    StringBuilder sb = new StringBuilder(method.getEnclosingElement().getSimpleName())
        .append('.').append(method.getSimpleName()).append('(');
    for (int i = 0; i < method.getParameters().size(); i++) {
      String t = method.getParameters().get(i).asType().toString();
      sb.append(i > 0 ? ", " : "").append(t.substring(t.lastIndexOf('.') + 1));
    }
    return sb.append(')').toString();
  }
}
