package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Mean absolute error, {@code nn.L1Loss}: {@code |input - target|} per element, then reduced
 * (the mean by default).
 *
 * <pre>{@code
 * var lossFn = new L1Loss();
 * Tensor loss = lossFn.call(yHat, y);   // loss.backward() reaches yHat (and y if it needs grad)
 * }</pre>
 *
 * <p>Input and target must have the same shape: where PyTorch broadcasts mismatched shapes with a
 * warning, this throws.
 */
@Layer
public class L1Loss extends Module implements Configurable {
  final Reduction reduction;

  /** The mean over all elements. */
  public L1Loss() {
    this(Reduction.MEAN);
  }

  /** With the given reduction. */
  public L1Loss(Reduction reduction) {
    this.reduction = LossChecks.reduction(reduction);
  }

  /**
   * With the reduction PyTorch names {@code reduction}: {@code "mean"}, {@code "sum"} or
   * {@code "none"}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public L1Loss(String reduction) {
    this(Reduction.of(reduction));
  }

  /** The reduction this loss applies. */
  public Reduction reduction() {
    return reduction;
  }

  /**
   * The loss of {@code input} against {@code target} (same shape); a 0-d tensor unless the
   * reduction is {@link Reduction#NONE}.
   *
   * @throws IllegalArgumentException when the shapes differ or the input is not floating point
   */
  @Forward
  public Tensor forward(Tensor input, Tensor target) {
    LossChecks.sameShape("L1Loss", input, target);
    // abs has gradient sign(x), 0 where input == target, as PyTorch's l1_loss.
    Tensor loss = input.sub(target).abs();
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
    return LayerConfig.of("reduction", reduction.toString());
  }

  /**
   * Rebuilds a {@code L1Loss} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static L1Loss fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(L1Loss.class, config);
    return new L1Loss(c.string("reduction"));
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }
}
