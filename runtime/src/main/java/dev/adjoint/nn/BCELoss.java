package dev.adjoint.nn;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Binary cross entropy between probabilities and targets, {@code nn.BCELoss}: {@code -weight *
 * (y log x + (1 - y) log(1 - x))} per element, then reduced (the mean by default). As in PyTorch
 * each logarithm is clamped at -100, so probabilities of exactly 0 or 1 give finite losses, and
 * the gradient is PyTorch's {@code (x - y) / max(x (1 - x), 1e-12)} (see {@link
 * LossOps#binaryCrossEntropy}). For logits, {@link BCEWithLogitsLoss} is more stable.
 *
 * <pre>{@code
 * var lossFn = new BCELoss();
 * Tensor loss = lossFn.call(model.call(x).sigmoid(), y);   // y: floats in [0, 1]
 * }</pre>
 */
@Layer
public class BCELoss extends Module implements Configurable {
  /** A weight broadcast over the elements, or null ({@code register_buffer('weight', ...)}). */
  @Buffer Tensor weight;
  final Reduction reduction;

  /** Unweighted, the mean. */
  public BCELoss() {
    this(null, Reduction.MEAN);
  }

  /** Unweighted, with the given reduction. */
  public BCELoss(Reduction reduction) {
    this(null, reduction);
  }

  /**
   * Unweighted, with the reduction PyTorch names {@code reduction} ({@code "mean"}, {@code "sum"}
   * or {@code "none"}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public BCELoss(String reduction) {
    this(null, Reduction.of(reduction));
  }

  /**
   * With a weight that multiplies each element's loss (broadcast to the input's shape; null for
   * none) and a reduction.
   *
   * @throws IllegalArgumentException when {@code weight} is not floating point
   */
  public BCELoss(Tensor weight, Reduction reduction) {
    this.weight = LossChecks.floatingWeight("BCELoss", "weight", weight);
    this.reduction = LossChecks.reduction(reduction);
  }

  /** The elementwise weight, or null. */
  public Tensor weight() {
    return weight;
  }

  /** The reduction this loss applies. */
  public Reduction reduction() {
    return reduction;
  }

  /**
   * The loss of probabilities {@code input} against {@code target} (same shape, floating point);
   * a 0-d tensor unless the reduction is {@link Reduction#NONE}.
   *
   * @throws IllegalArgumentException when the shapes differ, a tensor is not floating point, an
   *     input element lies outside {@code [0, 1]}, or the weight does not broadcast to the input
   */
  @Forward
  public Tensor forward(Tensor input, Tensor target) {
    LossChecks.sameShapeFloatingTarget("BCELoss", input, target);
    LossChecks.probabilities("BCELoss", input);
    LossChecks.broadcastsTo("BCELoss", "weight", weight, input);
    Tensor loss = LossOps.binaryCrossEntropy(input, target);
    if (weight != null) {
      loss = loss.mul(weight.to(input.dtype()));
    }
    if (reduction == Reduction.MEAN) {
      return loss.mean();
    }
    if (reduction == Reduction.SUM) {
      return loss.sum();
    }
    return loss;
  }

  /**
   * The constructor arguments that rebuild this loss, the weight included (see {@link
   * Configurable}).
   */
  @Override
  public Map<String, Object> config() {
    return LayerConfig.of("weight", weight, "reduction", reduction.toString());
  }

  /**
   * Rebuilds a {@code BCELoss} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static BCELoss fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(BCELoss.class, config);
    return new BCELoss(c.tensor("weight"), Reduction.of(c.string("reduction")));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): {@code weight} when it has one.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Layers.tensorShapes(LayerConfig.read(BCELoss.class, config), "weight");
  }
}
