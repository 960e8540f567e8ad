package dev.adjoint.nn;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Negative log-likelihood loss, {@code nn.NLLLoss}: for log-probabilities {@code input} of shape
 * {@code [N, C]}, {@code [N, C, d1, ...]} or {@code [C]} and int64 class indices {@code target}
 * of shape {@code [N]}, {@code [N, d1, ...]} or {@code []}, the loss of each element is
 * {@code -weight[t] * input[n, t]} with {@code t = target[n]}.
 *
 * <p>Targets equal to {@code ignoreIndex} (default -100) contribute 0 and do not count. The mean
 * divides by the sum of the weights of the counted targets ({@code sum(weight[t])}, or their
 * number without weights), exactly as PyTorch; when every target is ignored it is NaN, as in
 * PyTorch.
 *
 * <pre>{@code
 * var lossFn = new NLLLoss(Tensor.of(1f, 2f, 0.5f), -100, Reduction.MEAN);
 * Tensor loss = lossFn.call(logProbs, labels);
 * }</pre>
 */
@Layer
public class NLLLoss extends Module implements Configurable {
  /** A weight per class, or null for all ones ({@code register_buffer('weight', ...)}). */
  @Buffer Tensor weight;
  final long ignoreIndex;
  final Reduction reduction;

  /** Unweighted, {@code ignoreIndex} -100, the mean. */
  public NLLLoss() {
    this(null, -100, Reduction.MEAN);
  }

  /** Unweighted, {@code ignoreIndex} -100, with the given reduction. */
  public NLLLoss(Reduction reduction) {
    this(null, -100, reduction);
  }

  /**
   * Unweighted, {@code ignoreIndex} -100, with the reduction PyTorch names {@code reduction}
   * ({@code "mean"}, {@code "sum"} or {@code "none"}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public NLLLoss(String reduction) {
    this(null, -100, Reduction.of(reduction));
  }

  /**
   * With a weight per class (null for none), {@code ignoreIndex} -100, the mean.
   *
   * @throws IllegalArgumentException when {@code weight} is not a 1-d floating point tensor
   */
  public NLLLoss(Tensor weight) {
    this(weight, -100, Reduction.MEAN);
  }

  /**
   * With a weight per class (null for none), the target value to ignore, and a reduction.
   *
   * @throws IllegalArgumentException when {@code weight} is not a 1-d floating point tensor
   */
  public NLLLoss(Tensor weight, long ignoreIndex, Reduction reduction) {
    this.weight = LossChecks.classWeight("NLLLoss", weight);
    this.ignoreIndex = ignoreIndex;
    this.reduction = LossChecks.reduction(reduction);
  }

  /** The weight per class, or null. */
  public Tensor weight() {
    return weight;
  }

  /** The target value that contributes nothing. */
  public long ignoreIndex() {
    return ignoreIndex;
  }

  /** The reduction this loss applies. */
  public Reduction reduction() {
    return reduction;
  }

  /**
   * The loss of log-probabilities {@code input} against class indices {@code target}: a 0-d
   * tensor, or with {@link Reduction#NONE} one value per target element.
   *
   * @throws IllegalArgumentException when the input is not floating point or has no dimensions,
   *     the target is not int64 or its shape is not the input's without the class dimension, or
   *     the weight does not have one value per class
   * @throws IndexOutOfBoundsException when a target is not a class (nor {@code ignoreIndex})
   */
  @Forward
  public Tensor forward(Tensor input, Tensor target) {
    LossChecks.classIndices("NLLLoss", input, target, weight, ignoreIndex);
    boolean unbatched = input.dim() == 1;
    Tensor logProbs = input;
    Tensor index = target;
    if (unbatched) {
      logProbs = input.unsqueeze(0);
      index = target.unsqueeze(0);
    }
    // Exact in int64 (a - b == 0 only where a == b), unlike a float comparison.
    Tensor ignored = index.sub(ignoreIndex).eq(0.0);
    // Ignored targets pick class 0 (always valid) and then get weight 0.
    Tensor safeIndex = index.maskedFill(ignored, 0.0);
    // Masked rather than only weighted by 0, so that an ignored -inf gives 0, not NaN.
    Tensor picked = logProbs.gather(1, safeIndex.unsqueeze(1)).squeeze(1);
    picked = picked.maskedFill(ignored, 0.0);
    Tensor counted = ignored.logicalNot().to(logProbs.dtype());
    if (weight != null) {
      Tensor classWeights = weight.to(logProbs.dtype()).indexSelect(0, safeIndex.flatten());
      counted = classWeights.view(safeIndex.shape()).mul(counted);
    }
    Tensor loss = picked.mul(counted).neg();
    if (reduction == Reduction.MEAN) {
      return loss.sum().div(counted.sum());
    }
    if (reduction == Reduction.SUM) {
      return loss.sum();
    }
    if (unbatched) {
      return loss.squeeze(0);
    }
    return loss;
  }

  /**
   * The constructor arguments that rebuild this loss, the class weight included (see {@link
   * Configurable}).
   */
  @Override
  public Map<String, Object> config() {
    return LayerConfig.of("weight", weight, "ignoreIndex", ignoreIndex, "reduction",
        reduction.toString());
  }

  /**
   * Rebuilds a {@code NLLLoss} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static NLLLoss fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(NLLLoss.class, config);
    return new NLLLoss(c.tensor("weight"), c.longValue("ignoreIndex"),
        Reduction.of(c.string("reduction")));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): {@code weight} when it has one.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Layers.tensorShapes(LayerConfig.read(NLLLoss.class, config), "weight");
  }
}
