package dev.adjoint.tensor;

import static dev.adjoint.tensor.OpSupport.keepWhere;
import static dev.adjoint.tensor.OpSupport.keptDims;
import static dev.adjoint.tensor.OpSupport.reducedCount;
import static dev.adjoint.tensor.OpSupport.untracked;
import static dev.adjoint.tensor.OpSupport.wrap;
import static dev.adjoint.tensor.OpSupport.zeros;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.ReduceOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reductions ({@link ReduceOp}: {@code sum}, {@code mean}, {@code max}, {@code var}, {@code
 * logsumexp}, ...) and arg-reductions. Each op's forward, its kernel entry and its adjoints sit
 * together. The public methods are the rule table's adjoints, which generated backward code calls;
 * the forwards are package-private behind {@link Tensor}.
 */
public final class Reductions {
  private Reductions() {}

  // ---------------------------------------------------------------- sum

  static Tensor sum(Tensor self) {
    return TensorTape.sum(reduce(self, "sum", ReduceOp.SUM, null, false, 0).values(), self);
  }

  @Adjoint(of = "sum", wrt = "self", signature = {})
  public static Tensor sumSelf(Tensor g, int[] selfShape) {
    return spread(g, null, false, selfShape);
  }

  static Tensor sum(Tensor self, int dim) {
    return TensorTape.sum(untracked(() -> self.sum(new int[] {dim}, false)), self, dim);
  }

  @Adjoint(of = "sum", wrt = "self", signature = {"int"})
  public static Tensor sumDimSelf(Tensor g, int dim, int[] selfShape) {
    return spread(g, new int[] {dim}, false, selfShape);
  }

  static Tensor sum(Tensor self, int dim, boolean keepdim) {
    return TensorTape.sum(untracked(() -> self.sum(new int[] {dim}, keepdim)), self, dim, keepdim);
  }

  @Adjoint(of = "sum", wrt = "self", signature = {"int", "boolean"})
  public static Tensor sumDimKeepdimSelf(Tensor g, int dim, boolean keepdim, int[] selfShape) {
    return spread(g, new int[] {dim}, keepdim, selfShape);
  }

  static Tensor sum(Tensor self, int[] dims, boolean keepdim) {
    Tensor out = reduce(self, "sum", ReduceOp.SUM, dims, keepdim, 0).values();
    return TensorTape.sum(out, self, dims, keepdim);
  }

  @Adjoint(of = "sum", wrt = "self", signature = {"int[]", "boolean"})
  public static Tensor sumDimsSelf(Tensor g, int[] dims, boolean keepdim, int[] selfShape) {
    return spread(g, dims, keepdim, selfShape);
  }

  // ---------------------------------------------------------------- prod

  static Tensor prod(Tensor self) {
    return TensorTape.prod(reduce(self, "prod", ReduceOp.PROD, null, false, 0).values(), self);
  }

  @Adjoint(of = "prod", wrt = "self", signature = {})
  public static Tensor prodSelf(Tensor g, Tensor self, Tensor out) {
    return productOfOthers(g, self, out, null, false);
  }

  static Tensor prod(Tensor self, int dim, boolean keepdim) {
    Tensor out = reduce(self, "prod", ReduceOp.PROD, new int[] {dim}, keepdim, 0).values();
    return TensorTape.prod(out, self, dim, keepdim);
  }

  @Adjoint(of = "prod", wrt = "self", signature = {"int", "boolean"})
  public static Tensor prodDimKeepdimSelf(Tensor g, Tensor self, Tensor out, int dim,
      boolean keepdim) {
    return productOfOthers(g, self, out, new int[] {dim}, keepdim);
  }

  // ---------------------------------------------------------------- mean

  static Tensor mean(Tensor self) {
    return TensorTape.mean(reduce(self, "mean", ReduceOp.MEAN, null, false, 0).values(), self);
  }

  @Adjoint(of = "mean", wrt = "self", signature = {})
  public static Tensor meanSelf(Tensor g, int[] selfShape) {
    return average(g, null, false, selfShape);
  }

  static Tensor mean(Tensor self, int dim) {
    return TensorTape.mean(untracked(() -> self.mean(new int[] {dim}, false)), self, dim);
  }

  @Adjoint(of = "mean", wrt = "self", signature = {"int"})
  public static Tensor meanDimSelf(Tensor g, int dim, int[] selfShape) {
    return average(g, new int[] {dim}, false, selfShape);
  }

  static Tensor mean(Tensor self, int dim, boolean keepdim) {
    Tensor out = untracked(() -> self.mean(new int[] {dim}, keepdim));
    return TensorTape.mean(out, self, dim, keepdim);
  }

  @Adjoint(of = "mean", wrt = "self", signature = {"int", "boolean"})
  public static Tensor meanDimKeepdimSelf(Tensor g, int dim, boolean keepdim, int[] selfShape) {
    return average(g, new int[] {dim}, keepdim, selfShape);
  }

  static Tensor mean(Tensor self, int[] dims, boolean keepdim) {
    Tensor out = reduce(self, "mean", ReduceOp.MEAN, dims, keepdim, 0).values();
    return TensorTape.mean(out, self, dims, keepdim);
  }

  @Adjoint(of = "mean", wrt = "self", signature = {"int[]", "boolean"})
  public static Tensor meanDimsSelf(Tensor g, int[] dims, boolean keepdim, int[] selfShape) {
    return average(g, dims, keepdim, selfShape);
  }

  // ---------------------------------------------------------------- max

  static Tensor max(Tensor self) {
    return TensorTape.max(reduce(self, "max", ReduceOp.MAX, null, false, 0).values(), self);
  }

  @Adjoint(of = "max", wrt = "self", signature = {})
  public static Tensor maxSelf(Tensor g, Tensor self, Tensor out) {
    return splitAmongTies(g, self, out);
  }

  static ValuesIndices max(Tensor self, int dim) {
    return TensorTape.max(untracked(() -> self.max(dim, false)), self, dim);
  }

  @Adjoint(of = "max", wrt = "self", signature = {"int"})
  public static Tensor maxDimSelf(Tensor g, ValuesIndices out, int dim, int[] selfShape) {
    return toIndices(g, out.indices(), dim, false, selfShape);
  }

  static ValuesIndices max(Tensor self, int dim, boolean keepdim) {
    ValuesIndices out = reduce(self, "max", ReduceOp.MAX, new int[] {dim}, keepdim, 0);
    return TensorTape.max(out, self, dim, keepdim);
  }

  @Adjoint(of = "max", wrt = "self", signature = {"int", "boolean"})
  public static Tensor maxDimKeepdimSelf(Tensor g, ValuesIndices out, int dim, boolean keepdim,
      int[] selfShape) {
    return toIndices(g, out.indices(), dim, keepdim, selfShape);
  }

  // ---------------------------------------------------------------- min

  static Tensor min(Tensor self) {
    return TensorTape.min(reduce(self, "min", ReduceOp.MIN, null, false, 0).values(), self);
  }

  @Adjoint(of = "min", wrt = "self", signature = {})
  public static Tensor minSelf(Tensor g, Tensor self, Tensor out) {
    return splitAmongTies(g, self, out);
  }

  static ValuesIndices min(Tensor self, int dim) {
    return TensorTape.min(untracked(() -> self.min(dim, false)), self, dim);
  }

  @Adjoint(of = "min", wrt = "self", signature = {"int"})
  public static Tensor minDimSelf(Tensor g, ValuesIndices out, int dim, int[] selfShape) {
    return toIndices(g, out.indices(), dim, false, selfShape);
  }

  static ValuesIndices min(Tensor self, int dim, boolean keepdim) {
    ValuesIndices out = reduce(self, "min", ReduceOp.MIN, new int[] {dim}, keepdim, 0);
    return TensorTape.min(out, self, dim, keepdim);
  }

  @Adjoint(of = "min", wrt = "self", signature = {"int", "boolean"})
  public static Tensor minDimKeepdimSelf(Tensor g, ValuesIndices out, int dim, boolean keepdim,
      int[] selfShape) {
    return toIndices(g, out.indices(), dim, keepdim, selfShape);
  }

  // ---------------------------------------------------------------- argmax

  static Tensor argmax(Tensor self) {
    return reduce(self, "argmax", ReduceOp.MAX, null, false, 0).indices();
  }

  static Tensor argmax(Tensor self, int dim, boolean keepdim) {
    return reduce(self, "argmax", ReduceOp.MAX, new int[] {dim}, keepdim, 0).indices();
  }

  // ---------------------------------------------------------------- argmin

  static Tensor argmin(Tensor self) {
    return reduce(self, "argmin", ReduceOp.MIN, null, false, 0).indices();
  }

  static Tensor argmin(Tensor self, int dim, boolean keepdim) {
    return reduce(self, "argmin", ReduceOp.MIN, new int[] {dim}, keepdim, 0).indices();
  }

  // ---------------------------------------------------------------- var

  static Tensor var(Tensor self) {
    return TensorTape.var(untracked(() -> self.var(null, 1, false)), self);
  }

  @Adjoint(of = "var", wrt = "self", signature = {})
  public static Tensor varSelf(Tensor g, Tensor self) {
    return variance(g, self, null, 1, false);
  }

  static Tensor var(Tensor self, int dim) {
    return TensorTape.var(untracked(() -> self.var(new int[] {dim}, 1, false)), self, dim);
  }

  @Adjoint(of = "var", wrt = "self", signature = {"int"})
  public static Tensor varDimSelf(Tensor g, Tensor self, int dim) {
    return variance(g, self, new int[] {dim}, 1, false);
  }

  static Tensor var(Tensor self, int[] dims, int correction, boolean keepdim) {
    Tensor out = reduce(self, "var", ReduceOp.VAR, dims, keepdim, correction).values();
    return TensorTape.var(out, self, dims, correction, keepdim);
  }

  @Adjoint(of = "var", wrt = "self", signature = {"int[]", "int", "boolean"})
  public static Tensor varDimsSelf(Tensor g, Tensor self, int[] dims, int correction,
      boolean keepdim) {
    return variance(g, self, dims, correction, keepdim);
  }

  // ---------------------------------------------------------------- std

  static Tensor std(Tensor self) {
    return TensorTape.std(reduce(self, "std", ReduceOp.VAR, null, false, 1).values().sqrt(), self);
  }

  @Adjoint(of = "std", wrt = "self", signature = {})
  public static Tensor stdSelf(Tensor g, Tensor self, Tensor out) {
    return variance(viaStd(g, out), self, null, 1, false);
  }

  static Tensor std(Tensor self, int dim) {
    Tensor out = reduce(self, "std", ReduceOp.VAR, new int[] {dim}, false, 1).values().sqrt();
    return TensorTape.std(out, self, dim);
  }

  @Adjoint(of = "std", wrt = "self", signature = {"int"})
  public static Tensor stdDimSelf(Tensor g, Tensor self, Tensor out, int dim) {
    return variance(viaStd(g, out), self, new int[] {dim}, 1, false);
  }

  static Tensor std(Tensor self, int[] dims, int correction, boolean keepdim) {
    Tensor out = reduce(self, "std", ReduceOp.VAR, dims, keepdim, correction).values().sqrt();
    return TensorTape.std(out, self, dims, correction, keepdim);
  }

  @Adjoint(of = "std", wrt = "self", signature = {"int[]", "int", "boolean"})
  public static Tensor stdDimsSelf(Tensor g, Tensor self, Tensor out, int[] dims, int correction,
      boolean keepdim) {
    return variance(viaStd(g, out), self, dims, correction, keepdim);
  }

  // ---------------------------------------------------------------- logsumexp

  static Tensor logsumexp(Tensor self, int dim) {
    return TensorTape.logsumexp(untracked(() -> self.logsumexp(new int[] {dim}, false)), self, dim);
  }

  @Adjoint(of = "logsumexp", wrt = "self", signature = {"int"})
  public static Tensor logsumexpDimSelf(Tensor g, Tensor self, Tensor out, int dim) {
    return softmaxWeighted(g, self, out, new int[] {dim}, false);
  }

  static Tensor logsumexp(Tensor self, int dim, boolean keepdim) {
    Tensor out = untracked(() -> self.logsumexp(new int[] {dim}, keepdim));
    return TensorTape.logsumexp(out, self, dim, keepdim);
  }

  @Adjoint(of = "logsumexp", wrt = "self", signature = {"int", "boolean"})
  public static Tensor logsumexpDimKeepdimSelf(Tensor g, Tensor self, Tensor out, int dim,
      boolean keepdim) {
    return softmaxWeighted(g, self, out, new int[] {dim}, keepdim);
  }

  static Tensor logsumexp(Tensor self, int[] dims, boolean keepdim) {
    Tensor out = reduce(self, "logsumexp", ReduceOp.LOGSUMEXP, dims, keepdim, 0).values();
    return TensorTape.logsumexp(out, self, dims, keepdim);
  }

  @Adjoint(of = "logsumexp", wrt = "self", signature = {"int[]", "boolean"})
  public static Tensor logsumexpDimsSelf(Tensor g, Tensor self, Tensor out, int[] dims,
      boolean keepdim) {
    return softmaxWeighted(g, self, out, dims, keepdim);
  }

  static ValuesIndices reduce(Tensor self, String name, ReduceOp op, int[] dims, boolean keepdim,
      double param) {
    int rank = self.shape.length;
    boolean[] reduced = new boolean[rank];
    boolean all = dims == null;
    if (all) {
      Arrays.fill(reduced, true);
    } else {
      for (int dim : dims) {
        int d = Layout.dim(name, dim, rank);
        if (rank > 0 && reduced[d]) {
          throw new IllegalArgumentException(name + ": dim " + d + " appears multiple times in "
              + Arrays.toString(dims));
        }
        if (rank > 0) {
          reduced[d] = true;
        }
      }
    }
    DType outType;
    switch (op) {
      case SUM, PROD -> outType = self.dtype.isFloatingPoint() ? self.dtype : DType.INT64;
      case MAX, MIN -> outType = self.dtype;
      default -> {
        if (!self.dtype.isFloatingPoint()) {
          if (op == ReduceOp.LOGSUMEXP) {
            outType = DType.FLOAT32;
          } else {
            throw new IllegalArgumentException(name + ": input dtype must be floating point, got "
                + self.dtype);
          }
        } else {
          outType = self.dtype;
        }
      }
    }
    int[] perm = new int[rank];
    int k = 0;
    int outer = 1;
    int inner = 1;
    List<Integer> outShape = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      if (!reduced[d]) {
        perm[k++] = d;
        outer *= self.shape[d];
        outShape.add(self.shape[d]);
      } else if (keepdim) {
        outShape.add(1);
      }
    }
    boolean reducedEmpty = false; // tested apart: an empty input's product may wrap to 0
    for (int d = 0; d < rank; d++) {
      if (reduced[d]) {
        perm[k++] = d;
        inner *= self.shape[d];
        reducedEmpty |= self.shape[d] == 0;
      }
    }
    int[] resultShape = outShape.stream().mapToInt(Integer::intValue).toArray();
    boolean indexed = op == ReduceOp.MAX || op == ReduceOp.MIN;
    if (reducedEmpty) {
      if (indexed) {
        throw new IllegalArgumentException(name + ": cannot reduce over a dimension of size 0"
            + " (shape " + Layout.str(self.shape) + "); the operation has no identity");
      }
      // Only an empty input can have kept dims that multiply past an int.
      Tensor.numel(name, "result shape", resultShape);
      double identity = switch (op) {
        case SUM -> 0;
        case PROD -> 1;
        case LOGSUMEXP -> Double.NEGATIVE_INFINITY;
        default -> Double.NaN;
      };
      return new ValuesIndices(Tensor.zeroed(outType, self.device(), resultShape).fill_(identity),
          null);
    }
    // The backend reads any strided view in place: a broadcast or permuted input is never copied,
    // and it converts the input's dtype as it reads.
    Tensor src = self.permute(perm);
    Tensor values = Tensor.zeroed(outType, self.device(), new int[] {outer});
    Tensor indices = indexed ? Tensor.zeroed(DType.INT64, self.device(), new int[] {outer}) : null;
    if (outer > 0) {
      self.backend().reduce(op, src.storage, src.layout, outer, inner, values.storage, 0,
          indices == null ? null : indices.storage, 0, param);
    }
    return new ValuesIndices(values.view(resultShape),
        indices == null ? null : indices.view(resultShape));
  }

  // ---------------------------------------------------------------- rule helpers

  /** Each input element gets the gradient of the result it was summed into. */
  private static Tensor spread(Tensor g, int[] dims, boolean keepdim, int[] shape) {
    return keptDims(g, dims, keepdim, shape).expand(shape);
  }

  private static Tensor average(Tensor g, int[] dims, boolean keepdim, int[] shape) {
    return spread(g.div((double) reducedCount(dims, shape)), dims, keepdim, shape);
  }

  /**
   * d prod / dx_i is the product of the other elements of x_i's slice. Without zeros in the slice
   * that is {@code out / x_i}; with exactly one zero it is the product of the nonzero elements at
   * the zero and 0 elsewhere; with two or more zeros it is 0 everywhere. Finite and exact in
   * every case, as PyTorch's {@code prod_backward}.
   */
  private static Tensor productOfOthers(Tensor g, Tensor self, Tensor out, int[] dims,
      boolean keepdim) {
    int[] shape = self.shape();
    if (shape.length == 0) {
      return g;
    }
    Tensor isZero = self.eq(0.0);
    Tensor zerosInSlice = keptDims(count(isZero, dims), dims, keepdim, shape);
    Tensor one = Tensor.scalar(1.0, self.dtype()).to(self.device());
    Tensor nonzeroProduct = keptDims(product(Tensor.where(isZero, one, self), dims), dims,
        keepdim, shape);
    Tensor noZero = keptDims(out, dims, keepdim, shape).div(self);
    Tensor loneZero = keepWhere(isZero.logicalAnd(zerosInSlice.eq(1.0)), nonzeroProduct);
    Tensor others = Tensor.where(zerosInSlice.eq(0.0), noZero, loneZero);
    return keptDims(g, dims, keepdim, shape).mul(others);
  }

  private static Tensor count(Tensor mask, int[] dims) {
    return dims == null ? mask.sum() : mask.sum(dims, false);
  }

  private static Tensor product(Tensor t, int[] dims) {
    return dims == null ? t.prod() : t.prod(dims[0], false);
  }

  private static Tensor splitAmongTies(Tensor g, Tensor self, Tensor out) {
    Tensor ties = self.eq(out);
    return keepWhere(ties, g.div(ties.sum()));
  }

  private static Tensor toIndices(Tensor g, Tensor indices, int dim, boolean keepdim,
      int[] shape) {
    if (shape.length == 0) {
      return g;
    }
    int d = wrap(dim, shape.length);
    Tensor gk = keepdim ? g : g.unsqueeze(d);
    Tensor ik = keepdim ? indices : indices.unsqueeze(d);
    return zeros(g, shape).scatterAdd(d, ik, gk);
  }

  // d var / dx_i = 2 (x_i - mean) / (N - correction)
  private static Tensor variance(Tensor g, Tensor self, int[] dims, int correction,
      boolean keepdim) {
    int[] shape = self.shape();
    Tensor centered = self.sub(self.mean(dims == null ? allDims(shape.length) : dims, true));
    double scale = 2.0 / (reducedCount(dims, shape) - correction);
    return keptDims(g, dims, keepdim, shape).mul(centered).mul(scale);
  }

  // d std = d var / (2 std); 0 where std == 0, as PyTorch
  private static Tensor viaStd(Tensor g, Tensor out) {
    return keepWhere(out.ne(0.0), g.div(out.mul(2.0)));
  }

  // d/dx_i log sum_j exp(x_j) = exp(x_i - lse)
  private static Tensor softmaxWeighted(Tensor g, Tensor self, Tensor out, int[] dims,
      boolean keepdim) {
    int[] shape = self.shape();
    Tensor weights = self.sub(keptDims(out, dims, keepdim, shape)).exp();
    return keptDims(g, dims, keepdim, shape).mul(weights);
  }

  private static int[] allDims(int rank) {
    int[] all = new int[rank];
    for (int d = 0; d < rank; d++) {
      all[d] = d;
    }
    return all;
  }
}
