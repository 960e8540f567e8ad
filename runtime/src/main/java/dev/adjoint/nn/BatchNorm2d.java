package dev.adjoint.nn;

import dev.adjoint.annotations.Layer;
import java.util.Map;

/**
 * Batch normalisation over {@code [N, C, H, W]} inputs ({@code nn.BatchNorm2d}):
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} per channel; see {@link BatchNorm}
 * for the statistics, the running buffers and their {@code state_dict} names.
 */
@Layer
public class BatchNorm2d extends BatchNorm {
  /** {@code eps = 1e-5}, {@code momentum = 0.1}, affine, tracking running statistics. */
  public BatchNorm2d(int numFeatures) {
    this(numFeatures, 1e-5, 0.1, true, true);
  }

  /**
   * Every option.
   *
   * @throws IllegalArgumentException for a non-positive {@code numFeatures}, a negative
   *     {@code eps} or a {@code momentum} outside {@code [0, 1]}
   */
  public BatchNorm2d(int numFeatures, double eps, double momentum, boolean affine,
      boolean trackRunningStats) {
    super(numFeatures, eps, momentum, affine, trackRunningStats);
  }

  @Override
  protected int[] reducedDims(int[] shape) {
    return reducedDims(shape, 4);
  }

  /**
   * Rebuilds a {@code BatchNorm2d} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static BatchNorm2d fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(BatchNorm2d.class, config);
    return new BatchNorm2d(c.intValue("numFeatures"), c.doubleValue("eps"), c.doubleValue("momentum"),
        c.booleanValue("affine"), c.booleanValue("trackRunningStats"));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): with {@code affine}, {@code weight} and {@code bias}
   * {@code [numFeatures]}; with {@code trackRunningStats}, {@code running_mean} and {@code
   * running_var} {@code [numFeatures]} and {@code num_batches_tracked} {@code []}.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return stateShapes(BatchNorm2d.class, config);
  }
}
