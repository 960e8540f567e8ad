package dev.adjoint.nn;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Batch normalisation per channel (dim 1), the common base of {@link BatchNorm1d} and
 * {@link BatchNorm2d} ({@code torch.nn.modules.batchnorm._BatchNorm}):
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}. A subclass says only which inputs it
 * accepts ({@link #reducedDims(int[])}); the parameters, buffers, {@code @Forward} method and
 * generated backward are this class's.
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
public abstract class BatchNorm extends Module implements Configurable {
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

  /**
   * Every option.
   *
   * @throws IllegalArgumentException for a non-positive {@code numFeatures}, a negative
   *     {@code eps} or a {@code momentum} outside {@code [0, 1]}
   */
  protected BatchNorm(int numFeatures, double eps, double momentum, boolean affine,
      boolean trackRunningStats) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException(name() + ": num_features must be positive, got "
          + numFeatures);
    }
    if (!(eps >= 0)) {
      throw new IllegalArgumentException(name() + ": eps must be non-negative, got " + eps);
    }
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(name() + ": momentum must be in [0, 1], got "
          + momentum);
    }
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
      // A 0-d int64 zero, as PyTorch's.
      num_batches_tracked = Tensor.zeros(DType.INT64);
    }
  }

  /**
   * The dims the statistics are taken over for an input of {@code shape}: every dim but the
   * channel dim 1, after checking that this layer accepts the input (see
   * {@link #reducedDims(int[], int...)}).
   *
   * @throws IllegalArgumentException for an input this layer does not accept
   */
  protected abstract int[] reducedDims(int[] shape);

  /**
   * Every dim of {@code shape} but the channel dim 1, for a subclass's
   * {@link #reducedDims(int[])}.
   *
   * @param ranks the input ranks the layer accepts (one or two)
   * @throws IllegalArgumentException when the rank is not one of {@code ranks} or the channel
   *     count is not {@code numFeatures}
   */
  protected final int[] reducedDims(int[] shape, int... ranks) {
    if (Arrays.stream(ranks).noneMatch(r -> r == shape.length)) {
      String expected = ranks.length == 1 ? ranks[0] + "D" : ranks[0] + "D or " + ranks[1] + "D";
      throw new IllegalArgumentException(name() + ": expected " + expected + " input (got "
          + shape.length + "D input of shape " + Arrays.toString(shape) + ")");
    }
    if (shape[1] != numFeatures) {
      throw new IllegalArgumentException(name() + ": expected input with " + numFeatures
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

  /** Normalises {@code input} per channel; in training also updates the running statistics. */
  @Forward
  public Tensor forward(Tensor input) {
    int[] dims = reducedDims(input.shape());
    int[] shape = channelShape(input.dim());
    Tensor y;
    if (training() || !trackRunningStats) {
      int n = valuesPerChannel(input.shape());
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

  /** {@code [1, C, 1, ...]}: per-channel values broadcast against an input of {@code rank}. */
  final int[] channelShape(int rank) {
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
  final int valuesPerChannel(int[] shape) {
    int n = 1;
    for (int d = 0; d < shape.length; d++) {
      n *= d == 1 ? 1 : shape[d];
    }
    if (n <= 1) {
      throw new IllegalArgumentException(name() + ": expected more than 1 value per channel when"
          + " training, got input size " + Arrays.toString(shape));
    }
    return n;
  }

  /** The name messages and {@link #toString()} use: the class's simple name. */
  private String name() {
    return getClass().getSimpleName();
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
   * The state shapes of a batch norm layer of class {@code type} built from {@code config}, for
   * a subclass's {@code stateShapes}: with {@code affine}, {@code weight} and {@code bias}
   * {@code [numFeatures]}; with {@code trackRunningStats}, {@code running_mean} and
   * {@code running_var} {@code [numFeatures]} and {@code num_batches_tracked} {@code []}.
   */
  static Map<String, int[]> stateShapes(Class<? extends BatchNorm> type, Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(type, config);
    int n = c.intValue("numFeatures");
    boolean affine = c.booleanValue("affine");
    boolean track = c.booleanValue("trackRunningStats");
    return Layers.shapes("weight", affine ? new int[] {n} : null, "bias",
        affine ? new int[] {n} : null, "running_mean", track ? new int[] {n} : null,
        "running_var", track ? new int[] {n} : null, "num_batches_tracked",
        track ? new int[0] : null);
  }

  @Override
  public String toString() {
    return name() + "(" + numFeatures + ", eps=" + Layers.py(eps) + ", momentum="
        + Layers.py(momentum) + ", affine=" + Layers.py(affine) + ", track_running_stats="
        + Layers.py(trackRunningStats) + ")";
  }
}
