package dev.adjoint.tensor;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;
import static dev.adjoint.tensor.OpSupport.keepWhere;
import static dev.adjoint.tensor.OpSupport.untracked;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.UnaryOp;
import java.util.Objects;

/**
 * Unary ops ({@link UnaryOp}: {@code exp}, {@code tanh}, {@code clamp}, ...), {@code where} and
 * {@code maskedFill}, with their in-place forms and fills. Each op's forward, its kernel entry and
 * its adjoints sit together. The public methods are the rule table's adjoints, which generated
 * backward code calls; the forwards are package-private behind {@link Tensor}.
 */
public final class Elementwise {
  private Elementwise() {}

  // ---------------------------------------------------------------- maskedFill

  static Tensor maskedFill(Tensor self, Tensor mask, double value) {
    Objects.requireNonNull(mask, "maskedFill: mask");

    if (mask.dtype != DType.BOOL) {
      throw new IllegalArgumentException("maskedFill: mask must be torch.bool, got "
          + mask.dtype);
    }
    Tensor.broadcast("maskedFill", self.shape, mask.shape);
    Tensor fill = Arithmetic.scalarLike(self, value, self.dtype);
    Tensor out = untracked(() -> where(mask, fill, self));
    return TensorTape.maskedFill(out, self, mask, value);
  }

  @Adjoint(of = "maskedFill", wrt = "self")
  public static Tensor maskedFillSelf(Tensor g, Tensor mask, int[] selfShape) {
    return unbroadcast(keepWhere(mask.logicalNot(), g), selfShape);
  }

  // ---------------------------------------------------------------- where

  static Tensor where(Tensor condition, Tensor x, Tensor y) {
    Objects.requireNonNull(condition, "where: condition");
    Objects.requireNonNull(x, "where: x");
    Objects.requireNonNull(y, "where: y");

    if (condition.dtype != DType.BOOL) {
      throw new IllegalArgumentException("where: condition must be torch.bool, got "
          + condition.dtype);
    }
    OpSupport.checkSameDevice(condition, "where", x);
    OpSupport.checkSameDevice(condition, "where", y);
    int[] s = Tensor.broadcast("where", Tensor.broadcast("where", condition.shape, x.shape),
        y.shape);
    DType dt = Arithmetic.resultType(x, y);
    Tensor out = Tensor.uninitialized(dt, x.device(), s);
    Tensor c = condition.expand(s);
    Tensor a = x.to(dt).expand(s);
    Tensor b = y.to(dt).expand(s);
    out.backend().where(c.storage, c.layout, a.storage, a.layout, b.storage, b.layout,
        out.storage, out.layout);
    return TensorTape.where(out, condition, x, y);
  }

  @Adjoint(of = "where", wrt = "x")
  public static Tensor whereX(Tensor g, Tensor condition, int[] xShape) {
    return unbroadcast(keepWhere(condition, g), xShape);
  }

  @Adjoint(of = "where", wrt = "y")
  public static Tensor whereY(Tensor g, Tensor condition, int[] yShape) {
    return unbroadcast(keepWhere(condition.logicalNot(), g), yShape);
  }

  // ---------------------------------------------------------------- exp

  static Tensor exp(Tensor self) {
    return TensorTape.exp(unary(self, UnaryOp.EXP, 0, 0, false), self);
  }

  @Adjoint(of = "exp", wrt = "self")
  public static Tensor expSelf(Tensor g, Tensor out) {
    return g.mul(out);
  }

  static Tensor exp_(Tensor self) {
    return unary(self, UnaryOp.EXP, 0, 0, true);
  }

  // ---------------------------------------------------------------- log

  static Tensor log(Tensor self) {
    return TensorTape.log(unary(self, UnaryOp.LOG, 0, 0, false), self);
  }

  @Adjoint(of = "log", wrt = "self")
  public static Tensor logSelf(Tensor g, Tensor self) {
    return g.div(self);
  }

  static Tensor log_(Tensor self) {
    return unary(self, UnaryOp.LOG, 0, 0, true);
  }

  // ---------------------------------------------------------------- sqrt

  static Tensor sqrt(Tensor self) {
    return TensorTape.sqrt(unary(self, UnaryOp.SQRT, 0, 0, false), self);
  }

  // d/dx sqrt(x) = 1 / (2 sqrt(x))
  @Adjoint(of = "sqrt", wrt = "self")
  public static Tensor sqrtSelf(Tensor g, Tensor out) {
    return g.div(out.mul(2.0));
  }

  static Tensor sqrt_(Tensor self) {
    return unary(self, UnaryOp.SQRT, 0, 0, true);
  }

  // ---------------------------------------------------------------- abs

  static Tensor abs(Tensor self) {
    return TensorTape.abs(unary(self, UnaryOp.ABS, 0, 0, false), self);
  }

  @Adjoint(of = "abs", wrt = "self")
  public static Tensor absSelf(Tensor g, Tensor self) {
    return g.mul(self.sign());
  }

  static Tensor abs_(Tensor self) {
    return unary(self, UnaryOp.ABS, 0, 0, true);
  }

  // ---------------------------------------------------------------- sign

  static Tensor sign(Tensor self) {
    return TensorTape.sign(unary(self, UnaryOp.SIGN, 0, 0, false), self);
  }

  @Adjoint(of = "sign", wrt = "self")
  public static Tensor signSelf(Tensor g) {
    return g.zerosLike();
  }

  static Tensor sign_(Tensor self) {
    return unary(self, UnaryOp.SIGN, 0, 0, true);
  }

  // ---------------------------------------------------------------- tanh

  static Tensor tanh(Tensor self) {
    return TensorTape.tanh(unary(self, UnaryOp.TANH, 0, 0, false), self);
  }

  // d/dx tanh(x) = 1 - tanh(x)^2
  @Adjoint(of = "tanh", wrt = "self")
  public static Tensor tanhSelf(Tensor g, Tensor out) {
    Tensor fused = OpSupport.fused(TANH_BACKWARD, g, out);
    return fused != null ? fused : g.mul(out.mul(out).neg().add(1.0));
  }

  static Tensor tanh_(Tensor self) {
    return unary(self, UnaryOp.TANH, 0, 0, true);
  }

  // ---------------------------------------------------------------- sigmoid

  static Tensor sigmoid(Tensor self) {
    return TensorTape.sigmoid(unary(self, UnaryOp.SIGMOID, 0, 0, false), self);
  }


  // d/dx s(x) = s(x) (1 - s(x))
  @Adjoint(of = "sigmoid", wrt = "self")
  public static Tensor sigmoidSelf(Tensor g, Tensor out) {
    Tensor fused = OpSupport.fused(SIGMOID_BACKWARD, g, out);
    return fused != null ? fused : g.mul(out.mul(out.neg().add(1.0)));
  }

  static Tensor sigmoid_(Tensor self) {
    return unary(self, UnaryOp.SIGMOID, 0, 0, true);
  }

  // ---------------------------------------------------------------- relu

  static Tensor relu(Tensor self) {
    return TensorTape.relu(unary(self, UnaryOp.RELU, 0, 0, false), self);
  }

  @Adjoint(of = "relu", wrt = "self")
  public static Tensor reluSelf(Tensor g, Tensor out) {
    // Not fused: a select on the data is a branch per element in the fused loops (the JIT does
    // not vectorize it), which measured slower than the comparison and where kernels.
    return keepWhere(out.gt(0.0), g);
  }

  static Tensor relu_(Tensor self) {
    return unary(self, UnaryOp.RELU, 0, 0, true);
  }

  // ---------------------------------------------------------------- clamp

  static Tensor clamp(Tensor self, double min, double max) {
    return TensorTape.clamp(clampTo(self, min, max, false), self, min, max);
  }

  @Adjoint(of = "clamp", wrt = "self")
  public static Tensor clampSelf(Tensor g, Tensor self, double min, double max) {
    return keepWhere(self.ge(min).logicalAnd(self.le(max)), g);
  }

  static Tensor clamp_(Tensor self, double min, double max) {
    return clampTo(self, min, max, true);
  }

  // ---------------------------------------------------------------- clampMin

  static Tensor clampMin(Tensor self, double min) {
    return TensorTape.clampMin(clampTo(self, min, Double.POSITIVE_INFINITY, false), self, min);
  }

  @Adjoint(of = "clampMin", wrt = "self")
  public static Tensor clampMinSelf(Tensor g, Tensor self, double min) {
    return keepWhere(self.ge(min), g);
  }

  // ---------------------------------------------------------------- clampMax

  static Tensor clampMax(Tensor self, double max) {
    return TensorTape.clampMax(clampTo(self, Double.NEGATIVE_INFINITY, max, false), self, max);
  }

  @Adjoint(of = "clampMax", wrt = "self")
  public static Tensor clampMaxSelf(Tensor g, Tensor self, double max) {
    return keepWhere(self.le(max), g);
  }

  private static Tensor clampTo(Tensor self, double min, double max, boolean inPlace) {
    if (Double.isNaN(min) || Double.isNaN(max)) {
      throw new IllegalArgumentException("clamp: bounds must not be NaN, got min=" + min
          + ", max=" + max);
    }
    boolean integral = (Double.isInfinite(min) || min == Math.rint(min))
        && (Double.isInfinite(max) || max == Math.rint(max));
    if (inPlace && self.dtype == DType.INT64 && !integral) {
      throw new IllegalArgumentException("clamp_: result type " + DType.FLOAT32
          + " can't be cast to the desired output type " + self.dtype + " (bounds " + min + ", "
          + max + ")");
    }
    if (!inPlace && self.dtype == DType.INT64 && !integral) {
      return clampTo(self.toFloat(), min, max, false);
    }
    return unary(self, UnaryOp.CLAMP, min, max, inPlace);
  }

  // ---------------------------------------------------------------- fill

  static Tensor fill_(Tensor self, double value) {
    self.checkInPlace("fill_");
    self.backend().fill(self.storage, self.layout, value);
    return self;
  }

  // ---------------------------------------------------------------- zero

  static Tensor zero_(Tensor self) {
    return self.fill_(0);
  }

  // ---------------------------------------------------------------- unary kernel call

  /**
   * {@code op} applied to every element (into {@code self} when {@code inPlace}), with PyTorch's
   * dtype rules: the ops that keep integers refuse bool, the others compute bool and int64 in
   * float32. {@code p1} and {@code p2} are the op's parameters (clamp's bounds).
   */
  static Tensor unary(Tensor self, UnaryOp op, double p1, double p2, boolean inPlace) {
    String name = op.opName() + (inPlace ? "_" : "");
    DType compute = self.dtype;
    if (self.dtype == DType.BOOL || (self.dtype == DType.INT64 && !op.keepsIntegers())) {
      if (op.keepsIntegers()) {
        throw new IllegalArgumentException(name + ": not supported for torch.bool tensors");
      }
      compute = DType.FLOAT32;
    }
    if (inPlace) {
      self.checkInPlace(name);
      if (compute != self.dtype) {
        throw new IllegalArgumentException(name + ": result type " + compute
            + " can't be cast to the desired output type " + self.dtype);
      }
      self.backend().unary(op, self.storage, self.layout, self.storage, self.layout, p1, p2);
      return self;
    }
    Tensor src = self.to(compute);
    Tensor out = Tensor.uninitialized(compute, self.device(), self.shape);
    self.backend().unary(op, src.storage, src.layout, out.storage, out.layout, p1, p2);
    return out;
  }

  // ---------------------------------------------------------------- rule helpers

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
}
