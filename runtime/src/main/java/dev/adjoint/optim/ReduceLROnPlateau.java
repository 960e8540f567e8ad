package dev.adjoint.optim;

import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lowers the learning rate when a metric stops improving
 * ({@code torch.optim.lr_scheduler.ReduceLROnPlateau}). Each {@link #step(double)} takes the
 * epoch's metric (a validation loss, say); after more than {@code patience} epochs in a row
 * without improvement every group's rate is multiplied by {@code factor} (but not below its
 * {@code minLr}, and not at all when the change would be at most {@code eps}), and then the
 * next {@code cooldown} epochs are not counted.
 *
 * <p>A metric improves on the best so far when, in mode {@code MIN}, it is below
 * {@code best * (1 - threshold)} ({@code ThresholdMode.REL}) or {@code best - threshold}
 * ({@code ABS}); in mode {@code MAX}, above {@code best * (1 + threshold)} or
 * {@code best + threshold}.
 *
 * <pre>{@code
 * var scheduler = new ReduceLROnPlateau(opt);                  // PyTorch's defaults
 * var custom = ReduceLROnPlateau.builder(opt).mode(ReduceLROnPlateau.Mode.MAX)
 *     .factor(0.5).patience(2).cooldown(1).minLr(1e-5).build();
 * for (...) {
 *   train(...);
 *   scheduler.step(validationLoss);
 * }
 * }</pre>
 *
 * <p>Like PyTorch 1.13's, it is not an {@link LRScheduler}: it steps on a metric.
 */
public final class ReduceLROnPlateau {
  /** Whether lower ({@code MIN}, for losses) or higher ({@code MAX}, accuracy) is better. */
  public enum Mode {
    /** Lower is better. */
    MIN,
    /** Higher is better. */
    MAX
  }

  /** Whether {@code threshold} is relative to the best value or an absolute margin. */
  public enum ThresholdMode {
    /** An improvement must beat {@code best * (1 -+ threshold)}. */
    REL,
    /** An improvement must beat {@code best -+ threshold}. */
    ABS
  }

  private static final Set<String> KEYS = Set.of("factor", "min_lrs", "patience", "cooldown",
      "cooldown_counter", "mode", "threshold", "threshold_mode", "best", "num_bad_epochs",
      "mode_worse", "eps", "last_epoch", "_last_lr");

  private final Optimizer optimizer;
  private Mode mode;
  private double factor;
  private int patience;
  private double threshold;
  private ThresholdMode thresholdMode;
  private int cooldown;
  private List<Double> minLrs;
  private double eps;
  private double best;
  private int numBadEpochs;
  private int cooldownCounter;
  private int lastEpoch;
  private List<Double> lastLr;

  /**
   * With PyTorch's defaults: mode MIN, factor 0.1, patience 10, threshold 1e-4 (REL), cooldown
   * 0, minLr 0, eps 1e-8.
   */
  public ReduceLROnPlateau(Optimizer optimizer) {
    this(builder(optimizer));
  }

  /**
   * With every setting given, in PyTorch's order; {@code minLr} applies to every group.
   *
   * @throws IllegalArgumentException when {@code factor} is not in [0, 1), {@code patience},
   *     {@code cooldown}, {@code threshold}, {@code minLr} or {@code eps} is negative
   */
  public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience,
      double threshold, ThresholdMode thresholdMode, int cooldown, double minLr, double eps) {
    this(builder(optimizer).mode(mode).factor(factor).patience(patience).threshold(threshold)
        .thresholdMode(thresholdMode).cooldown(cooldown).minLr(minLr).eps(eps));
  }

  private ReduceLROnPlateau(Builder b) {
    this.optimizer = b.optimizer;
    int groups = optimizer.paramGroups().size();
    List<Double> mins = b.minLrs != null ? List.copyOf(b.minLrs)
        : Collections.nCopies(groups, b.minLr);
    String problem = check(b.mode, b.factor, b.patience, b.threshold, b.thresholdMode,
        b.cooldown, mins, b.eps, groups);
    if (problem != null) {
      throw new IllegalArgumentException("ReduceLROnPlateau: " + problem);
    }
    mode = b.mode;
    factor = b.factor;
    patience = b.patience;
    threshold = b.threshold;
    thresholdMode = b.thresholdMode;
    cooldown = b.cooldown;
    minLrs = mins;
    eps = b.eps;
    best = modeWorse();
    lastLr = currentLrs();
  }

  /** A builder starting from PyTorch's defaults. */
  public static Builder builder(Optimizer optimizer) {
    return new Builder(Objects.requireNonNull(optimizer, "ReduceLROnPlateau: optimizer"));
  }

  /** Settings for {@link ReduceLROnPlateau}, each defaulting to PyTorch's value. */
  public static final class Builder {
    private final Optimizer optimizer;
    private Mode mode = Mode.MIN;
    private double factor = 0.1;
    private int patience = 10;
    private double threshold = 1e-4;
    private ThresholdMode thresholdMode = ThresholdMode.REL;
    private int cooldown;
    private double minLr;
    private List<Double> minLrs;
    private double eps = 1e-8;

    private Builder(Optimizer optimizer) {
      this.optimizer = optimizer;
    }

    /** Whether the metric should go down ({@code MIN}, default) or up. */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "ReduceLROnPlateau: mode");
      return this;
    }

    /** Factor the rate is multiplied by on a plateau (default 0.1; must be below 1). */
    public Builder factor(double factor) {
      this.factor = factor;
      return this;
    }

    /** Epochs without improvement tolerated before lowering the rate (default 10). */
    public Builder patience(int patience) {
      this.patience = patience;
      return this;
    }

    /** Least change that counts as an improvement (default 1e-4). */
    public Builder threshold(double threshold) {
      this.threshold = threshold;
      return this;
    }

    /** Whether the threshold is relative ({@code REL}, default) or absolute. */
    public Builder thresholdMode(ThresholdMode thresholdMode) {
      this.thresholdMode = Objects.requireNonNull(thresholdMode,
          "ReduceLROnPlateau: thresholdMode");
      return this;
    }

    /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
    public Builder cooldown(int cooldown) {
      this.cooldown = cooldown;
      return this;
    }

    /** Lower bound of every group's rate (default 0). */
    public Builder minLr(double minLr) {
      this.minLr = minLr;
      this.minLrs = null;
      return this;
    }

    /** Lower bound of each group's rate, one per group. */
    public Builder minLrs(List<Double> minLrs) {
      this.minLrs = List.copyOf(minLrs);
      return this;
    }

    /** Smallest change of rate worth making (default 1e-8). */
    public Builder eps(double eps) {
      this.eps = eps;
      return this;
    }

    /**
     * The scheduler.
     *
     * @throws IllegalArgumentException for a setting out of range, or a number of minimum
     *     rates that is not the number of groups
     */
    public ReduceLROnPlateau build() {
      return new ReduceLROnPlateau(this);
    }
  }

  private static String check(Mode mode, double factor, int patience, double threshold,
      ThresholdMode thresholdMode, int cooldown, List<Double> minLrs, double eps, int groups) {
    if (!(factor >= 0 && factor < 1)) {
      return "factor should be < 1.0 (and >= 0), got " + factor;
    }
    if (patience < 0) {
      return "patience must be >= 0, got " + patience;
    }
    if (!(threshold >= 0) || Double.isInfinite(threshold)) {
      return "threshold must be a finite number >= 0, got " + threshold;
    }
    if (cooldown < 0) {
      return "cooldown must be >= 0, got " + cooldown;
    }
    if (minLrs.size() != groups) {
      return "expected " + groups + " min_lrs, got " + minLrs.size();
    }
    for (double m : minLrs) {
      if (!(m >= 0) || Double.isInfinite(m)) {
        return "minLr must be a finite number >= 0, got " + minLrs;
      }
    }
    if (!(eps >= 0)) {
      return "eps must be >= 0, got " + eps;
    }
    return null;
  }

  private double modeWorse() {
    return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  private List<Double> currentLrs() {
    List<Double> out = new ArrayList<>();
    for (ParamGroup g : optimizer.paramGroups()) {
      out.add(g.lr());
    }
    return List.copyOf(out);
  }

  /**
   * Records the epoch's {@code metric} and lowers the rates after a plateau
   * ({@code scheduler.step(metric)}).
   *
   * @throws IllegalStateException when the optimizer's number of groups changed since this
   *     scheduler was built
   */
  public void step(double metric) {
    List<ParamGroup> groups = optimizer.paramGroups();
    if (groups.size() != minLrs.size()) {
      throw new IllegalStateException("ReduceLROnPlateau.step: the optimizer has "
          + groups.size() + " parameter group(s) but this scheduler was built for "
          + minLrs.size());
    }
    lastEpoch++;
    if (isBetter(metric, best)) {
      best = metric;
      numBadEpochs = 0;
    } else {
      numBadEpochs++;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (numBadEpochs > patience) {
      for (int i = 0; i < groups.size(); i++) {
        double old = groups.get(i).lr();
        double lowered = Math.max(old * factor, minLrs.get(i));
        if (old - lowered > eps) {
          groups.get(i).setLr(lowered);
        }
      }
      cooldownCounter = cooldown;
      numBadEpochs = 0;
    }
    lastLr = currentLrs();
  }

  /**
   * {@link #step(double)} with a one-element tensor such as a loss.
   *
   * @throws IllegalArgumentException when {@code metric} has more than one element
   */
  public void step(Tensor metric) {
    Objects.requireNonNull(metric, "ReduceLROnPlateau.step: metric");
    if (metric.numel() != 1) {
      throw new IllegalArgumentException("ReduceLROnPlateau.step: the metric must have one"
          + " element, got shape " + Arrays.toString(metric.shape()));
    }
    step(metric.item());
  }

  private boolean isBetter(double a, double best) {
    if (mode == Mode.MIN) {
      return thresholdMode == ThresholdMode.REL ? a < best * (1 - threshold)
          : a < best - threshold;
    }
    return thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1)
        : a > best + threshold;
  }

  /** The rate of each group after the last step (or when built). */
  public List<Double> getLastLr() {
    return lastLr;
  }

  /** The best metric so far (infinity of the wrong sign before any step). */
  public double best() {
    return best;
  }

  /** Epochs in a row without improvement, cooldown aside ({@code num_bad_epochs}). */
  public int numBadEpochs() {
    return numBadEpochs;
  }

  /** Epochs of cooldown left ({@code cooldown_counter}). */
  public int cooldownCounter() {
    return cooldownCounter;
  }

  /** The number of steps taken ({@code last_epoch}). */
  public int lastEpoch() {
    return lastEpoch;
  }

  /** The optimizer whose rates this scheduler lowers. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * The state under PyTorch's keys ({@code factor}, {@code min_lrs}, {@code patience},
   * {@code cooldown}, {@code cooldown_counter}, {@code mode} ("min"/"max"), {@code threshold},
   * {@code threshold_mode} ("rel"/"abs"), {@code best}, {@code num_bad_epochs},
   * {@code mode_worse}, {@code eps}, {@code last_epoch}, {@code _last_lr}); new maps and lists.
   */
  public Map<String, Object> stateDict() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("factor", factor);
    out.put("min_lrs", new ArrayList<>(minLrs));
    out.put("patience", patience);
    out.put("cooldown", cooldown);
    out.put("cooldown_counter", cooldownCounter);
    out.put("mode", mode.name().toLowerCase(Locale.ROOT));
    out.put("threshold", threshold);
    out.put("threshold_mode", thresholdMode.name().toLowerCase(Locale.ROOT));
    out.put("best", best);
    out.put("num_bad_epochs", numBadEpochs);
    out.put("mode_worse", modeWorse());
    out.put("eps", eps);
    out.put("last_epoch", lastEpoch);
    out.put("_last_lr", new ArrayList<>(lastLr));
    return out;
  }

  /**
   * Restores a state made by {@link #stateDict()} or by PyTorch (whose {@code verbose} entry is
   * ignored). Checks everything first and changes nothing on failure.
   *
   * @throws IllegalArgumentException for a missing, unexpected, ill-typed or out-of-range entry
   */
  public void loadStateDict(Map<String, ?> state) {
    String op = "ReduceLROnPlateau.loadStateDict: ";
    if (state == null) {
      throw new NullPointerException(op + "state");
    }
    for (Object k : state.keySet()) {
      if (!KEYS.contains(k) && !"verbose".equals(k)) {
        throw new IllegalArgumentException(op + "unexpected key " + k + "; the state has "
            + KEYS);
      }
    }
    for (String k : KEYS) {
      // PyTorch 1.13 writes _last_lr only once it has stepped.
      if (!state.containsKey(k) && !k.equals("_last_lr")) {
        throw new IllegalArgumentException(op + "missing key \"" + k + "\"");
      }
    }
    int groups = optimizer.paramGroups().size();
    Mode m = parse(op, "mode", state.get("mode"), Mode.class);
    ThresholdMode tm = parse(op, "threshold_mode", state.get("threshold_mode"),
        ThresholdMode.class);
    double f = (Double) LRScheduler.sameKind(op, "factor", state.get("factor"), 0.0);
    int pat = (Integer) LRScheduler.sameKind(op, "patience", state.get("patience"), 0);
    int cool = (Integer) LRScheduler.sameKind(op, "cooldown", state.get("cooldown"), 0);
    int counter = (Integer) LRScheduler.sameKind(op, "cooldown_counter",
        state.get("cooldown_counter"), 0);
    double th = (Double) LRScheduler.sameKind(op, "threshold", state.get("threshold"), 0.0);
    double b = (Double) LRScheduler.sameKind(op, "best", state.get("best"), 0.0);
    int bad = (Integer) LRScheduler.sameKind(op, "num_bad_epochs", state.get("num_bad_epochs"),
        0);
    double e = (Double) LRScheduler.sameKind(op, "eps", state.get("eps"), 0.0);
    int epoch = (Integer) LRScheduler.sameKind(op, "last_epoch", state.get("last_epoch"), 0);
    List<Double> mins = LRScheduler.doubles(op, "min_lrs", state.get("min_lrs"), groups);
    List<Double> last = state.containsKey("_last_lr")
        ? LRScheduler.doubles(op, "_last_lr", state.get("_last_lr"), groups)
        : currentLrs();
    String problem = check(m, f, pat, th, tm, cool, mins, e, groups);
    if (problem == null && (counter < 0 || bad < 0)) {
      problem = "cooldown_counter and num_bad_epochs must be >= 0, got " + counter + " and "
          + bad;
    }
    if (problem != null) {
      throw new IllegalArgumentException(op + problem);
    }
    mode = m;
    thresholdMode = tm;
    factor = f;
    patience = pat;
    cooldown = cool;
    cooldownCounter = counter;
    threshold = th;
    best = b;
    numBadEpochs = bad;
    eps = e;
    lastEpoch = epoch;
    minLrs = mins;
    lastLr = last;
  }

  private static <E extends Enum<E>> E parse(String op, String key, Object value,
      Class<E> type) {
    if (value instanceof String s) {
      for (E c : type.getEnumConstants()) {
        if (c.name().equalsIgnoreCase(s)) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException(op + key + " " + ParamGroup.describe(value)
        + " is unknown; expected one of " + Arrays.toString(Arrays.stream(
            type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toArray()));
  }

  /** The settings and counters, e.g. {@code ReduceLROnPlateau(mode=min, factor=0.1, ...)}. */
  @Override
  public String toString() {
    return "ReduceLROnPlateau(mode=" + mode.name().toLowerCase(Locale.ROOT) + ", factor="
        + factor + ", patience=" + patience + ", best=" + best + ", num_bad_epochs="
        + numBadEpochs + ", last_lr=" + lastLr + ")";
  }
}
