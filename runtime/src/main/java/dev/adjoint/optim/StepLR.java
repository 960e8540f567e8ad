package dev.adjoint.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiplies each group's learning rate by {@code gamma} every {@code stepSize} epochs
 * ({@code torch.optim.lr_scheduler.StepLR}): with lr 0.05, stepSize 30 and gamma 0.1 the rate is
 * 0.05 for epochs 0-29, 0.005 for 30-59, 0.0005 for 60-89, and so on.
 *
 * <pre>{@code
 * var scheduler = new StepLR(opt, 30, 0.1);
 * }</pre>
 */
public final class StepLR extends LRScheduler {
  private int stepSize;
  private double gamma;

  /**
   * Decays by 0.1 every {@code stepSize} epochs.
   *
   * @throws IllegalArgumentException when {@code stepSize < 1}
   */
  public StepLR(Optimizer optimizer, int stepSize) {
    this(optimizer, stepSize, 0.1);
  }

  /**
   * Decays by {@code gamma} every {@code stepSize} epochs.
   *
   * @throws IllegalArgumentException when {@code stepSize < 1} or {@code gamma} is negative or
   *     not finite
   */
  public StepLR(Optimizer optimizer, int stepSize, double gamma) {
    super(optimizer);
    check(stepSize, gamma);
    this.stepSize = stepSize;
    this.gamma = gamma;
    initialStep();
  }

  private static void check(int stepSize, double gamma) {
    if (stepSize < 1) {
      throw new IllegalArgumentException("StepLR: stepSize must be >= 1, got " + stepSize);
    }
    if (!(gamma >= 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("StepLR: gamma must be a finite number >= 0, got "
          + gamma);
    }
  }

  /** The period of the decay in epochs. */
  public int stepSize() {
    return stepSize;
  }

  /** The decay factor. */
  public double gamma() {
    return gamma;
  }

  @Override
  protected List<Double> computeLr() {
    List<Double> out = new ArrayList<>();
    boolean decay = lastEpoch() != 0 && lastEpoch() % stepSize == 0;
    for (ParamGroup g : optimizer().paramGroups()) {
      out.add(decay ? g.lr() * gamma : g.lr());
    }
    return out;
  }

  @Override
  protected Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("step_size", stepSize);
    s.put("gamma", gamma);
    return s;
  }

  @Override
  protected void applySettings(Map<String, Object> values) {
    int size = (Integer) values.get("step_size");
    double g = (Double) values.get("gamma");
    check(size, g);
    stepSize = size;
    gamma = g;
  }
}
