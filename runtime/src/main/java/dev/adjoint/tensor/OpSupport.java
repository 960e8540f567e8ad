package dev.adjoint.tensor;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.backend.Pointwise;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Small helpers shared by the op families, forwards and adjoints alike; not part of the rule table.
 */
final class OpSupport {
  private OpSupport() {}

  // ---------------------------------------------------------------- for forwards

  /**
   * {@code body} run without recording: a composite op records one node for itself, so the ops
   * it is built from must record none (Tensor.setGradFn refuses a second node on one result).
   */
  static <T> T untracked(Supplier<T> body) {
    return GradMode.noGrad(body);
  }

  /** Refuses operands on two devices, naming {@code op}. */
  static void checkSameDevice(Tensor self, String op, Tensor other) {
    if (!self.device().equals(other.device())) {
      throw new IllegalArgumentException(op + ": expected all tensors to be on the same device,"
          + " but found at least two devices, " + self.device() + " and " + other.device());
    }
  }

  /** {@code a} with {@code v} inserted at position {@code i}. */
  static int[] insert(int[] a, int i, int v) {
    int[] out = new int[a.length + 1];
    System.arraycopy(a, 0, out, 0, i);
    out[i] = v;
    System.arraycopy(a, i, out, i + 1, a.length - i);
    return out;
  }

  /** {@code a} followed by {@code b}. */
  static int[] concat(int[] a, int... b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---------------------------------------------------------------- for adjoints

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

  /**
   * {@code keepWhere(a.gt(threshold), g)} ({@code g} where {@code a > threshold}, 0 elsewhere
   * and where {@code a} is NaN), in one kernel pass without the bool mask when {@code a} and
   * {@code g} have one shape, one floating dtype and one device.
   */
  static Tensor keepWhereGreater(Tensor a, double threshold, Tensor g) {
    if (a.dtype() != g.dtype() || !g.dtype().isFloatingPoint() || !a.device().equals(g.device())
        || !Arrays.equals(a.shape, g.shape)) {
      return keepWhere(a.gt(threshold), g);
    }
    // Written in full by the kernel (the backend's contract).
    Tensor out = Tensor.uninitialized(g.dtype(), g.device(), g.shape);
    out.backend().keepWhereGreater(a.storage, a.layout, threshold, g.storage, g.layout,
        out.storage, out.layout);
    return out;
  }

  /** A dim wrapped into {@code [0, rank)}, as the forward op did (a 0-d tensor has one dim). */
  static int wrap(int dim, int rank) {
    return dim < 0 ? dim + Math.max(rank, 1) : dim;
  }

  /** Which dims of a rank-{@code rank} input a reduction over {@code dims} (null: all) removed. */
  private static boolean[] reduced(int[] dims, int rank) {
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
