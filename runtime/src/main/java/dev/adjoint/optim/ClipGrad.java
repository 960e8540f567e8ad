package dev.adjoint.optim;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.autograd.Temporaries;
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
    DType dtype = grads.get(0).dtype();
    // All on the gradients' device, as PyTorch computes it: each gradient's norm, the norm of
    // those, and the coefficient min(maxNorm / (total + 1e-6), 1) as a 0-d tensor that every
    // gradient is multiplied by. Nothing is read on the host (unless errorIfNonfinite asks).
    // Its temporaries (the norms, the coefficient) are released when it returns.
    return Temporaries.releasing(() -> GradMode.noGrad(() -> {
      List<Tensor> norms = new ArrayList<>();
      for (Tensor g : grads) {
        norms.add(vectorNorm(g, normType).to(dtype));
      }
      Tensor total = vectorNorm(Tensor.stack(norms), normType);
      if (errorIfNonfinite) {
        requireFinite(total, normType);
      }
      // clamp keeps a NaN, like torch.clamp: a NaN norm spreads to the gradients.
      Tensor coef = total.zerosLike().add(maxNorm).div(total.add(1e-6))
          .clamp(Double.NEGATIVE_INFINITY, 1.0);
      for (Tensor g : grads) {
        g.mul_(coef);
      }
      return total;
    }));
  }

  /** The p-norm of all of {@code x}'s elements as a 0-d tensor ({@code vector_norm}). */
  private static Tensor vectorNorm(Tensor x, double p) {
    if (x.numel() == 0) {
      return Tensor.scalar(0.0, x.dtype()).to(x.device());
    }
    Tensor a = x.abs();
    if (Double.isInfinite(p)) {
      return a.max(); // NaN wins, as in torch.max
    } else if (p == 1) {
      return a.sum();
    } else if (p == 2) {
      return a.mul(a).sum().sqrt();
    }
    return a.pow(p).sum().pow(1 / p);
  }

  /**
   * The one host read of clipping, made only when the caller asked for errorIfNonfinite (PyTorch
   * synchronizes there too).
   */
  private static void requireFinite(Tensor total, double normType) {
    double t = total.item();
    if (!Double.isFinite(t)) {
      throw new ArithmeticException("clipGradNorm: the total norm of order " + normType
          + " of the gradients is " + t + ", so it cannot be clipped; to scale the"
          + " gradients by it anyway, pass errorIfNonfinite = false");
    }
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
      if (p == null) {
        throw new NullPointerException(op + ": a parameter is null");
      }
      if (p.grad() != null) {
        grads.add(p.grad());
      }
    }
    return grads;
  }
}
