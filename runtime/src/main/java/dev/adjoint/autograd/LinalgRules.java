package dev.adjoint.autograd;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.tensor.Tensor;

/**
 * Adjoints of the matrix ops of {@link Tensor}: {@code matmul} (every form: vector-vector,
 * matrix-vector, vector-matrix, batched with broadcast batch dims), {@code mm}, {@code bmm} and
 * {@code inverse}. For {@code C = A B}: {@code dA = dC B^T} and {@code dB = A^T dC}.
 */
public final class LinalgRules {
  private LinalgRules() {}

  @Adjoint(of = "matmul", wrt = "self")
  public static Tensor matmulSelf(Tensor g, Tensor other, int[] selfShape) {
    boolean selfVector = selfShape.length == 1;
    Tensor b = other.dim() == 1 ? other.unsqueeze(1) : other;
    Tensor da = asMatrices(g, selfVector, other.dim() == 1).matmul(b.transpose(-1, -2));
    int[] aShape = selfVector ? new int[] {1, selfShape[0]} : selfShape;
    return unbroadcast(da, aShape).reshape(selfShape);
  }

  @Adjoint(of = "matmul", wrt = "other")
  public static Tensor matmulOther(Tensor g, Tensor self, int[] otherShape) {
    boolean otherVector = otherShape.length == 1;
    Tensor a = self.dim() == 1 ? self.unsqueeze(0) : self;
    Tensor db = a.transpose(-1, -2).matmul(asMatrices(g, self.dim() == 1, otherVector));
    int[] bShape = otherVector ? new int[] {otherShape[0], 1} : otherShape;
    return unbroadcast(db, bShape).reshape(otherShape);
  }

  /** Puts back the row (left vector) and column (right vector) dims that matmul removed. */
  private static Tensor asMatrices(Tensor g, boolean selfVector, boolean otherVector) {
    Tensor r = otherVector ? g.unsqueeze(-1) : g;
    return selfVector ? r.unsqueeze(-2) : r;
  }

  @Adjoint(of = "mm", wrt = "self")
  public static Tensor mmSelf(Tensor g, Tensor other) {
    return g.mm(other.t());
  }

  @Adjoint(of = "mm", wrt = "other")
  public static Tensor mmOther(Tensor g, Tensor self) {
    return self.t().mm(g);
  }

  @Adjoint(of = "bmm", wrt = "self")
  public static Tensor bmmSelf(Tensor g, Tensor other) {
    return g.bmm(other.transpose(1, 2));
  }

  @Adjoint(of = "bmm", wrt = "other")
  public static Tensor bmmOther(Tensor g, Tensor self) {
    return self.transpose(1, 2).bmm(g);
  }

  // d(A^-1) = -A^-1 dA A^-1, so dA = -A^-T g A^-T
  @Adjoint(of = "inverse", wrt = "self")
  public static Tensor inverseSelf(Tensor g, Tensor out) {
    Tensor outT = out.transpose(-1, -2);
    return outT.matmul(g).matmul(outT).neg();
  }
}
