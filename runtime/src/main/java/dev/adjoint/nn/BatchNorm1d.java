package dev.adjoint.nn;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Batch normalisation over {@code [N, C]} or {@code [N, C, L]} inputs ({@code nn.BatchNorm1d}):
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} per channel.
 *
 * <p>In training mode {@code mean} and {@code var} are the batch's (the biased variance), and the
 * running statistics move towards them: {@code running = (1 - momentum) running + momentum
 * batch}, with the unbiased variance for {@code running_var}; {@code num_batches_tracked} counts
 * the updates. In evaluation mode the running statistics are used. Without
 * {@code trackRunningStats} there are none and batch statistics are used in both modes.
 *
 * <p>The buffers keep PyTorch's {@code state_dict} names ({@code running_mean},
 * {@code running_var}, {@code num_batches_tracked}), hence the field names. {@code weight} starts
 * at 1 and {@code bias} at 0.
 */
@Layer
public class BatchNorm1d extends Module implements Configurable {
  @Param Tensor weight;
  @Param Tensor bias;
  @Buffer Tensor running_mean;
  @Buffer Tensor running_var;
  @Buffer Tensor num_batches_tracked;
  final int numFeatures;
  final double eps;
  final double momentum;
  final boolean affine;
  final boolean trackRunningStats;

  /** {@code eps = 1e-5}, {@code momentum = 0.1}, affine, tracking running statistics. */
  public BatchNorm1d(int numFeatures) {
    this(numFeatures, 1e-5, 0.1, true, true);
  }

  /**
   * Every option.
   *
   * @throws IllegalArgumentException for a non-positive {@code numFeatures}, a negative
   *     {@code eps} or a {@code momentum} outside {@code [0, 1]}
   */
  public BatchNorm1d(int numFeatures, double eps, double momentum, boolean affine,
      boolean trackRunningStats) {
    BatchNorms.checkFeatures("BatchNorm1d", numFeatures, eps, momentum);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    if (affine) {
      weight = Tensor.ones(numFeatures);
      bias = Tensor.zeros(numFeatures);
    }
    if (trackRunningStats) {
      running_mean = Tensor.zeros(numFeatures);
      running_var = Tensor.ones(numFeatures);
      num_batches_tracked = BatchNorms.zeroCount();
    }
  }

  /** Normalises {@code input} per channel; in training also updates the running statistics. */
  @Forward
  public Tensor forward(Tensor input) {
    int[] dims = BatchNorms.reducedDims("BatchNorm1d", input.shape(), numFeatures, 2, 3);
    int[] shape = BatchNorms.channelShape(input.dim(), numFeatures);
    Tensor y;
    if (training() || !trackRunningStats) {
      int n = BatchNorms.valuesPerChannel("BatchNorm1d", input.shape());
      Tensor mean = input.mean(dims, true);
      Tensor var = input.var(dims, 0, true);
      y = input.sub(mean).div(var.add(eps).sqrt());
      if (training() && trackRunningStats) {
        Tensor batchMean = mean.detach().reshape(numFeatures).to(running_mean.dtype());
        Tensor batchVar = var.detach().reshape(numFeatures).to(running_var.dtype());
        running_mean = running_mean.mul(1 - momentum).add(batchMean.mul(momentum));
        running_var = running_var.mul(1 - momentum).add(batchVar.mul(momentum * n / (n - 1.0)));
        num_batches_tracked = num_batches_tracked.add(1L);
      }
    } else {
      Tensor runningMean = running_mean.view(shape);
      Tensor runningStd = running_var.view(shape).add(eps).sqrt();
      y = input.sub(runningMean).div(runningStd);
    }
    if (affine) {
      y = y.mul(weight.view(shape)).add(bias.view(shape));
    }
    return y;
  }

  /** The number of channels. */
  public int numFeatures() {
    return numFeatures;
  }

  /** The constructor arguments that rebuild this layer (see {@link Configurable}). */
  @Override
  public Map<String, Object> config() {
    return LayerConfig.of("numFeatures", numFeatures, "eps", eps, "momentum", momentum, "affine",
        affine, "trackRunningStats", trackRunningStats);
  }

  /**
   * Rebuilds a {@code BatchNorm1d} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static BatchNorm1d fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(BatchNorm1d.class, config);
    return new BatchNorm1d(c.intValue("numFeatures"), c.doubleValue("eps"),
        c.doubleValue("momentum"),
        c.booleanValue("affine"), c.booleanValue("trackRunningStats"));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): with {@code affine}, {@code weight} and {@code bias}
   * {@code [numFeatures]}; with {@code trackRunningStats}, {@code running_mean} and {@code
   * running_var} {@code [numFeatures]} and {@code num_batches_tracked} {@code []}.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return BatchNorms.stateShapes(LayerConfig.read(BatchNorm1d.class, config));
  }

  @Override
  public String toString() {
    return BatchNorms.repr("BatchNorm1d", numFeatures, eps, momentum, affine,
        trackRunningStats);
  }
}
