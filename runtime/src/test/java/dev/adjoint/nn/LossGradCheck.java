package dev.adjoint.nn;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Central finite differences in float64 against the gradients that {@code loss.call(input,
 * target).backward()} leaves in {@code grad()}, for the input and, when it requires grad, the
 * target. A loss with reduction {@code none} is checked through {@code sum(out * r)} with fixed
 * random {@code r}, so every output element's gradient is exercised with a different weight.
 *
 * <p>Step and tolerance: with h = 1e-6 the truncation error of a central difference is
 * O(h^2 f''') ~ 1e-12 and the rounding error ~ eps |f| / h ~ 1e-10 for |f| ~ 1, so agreement to
 * 1e-6 (relative to max(1, |gradient|)) leaves four orders of magnitude for these smooth losses,
 * while a wrong gradient (errors of order 1/N or more) fails. Callers keep every point at least
 * 1e-3 away from a kink (|x - y| = 0 or beta) and from probabilities 0 and 1.
 */
final class LossGradCheck {
  private LossGradCheck() {}

  /** Float64 normal values. */
  static Tensor randn(Generator gen, int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64);
  }

  /** Checks d loss / d input (and d loss / d target when it requires grad). */
  static void check(Module loss, Tensor input, Tensor target) {
    input.requiresGrad_(true);
    Tensor weights;
    try (GradMode.Scope off = GradMode.noGrad()) {
      Tensor out = loss.call(input, target);
      weights = out.dim() == 0 ? null : randn(new Generator(7), out.shape());
    }
    Supplier<Tensor> objective = () -> {
      Tensor out = loss.call(input, target);
      return weights == null ? out : out.mul(weights).sum();
    };
    input.setGrad(null);
    target.setGrad(null);
    objective.get().backward();
    List<Tensor> wrt = new ArrayList<>(List.of(input));
    if (target.requiresGrad()) {
      wrt.add(target);
    }
    GradCheck.check(objective, wrt);
  }
}
