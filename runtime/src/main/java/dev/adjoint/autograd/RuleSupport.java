package dev.adjoint.autograd;

import dev.adjoint.backend.Pointwise;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/** Small tensor helpers shared by the rule classes; not part of the rule table. */
final class RuleSupport {
  private RuleSupport() {}

  /** Zeros of {@code shape} with {@code like}'s dtype and device. */
  static Tensor zeros(Tensor like, int[] shape) {
    return Tensor.zeros(like.dtype(), like.device(), shape);
  }

  /**
   * One fused pass of {@code program} (one output) over {@code inputs}, or null when they are not
   * all contiguous, of one shape and one floating dtype (the caller then composes tensor ops that
   * make the same roundings). Rules run with the graph off, so nothing is recorded either way.
   */
  static Tensor fused(Pointwise program, Tensor... inputs) {
    if (!Pointwise.fusable(inputs)) {
      return null;
    }
    Tensor out = zeros(inputs[0], inputs[0].shape());
    program.apply(new double[0], inputs, new Tensor[] {out});
    return out;
  }

  /** {@code g} where {@code mask} is true, 0 elsewhere (broadcast together). */
  static Tensor keepWhere(Tensor mask, Tensor g) {
    return Tensor.where(mask, g, zeros(g, new int[0]));
  }

  /** A dim wrapped into {@code [0, rank)}, as the forward op did (a 0-d tensor has one dim). */
  static int wrap(int dim, int rank) {
    return dim < 0 ? dim + Math.max(rank, 1) : dim;
  }

  /** Which dims of a rank-{@code rank} input a reduction over {@code dims} (null: all) removed. */
  static boolean[] reduced(int[] dims, int rank) {
    boolean[] r = new boolean[rank];
    if (dims == null) {
      Arrays.fill(r, true);
    } else if (rank > 0) {
      for (int d : dims) {
        r[wrap(d, rank)] = true;
      }
    }
    return r;
  }

  /**
   * The result (or gradient) of a reduction over {@code dims} (null: all) of an input of
   * {@code shape}, viewed with size 1 in each reduced dim so that it broadcasts against the input.
   */
  static Tensor keptDims(Tensor reducedResult, int[] dims, boolean keepdim, int[] shape) {
    boolean[] r = reduced(dims, shape.length);
    int[] kept = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      kept[d] = r[d] ? 1 : shape[d];
    }
    return reducedResult.reshape(kept);
  }

  /** Number of elements a reduction over {@code dims} (null: all) folds into each result. */
  static int reducedCount(int[] dims, int[] shape) {
    boolean[] r = reduced(dims, shape.length);
    int n = 1;
    for (int d = 0; d < shape.length; d++) {
      n *= r[d] ? shape[d] : 1;
    }
    return n;
  }
}
