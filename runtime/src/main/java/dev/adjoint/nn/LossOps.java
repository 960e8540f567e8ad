package dev.adjoint.nn;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.annotations.Primitive;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.Tensor;

/**
 * Loss primitives whose PyTorch gradient is not the derivative of their forward formula, so they
 * cannot be composed from other ops: each is a {@code @Primitive} with its {@code @Adjoint}s next
 * to it, used by the loss layers and callable directly.
 */
public final class LossOps {
  /**
   * PyTorch's floor on {@code x (1 - x)} in the gradient of binary cross entropy: the float
   * constant {@code 1e-12f} (9.99999996e-13), also for float64, so gradients at 0 and 1 agree
   * with PyTorch's to the last digit.
   */
  static final double EPSILON = 1e-12f;

  private LossOps() {}

  /**
   * Elementwise binary cross entropy of probabilities {@code input} against {@code target}:
   * {@code -(y max(log x, -100) + (1 - y) max(log(1 - x), -100))}, unreduced, as
   * {@code F.binary_cross_entropy(input, target, reduction='none')}. The logarithms are clamped
   * at -100 as in PyTorch, so {@code x = 0} or {@code 1} gives a finite loss. The target is
   * converted to the input's dtype.
   *
   * <p>The gradient with respect to {@code input} is PyTorch's {@code (x - y) / max(x (1 - x),
   * 1e-12)}: finite at 0 and 1, where the derivative of the clamped formula would be 0 or NaN.
   *
   * @throws IllegalArgumentException when the shapes differ, a tensor is not floating point, or
   *     an input element lies outside {@code [0, 1]}
   */
  @Primitive
  public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
    LossChecks.sameShapeFloatingTarget("binaryCrossEntropy", input, target);
    LossChecks.probabilities("binaryCrossEntropy", input);
    Tensor out = GradMode.noGrad(() -> {
      Tensor y = target.to(input.dtype());
      Tensor logX = input.log().clampMin(-100.0);
      Tensor logOneMinusX = input.neg().add(1.0).log().clampMin(-100.0);
      // (y - 1) log(1 - x) - y log(x), in PyTorch's order so that signed zeros agree.
      return y.sub(1.0).mul(logOneMinusX).sub(y.mul(logX));
    });
    return LossOpsTape.binaryCrossEntropy(out, input, target);
  }

  /**
   * The gradient with respect to {@code input}: d/dx -(y log x + (1 - y) log(1 - x)) = (x - y) /
   * (x (1 - x)), the denominator floored at 1e-12f as PyTorch does.
   */
  @Adjoint(of = "binaryCrossEntropy", wrt = "input")
  public static Tensor binaryCrossEntropyInput(Tensor g, Tensor input, Tensor target) {
    Tensor y = target.to(input.dtype());
    Tensor slope = input.sub(y).div(input.mul(input.neg().add(1.0)).clampMin(EPSILON));
    return g.mul(slope);
  }

  /**
   * The gradient with respect to {@code target}: d/dy -(y log x + (1 - y) log(1 - x)) =
   * log(1 - x) - log(x) = -logit(x), unclamped as in PyTorch (+inf at x = 0, -inf at x = 1).
   */
  @Adjoint(of = "binaryCrossEntropy", wrt = "target")
  public static Tensor binaryCrossEntropyTarget(Tensor g, Tensor input, Tensor target) {
    Tensor negLogit = input.div(input.neg().add(1.0)).log().neg();
    return g.mul(negLogit).to(target.dtype());
  }
}
