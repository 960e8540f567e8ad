package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Smooth L1 loss, {@code nn.SmoothL1Loss}: with {@code z = |input - target|}, {@code 0.5 z^2 /
 * beta} where {@code z < beta} and {@code z - 0.5 beta} elsewhere, then reduced (the mean by
 * default). {@code beta} defaults to 1; {@code beta = 0} is the L1 loss.
 *
 * <p>Input and target must have the same shape: where PyTorch broadcasts mismatched shapes with a
 * warning, this throws.
 */
@Layer
public class SmoothL1Loss extends Module implements Configurable {
  final Reduction reduction;
  final double beta;

  /** The mean over all elements, {@code beta = 1}. */
  public SmoothL1Loss() {
    this(Reduction.MEAN, 1.0);
  }

  /**
   * The mean over all elements with the given {@code beta}.
   *
   * @throws IllegalArgumentException when {@code beta} is negative or NaN
   */
  public SmoothL1Loss(double beta) {
    this(Reduction.MEAN, beta);
  }

  /** With the given reduction, {@code beta = 1}. */
  public SmoothL1Loss(Reduction reduction) {
    this(reduction, 1.0);
  }

  /**
   * With the given reduction and {@code beta}, the size of the quadratic zone.
   *
   * @throws IllegalArgumentException when {@code beta} is negative or NaN
   */
  public SmoothL1Loss(Reduction reduction, double beta) {
    if (!(beta >= 0)) {
      throw new IllegalArgumentException("SmoothL1Loss: beta must be non-negative (smooth_l1_loss"
          + " does not support negative values for beta), got " + beta);
    }
    this.reduction = LossChecks.reduction(reduction);
    this.beta = beta;
  }

  /**
   * With the reduction PyTorch names {@code reduction} ({@code "mean"}, {@code "sum"} or
   * {@code "none"}), {@code beta = 1}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public SmoothL1Loss(String reduction) {
    this(Reduction.of(reduction), 1.0);
  }

  /**
   * With the reduction PyTorch names {@code reduction} ({@code "mean"}, {@code "sum"} or
   * {@code "none"}) and {@code beta}.
   *
   * @throws IllegalArgumentException for another name, or a negative or NaN {@code beta}
   */
  public SmoothL1Loss(String reduction, double beta) {
    this(Reduction.of(reduction), beta);
  }

  /** The reduction this loss applies. */
  public Reduction reduction() {
    return reduction;
  }

  /** Where the loss turns from quadratic to linear. */
  public double beta() {
    return beta;
  }

  /**
   * The loss of {@code input} against {@code target} (same shape); a 0-d tensor unless the
   * reduction is {@link Reduction#NONE}.
   *
   * @throws IllegalArgumentException when the shapes differ or the input is not floating point
   */
  @Forward
  public Tensor forward(Tensor input, Tensor target) {
    LossChecks.sameShape("SmoothL1Loss", input, target);
    Tensor diff = input.sub(target);
    Tensor abs = diff.abs();
    Tensor loss;
    if (beta == 0) {
      // No quadratic zone; the branch keeps 0.5 z^2 / 0 (and its NaN gradient) out of the graph.
      loss = abs;
    } else {
      // where() gives the unused branch a zero gradient, which its adjoints only multiply by
      // finite values (diff), so a huge diff whose square overflows still gets a clean gradient.
      Tensor quadratic = diff.mul(diff).mul(0.5 / beta);
      Tensor linear = abs.sub(0.5 * beta);
      loss = Tensor.where(abs.lt(beta), quadratic, linear);
    }
    if (reduction == Reduction.MEAN) {
      return loss.mean();
    }
    if (reduction == Reduction.SUM) {
      return loss.sum();
    }
    return loss;
  }

  /** The constructor arguments that rebuild this loss (see {@link Configurable}). */
  @Override
  public Map<String, Object> config() {
    return LayerConfig.of("reduction", reduction.toString(), "beta", beta);
  }

  /**
   * Rebuilds a {@code SmoothL1Loss} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static SmoothL1Loss fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(SmoothL1Loss.class, config);
    return new SmoothL1Loss(c.string("reduction"), c.doubleValue("beta"));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }
}
