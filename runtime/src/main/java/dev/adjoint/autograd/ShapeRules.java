package dev.adjoint.autograd;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;
import static dev.adjoint.autograd.RuleSupport.wrap;
import static dev.adjoint.autograd.RuleSupport.zeros;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Index;
import dev.adjoint.tensor.Tensor;

/**
 * Adjoints of the shape ops, views and basic indexing of {@link Tensor}. Reshapes reshape the
 * gradient back; permutations apply the inverse permutation; {@code expand} sums over the
 * expanded dims; selections write the gradient through the same view of a zero tensor of the
 * input's shape. Results may be views of {@code g}.
 *
 * <p>No gradient: {@code other} of {@code expandAs} (only its shape is used).
 */
public final class ShapeRules {
  private ShapeRules() {}

  // ---------------------------------------------------------------- permutations

  @Adjoint(of = "t", wrt = "self")
  public static Tensor tSelf(Tensor g) {
    return g.t();
  }

  @Adjoint(of = "transpose", wrt = "self")
  public static Tensor transposeSelf(Tensor g, int dim0, int dim1) {
    return g.transpose(dim0, dim1);
  }

  @Adjoint(of = "permute", wrt = "self")
  public static Tensor permuteSelf(Tensor g, int[] dims) {
    int[] inverse = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      inverse[wrap(dims[i], dims.length)] = i;
    }
    return g.permute(inverse);
  }

  // ---------------------------------------------------------------- reshapes

  @Adjoint(of = "view", wrt = "self")
  public static Tensor viewSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  @Adjoint(of = "reshape", wrt = "self")
  public static Tensor reshapeSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  @Adjoint(of = "flatten", wrt = "self", signature = {})
  public static Tensor flattenSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  @Adjoint(of = "flatten", wrt = "self", signature = {"int", "int"})
  public static Tensor flattenRangeSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  @Adjoint(of = "squeeze", wrt = "self", signature = {})
  public static Tensor squeezeSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  @Adjoint(of = "squeeze", wrt = "self", signature = {"int"})
  public static Tensor squeezeDimSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  @Adjoint(of = "unsqueeze", wrt = "self")
  public static Tensor unsqueezeSelf(Tensor g, int dim) {
    return g.squeeze(dim);
  }

  @Adjoint(of = "expand", wrt = "self")
  public static Tensor expandSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  @Adjoint(of = "expandAs", wrt = "self")
  public static Tensor expandAsSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  // ---------------------------------------------------------------- copies

  @Adjoint(of = "contiguous", wrt = "self")
  public static Tensor contiguousSelf(Tensor g) {
    return g;
  }

  @Adjoint(of = "clone", wrt = "self")
  public static Tensor cloneSelf(Tensor g) {
    return g;
  }

  /**
   * The gradient goes back in the input's dtype; a conversion to an integer or bool dtype is not
   * differentiable (the per-op graph records no node on such a result; here it passes zeros).
   */
  @Adjoint(of = "to", wrt = "self", signature = {"DType"})
  public static Tensor toDTypeSelf(Tensor g, DType selfDType, DType dtype, int[] selfShape) {
    return dtype.isFloatingPoint() ? g.to(selfDType)
        : Tensor.zeros(selfDType, g.device(), selfShape);
  }

  @Adjoint(of = "toFloat", wrt = "self")
  public static Tensor toFloatSelf(Tensor g, DType selfDType) {
    return g.to(selfDType);
  }

  @Adjoint(of = "toDouble", wrt = "self")
  public static Tensor toDoubleSelf(Tensor g, DType selfDType) {
    return g.to(selfDType);
  }

  @Adjoint(of = "to", wrt = "self", signature = {"Device"})
  public static Tensor toDeviceSelf(Tensor g, Tensor self) {
    return g.to(self.device());
  }

  // ---------------------------------------------------------------- selections

  @Adjoint(of = "get", wrt = "self")
  public static Tensor getSelf(Tensor g, int[] indices, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.get(indices).copy_(g);
    return z;
  }

  @Adjoint(of = "select", wrt = "self")
  public static Tensor selectSelf(Tensor g, int dim, int index, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.select(dim, index).copy_(g);
    return z;
  }

  @Adjoint(of = "narrow", wrt = "self")
  public static Tensor narrowSelf(Tensor g, int dim, int start, int length, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.narrow(dim, start, length).copy_(g);
    return z;
  }

  @Adjoint(of = "slice", wrt = "self")
  public static Tensor sliceSelf(Tensor g, int dim, Integer start, Integer stop, int step,
      int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.slice(dim, start, stop, step).copy_(g);
    return z;
  }

  @Adjoint(of = "index", wrt = "self", signature = {"Index[]"})
  public static Tensor indexSelf(Tensor g, Index[] components, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.index(components).copy_(g);
    return z;
  }

  @Adjoint(of = "index", wrt = "self", signature = {"String"})
  public static Tensor indexSubscriptSelf(Tensor g, String subscript, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.index(subscript).copy_(g);
    return z;
  }
}
