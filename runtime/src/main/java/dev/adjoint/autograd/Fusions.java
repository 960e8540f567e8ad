package dev.adjoint.autograd;

import dev.adjoint.backend.Pointwise;
import dev.adjoint.tensor.Tensor;

/**
 * Chains of elementwise ops that a generated forward runs as one pass over memory, where the
 * intermediate result has no other use: one allocation and one pass instead of two of each.
 * Each op rounds to the operand's dtype as the chain of tensor ops would, so a fused result is
 * bit for bit the unfused one; inputs the fused program does not take (integer, strided, with a
 * graph to record) run the ops themselves.
 */
public final class Fusions {
  private Fusions() {}

  /** {@code out = x * scale + shift}. */
  private static final Pointwise AFFINE;

  static {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value x = b.input();
    AFFINE = b.output(b.add(b.mul(x, b.scalar()), b.scalar())).build();
  }

  /**
   * {@code x.mul(scale).add(shift)} in one pass ({@code x.mul(scale).sub(c)} is
   * {@code affine(x, scale, -c)}: subtracting rounds as adding the negation does).
   */
  public static Tensor affine(Tensor x, double scale, double shift) {
    if (!x.dtype().isFloatingPoint() || !x.isContiguous()
        || (x.requiresGrad() && GradMode.isEnabled())) {
      return x.mul(scale).add(shift);
    }
    Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
    AFFINE.apply(new double[] {scale, shift}, new Tensor[] {x}, new Tensor[] {out});
    return out;
  }
}
