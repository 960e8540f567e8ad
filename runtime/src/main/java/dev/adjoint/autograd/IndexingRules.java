package dev.adjoint.autograd;

import dev.adjoint.backend.Layout;
import static dev.adjoint.autograd.Broadcasting.unbroadcast;
import static dev.adjoint.autograd.RuleSupport.wrap;
import static dev.adjoint.autograd.RuleSupport.zeros;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adjoints of the copying index ops of {@link Tensor}: {@code indexSelect}, {@code gather},
 * {@code indexAdd}, {@code scatterAdd}, mask indexing, {@code maskedSelect}, {@code cat} and
 * {@code stack}. Gathers scatter the
 * gradient back with {@link Tensor#indexAdd} or {@link Tensor#scatterAdd}, so an element picked
 * twice gets both gradients; joins split the gradient into views, one per input.
 *
 * <p>No gradient: {@code index} of {@code indexSelect}, {@code gather}, {@code indexAdd} and
 * {@code scatterAdd} (int64), {@code mask}
 * of {@code index(Tensor)} and {@code maskedSelect} (bool); {@code nonzero} is not
 * differentiable.
 */
public final class IndexingRules {
  private IndexingRules() {}

  @Adjoint(of = "indexSelect", wrt = "self")
  public static Tensor indexSelectSelf(Tensor g, int dim, Tensor index, int[] selfShape) {
    // A 0-d input was indexed as if it were 1-d.
    int[] shape = selfShape.length == 0 ? new int[] {1} : selfShape;
    int d = wrap(dim, shape.length);
    int[] picked = shape.clone();
    picked[d] = index.numel();
    return zeros(g, shape).indexAdd(d, index, g.reshape(picked)).reshape(selfShape);
  }

  @Adjoint(of = "gather", wrt = "self")
  public static Tensor gatherSelf(Tensor g, int dim, Tensor index, int[] selfShape) {
    return zeros(g, selfShape).scatterAdd(dim, index, g);
  }

  // out = self with source added at index: self's gradient passes through unchanged, and each
  // slice of source gets the gradient of the slice it was added to.
  @Adjoint(of = "indexAdd", wrt = "self")
  public static Tensor indexAddSelf(Tensor g) {
    return g;
  }

  @Adjoint(of = "indexAdd", wrt = "source")
  public static Tensor indexAddSource(Tensor g, int dim, Tensor index, int[] sourceShape) {
    // A 0-d input was indexed as if it were 1-d, like indexSelect.
    Tensor rows = g.dim() == 0 ? g.reshape(1) : g;
    return rows.indexSelect(dim, index).reshape(sourceShape);
  }

  // out = self with src[p] added at self[p with index[p] along dim], for the positions p of
  // index: src's gradient is g gathered at those positions, and 0 where index does not reach.
  @Adjoint(of = "scatterAdd", wrt = "self")
  public static Tensor scatterAddSelf(Tensor g) {
    return g;
  }

  @Adjoint(of = "scatterAdd", wrt = "src")
  public static Tensor scatterAddSrc(Tensor g, int dim, Tensor index, int[] srcShape) {
    Tensor picked = g.gather(dim, index);
    if (Arrays.equals(index.shape(), srcShape)) {
      return picked;
    }
    Tensor grad = zeros(g, srcShape);
    Tensor covered = grad;
    for (int d = 0; d < srcShape.length; d++) {
      covered = covered.narrow(d, 0, index.size(d));
    }
    covered.copy_(picked);
    return grad;
  }

  @Adjoint(of = "index", wrt = "self", signature = {"Tensor"})
  public static Tensor indexMaskSelf(Tensor g, Tensor mask, int[] selfShape) {
    int k = mask.dim();
    int[] rows = new int[selfShape.length - k + 1];
    rows[0] = Math.toIntExact(Layout.numel("index", Arrays.copyOfRange(selfShape, 0, k)));
    System.arraycopy(selfShape, k, rows, 1, selfShape.length - k);
    Tensor picks = mask.reshape(rows[0]).nonzero().reshape(-1);
    return zeros(g, rows).indexAdd(0, picks, g).reshape(selfShape);
  }

  @Adjoint(of = "maskedSelect", wrt = "self")
  public static Tensor maskedSelectSelf(Tensor g, Tensor mask, int[] selfShape) {
    int[] shape = Layout.broadcast("maskedSelect", selfShape, mask.shape());
    Tensor picks = mask.expand(shape).reshape(-1).nonzero().reshape(-1);
    int count = Math.toIntExact(Layout.numel("maskedSelect", shape));
    Tensor full = zeros(g, new int[] {count}).indexAdd(0, picks, g).reshape(shape);
    return unbroadcast(full, selfShape);
  }

  @Adjoint(of = "cat", wrt = "tensors", signature = {"List"})
  public static List<Tensor> catTensors(Tensor g, List<Tensor> tensors) {
    return split(g, tensors, 0);
  }

  @Adjoint(of = "cat", wrt = "tensors", signature = {"List", "int"})
  public static List<Tensor> catDimTensors(Tensor g, List<Tensor> tensors, int dim) {
    return split(g, tensors, wrap(dim, g.dim()));
  }

  @Adjoint(of = "stack", wrt = "tensors", signature = {"List"})
  public static List<Tensor> stackTensors(Tensor g) {
    return unstack(g, 0);
  }

  @Adjoint(of = "stack", wrt = "tensors", signature = {"List", "int"})
  public static List<Tensor> stackDimTensors(Tensor g, int dim) {
    return unstack(g, wrap(dim, g.dim()));
  }

  private static List<Tensor> split(Tensor g, List<Tensor> tensors, int d) {
    List<Tensor> out = new ArrayList<>(tensors.size());
    int at = 0;
    for (Tensor t : tensors) {
      out.add(g.narrow(d, at, t.size(d)));
      at += t.size(d);
    }
    return out;
  }

  private static List<Tensor> unstack(Tensor g, int d) {
    List<Tensor> out = new ArrayList<>(g.size(d));
    for (int i = 0; i < g.size(d); i++) {
      out.add(g.select(d, i));
    }
    return out;
  }
}
