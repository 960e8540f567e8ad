package dev.adjoint.nn;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Cross entropy between unnormalized scores (logits) and targets, {@code nn.CrossEntropyLoss}:
 * {@code log_softmax} over the class dimension followed by the negative log-likelihood, computed
 * with log-sum-exp so that logits of any size (1e30 included) give finite losses and gradients.
 *
 * <p>The input is {@code [N, C]}, {@code [N, C, d1, ...]} or {@code [C]} (unbatched). The target
 * is either
 *
 * <ul>
 *   <li>class indices: int64 of the input's shape without the class dimension ({@code [N]},
 *       {@code [N, d1, ...]} or {@code []}). Targets equal to {@code ignoreIndex} (default -100)
 *       contribute 0 and do not count; the mean divides by the sum of the class weights of the
 *       counted targets (their number without weights), exactly as {@link NLLLoss}; or
 *   <li>class probabilities: floating point of the input's shape; the mean divides by the number
 *       of samples ({@code N * d1 * ...}).
 * </ul>
 *
 * <p>{@code labelSmoothing} in {@code [0, 1]} mixes the target with the uniform distribution:
 * {@code (1 - s) * loss + s / C * (-sum_c weight[c] * log_softmax(input)[c])}, as PyTorch.
 *
 * <pre>{@code
 * var lossFn = new CrossEntropyLoss();
 * Tensor loss = lossFn.call(logits, labels);   // logits [N, C] float, labels [N] int64
 * var smoothed = new CrossEntropyLoss(classWeights, -100, Reduction.MEAN, 0.1);
 * }</pre>
 */
@Layer
public class CrossEntropyLoss extends Module implements Configurable {
  /** A weight per class, or null for all ones ({@code register_buffer('weight', ...)}). */
  @Buffer Tensor weight;
  final long ignoreIndex;
  final Reduction reduction;
  final double labelSmoothing;

  /** Unweighted, {@code ignoreIndex} -100, the mean, no label smoothing. */
  public CrossEntropyLoss() {
    this(null, -100, Reduction.MEAN, 0.0);
  }

  /** Unweighted, {@code ignoreIndex} -100, no label smoothing, with the given reduction. */
  public CrossEntropyLoss(Reduction reduction) {
    this(null, -100, reduction, 0.0);
  }

  /**
   * Unweighted, {@code ignoreIndex} -100, no label smoothing, with the reduction PyTorch names
   * {@code reduction} ({@code "mean"}, {@code "sum"} or {@code "none"}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public CrossEntropyLoss(String reduction) {
    this(null, -100, Reduction.of(reduction), 0.0);
  }

  /**
   * With a weight per class (null for none), {@code ignoreIndex} -100, the mean, no label
   * smoothing.
   *
   * @throws IllegalArgumentException when {@code weight} is not a 1-d floating point tensor
   */
  public CrossEntropyLoss(Tensor weight) {
    this(weight, -100, Reduction.MEAN, 0.0);
  }

  /**
   * With every option of {@code nn.CrossEntropyLoss}.
   *
   * @param weight a weight per class, or null
   * @param ignoreIndex the class-index target value that contributes nothing
   * @param reduction how the per-element losses are folded
   * @param labelSmoothing in {@code [0, 1]}; 0 for none
   * @throws IllegalArgumentException when {@code weight} is not a 1-d floating point tensor or
   *     {@code labelSmoothing} lies outside {@code [0, 1]}
   */
  public CrossEntropyLoss(Tensor weight, long ignoreIndex, Reduction reduction,
      double labelSmoothing) {
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new IllegalArgumentException("CrossEntropyLoss: labelSmoothing must be between 0.0"
          + " and 1.0, got " + labelSmoothing);
    }
    this.weight = LossChecks.classWeight("CrossEntropyLoss", weight);
    this.ignoreIndex = ignoreIndex;
    this.reduction = LossChecks.reduction(reduction);
    this.labelSmoothing = labelSmoothing;
  }

  /** The weight per class, or null. */
  public Tensor weight() {
    return weight;
  }

  /** The class-index target value that contributes nothing. */
  public long ignoreIndex() {
    return ignoreIndex;
  }

  /** The reduction this loss applies. */
  public Reduction reduction() {
    return reduction;
  }

  /** The label smoothing, in {@code [0, 1]}. */
  public double labelSmoothing() {
    return labelSmoothing;
  }

  /**
   * The loss of logits {@code input} against {@code target} (class indices or probabilities): a
   * 0-d tensor, or with {@link Reduction#NONE} one value per sample.
   *
   * @throws IllegalArgumentException when the input is not floating point or has no dimensions,
   *     the target has the wrong dtype or shape, the weight does not have one value per class, or
   *     a probability target comes with a non-negative {@code ignoreIndex}
   * @throws IndexOutOfBoundsException when a class-index target is not a class (nor
   *     {@code ignoreIndex})
   */
  @Forward
  public Tensor forward(Tensor input, Tensor target) {
    int classes = LossChecks.classTargets("CrossEntropyLoss", input, target, weight, ignoreIndex);
    boolean probabilities = target.dtype().isFloatingPoint();
    boolean unbatched = input.dim() == 1;
    Tensor logits = input;
    Tensor labels = target;
    if (unbatched) {
      logits = input.unsqueeze(0);
      labels = target.unsqueeze(0);
    }
    // log_softmax without exp of large logits: x - logsumexp(x) over the classes.
    Tensor logProbs = logits.sub(logits.logsumexp(1, true));
    int[] classShape = LossChecks.classShape(logProbs.dim(), classes);
    Tensor loss;
    Tensor counted;
    if (probabilities) {
      Tensor probs = labels;
      if (labelSmoothing > 0) {
        probs = labels.mul(1.0 - labelSmoothing).add(labelSmoothing / classes);
      }
      Tensor terms = logProbs.mul(probs);
      if (weight != null) {
        terms = terms.mul(weight.to(logProbs.dtype()).view(classShape));
      }
      loss = terms.sum(1).neg();
      // Every sample counts once: the mean divides by N * d1 * ..., as PyTorch.
      counted = loss.onesLike();
    } else {
      // Exact in int64 (a - b == 0 only where a == b), unlike a float comparison.
      Tensor ignored = labels.sub(ignoreIndex).eq(0.0);
      // Ignored targets pick class 0 (always valid) and are then masked out and not counted.
      Tensor safeIndex = labels.maskedFill(ignored, 0.0);
      Tensor picked = logProbs.gather(1, safeIndex.unsqueeze(1)).squeeze(1);
      picked = picked.maskedFill(ignored, 0.0);
      counted = ignored.logicalNot().to(logProbs.dtype());
      if (weight != null) {
        Tensor classWeights = weight.to(logProbs.dtype()).indexSelect(0, safeIndex.flatten());
        counted = classWeights.view(safeIndex.shape()).mul(counted);
      }
      loss = picked.mul(counted).neg();
      if (labelSmoothing > 0) {
        Tensor all = logProbs;
        if (weight != null) {
          all = logProbs.mul(weight.to(logProbs.dtype()).view(classShape));
        }
        Tensor smooth = all.sum(1).neg().maskedFill(ignored, 0.0);
        loss = loss.mul(1.0 - labelSmoothing).add(smooth.mul(labelSmoothing / classes));
      }
    }
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
        reduction.toString(), "labelSmoothing", labelSmoothing);
  }

  /**
   * Rebuilds a {@code CrossEntropyLoss} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static CrossEntropyLoss fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(CrossEntropyLoss.class, config);
    return new CrossEntropyLoss(c.tensor("weight"), c.longValue("ignoreIndex"),
        Reduction.of(c.string("reduction")), c.doubleValue("labelSmoothing"));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): {@code weight} when it has one.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Layers.tensorShapes(LayerConfig.read(CrossEntropyLoss.class, config), "weight");
  }
}
