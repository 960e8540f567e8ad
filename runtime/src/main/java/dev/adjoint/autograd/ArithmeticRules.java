package dev.adjoint.autograd;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;
import static dev.adjoint.autograd.RuleSupport.keepWhere;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.tensor.Tensor;

/**
 * Adjoints of the arithmetic ops of {@link Tensor}: {@code add}, {@code sub}, {@code mul},
 * {@code div}, {@code pow}, {@code maximum}, {@code minimum}, {@code neg}. Tensor operands
 * broadcast, so their gradients go through {@link Broadcasting#unbroadcast}.
 *
 * <p>Java scalar operands ({@code double}, {@code long}, {@code alpha}) are constants and get no
 * gradient.
 */
public final class ArithmeticRules {
  private ArithmeticRules() {}

  // ---------------------------------------------------------------- add

  @Adjoint(of = "add", wrt = "self", signature = {"Tensor"})
  public static Tensor addSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  @Adjoint(of = "add", wrt = "other", signature = {"Tensor"})
  public static Tensor addOther(Tensor g, int[] otherShape) {
    return unbroadcast(g, otherShape);
  }

  @Adjoint(of = "add", wrt = "self", signature = {"Tensor", "double"})
  public static Tensor addAlphaSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  @Adjoint(of = "add", wrt = "other", signature = {"Tensor", "double"})
  public static Tensor addAlphaOther(Tensor g, double alpha, int[] otherShape) {
    return unbroadcast(g.mul(alpha), otherShape);
  }

  @Adjoint(of = "add", wrt = "self", signature = {"double"})
  public static Tensor addDoubleSelf(Tensor g) {
    return g;
  }

  @Adjoint(of = "add", wrt = "self", signature = {"long"})
  public static Tensor addLongSelf(Tensor g) {
    return g;
  }

  // ---------------------------------------------------------------- sub

  @Adjoint(of = "sub", wrt = "self", signature = {"Tensor"})
  public static Tensor subSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  @Adjoint(of = "sub", wrt = "other", signature = {"Tensor"})
  public static Tensor subOther(Tensor g, int[] otherShape) {
    return unbroadcast(g.neg(), otherShape);
  }

  @Adjoint(of = "sub", wrt = "self", signature = {"double"})
  public static Tensor subDoubleSelf(Tensor g) {
    return g;
  }

  @Adjoint(of = "sub", wrt = "self", signature = {"long"})
  public static Tensor subLongSelf(Tensor g) {
    return g;
  }

  // ---------------------------------------------------------------- mul

  @Adjoint(of = "mul", wrt = "self", signature = {"Tensor"})
  public static Tensor mulSelf(Tensor g, Tensor other, int[] selfShape) {
    return unbroadcast(g.mul(other), selfShape);
  }

  @Adjoint(of = "mul", wrt = "other", signature = {"Tensor"})
  public static Tensor mulOther(Tensor g, Tensor self, int[] otherShape) {
    return unbroadcast(g.mul(self), otherShape);
  }

  @Adjoint(of = "mul", wrt = "self", signature = {"double"})
  public static Tensor mulDoubleSelf(Tensor g, double value) {
    return g.mul(value);
  }

  @Adjoint(of = "mul", wrt = "self", signature = {"long"})
  public static Tensor mulLongSelf(Tensor g, long value) {
    return g.mul(value);
  }

  // ---------------------------------------------------------------- div

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

  @Adjoint(of = "div", wrt = "self", signature = {"double"})
  public static Tensor divDoubleSelf(Tensor g, double value) {
    return g.div(value);
  }

  // ---------------------------------------------------------------- pow

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

  @Adjoint(of = "pow", wrt = "self", signature = {"double"})
  public static Tensor powDoubleSelf(Tensor g, Tensor self, double exponent) {
    if (exponent == 0) {
      return g.zerosLike();
    }
    return g.mul(self.pow(exponent - 1).mul(exponent));
  }

  @Adjoint(of = "pow", wrt = "self", signature = {"long"})
  public static Tensor powLongSelf(Tensor g, Tensor self, long exponent) {
    if (exponent == 0) {
      return g.zerosLike();
    }
    return g.mul(self.pow(exponent - 1).mul(exponent));
  }

  // ---------------------------------------------------------------- maximum, minimum

  // The larger operand takes the gradient; on a tie each takes half (PyTorch's convention).
  @Adjoint(of = "maximum", wrt = "self")
  public static Tensor maximumSelf(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, self.gt(other), self.eq(other)), self.shape());
  }

  @Adjoint(of = "maximum", wrt = "other")
  public static Tensor maximumOther(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, other.gt(self), self.eq(other)), other.shape());
  }

  @Adjoint(of = "minimum", wrt = "self")
  public static Tensor minimumSelf(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, self.lt(other), self.eq(other)), self.shape());
  }

  @Adjoint(of = "minimum", wrt = "other")
  public static Tensor minimumOther(Tensor g, Tensor self, Tensor other) {
    return unbroadcast(winnerShare(g, other.lt(self), self.eq(other)), other.shape());
  }

  private static Tensor winnerShare(Tensor g, Tensor wins, Tensor ties) {
    return keepWhere(wins, g).add(keepWhere(ties, g.mul(0.5)));
  }

  // ---------------------------------------------------------------- neg

  @Adjoint(of = "neg", wrt = "self")
  public static Tensor negSelf(Tensor g) {
    return g.neg();
  }
}
