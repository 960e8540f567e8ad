package dev.adjoint.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cosine annealing ({@code torch.optim.lr_scheduler.CosineAnnealingLR}): over {@code tMax}
 * epochs each group's rate follows half a cosine from its initial value down to {@code etaMin},
 * then back up over the next {@code tMax}, and so on. As in PyTorch the rate is computed in the
 * recursive (chainable) form from the group's current rate,
 *
 * <pre>
 * lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T_max)) / (1 + cos(pi (t - 1) / T_max))
 * </pre>
 *
 * so that changes other code makes to {@code lr} carry on; at the restart epochs
 * ({@code (t - 1 - T_max) % (2 T_max) == 0}) it adds {@code (base_lr - eta_min)(1 - cos(pi /
 * T_max)) / 2} instead. Without outside changes this equals the closed form
 * {@code eta_min + (base_lr - eta_min)(1 + cos(pi t / T_max)) / 2}.
 *
 * <pre>{@code
 * var scheduler = new CosineAnnealingLR(opt, 100, 1e-5);
 * }</pre>
 */
public final class CosineAnnealingLR extends LRScheduler {
  private int tMax;
  private double etaMin;

  /**
   * Anneals to 0 over {@code tMax} epochs.
   *
   * @throws IllegalArgumentException when {@code tMax < 1}
   */
  public CosineAnnealingLR(Optimizer optimizer, int tMax) {
    this(optimizer, tMax, 0);
  }

  /**
   * Anneals to {@code etaMin} over {@code tMax} epochs.
   *
   * @throws IllegalArgumentException when {@code tMax < 1} or {@code etaMin} is negative or not
   *     finite
   */
  public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
    super(optimizer);
    check(tMax, etaMin);
    this.tMax = tMax;
    this.etaMin = etaMin;
    initialStep();
  }

  private static void check(int tMax, double etaMin) {
    if (tMax < 1) {
      throw new IllegalArgumentException("CosineAnnealingLR: tMax must be >= 1, got " + tMax);
    }
    if (!(etaMin >= 0) || Double.isInfinite(etaMin)) {
      throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be a finite number"
          + " >= 0, got " + etaMin);
    }
  }

  /** The number of epochs of half a cosine period ({@code T_max}). */
  public int tMax() {
    return tMax;
  }

  /** The minimum learning rate ({@code eta_min}). */
  public double etaMin() {
    return etaMin;
  }

  @Override
  protected List<Double> computeLr() {
    int epoch = lastEpoch();
    List<ParamGroup> groups = optimizer().paramGroups();
    List<Double> base = baseLrs();
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      double lr = groups.get(i).lr();
      double baseLr = base.get(i);
      if (epoch == 0) {
        out.add(lr);
      } else if (stepCount() == 1 && epoch > 0) {
        out.add(etaMin + (baseLr - etaMin) * (1 + Math.cos(epoch * Math.PI / tMax)) / 2);
      } else if (Math.floorMod(epoch - 1 - tMax, 2 * tMax) == 0) {
        out.add(lr + (baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
      } else {
        out.add((1 + Math.cos(Math.PI * epoch / tMax))
            / (1 + Math.cos(Math.PI * (epoch - 1) / tMax)) * (lr - etaMin) + etaMin);
      }
    }
    return out;
  }

  @Override
  protected Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("T_max", tMax);
    s.put("eta_min", etaMin);
    return s;
  }

  @Override
  protected void applySettings(Map<String, Object> values) {
    int t = (Integer) values.get("T_max");
    double e = (Double) values.get("eta_min");
    check(t, e);
    tMax = t;
    etaMin = e;
  }
}
