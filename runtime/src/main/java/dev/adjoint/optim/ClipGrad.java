package dev.adjoint.optim;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Gradient clipping, the counterpart of {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}. Call between {@code backward()} and {@code optimizer.step()}:
 *
 * <pre>{@code
 * loss.backward();
 * Tensor norm = ClipGrad.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * }</pre>
 *
 * <p>Parameters whose gradient is null are ignored; gradients are changed in place.
 */
public final class ClipGrad {
  private ClipGrad() {}

  /** {@link #clipGradNorm(Iterable, double, double, boolean)} with the 2-norm. */
  public static Tensor clipGradNorm(Iterable<Tensor> params, double maxNorm) {
    return clipGradNorm(params, maxNorm, 2.0, false);
  }

  /** {@link #clipGradNorm(Iterable, double, double, boolean)} without the finiteness check. */
  public static Tensor clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType) {
    return clipGradNorm(params, maxNorm, normType, false);
  }

  /**
   * Scales the gradients of {@code params} so that their norm, taken over all of them as if
   * they were one vector, is at most {@code maxNorm}, and returns that total norm as it was
   * before scaling (a 0-d tensor of the gradients' dtype; 0 when no parameter has a gradient).
   * As in PyTorch every gradient is multiplied by {@code min(1, maxNorm / (total + 1e-6))}, so a
   * norm just above {@code maxNorm} ends slightly below it.
   *
   * @param normType p of the p-norm ({@code 2} Euclidean, {@code 1}, ...), or
   *     {@code Double.POSITIVE_INFINITY} for the largest absolute value
   * @param errorIfNonfinite throw, before changing anything, when the total norm is NaN or
   *     infinite (otherwise the gradients become NaN, as in PyTorch)
   * @throws IllegalArgumentException when {@code maxNorm} is negative or NaN, or
   *     {@code normType} is not positive
   * @throws ArithmeticException for a non-finite total norm when {@code errorIfNonfinite}
   */
  public static Tensor clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType,
      boolean errorIfNonfinite) {
    Objects.requireNonNull(params, "clipGradNorm: params");
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
    }
    if (!(normType > 0)) {
      throw new IllegalArgumentException("clipGradNorm: normType must be positive or"
          + " Double.POSITIVE_INFINITY, got " + normType);
    }
    List<Tensor> grads = grads("clipGradNorm", params);
    if (grads.isEmpty()) {
      return Tensor.scalar(0.0);
    }
    boolean inf = Double.isInfinite(normType);
    double acc = 0;
    for (Tensor g : grads) {
      for (double v : g.toDoubleArray()) {
        double a = Math.abs(v);
        if (inf) {
          acc = Math.max(acc, a); // NaN wins, as in torch.max
        } else {
          acc += normType == 2 ? a * a : normType == 1 ? a : Math.pow(a, normType);
        }
      }
    }
    double total = inf ? acc : normType == 1 ? acc
        : normType == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / normType);
    DType dtype = grads.get(0).dtype();
    if (dtype == DType.FLOAT32) {
      total = (float) total;
    }
    if (errorIfNonfinite && !Double.isFinite(total)) {
      throw new ArithmeticException("clipGradNorm: the total norm of order " + normType
          + " of the gradients is " + total + ", so it cannot be clipped; to scale the"
          + " gradients by it anyway, pass errorIfNonfinite = false");
    }
    double coef = maxNorm / (total + 1e-6);
    if (dtype == DType.FLOAT32) {
      // PyTorch computes the coefficient on the float32 norm tensor.
      coef = (float) (maxNorm / (float) (total + 1e-6));
    }
    // min(NaN, 1) is NaN, like torch.clamp: a NaN norm spreads to the gradients.
    coef = Math.min(coef, 1.0);
    if (coef != 1.0) {
      double scale = coef;
      GradMode.noGrad(() -> {
        for (Tensor g : grads) {
          g.mul_(scale);
        }
      });
    }
    return Tensor.scalar(total, dtype);
  }

  /**
   * Clamps every gradient of {@code params} into {@code [-clipValue, clipValue]} in place
   * ({@code clip_grad_value_}).
   *
   * @throws IllegalArgumentException when {@code clipValue} is negative or NaN
   */
  public static void clipGradValue(Iterable<Tensor> params, double clipValue) {
    Objects.requireNonNull(params, "clipGradValue: params");
    if (!(clipValue >= 0)) {
      throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got "
          + clipValue);
    }
    GradMode.noGrad(() -> {
      for (Tensor g : grads("clipGradValue", params)) {
        g.clamp_(-clipValue, clipValue);
      }
    });
  }

  private static List<Tensor> grads(String op, Iterable<Tensor> params) {
    List<Tensor> grads = new ArrayList<>();
    for (Tensor p : params) {
      Objects.requireNonNull(p, op + ": a parameter is null");
      if (p.grad() != null) {
        grads.add(p.grad());
      }
    }
    return grads;
  }
}
