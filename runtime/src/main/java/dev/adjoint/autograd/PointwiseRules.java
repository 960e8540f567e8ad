package dev.adjoint.autograd;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;
import static dev.adjoint.autograd.RuleSupport.keepWhere;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.backend.Pointwise;
import dev.adjoint.tensor.Tensor;

/**
 * Adjoints of the elementwise functions of {@link Tensor} and of {@code where} and
 * {@code maskedFill}. At kinks they follow PyTorch: {@code abs} and {@code relu} have gradient 0
 * at 0, {@code clamp} passes the gradient where {@code min <= x <= max}.
 *
 * <p>No gradient: {@code condition} of {@code where} and {@code mask} of {@code maskedFill}
 * (bool), and the Java scalars {@code min}, {@code max}, {@code value}. {@code sign} is
 * differentiable with gradient 0 everywhere, as in PyTorch.
 */
public final class PointwiseRules {
  private PointwiseRules() {}

  /** {@code g * (-(out * out) + 1)}: the composite's steps, fused. */
  private static final Pointwise TANH_BACKWARD;
  /** {@code g * (out * (-out + 1))}. */
  private static final Pointwise SIGMOID_BACKWARD;

  static {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value g = b.input();
    Pointwise.Value out = b.input();
    TANH_BACKWARD = b.output(b.mul(g, b.add(b.neg(b.mul(out, out)), b.constant(1)))).build();
    b = Pointwise.builder();
    g = b.input();
    out = b.input();
    SIGMOID_BACKWARD = b.output(b.mul(g, b.mul(out, b.add(b.neg(out), b.constant(1))))).build();
  }

  @Adjoint(of = "exp", wrt = "self")
  public static Tensor expSelf(Tensor g, Tensor out) {
    return g.mul(out);
  }

  @Adjoint(of = "log", wrt = "self")
  public static Tensor logSelf(Tensor g, Tensor self) {
    return g.div(self);
  }

  // d/dx sqrt(x) = 1 / (2 sqrt(x))
  @Adjoint(of = "sqrt", wrt = "self")
  public static Tensor sqrtSelf(Tensor g, Tensor out) {
    return g.div(out.mul(2.0));
  }

  @Adjoint(of = "abs", wrt = "self")
  public static Tensor absSelf(Tensor g, Tensor self) {
    return g.mul(self.sign());
  }

  @Adjoint(of = "sign", wrt = "self")
  public static Tensor signSelf(Tensor g) {
    return g.zerosLike();
  }

  // d/dx tanh(x) = 1 - tanh(x)^2
  @Adjoint(of = "tanh", wrt = "self")
  public static Tensor tanhSelf(Tensor g, Tensor out) {
    Tensor fused = RuleSupport.fused(TANH_BACKWARD, g, out);
    return fused != null ? fused : g.mul(out.mul(out).neg().add(1.0));
  }


  // d/dx s(x) = s(x) (1 - s(x))
  @Adjoint(of = "sigmoid", wrt = "self")
  public static Tensor sigmoidSelf(Tensor g, Tensor out) {
    Tensor fused = RuleSupport.fused(SIGMOID_BACKWARD, g, out);
    return fused != null ? fused : g.mul(out.mul(out.neg().add(1.0)));
  }

  @Adjoint(of = "relu", wrt = "self")
  public static Tensor reluSelf(Tensor g, Tensor out) {
    // Not fused: a select on the data is a branch per element in the fused loops (the JIT does
    // not vectorize it), which measured slower than the comparison and where kernels.
    return keepWhere(out.gt(0.0), g);
  }

  @Adjoint(of = "clamp", wrt = "self")
  public static Tensor clampSelf(Tensor g, Tensor self, double min, double max) {
    return keepWhere(self.ge(min).logicalAnd(self.le(max)), g);
  }

  @Adjoint(of = "clampMin", wrt = "self")
  public static Tensor clampMinSelf(Tensor g, Tensor self, double min) {
    return keepWhere(self.ge(min), g);
  }

  @Adjoint(of = "clampMax", wrt = "self")
  public static Tensor clampMaxSelf(Tensor g, Tensor self, double max) {
    return keepWhere(self.le(max), g);
  }

  @Adjoint(of = "where", wrt = "x")
  public static Tensor whereX(Tensor g, Tensor condition, int[] xShape) {
    return unbroadcast(keepWhere(condition, g), xShape);
  }

  @Adjoint(of = "where", wrt = "y")
  public static Tensor whereY(Tensor g, Tensor condition, int[] yShape) {
    return unbroadcast(keepWhere(condition.logicalNot(), g), yShape);
  }

  @Adjoint(of = "maskedFill", wrt = "self")
  public static Tensor maskedFillSelf(Tensor g, Tensor mask, int[] selfShape) {
    return unbroadcast(keepWhere(mask.logicalNot(), g), selfShape);
  }
}
