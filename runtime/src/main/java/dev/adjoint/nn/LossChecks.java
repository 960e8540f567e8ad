package dev.adjoint.nn;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Argument checks shared by the losses, run at the start of their {@code @Forward} methods so that
 * bad input fails before any arithmetic, with a message naming the loss and the shapes, dtypes or
 * values involved. Not part of the differentiated code: they read tensors but compute none.
 */
final class LossChecks {
  private LossChecks() {}

  /** A floating point input of exactly the target's shape (no silent broadcasting). */
  static void sameShape(String loss, Tensor input, Tensor target) {
    floatingInput(loss, input);
    if (target == null) {
      throw new NullPointerException(loss + ": target");
    }
    if (!Arrays.equals(input.shape(), target.shape())) {
      throw new IllegalArgumentException(loss + ": target shape " + str(target.shape())
          + " does not match input shape " + str(input.shape()) + "; the loss compares them"
          + " element by element, so they must have the same size (PyTorch would broadcast"
          + " them with a warning)");
    }
  }

  /** Like {@link #sameShape}, and the target is floating point (probabilities). */
  static void sameShapeFloatingTarget(String loss, Tensor input, Tensor target) {
    sameShape(loss, input, target);
    if (!target.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(loss + ": expected a floating point target"
          + " (probabilities), got " + target.dtype() + "; convert it with toFloat()");
    }
  }

  static void floatingInput(String loss, Tensor input) {
    if (input == null) {
      throw new NullPointerException(loss + ": input");
    }
    if (!input.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(loss + ": expected a floating point input, got "
          + input.dtype());
    }
  }

  /**
   * Checks class-index targets for an input of scores or log-probabilities {@code [N, C, d1...]}
   * (or {@code [C]} unbatched): the target is int64 with the input's shape less the class
   * dimension, every value is a class in {@code [0, C)} or {@code ignoreIndex}, and {@code weight}
   * (when given) has {@code C} elements. Returns {@code C}.
   */
  static int classIndices(String loss, Tensor input, Tensor target, Tensor weight,
      long ignoreIndex) {
    int classes = classCount(loss, input, weight);
    if (target == null) {
      throw new NullPointerException(loss + ": target");
    }
    int[] expected = withoutClassDim(input.shape());
    if (target.dtype() != DType.INT64) {
      throw new IllegalArgumentException(loss + ": expected a target of class indices of dtype "
          + DType.INT64 + " with shape " + str(expected) + ", got " + target.dtype()
          + " target of shape " + str(target.shape()));
    }
    if (!Arrays.equals(expected, target.shape())) {
      throw new IllegalArgumentException(loss + ": expected target shape " + str(expected)
          + " for input of shape " + str(input.shape()) + " (the input's shape without its class"
          + " dimension " + (input.dim() == 1 ? 0 : 1) + "), got target of shape "
          + str(target.shape()));
    }
    // On the target's device: no host copy of the targets per step. An ignoreIndex beyond 2^53
    // would not survive the double; PyTorch's -100 and any class count do.
    NnKernels.checkRange(target, 0, classes - 1, ignoreIndex,
        t -> new IndexOutOfBoundsException(loss + ": target " + (long) t + " is out of bounds"
            + " for " + classes + " classes (expected 0 <= target < " + classes
            + ", or ignoreIndex " + ignoreIndex + ")"));
    return classes;
  }

  /**
   * Checks a cross-entropy target: class probabilities when it is floating point (see {@link
   * #classProbabilities}), class indices otherwise (see {@link #classIndices}). Returns {@code C}.
   */
  static int classTargets(String loss, Tensor input, Tensor target, Tensor weight,
      long ignoreIndex) {
    if (target == null) {
      throw new NullPointerException(loss + ": target");
    }
    return target.dtype().isFloatingPoint()
        ? classProbabilities(loss, input, target, weight, ignoreIndex)
        : classIndices(loss, input, target, weight, ignoreIndex);
  }

  /**
   * The shape {@code [1, C, 1, ...]} of {@code rank} dimensions that lines a class weight up with
   * the class dimension 1.
   */
  static int[] classShape(int rank, int classes) {
    int[] shape = new int[rank];
    Arrays.fill(shape, 1);
    shape[1] = classes;
    return shape;
  }

  /**
   * Checks class-probability targets: floating point with exactly the input's shape, and no
   * non-negative {@code ignoreIndex} (which only class indices can name). Returns {@code C}.
   */
  static int classProbabilities(String loss, Tensor input, Tensor target, Tensor weight,
      long ignoreIndex) {
    int classes = classCount(loss, input, weight);
    if (target == null) {
      throw new NullPointerException(loss + ": target");
    }
    if (!Arrays.equals(input.shape(), target.shape())) {
      throw new IllegalArgumentException(loss + ": a " + target.dtype() + " target holds class"
          + " probabilities and must have the input's shape " + str(input.shape()) + ", got "
          + str(target.shape()) + "; a target of class indices must be " + DType.INT64
          + " with shape " + str(withoutClassDim(input.shape())));
    }
    if (ignoreIndex >= 0) {
      throw new IllegalArgumentException(loss + ": ignoreIndex (" + ignoreIndex + ") is not"
          + " supported for class-probability (floating point) targets");
    }
    return classes;
  }

  /** The number of classes of a {@code [N, C, ...]} or {@code [C]} input, checking the weight. */
  private static int classCount(String loss, Tensor input, Tensor weight) {
    floatingInput(loss, input);
    if (input.dim() == 0) {
      throw new IllegalArgumentException(loss + ": expected an input with 1 or more dimensions"
          + " ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor");
    }
    int classes = input.size(input.dim() == 1 ? 0 : 1);
    if (weight != null && (weight.dim() != 1 || weight.numel() != classes)) {
      throw new IllegalArgumentException(loss + ": weight tensor should be defined either for"
          + " all " + classes + " classes or no classes but got weight tensor of shape "
          + str(weight.shape()));
    }
    return classes;
  }

  /** A class weight given to a constructor: null, or a 1-d floating point tensor. */
  static Tensor classWeight(String loss, Tensor weight) {
    if (weight != null && (weight.dim() != 1 || !weight.dtype().isFloatingPoint())) {
      throw new IllegalArgumentException(loss + ": weight must be a 1-d floating point tensor"
          + " with one value per class, got " + weight.dtype() + " of shape "
          + str(weight.shape()));
    }
    return weight;
  }

  /** An elementwise weight given to a constructor: null, or floating point. */
  static Tensor floatingWeight(String loss, String what, Tensor weight) {
    if (weight != null && !weight.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(loss + ": " + what + " must be a floating point"
          + " tensor, got " + weight.dtype());
    }
    return weight;
  }

  /** {@code weight} (when given) broadcasts to {@code input}'s shape without enlarging it. */
  static void broadcastsTo(String loss, String what, Tensor weight, Tensor input) {
    if (weight == null) {
      return;
    }
    int[] w = weight.shape();
    int[] s = input.shape();
    boolean ok = w.length <= s.length;
    for (int i = 1; ok && i <= w.length; i++) {
      int size = w[w.length - i];
      ok = size == 1 || size == s[s.length - i];
    }
    if (!ok) {
      throw new IllegalArgumentException(loss + ": " + what + " of shape " + str(w)
          + " cannot be broadcast to the input's shape " + str(s));
    }
  }

  /** Every element of {@code input} lies in {@code [0, 1]} (NaN does not). */
  static void probabilities(String loss, Tensor input) {
    NnKernels.checkRange(input, 0, 1, Double.NaN,
        v -> new IllegalArgumentException(loss + ": all elements of input should be between 0"
            + " and 1, found " + v));
  }

  /** A reduction given to a constructor. */
  static Reduction reduction(Reduction reduction) {
    return Objects.requireNonNull(reduction, "reduction");
  }

  /** {@code shape} without the class dimension (1, or 0 for an unbatched 1-d input). */
  private static int[] withoutClassDim(int[] shape) {
    int c = shape.length == 1 ? 0 : 1;
    int[] out = new int[shape.length - 1];
    System.arraycopy(shape, 0, out, 0, c);
    System.arraycopy(shape, c + 1, out, c, shape.length - c - 1);
    return out;
  }

  private static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
