package dev.adjoint.tensor;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Layout;
import java.util.Arrays;
import java.util.Objects;

/**
 * Matrix products ({@code matmul}, {@code mm}, {@code bmm}, read in place through {@link
 * Backend#gemm}) and {@code inverse}, each forward beside its adjoints. The public methods are the
 * rule table's adjoints, which generated backward code calls; the forwards are package-private
 * behind {@link Tensor}.
 */
public final class LinearAlgebra {
  private LinearAlgebra() {}

  // ---------------------------------------------------------------- matmul

  static Tensor matmul(Tensor self, Tensor other) {
    return TensorTape.matmul(product(self, "matmul", other), self, other);
  }

  @Adjoint(of = "matmul", wrt = "self")
  public static Tensor matmulSelf(Tensor g, Tensor other, int[] selfShape) {
    boolean selfVector = selfShape.length == 1;
    Tensor b = other.dim() == 1 ? other.unsqueeze(1) : other;
    Tensor da = asMatrices(g, selfVector, other.dim() == 1).matmul(b.transpose(-1, -2));
    int[] aShape = selfVector ? new int[] {1, selfShape[0]} : selfShape;
    return unbroadcast(da, aShape).reshape(selfShape);
  }

  /**
   * The gradient of matmul's right operand, {@code self^T g}, laid out as that operand: for a
   * column-major matrix (a transposed view, as {@code weight.t()} in {@code Linear}) it is
   * computed as {@code (g^T self)^T}, the same products summed in the same order (so the same
   * bits), whose transpose back to the parameter is contiguous, with nothing to copy.
   */
  @Adjoint(of = "matmul", wrt = "other")
  public static Tensor matmulOther(Tensor g, Tensor self, Layout otherLayout) {
    int[] otherShape = otherLayout.shape();
    if (otherShape.length == 2 && self.dim() == 2 && g.dim() == 2 && otherShape[0] > 1
        && otherShape[1] > 1 && otherLayout.stride(0) == 1
        && otherLayout.stride(1) >= otherShape[0]) {
      return g.transpose(0, 1).matmul(self).transpose(0, 1);
    }
    boolean otherVector = otherShape.length == 1;
    Tensor a = self.dim() == 1 ? self.unsqueeze(0) : self;
    Tensor db = a.transpose(-1, -2).matmul(asMatrices(g, self.dim() == 1, otherVector));
    int[] bShape = otherVector ? new int[] {otherShape[0], 1} : otherShape;
    return unbroadcast(db, bShape).reshape(otherShape);
  }

  /**
   * How a 2-d tensor lies for {@link Backend#gemm}: {@code {0, ld}} row-major (unit stride along
   * columns), {@code {1, ld}} column-major (a transposed matrix), or null when neither (a stepped
   * or broadcast view, which is copied first). Dimensions of size 1 fit either.
   */
  private static long[] gemmLayout(Tensor self) {
    return gemmLayout(self.shape[0], self.shape[1], self.layout.stride(0), self.layout.stride(1));
  }

  /** {@link #gemmLayout()} of a {@code rows x cols} matrix with these strides. */
  private static long[] gemmLayout(int rows, int cols, long rowStride, long colStride) {
    if (cols == 1 || colStride == 1) {
      long ld = rows == 1 ? Math.max(1, cols) : rowStride;
      if (ld >= Math.max(1, cols)) {
        return new long[] {0, ld};
      }
    }
    if (rows == 1 || rowStride == 1) {
      long ld = cols == 1 ? Math.max(1, rows) : colStride;
      if (ld >= Math.max(1, rows)) {
        return new long[] {1, ld};
      }
    }
    return null;
  }

  /**
   * How {@code t}, broadcast to {@code [batch..., rows, cols]}, lies for a strided batched GEMM
   * read in place: {@code {trans, ld, batchStride}} with its layout seen as {@code [count, rows,
   * cols]} (a broadcast batch has stride 0), or null when the batch dimensions do not merge into
   * one stride or a matrix is neither row- nor column-major (then it is copied).
   */
  private static Layout batchedGemmView(Tensor t, int[] batch, int count, int rows, int cols) {
    Layout l = t.layout.expand(OpSupport.concat(batch, rows, cols)).view(new int[] {count, rows,
        cols});
    return l == null || gemmLayout(rows, cols, l.stride(1), l.stride(2)) == null ? null : l;
  }

  /** {@link #matmul}, its arguments checked as {@code op} (matmul, mm or bmm). */
  private static Tensor product(Tensor self, String op, Tensor other) {
    if (other == null) {
      throw new NullPointerException(op + ": other");
    }
    OpSupport.checkSameDevice(self, op, other);
    if (self.dim() == 0 || other.dim() == 0) {
      throw new IllegalArgumentException(op + ": both arguments need at least 1 dimension, got "
          + Layout.str(self.shape) + " and " + Layout.str(other.shape));
    }
    DType dt = DType.promote(self.dtype, other.dtype);
    if (dt == DType.BOOL) {
      throw new IllegalArgumentException(op + ": not supported for torch.bool tensors");
    }
    Tensor a = self.dim() == 1 ? self.unsqueeze(0) : self;
    Tensor b = other.dim() == 1 ? other.unsqueeze(1) : other;
    int m = a.shape[a.dim() - 2];
    int k = a.shape[a.dim() - 1];
    int k2 = b.shape[b.dim() - 2];
    int n = b.shape[b.dim() - 1];
    if (k != k2) {
      throw new IllegalArgumentException(op + ": shapes " + Layout.str(self.shape) + " and "
          + Layout.str(other.shape) + " cannot be multiplied (" + m + "x" + k + " and " + k2
          + "x" + n + ")");
    }
    int[] batchA = Arrays.copyOf(a.shape, a.dim() - 2);
    int[] batchB = Arrays.copyOf(b.shape, b.dim() - 2);
    int[] batch = Tensor.broadcast(op, batchA, batchB);
    int bn = Tensor.numel(op, "broadcast batch shape", batch);
    Tensor.numel(op, "result shape", OpSupport.concat(batch, m, n));
    Tensor.numel(op, "broadcast left operand shape", OpSupport.concat(batch, m, k));
    Tensor.numel(op, "broadcast right operand shape", OpSupport.concat(batch, k, n));
    Tensor result;
    long[] la = a.dim() == 2 && a.dtype == dt && dt.isFloatingPoint() ? gemmLayout(a) : null;
    long[] lb = b.dim() == 2 && b.dtype == dt && dt.isFloatingPoint() ? gemmLayout(b) : null;
    if (la != null && lb != null) {
      // 2-d @ 2-d: both read where they lie (a transposed weight is not copied).
      // gemm with beta 0 writes every element, k = 0 included (zeros, as BLAS).
      result = Tensor.uninitialized(dt, self.device(), new int[] {m, n});
      if (m > 0 && n > 0) {
        self.backend().gemm(la[0] == 1, lb[0] == 1, m, n, k, 1, a.storage, a.layout.offset(), la[1],
            0, b.storage, b.layout.offset(), lb[1], 0, 0, result.storage, 0, n, 0, 1);
      }
    } else if (batchB.length == 0 && bn > 1) {
      // [..., m, k] @ [k, n]: fold the batch into the rows instead of copying b per batch entry.
      Tensor a2 = a.to(dt).reshape(bn * m, k).contiguous();
      Tensor b2 = b.to(dt);
      long[] lb2 = dt.isFloatingPoint() ? gemmLayout(b2) : null;
      if (lb2 == null) {
        b2 = b2.contiguous();
        lb2 = new long[] {0, Math.max(1, n)};
      }
      Tensor out = Tensor.uninitialized(dt, self.device(), new int[] {bn * m, n});
      if (m > 0 && n > 0) {
        self.backend().gemm(false, lb2[0] == 1, bn * m, n, k, 1, a2.storage, a2.layout.offset(),
            Math.max(1, k), 0, b2.storage, b2.layout.offset(), lb2[1], 0, 0, out.storage, 0, n,
            0, 1);
      }
      result = out.view(OpSupport.concat(batch, m, n));
    } else {
      // Each operand is read where it lies when its batch dimensions merge into one stride (a
      // broadcast batch reads one matrix with stride 0) and its matrices are row- or
      // column-major, as a transposed batch is; otherwise it is copied once.
      Tensor a1 = a.to(dt);
      Tensor b1 = b.to(dt);
      Layout la3 = batchedGemmView(a1, batch, bn, m, k);
      if (la3 == null) {
        a1 = a1.expand(OpSupport.concat(batch, m, k)).reshape(bn, m, k).contiguous();
        la3 = a1.layout;
      }
      Layout lb3 = batchedGemmView(b1, batch, bn, k, n);
      if (lb3 == null) {
        b1 = b1.expand(OpSupport.concat(batch, k, n)).reshape(bn, k, n).contiguous();
        lb3 = b1.layout;
      }
      long[] ga = k == 0 ? null : gemmLayout(m, k, la3.stride(1), la3.stride(2));
      long[] gb = k == 0 ? null : gemmLayout(k, n, lb3.stride(1), lb3.stride(2));
      // With k = 0 no product runs: the result is zeros.
      Tensor out = k == 0 ? Tensor.zeroed(dt, self.device(), new int[] {bn, m, n})
          : Tensor.uninitialized(dt, self.device(), new int[] {bn, m, n});
      if (bn > 0 && m > 0 && n > 0 && k > 0) {
        self.backend().gemm(ga[0] == 1, gb[0] == 1, m, n, k, 1, a1.storage, la3.offset(), ga[1],
            bn == 1 ? 0 : la3.stride(0), b1.storage, lb3.offset(), gb[1],
            bn == 1 ? 0 : lb3.stride(0), 0, out.storage, 0, n, (long) m * n, bn);
      }
      result = out.view(OpSupport.concat(batch, m, n));
    }
    if (other.dim() == 1) {
      result = result.squeeze(-1);
    }
    if (self.dim() == 1) {
      result = result.squeeze(-2 + (other.dim() == 1 ? 1 : 0));
    }
    return result;
  }

  // ---------------------------------------------------------------- mm

  static Tensor mm(Tensor self, Tensor other) {
    Objects.requireNonNull(other, "mm: other");

    if (self.dim() != 2 || other.dim() != 2) {
      throw new IllegalArgumentException("mm: expected two 2-d tensors, got "
          + Layout.str(self.shape) + " and " + Layout.str(other.shape));
    }
    return TensorTape.mm(product(self, "mm", other), self, other);
  }

  @Adjoint(of = "mm", wrt = "self")
  public static Tensor mmSelf(Tensor g, Tensor other) {
    return g.mm(other.t());
  }

  @Adjoint(of = "mm", wrt = "other")
  public static Tensor mmOther(Tensor g, Tensor self) {
    return self.t().mm(g);
  }

  // ---------------------------------------------------------------- bmm

  static Tensor bmm(Tensor self, Tensor other) {
    Objects.requireNonNull(other, "bmm: other");

    if (self.dim() != 3 || other.dim() != 3) {
      throw new IllegalArgumentException("bmm: expected two 3-d tensors, got "
          + Layout.str(self.shape) + " and " + Layout.str(other.shape));
    }
    if (self.shape[0] != other.shape[0]) {
      throw new IllegalArgumentException("bmm: batch sizes differ: " + Layout.str(self.shape)
          + " and " + Layout.str(other.shape));
    }
    return TensorTape.bmm(product(self, "bmm", other), self, other);
  }

  @Adjoint(of = "bmm", wrt = "self")
  public static Tensor bmmSelf(Tensor g, Tensor other) {
    return g.bmm(other.transpose(1, 2));
  }

  @Adjoint(of = "bmm", wrt = "other")
  public static Tensor bmmOther(Tensor g, Tensor self) {
    return self.transpose(1, 2).bmm(g);
  }

  // ---------------------------------------------------------------- inverse

  static Tensor inverse(Tensor self) {
    if (self.dim() < 2 || self.shape[self.dim() - 1] != self.shape[self.dim() - 2]) {
      throw new IllegalArgumentException("inverse: expected a square matrix or a batch of them"
          + " ([..., n, n]), got shape " + Layout.str(self.shape));
    }
    if (!self.dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("inverse: expected a floating point tensor, got "
          + self.dtype);
    }
    int n = self.shape[self.dim() - 1];
    int batch = self.numel / Math.max(1, n * n);
    Tensor out = Tensor.zeroed(self.dtype, self.device(), self.shape);
    if (n > 0 && batch > 0) {
      Tensor a = self.reshape(batch, n, n).contiguous();
      self.backend().inverse(a.storage, a.layout.offset(), out.storage, 0, batch, n);
    }
    return TensorTape.inverse(out, self);
  }

  // d(A^-1) = -A^-1 dA A^-1, so dA = -A^-T g A^-T
  @Adjoint(of = "inverse", wrt = "self")
  public static Tensor inverseSelf(Tensor g, Tensor out) {
    Tensor outT = out.transpose(-1, -2);
    return outT.matmul(g).matmul(outT).neg();
  }

  // ---------------------------------------------------------------- rule helpers

  /** Puts back the row (left vector) and column (right vector) dims that matmul removed. */
  private static Tensor asMatrices(Tensor g, boolean selfVector, boolean otherVector) {
    Tensor r = otherVector ? g.unsqueeze(-1) : g;
    return selfVector ? r.unsqueeze(-2) : r;
  }
}
