package dev.adjoint.nn;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/** Shape checks and state shared by {@link BatchNorm1d} and {@link BatchNorm2d}. */
final class BatchNorms {
  private BatchNorms() {}

  /**
   * The dims a batch norm averages over for an input of {@code shape}: every dim but the channel
   * dim 1.
   *
   * @throws IllegalArgumentException when the rank is not one of {@code ranks} or the channel
   *     count is not {@code numFeatures}
   */
  static int[] reducedDims(String layer, int[] shape, int numFeatures, int... ranks) {
    if (Arrays.stream(ranks).noneMatch(r -> r == shape.length)) {
      String expected = ranks.length == 1 ? ranks[0] + "D" : ranks[0] + "D or " + ranks[1] + "D";
      throw new IllegalArgumentException(layer + ": expected " + expected + " input (got "
          + shape.length + "D input of shape " + Arrays.toString(shape) + ")");
    }
    if (shape[1] != numFeatures) {
      throw new IllegalArgumentException(layer + ": expected input with " + numFeatures
          + " channels in dim 1 (num_features), got shape " + Arrays.toString(shape));
    }
    int[] dims = new int[shape.length - 1];
    for (int d = 0, k = 0; d < shape.length; d++) {
      if (d != 1) {
        dims[k++] = d;
      }
    }
    return dims;
  }

  /** {@code [1, C, 1, ...]}: per-channel values broadcast against an input of {@code rank}. */
  static int[] channelShape(int rank, int numFeatures) {
    int[] s = new int[rank];
    Arrays.fill(s, 1);
    s[1] = numFeatures;
    return s;
  }

  /**
   * Values per channel of a training batch.
   *
   * @throws IllegalArgumentException for one value per channel, whose variance is undefined
   */
  static int valuesPerChannel(String layer, int[] shape) {
    int n = 1;
    for (int d = 0; d < shape.length; d++) {
      n *= d == 1 ? 1 : shape[d];
    }
    if (n <= 1) {
      throw new IllegalArgumentException(layer + ": expected more than 1 value per channel when"
          + " training, got input size " + Arrays.toString(shape));
    }
    return n;
  }

  static void checkFeatures(String layer, int numFeatures, double eps, double momentum) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException(layer + ": num_features must be positive, got "
          + numFeatures);
    }
    if (!(eps >= 0)) {
      throw new IllegalArgumentException(layer + ": eps must be non-negative, got " + eps);
    }
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(layer + ": momentum must be in [0, 1], got " + momentum);
    }
  }

  /** The state shapes of a batch norm layer built from {@code c} (see {@code stateShapes}). */
  static Map<String, int[]> stateShapes(LayerConfig c) {
    int n = c.intValue("numFeatures");
    boolean affine = c.booleanValue("affine");
    boolean track = c.booleanValue("trackRunningStats");
    return Layers.shapes("weight", affine ? new int[] {n} : null, "bias",
        affine ? new int[] {n} : null, "running_mean", track ? new int[] {n} : null,
        "running_var", track ? new int[] {n} : null, "num_batches_tracked",
        track ? new int[0] : null);
  }

  /** The initial {@code num_batches_tracked}: a 0-d int64 zero, as PyTorch's. */
  static Tensor zeroCount() {
    return Tensor.zeros(DType.INT64);
  }

  static String repr(String layer, int numFeatures, double eps, double momentum, boolean affine,
      boolean trackRunningStats) {
    return layer + "(" + numFeatures + ", eps=" + Layers.py(eps) + ", momentum="
        + Layers.py(momentum) + ", affine=" + Layers.py(affine) + ", track_running_stats="
        + Layers.py(trackRunningStats) + ")";
  }
}
