package dev.adjoint.nn;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Binary cross entropy on logits, {@code nn.BCEWithLogitsLoss}: {@code BCELoss(sigmoid(x), y)}
 * computed without forming {@code sigmoid(x)}, so logits of any size (1e30 included) give finite
 * losses and the gradient {@code sigmoid(x) - y}.
 *
 * <p>Per element the loss is {@code weight * ((1 - y) x + l * softplus(-x))} with {@code l = 1 +
 * (posWeight - 1) y}, and {@code softplus(-x) = log(1 + e^-x)} evaluated as PyTorch does, {@code
 * m + log(e^-m + e^(-x-m))} with {@code m = max(-x, 0)}: neither exponent is positive. Without
 * {@code posWeight} this is the familiar {@code max(x, 0) - x y + log(1 + e^-|x|)}.
 * {@code posWeight} (broadcast over the last dimension, one value per class) weighs the positive
 * examples: above 1 it raises recall, below 1 precision.
 *
 * <pre>{@code
 * var lossFn = new BCEWithLogitsLoss(null, Reduction.MEAN, Tensor.of(3f, 1f, 1f));
 * Tensor loss = lossFn.call(logits, y);   // y: floats in [0, 1], logits' shape
 * }</pre>
 */
@Layer
public class BCEWithLogitsLoss extends Module implements Configurable {
  /** A weight broadcast over the elements, or null ({@code register_buffer('weight', ...)}). */
  @Buffer Tensor weight;
  /** The weight of positive examples, or null ({@code register_buffer('pos_weight', ...)}). */
  @Buffer Tensor posWeight;
  final Reduction reduction;

  /** Unweighted, the mean. */
  public BCEWithLogitsLoss() {
    this(null, Reduction.MEAN, null);
  }

  /** Unweighted, with the given reduction. */
  public BCEWithLogitsLoss(Reduction reduction) {
    this(null, reduction, null);
  }

  /**
   * Unweighted, with the reduction PyTorch names {@code reduction} ({@code "mean"}, {@code "sum"}
   * or {@code "none"}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public BCEWithLogitsLoss(String reduction) {
    this(null, Reduction.of(reduction), null);
  }

  /**
   * With every option of {@code nn.BCEWithLogitsLoss}.
   *
   * @param weight multiplies each element's loss (broadcast to the input's shape), or null
   * @param reduction how the per-element losses are folded
   * @param posWeight the weight of positive examples (broadcast to the input's shape, usually
   *     one value per class), or null
   * @throws IllegalArgumentException when {@code weight} or {@code posWeight} is not floating
   *     point
   */
  public BCEWithLogitsLoss(Tensor weight, Reduction reduction, Tensor posWeight) {
    this.weight = LossChecks.floatingWeight("BCEWithLogitsLoss", "weight", weight);
    this.posWeight = LossChecks.floatingWeight("BCEWithLogitsLoss", "posWeight", posWeight);
    this.reduction = LossChecks.reduction(reduction);
  }

  /** The elementwise weight, or null. */
  public Tensor weight() {
    return weight;
  }

  /** The weight of positive examples, or null. */
  public Tensor posWeight() {
    return posWeight;
  }

  /** The reduction this loss applies. */
  public Reduction reduction() {
    return reduction;
  }

  /**
   * The loss of logits {@code input} against {@code target} (same shape, floating point); a 0-d
   * tensor unless the reduction is {@link Reduction#NONE}.
   *
   * @throws IllegalArgumentException when the shapes differ, a tensor is not floating point, or
   *     a weight does not broadcast to the input
   */
  @Forward
  public Tensor forward(Tensor input, Tensor target) {
    LossChecks.sameShapeFloatingTarget("BCEWithLogitsLoss", input, target);
    LossChecks.broadcastsTo("BCEWithLogitsLoss", "weight", weight, input);
    LossChecks.broadcastsTo("BCEWithLogitsLoss", "posWeight", posWeight, input);
    // softplus(-x) = m + log(e^-m + e^(-x-m)) with m = max(-x, 0). Its value does not depend on
    // m, so the gradient through m cancels exactly, the kink of max at 0 included.
    Tensor shift = input.neg().clampMin(0.0);
    Tensor sum = shift.neg().exp().add(input.neg().sub(shift).exp());
    Tensor softplusNeg = sum.log().add(shift);
    Tensor negatives = target.neg().add(1.0).mul(input);
    Tensor loss;
    if (posWeight == null) {
      loss = negatives.add(softplusNeg);
    } else {
      Tensor logWeight = posWeight.to(input.dtype()).sub(1.0).mul(target).add(1.0);
      loss = negatives.add(logWeight.mul(softplusNeg));
    }
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
   * The constructor arguments that rebuild this loss, the weights included (see {@link
   * Configurable}).
   */
  @Override
  public Map<String, Object> config() {
    return LayerConfig.of("weight", weight, "reduction", reduction.toString(), "posWeight",
        posWeight);
  }

  /**
   * Rebuilds a {@code BCEWithLogitsLoss} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static BCEWithLogitsLoss fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(BCEWithLogitsLoss.class, config);
    return new BCEWithLogitsLoss(c.tensor("weight"), Reduction.of(c.string("reduction")),
        c.tensor("posWeight"));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): {@code weight} and {@code posWeight} when it has them.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Layers.tensorShapes(LayerConfig.read(BCEWithLogitsLoss.class, config), "weight",
        "posWeight");
  }
}
