package dev.adjoint.tensor;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;
import static dev.adjoint.tensor.OpSupport.keepWhere;
import static dev.adjoint.tensor.OpSupport.untracked;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.UnaryOp;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Binary ops ({@link BinaryOp}): arithmetic with broadcasting and PyTorch's type promotion,
 * comparisons and logical ops, their in-place forms, and negation. Each op's forward, its kernel
 * entry and its adjoints sit together. The public methods are the rule table's adjoints, which
 * generated backward code calls; the forwards are package-private behind {@link Tensor}.
 */
public final class Arithmetic {
  private Arithmetic() {}

  // ---------------------------------------------------------------- add

  static Tensor add(Tensor self, Tensor other) {
    return TensorTape.add(binary(self, BinaryOp.ADD, "add", other, null), self, other);
  }

  @Adjoint(of = "add", wrt = "self", signature = {"Tensor"})
  public static Tensor addSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  @Adjoint(of = "add", wrt = "other", signature = {"Tensor"})
  public static Tensor addOther(Tensor g, int[] otherShape) {
    return unbroadcast(g, otherShape);
  }

  static Tensor add(Tensor self, Tensor other, double alpha) {
    Objects.requireNonNull(other, "add: other");

    return TensorTape.add(untracked(() -> self.add(other.mul(alpha))), self, other, alpha);
  }

  @Adjoint(of = "add", wrt = "self", signature = {"Tensor", "double"})
  public static Tensor addAlphaSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  @Adjoint(of = "add", wrt = "other", signature = {"Tensor", "double"})
  public static Tensor addAlphaOther(Tensor g, double alpha, int[] otherShape) {
    return unbroadcast(g.mul(alpha), otherShape);
  }

  static Tensor add(Tensor self, double value) {
    Tensor out = binary(self, BinaryOp.ADD, "add", floatScalar(self, value), null);
    return TensorTape.add(out, self, value);
  }

  @Adjoint(of = "add", wrt = "self", signature = {"double"})
  public static Tensor addDoubleSelf(Tensor g) {
    return g;
  }

  static Tensor add(Tensor self, long value) {
    return TensorTape.add(binaryInt(self, BinaryOp.ADD, "add", value, null), self, value);
  }

  @Adjoint(of = "add", wrt = "self", signature = {"long"})
  public static Tensor addLongSelf(Tensor g) {
    return g;
  }

  static Tensor add_(Tensor self, Tensor other) {
    return binary(self, BinaryOp.ADD, "add_", other, self);
  }

  static Tensor add_(Tensor self, double value) {
    return binary(self, BinaryOp.ADD, "add_", floatScalar(self, value), self);
  }

  static Tensor add_(Tensor self, long value) {
    return binaryInt(self, BinaryOp.ADD, "add_", value, self);
  }

  static Tensor add_(Tensor self, Tensor other, double alpha) {
    Objects.requireNonNull(other, "add_: other");

    return self.add_(other.mul(alpha));
  }

  // ---------------------------------------------------------------- sub

  static Tensor sub(Tensor self, Tensor other) {
    return TensorTape.sub(binary(self, BinaryOp.SUB, "sub", other, null), self, other);
  }

  @Adjoint(of = "sub", wrt = "self", signature = {"Tensor"})
  public static Tensor subSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  @Adjoint(of = "sub", wrt = "other", signature = {"Tensor"})
  public static Tensor subOther(Tensor g, int[] otherShape) {
    return unbroadcast(g.neg(), otherShape);
  }

  static Tensor sub(Tensor self, double value) {
    Tensor out = binary(self, BinaryOp.SUB, "sub", floatScalar(self, value), null);
    return TensorTape.sub(out, self, value);
  }

  @Adjoint(of = "sub", wrt = "self", signature = {"double"})
  public static Tensor subDoubleSelf(Tensor g) {
    return g;
  }

  static Tensor sub(Tensor self, long value) {
    return TensorTape.sub(binaryInt(self, BinaryOp.SUB, "sub", value, null), self, value);
  }

  @Adjoint(of = "sub", wrt = "self", signature = {"long"})
  public static Tensor subLongSelf(Tensor g) {
    return g;
  }

  static Tensor sub_(Tensor self, Tensor other) {
    return binary(self, BinaryOp.SUB, "sub_", other, self);
  }

  static Tensor sub_(Tensor self, double value) {
    return binary(self, BinaryOp.SUB, "sub_", floatScalar(self, value), self);
  }

  static Tensor sub_(Tensor self, long value) {
    return binaryInt(self, BinaryOp.SUB, "sub_", value, self);
  }

  // ---------------------------------------------------------------- mul

  static Tensor mul(Tensor self, Tensor other) {
    return TensorTape.mul(binary(self, BinaryOp.MUL, "mul", other, null), self, other);
  }

  @Adjoint(of = "mul", wrt = "self", signature = {"Tensor"})
  public static Tensor mulSelf(Tensor g, Tensor other, int[] selfShape) {
    return unbroadcast(g.mul(other), selfShape);
  }

  @Adjoint(of = "mul", wrt = "other", signature = {"Tensor"})
  public static Tensor mulOther(Tensor g, Tensor self, int[] otherShape) {
    return unbroadcast(g.mul(self), otherShape);
  }

  static Tensor mul(Tensor self, double value) {
    Tensor out = binary(self, BinaryOp.MUL, "mul", floatScalar(self, value), null);
    return TensorTape.mul(out, self, value);
  }

  @Adjoint(of = "mul", wrt = "self", signature = {"double"})
  public static Tensor mulDoubleSelf(Tensor g, double value) {
    return g.mul(value);
  }

  static Tensor mul(Tensor self, long value) {
    return TensorTape.mul(binaryInt(self, BinaryOp.MUL, "mul", value, null), self, value);
  }

  @Adjoint(of = "mul", wrt = "self", signature = {"long"})
  public static Tensor mulLongSelf(Tensor g, long value) {
    return g.mul(value);
  }

  static Tensor mul_(Tensor self, Tensor other) {
    return binary(self, BinaryOp.MUL, "mul_", other, self);
  }

  static Tensor mul_(Tensor self, double value) {
    return binary(self, BinaryOp.MUL, "mul_", floatScalar(self, value), self);
  }

  static Tensor mul_(Tensor self, long value) {
    return binaryInt(self, BinaryOp.MUL, "mul_", value, self);
  }

  // ---------------------------------------------------------------- div

  static Tensor div(Tensor self, Tensor other) {
    return TensorTape.div(binary(self, BinaryOp.DIV, "div", other, null), self, other);
  }

  @Adjoint(of = "div", wrt = "self", signature = {"Tensor"})
  public static Tensor divSelf(Tensor g, Tensor other, int[] selfShape) {
    return unbroadcast(g.div(other), selfShape);
  }

  // d/dy x/y = -x/y^2
  @Adjoint(of = "div", wrt = "other", signature = {"Tensor"})
  public static Tensor divOther(Tensor g, Tensor self, Tensor other) {
    // -g x / y^2, divided twice rather than by y*y, which underflows to 0 in float32 sooner.
    return unbroadcast(g.mul(self.div(other)).div(other).neg(), other.shape());
  }

  static Tensor div(Tensor self, double value) {
    Tensor out = binary(self, BinaryOp.DIV, "div", floatScalar(self, value), null);
    return TensorTape.div(out, self, value);
  }

  @Adjoint(of = "div", wrt = "self", signature = {"double"})
  public static Tensor divDoubleSelf(Tensor g, double value) {
    return g.div(value);
  }

  static Tensor div_(Tensor self, Tensor other) {
    return binary(self, BinaryOp.DIV, "div_", other, self);
  }

  static Tensor div_(Tensor self, double value) {
    return binary(self, BinaryOp.DIV, "div_", floatScalar(self, value), self);
  }

  // ---------------------------------------------------------------- pow

  static Tensor pow(Tensor self, Tensor exponent) {
    return TensorTape.pow(binary(self, BinaryOp.POW, "pow", exponent, null), self, exponent);
  }

  // d/dx x^p = p x^(p-1); 0 where p == 0, so that 0^0 = 1 has gradient 0 rather than 0 * inf
  @Adjoint(of = "pow", wrt = "self", signature = {"Tensor"})
  public static Tensor powSelf(Tensor g, Tensor self, Tensor exponent) {
    Tensor d = g.mul(exponent.mul(self.pow(exponent.sub(1L))));
    return unbroadcast(keepWhere(exponent.ne(0.0), d), self.shape());
  }

  // d/dp x^p = x^p log x; 0 where x == 0 (the limit from above for p > 0)
  @Adjoint(of = "pow", wrt = "exponent", signature = {"Tensor"})
  public static Tensor powExponent(Tensor g, Tensor self, Tensor out, int[] exponentShape) {
    Tensor d = g.mul(out.mul(self.log()));
    return unbroadcast(keepWhere(self.ne(0.0), d), exponentShape);
  }

  static Tensor pow(Tensor self, double exponent) {
    Tensor out = binary(self, BinaryOp.POW, "pow", floatScalar(self, exponent), null);
    return TensorTape.pow(out, self, exponent);
  }

  @Adjoint(of = "pow", wrt = "self", signature = {"double"})
  public static Tensor powDoubleSelf(Tensor g, Tensor self, double exponent) {
    if (exponent == 0) {
      return g.zerosLike();
    }
    return g.mul(self.pow(exponent - 1).mul(exponent));
  }

  static Tensor pow(Tensor self, long exponent) {
    if (exponent < 0 && !self.dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("pow: integers to negative integer powers are not"
          + " allowed (" + self.dtype + " tensor ** " + exponent + "); use pow(" + exponent
              + ".0)");
    }
    return TensorTape.pow(binaryInt(self, BinaryOp.POW, "pow", exponent, null), self, exponent);
  }

  @Adjoint(of = "pow", wrt = "self", signature = {"long"})
  public static Tensor powLongSelf(Tensor g, Tensor self, long exponent) {
    if (exponent == 0) {
      return g.zerosLike();
    }
    return g.mul(self.pow(exponent - 1).mul(exponent));
  }

  static Tensor pow_(Tensor self, double exponent) {
    return binary(self, BinaryOp.POW, "pow_", floatScalar(self, exponent), self);
  }

  // ---------------------------------------------------------------- maximum

  static Tensor maximum(Tensor self, Tensor other) {
    return TensorTape.maximum(binary(self, BinaryOp.MAXIMUM, "maximum", other, null), self, other);
  }

  // The larger operand takes the gradient; on a tie each takes half (PyTorch's convention).
  @Adjoint(of = "maximum", wrt = "self")
  public static Tensor maximumSelf(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, self.gt(other), self.eq(other)), self.shape());
  }

  @Adjoint(of = "maximum", wrt = "other")
  public static Tensor maximumOther(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, other.gt(self), self.eq(other)), other.shape());
  }

  // ---------------------------------------------------------------- minimum

  static Tensor minimum(Tensor self, Tensor other) {
    return TensorTape.minimum(binary(self, BinaryOp.MINIMUM, "minimum", other, null), self, other);
  }

  @Adjoint(of = "minimum", wrt = "self")
  public static Tensor minimumSelf(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, self.lt(other), self.eq(other)), self.shape());
  }

  @Adjoint(of = "minimum", wrt = "other")
  public static Tensor minimumOther(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, other.lt(self), self.eq(other)), other.shape());
  }

  // ---------------------------------------------------------------- eq

  static Tensor eq(Tensor self, Tensor other) {
    return binary(self, BinaryOp.EQ, "eq", other, null);
  }

  static Tensor eq(Tensor self, double value) {
    return binary(self, BinaryOp.EQ, "eq", floatScalar(self, value), null);
  }

  // ---------------------------------------------------------------- ne

  static Tensor ne(Tensor self, Tensor other) {
    return binary(self, BinaryOp.NE, "ne", other, null);
  }

  static Tensor ne(Tensor self, double value) {
    return binary(self, BinaryOp.NE, "ne", floatScalar(self, value), null);
  }

  // ---------------------------------------------------------------- lt

  static Tensor lt(Tensor self, Tensor other) {
    return binary(self, BinaryOp.LT, "lt", other, null);
  }

  static Tensor lt(Tensor self, double value) {
    return binary(self, BinaryOp.LT, "lt", floatScalar(self, value), null);
  }

  // ---------------------------------------------------------------- le

  static Tensor le(Tensor self, Tensor other) {
    return binary(self, BinaryOp.LE, "le", other, null);
  }

  static Tensor le(Tensor self, double value) {
    return binary(self, BinaryOp.LE, "le", floatScalar(self, value), null);
  }

  // ---------------------------------------------------------------- gt

  static Tensor gt(Tensor self, Tensor other) {
    return binary(self, BinaryOp.GT, "gt", other, null);
  }

  static Tensor gt(Tensor self, double value) {
    return binary(self, BinaryOp.GT, "gt", floatScalar(self, value), null);
  }

  // ---------------------------------------------------------------- ge

  static Tensor ge(Tensor self, Tensor other) {
    return binary(self, BinaryOp.GE, "ge", other, null);
  }

  static Tensor ge(Tensor self, double value) {
    return binary(self, BinaryOp.GE, "ge", floatScalar(self, value), null);
  }

  // ---------------------------------------------------------------- logicalAnd

  static Tensor logicalAnd(Tensor self, Tensor other) {
    Objects.requireNonNull(other, "logicalAnd: other");

    return binary(self.toBool(), BinaryOp.LOGICAL_AND, "logicalAnd", other.toBool(), null);
  }

  // ---------------------------------------------------------------- logicalOr

  static Tensor logicalOr(Tensor self, Tensor other) {
    Objects.requireNonNull(other, "logicalOr: other");

    return binary(self.toBool(), BinaryOp.LOGICAL_OR, "logicalOr", other.toBool(), null);
  }

  // ---------------------------------------------------------------- logicalNot

  static Tensor logicalNot(Tensor self) {
    return self.eq(scalarLike(self, 0, self.dtype));
  }

  // ---------------------------------------------------------------- neg

  static Tensor neg(Tensor self) {
    return TensorTape.neg(Elementwise.unary(self, UnaryOp.NEG, 0, 0, false), self);
  }

  @Adjoint(of = "neg", wrt = "self")
  public static Tensor negSelf(Tensor g) {
    return g.neg();
  }

  static Tensor neg_(Tensor self) {
    return Elementwise.unary(self, UnaryOp.NEG, 0, 0, true);
  }

  // ------------------------------------------------------------ operands, promotion, kernel call

  /** A Python float operand: a 0-d tensor of this dtype when floating, else float32. */
  private static Scalar floatScalar(Tensor self, double value) {
    DType dt = self.dtype.isFloatingPoint() ? self.dtype : DType.FLOAT32;
    return new Scalar(dt == DType.FLOAT32 ? (float) value : value, dt);
  }

  /**
   * A scalar operand: what a 0-d tensor of {@code dtype} holding {@code value} would be, passed to
   * the backend as a kernel argument instead ({@link Backend#binaryScalar}), so no tensor is
   * allocated or filled. {@code value} is already rounded to {@code dtype}.
   */
  private record Scalar(double value, DType dtype) {}

  /**
   * {@link #binary} with a Python int operand, which does not widen a floating tensor. Integers
   * beyond 2^53 (not exact in a double) go through a 0-d int64 tensor, exactly.
   */
  private static Tensor binaryInt(Tensor self, BinaryOp op, String name, long value, Tensor out) {
    if (Math.abs(value) <= 1L << 53) {
      return binary(self, op, name, new Scalar(value, DType.INT64), out);
    }
    return binary(self, op, name, Tensor.fromArray(new long[] {value}).to(self.device()), out);
  }

  static Tensor scalarLike(Tensor self, double value, DType dt) {
    return Tensor.zeroed(dt, self.device(), new int[0]).fill_(value);
  }

  /**
   * PyTorch's result type for two operands: the larger category wins, but a 0-d operand does not
   * widen a dimensioned one of the same category ({@code float32 tensor + float64 0-d} stays
   * float32).
   */
  static DType resultType(Tensor a, Tensor b) {
    return resultType(a.dtype, a.dim() == 0, b.dtype, b.dim() == 0);
  }

  static DType resultType(DType a, boolean aScalar, DType b, boolean bScalar) {
    if (aScalar == bScalar) {
      return DType.promote(a, b);
    }
    DType dimmed = aScalar ? b : a;
    DType zero = aScalar ? a : b;
    if (category(zero) > category(dimmed)) {
      return zero.isFloatingPoint() && !dimmed.isFloatingPoint()
          ? zero
          : DType.promote(zero, dimmed);
    }
    return dimmed;
  }

  private static int category(DType d) {
    return switch (d) {
      case BOOL -> 0;
      case INT64 -> 1;
      case FLOAT32, FLOAT64 -> 2;
    };
  }

  /** The dtype {@code op} computes in for operands whose result type is {@code common}. */
  private static DType computeType(BinaryOp op, String name, DType common) {
    if (op == BinaryOp.DIV && !common.isFloatingPoint()) {
      return DType.FLOAT32;
    } else if (op == BinaryOp.POW && common == DType.BOOL) {
      return DType.INT64;
    } else if (common == DType.BOOL && (op == BinaryOp.SUB)) {
      throw new IllegalArgumentException(name + ": subtraction of two bool tensors is not"
          + " supported; use logicalXor or logicalNot instead");
    }
    return common;
  }

  /**
   * {@code this op scalar} (into {@code out} when in place): the result of {@link #binary} with a
   * 0-d tensor of the scalar's dtype, without the tensor.
   */
  private static Tensor binary(Tensor self, BinaryOp op, String name, Scalar other, Tensor out) {
    DType compute = computeType(op, name,
        resultType(self.dtype, self.shape.length == 0, other.dtype, true));
    DType resultDtype = op.isComparison() ? DType.BOOL : compute;
    if (out != null) {
      self.checkInPlace(name);
      if (!DType.canCast(resultDtype, self.dtype)) {
        throw new IllegalArgumentException(name + ": result type " + resultDtype
            + " can't be cast to the desired output type " + self.dtype);
      }
      compute = op.isComparison() ? compute : self.dtype;
    } else {
      out = Tensor.uninitialized(resultDtype, self.device(), self.shape);
    }
    Tensor x = self.to(compute);
    self.backend().binaryScalar(op, x.storage, x.layout, other.value, false, out.storage,
        out.layout);
    return out;
  }

  private static Tensor binary(Tensor self, BinaryOp op, String name, Tensor other, Tensor out) {
    if (other == null) {
      throw new NullPointerException(name + ": other");
    }
    OpSupport.checkSameDevice(self, name, other);
    DType compute = computeType(op, name, resultType(self, other));
    int[] s = Tensor.broadcast(name, self.shape, other.shape);
    DType resultDtype = op.isComparison() ? DType.BOOL : compute;
    Tensor a = self;
    Tensor b = other;
    if (out != null) {
      self.checkInPlace(name);
      Tensor.checkUntrackedOperand(name, other);
      if (!Arrays.equals(s, self.shape)) {
        throw new IllegalArgumentException(name + ": output with shape " + Layout.str(self.shape)
            + " doesn't match the broadcast shape " + Layout.str(s));
      }
      if (!DType.canCast(resultDtype, self.dtype)) {
        throw new IllegalArgumentException(name + ": result type " + resultDtype
            + " can't be cast to the desired output type " + self.dtype);
      }
      // In place, compute in the destination's own type; copy an operand that aliases it.
      compute = op.isComparison() ? compute : self.dtype;
      if (b.storage == self.storage) {
        b = b.clone();
      }
    } else {
      out = Tensor.uninitialized(resultDtype, self.device(), s);
    }
    Tensor x = a.to(compute).expand(s);
    Tensor y = b.to(compute).expand(s);
    self.backend().binary(op, x.storage, x.layout, y.storage, y.layout, out.storage, out.layout);
    return out;
  }

  // ---------------------------------------------------------------- equal

  static boolean equal(Tensor self, Tensor other) {
    Objects.requireNonNull(other, "equal: other");
    return Arrays.equals(self.shape, other.shape) && self.dtype == other.dtype
        && inBlocks(self, other, (a, b) -> a.eq(b).logicalNot().sum().itemLong() == 0);
  }

  // ---------------------------------------------------------------- allClose

  static boolean allClose(Tensor self, Tensor other, double rtol, double atol) {
    Objects.requireNonNull(other, "allClose: other");
    int[] common = Tensor.broadcast("allClose", self.shape, other.shape);
    return inBlocks(expandTo(self, common), expandTo(other, common), (x, y) -> {
      Tensor a = x.toDouble();
      Tensor b = y.toDouble();
      Tensor diff = a.sub(b).abs();
      // Equal infinities are close; otherwise an infinite difference never is (torch.isclose).
      Tensor ok = a.eq(b).logicalOr(diff.le(b.abs().mul(rtol).add(atol))
          .logicalAnd(diff.lt(Double.POSITIVE_INFINITY)));
      return ok.logicalNot().sum().itemLong() == 0;
    });
  }

  private static Tensor expandTo(Tensor self, int[] common) {
    return Arrays.equals(self.shape, common) ? self : self.expand(common);
  }

  /** Elements compared per call of {@link #inBlocks}: temporaries stay a few MiB. */
  private static final long COMPARE_BLOCK = 1 << 18;

  /**
   * Whether {@code test} holds for every pair of matching blocks of {@code a} and {@code b}
   * (same shape), stopping at the first that fails. The temporaries a comparison makes are
   * sized by the block, not by the tensors, so comparing a huge broadcast view allocates little.
   */
  private static boolean inBlocks(Tensor a, Tensor b, BiPredicate<Tensor, Tensor> test) {
    return GradMode.noGrad(() -> {
      return inBlocksNoGrad(a, b, test);
    });
  }

  private static boolean inBlocksNoGrad(Tensor a, Tensor b, BiPredicate<Tensor, Tensor> test) {
    long n = a.numel;
    int d = 0;
    while (d < a.shape.length && a.shape[d] == 1) {
      d++;
    }
    if (n <= COMPARE_BLOCK || d == a.shape.length) {
      return test.test(a, b);
    }
    int size = a.shape[d];
    long per = n / size;
    int step = (int) Math.max(1, COMPARE_BLOCK / per);
    for (int i = 0; i < size; i += step) {
      int len = Math.min(step, size - i);
      if (!inBlocksNoGrad(a.narrow(d, i, len), b.narrow(d, i, len), test)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- rule helpers

  private static Tensor winnerShare(Tensor g, Tensor wins, Tensor ties) {
    return keepWhere(wins, g).add(keepWhere(ties, g.mul(0.5)));
  }
}
