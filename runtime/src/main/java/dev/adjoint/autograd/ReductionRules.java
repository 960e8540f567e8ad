package dev.adjoint.autograd;

import static dev.adjoint.autograd.RuleSupport.keepWhere;
import static dev.adjoint.autograd.RuleSupport.keptDims;
import static dev.adjoint.autograd.RuleSupport.reducedCount;
import static dev.adjoint.autograd.RuleSupport.wrap;
import static dev.adjoint.autograd.RuleSupport.zeros;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.ValuesIndices;

/**
 * Adjoints of the reductions of {@link Tensor}: {@code sum}, {@code prod}, {@code mean},
 * {@code max}, {@code min}, {@code var}, {@code std} and {@code logsumexp}, one per overload.
 * Each puts the reduced dims back as size 1 and broadcasts against the input.
 *
 * <p>{@code max()} and {@code min()} of all elements split the gradient evenly among tied
 * extremes; {@code max(dim)} and {@code min(dim)} give it to the index they returned (the first
 * occurrence), as PyTorch does. Their {@code indices} carry no gradient.
 *
 * <p>Not differentiable: {@code argmax}, {@code argmin} (integer results).
 */
public final class ReductionRules {
  private ReductionRules() {}

  // ---------------------------------------------------------------- sum

  @Adjoint(of = "sum", wrt = "self", signature = {})
  public static Tensor sumSelf(Tensor g, int[] selfShape) {
    return spread(g, null, false, selfShape);
  }

  @Adjoint(of = "sum", wrt = "self", signature = {"int"})
  public static Tensor sumDimSelf(Tensor g, int dim, int[] selfShape) {
    return spread(g, new int[] {dim}, false, selfShape);
  }

  @Adjoint(of = "sum", wrt = "self", signature = {"int", "boolean"})
  public static Tensor sumDimKeepdimSelf(Tensor g, int dim, boolean keepdim, int[] selfShape) {
    return spread(g, new int[] {dim}, keepdim, selfShape);
  }

  @Adjoint(of = "sum", wrt = "self", signature = {"int[]", "boolean"})
  public static Tensor sumDimsSelf(Tensor g, int[] dims, boolean keepdim, int[] selfShape) {
    return spread(g, dims, keepdim, selfShape);
  }

  // ---------------------------------------------------------------- mean

  @Adjoint(of = "mean", wrt = "self", signature = {})
  public static Tensor meanSelf(Tensor g, int[] selfShape) {
    return average(g, null, false, selfShape);
  }

  @Adjoint(of = "mean", wrt = "self", signature = {"int"})
  public static Tensor meanDimSelf(Tensor g, int dim, int[] selfShape) {
    return average(g, new int[] {dim}, false, selfShape);
  }

  @Adjoint(of = "mean", wrt = "self", signature = {"int", "boolean"})
  public static Tensor meanDimKeepdimSelf(Tensor g, int dim, boolean keepdim, int[] selfShape) {
    return average(g, new int[] {dim}, keepdim, selfShape);
  }

  @Adjoint(of = "mean", wrt = "self", signature = {"int[]", "boolean"})
  public static Tensor meanDimsSelf(Tensor g, int[] dims, boolean keepdim, int[] selfShape) {
    return average(g, dims, keepdim, selfShape);
  }

  // ---------------------------------------------------------------- prod

  @Adjoint(of = "prod", wrt = "self", signature = {})
  public static Tensor prodSelf(Tensor g, Tensor self, Tensor out) {
    return productOfOthers(g, self, out, null, false);
  }

  @Adjoint(of = "prod", wrt = "self", signature = {"int", "boolean"})
  public static Tensor prodDimKeepdimSelf(Tensor g, Tensor self, Tensor out, int dim,
      boolean keepdim) {
    return productOfOthers(g, self, out, new int[] {dim}, keepdim);
  }

  // ---------------------------------------------------------------- max, min

  @Adjoint(of = "max", wrt = "self", signature = {})
  public static Tensor maxSelf(Tensor g, Tensor self, Tensor out) {
    return splitAmongTies(g, self, out);
  }

  @Adjoint(of = "max", wrt = "self", signature = {"int"})
  public static Tensor maxDimSelf(Tensor g, ValuesIndices out, int dim, int[] selfShape) {
    return toIndices(g, out.indices(), dim, false, selfShape);
  }

  @Adjoint(of = "max", wrt = "self", signature = {"int", "boolean"})
  public static Tensor maxDimKeepdimSelf(Tensor g, ValuesIndices out, int dim, boolean keepdim,
      int[] selfShape) {
    return toIndices(g, out.indices(), dim, keepdim, selfShape);
  }

  @Adjoint(of = "min", wrt = "self", signature = {})
  public static Tensor minSelf(Tensor g, Tensor self, Tensor out) {
    return splitAmongTies(g, self, out);
  }

  @Adjoint(of = "min", wrt = "self", signature = {"int"})
  public static Tensor minDimSelf(Tensor g, ValuesIndices out, int dim, int[] selfShape) {
    return toIndices(g, out.indices(), dim, false, selfShape);
  }

  @Adjoint(of = "min", wrt = "self", signature = {"int", "boolean"})
  public static Tensor minDimKeepdimSelf(Tensor g, ValuesIndices out, int dim, boolean keepdim,
      int[] selfShape) {
    return toIndices(g, out.indices(), dim, keepdim, selfShape);
  }

  // ---------------------------------------------------------------- var, std

  @Adjoint(of = "var", wrt = "self", signature = {})
  public static Tensor varSelf(Tensor g, Tensor self) {
    return variance(g, self, null, 1, false);
  }

  @Adjoint(of = "var", wrt = "self", signature = {"int"})
  public static Tensor varDimSelf(Tensor g, Tensor self, int dim) {
    return variance(g, self, new int[] {dim}, 1, false);
  }

  @Adjoint(of = "var", wrt = "self", signature = {"int[]", "int", "boolean"})
  public static Tensor varDimsSelf(Tensor g, Tensor self, int[] dims, int correction,
      boolean keepdim) {
    return variance(g, self, dims, correction, keepdim);
  }

  @Adjoint(of = "std", wrt = "self", signature = {})
  public static Tensor stdSelf(Tensor g, Tensor self, Tensor out) {
    return variance(viaStd(g, out), self, null, 1, false);
  }

  @Adjoint(of = "std", wrt = "self", signature = {"int"})
  public static Tensor stdDimSelf(Tensor g, Tensor self, Tensor out, int dim) {
    return variance(viaStd(g, out), self, new int[] {dim}, 1, false);
  }

  @Adjoint(of = "std", wrt = "self", signature = {"int[]", "int", "boolean"})
  public static Tensor stdDimsSelf(Tensor g, Tensor self, Tensor out, int[] dims, int correction,
      boolean keepdim) {
    return variance(viaStd(g, out), self, dims, correction, keepdim);
  }

  // ---------------------------------------------------------------- logsumexp

  @Adjoint(of = "logsumexp", wrt = "self", signature = {"int"})
  public static Tensor logsumexpDimSelf(Tensor g, Tensor self, Tensor out, int dim) {
    return softmaxWeighted(g, self, out, new int[] {dim}, false);
  }

  @Adjoint(of = "logsumexp", wrt = "self", signature = {"int", "boolean"})
  public static Tensor logsumexpDimKeepdimSelf(Tensor g, Tensor self, Tensor out, int dim,
      boolean keepdim) {
    return softmaxWeighted(g, self, out, new int[] {dim}, keepdim);
  }

  @Adjoint(of = "logsumexp", wrt = "self", signature = {"int[]", "boolean"})
  public static Tensor logsumexpDimsSelf(Tensor g, Tensor self, Tensor out, int[] dims,
      boolean keepdim) {
    return softmaxWeighted(g, self, out, dims, keepdim);
  }

  // ---------------------------------------------------------------- shared

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
