package dev.adjoint.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Base class of epoch-based learning-rate schedulers, the counterpart of
 * {@code torch.optim.lr_scheduler.LRScheduler}: each {@link #step()} advances the epoch count
 * and writes a new {@code lr} into every parameter group of the optimizer.
 *
 * <pre>{@code
 * var scheduler = new StepLR(opt, 30, 0.1);
 * for (int epoch = 0; epoch < 100; epoch++) {
 *   train(...);          // calls opt.step()
 *   scheduler.step();
 * }
 * }</pre>
 *
 * <p>As in PyTorch, building a scheduler records each group's {@code lr} as the group option
 * {@code "initial_lr"} (unless the group has one already, e.g. from a loaded optimizer state),
 * takes those as {@link #baseLrs()}, and performs a first step to epoch 0.
 *
 * <p>A subclass computes the next rates in {@link #computeLr()} (PyTorch's chainable
 * {@code get_lr}), names its own settings in {@link #settings()} and applies loaded ones in
 * {@link #applySettings}; its constructor must end with {@link #initialStep()}.
 */
public abstract class LRScheduler {
  private static final Set<String> IGNORED_KEYS = Set.of("verbose", "_get_lr_called_within_step");

  private final Optimizer optimizer;
  private final String name;
  private List<Double> baseLrs;
  private int lastEpoch = -1;
  private int stepCount;
  private List<Double> lastLr;

  /**
   * Attaches to {@code optimizer} and records its groups' initial learning rates. The subclass
   * constructor sets its own fields, then calls {@link #initialStep()}.
   */
  protected LRScheduler(Optimizer optimizer) {
    this.name = getClass().getSimpleName();
    this.optimizer = Objects.requireNonNull(optimizer, () -> name + ": optimizer");
    List<Double> base = new ArrayList<>();
    for (ParamGroup g : optimizer.paramGroups()) {
      if (!g.has("initial_lr")) {
        g.set("initial_lr", g.lr());
      }
      base.add(g.getDouble("initial_lr"));
    }
    this.baseLrs = List.copyOf(base);
  }

  /** The first step, to epoch 0 ({@code _initial_step}); ends every subclass constructor. */
  protected final void initialStep() {
    if (lastLr != null) {
      throw new IllegalStateException(name + ": initialStep() was already called");
    }
    step();
  }

  /**
   * The learning rate of each group for epoch {@link #lastEpoch()}, which {@link #step()} has
   * just advanced; may read the groups' current {@code lr} (the chainable form).
   */
  protected abstract List<Double> computeLr();

  /** This scheduler's own settings by PyTorch's names (e.g. {@code step_size}, {@code gamma}). */
  protected abstract Map<String, Object> settings();

  /**
   * Applies settings loaded by {@link #loadStateDict}: the keys of {@link #settings()} with
   * values of the same kinds ({@code Integer} or {@code Double}). Throws, without changing
   * anything, when a value is out of range.
   */
  protected abstract void applySettings(Map<String, Object> values);

  /** The optimizer whose learning rates this scheduler sets. */
  public final Optimizer optimizer() {
    return optimizer;
  }

  /**
   * Advances one epoch and sets every group's {@code lr} ({@code scheduler.step()}); call it
   * after {@code optimizer.step()}.
   *
   * @throws IllegalStateException when the optimizer gained or lost groups since this
   *     scheduler was built
   */
  public final void step() {
    List<ParamGroup> groups = optimizer.paramGroups();
    if (groups.size() != baseLrs.size()) {
      throw new IllegalStateException(name + ".step: the optimizer has " + groups.size()
          + " parameter group(s) but this scheduler was built for " + baseLrs.size());
    }
    stepCount++;
    lastEpoch++;
    List<Double> values = computeLr();
    for (int i = 0; i < groups.size(); i++) {
      groups.get(i).setLr(values.get(i));
    }
    List<Double> last = new ArrayList<>();
    for (ParamGroup g : groups) {
      last.add(g.lr());
    }
    lastLr = List.copyOf(last);
  }

  /** The learning rates the last step set, one per group ({@code get_last_lr()}). */
  public final List<Double> getLastLr() {
    return lastLr;
  }

  /** The initial learning rate of each group ({@code base_lrs}). */
  public final List<Double> baseLrs() {
    return baseLrs;
  }

  /** The epoch the last step reached; 0 right after construction ({@code last_epoch}). */
  public final int lastEpoch() {
    return lastEpoch;
  }

  /** How many times {@link #step()} ran, the initial step included ({@code _step_count}). */
  protected final int stepCount() {
    return stepCount;
  }

  /**
   * The scheduler's state under PyTorch's keys: its settings, then {@code base_lrs},
   * {@code last_epoch}, {@code _step_count} and {@code _last_lr}. New maps and lists.
   */
  public final Map<String, Object> stateDict() {
    Map<String, Object> out = new LinkedHashMap<>(settings());
    out.put("base_lrs", new ArrayList<>(baseLrs));
    out.put("last_epoch", lastEpoch);
    out.put("_step_count", stepCount);
    out.put("_last_lr", new ArrayList<>(lastLr));
    return out;
  }

  /**
   * Restores a state made by {@link #stateDict()} (or by PyTorch, whose {@code verbose} entry is
   * ignored) and does not touch the optimizer; load the optimizer's own state dict for its
   * learning rates. Checks every key and value first and changes nothing on failure.
   *
   * @throws IllegalArgumentException for a missing, unexpected or ill-typed entry, or lists whose
   *     length is not the number of parameter groups
   */
  public final void loadStateDict(Map<String, ?> state) {
    String op = name + ".loadStateDict: ";
    if (state == null) {
      throw new NullPointerException(op + "state");
    }
    Map<String, Object> own = settings();
    Set<String> known = new LinkedHashSet<>(own.keySet());
    known.addAll(List.of("base_lrs", "last_epoch", "_step_count", "_last_lr"));
    for (Object k : state.keySet()) {
      if (!known.contains(k) && !IGNORED_KEYS.contains(k)) {
        throw new IllegalArgumentException(op + "unexpected key " + k + "; a " + name
            + " state has " + known);
      }
    }
    for (String k : known) {
      if (!state.containsKey(k)) {
        throw new IllegalArgumentException(op + "missing key \"" + k + "\"; a " + name
            + " state has " + known);
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : own.entrySet()) {
      values.put(e.getKey(), sameKind(op, e.getKey(), state.get(e.getKey()), e.getValue()));
    }
    int groups = optimizer.paramGroups().size();
    List<Double> base = doubles(op, "base_lrs", state.get("base_lrs"), groups);
    List<Double> last = doubles(op, "_last_lr", state.get("_last_lr"), groups);
    int epoch = (Integer) sameKind(op, "last_epoch", state.get("last_epoch"), 0);
    int count = (Integer) sameKind(op, "_step_count", state.get("_step_count"), 0);
    applySettings(values);
    baseLrs = base;
    lastLr = last;
    lastEpoch = epoch;
    stepCount = count;
  }

  static Object sameKind(String op, String key, Object value, Object example) {
    if (example instanceof Integer) {
      if (value instanceof Integer || value instanceof Long || value instanceof Short) {
        long v = ((Number) value).longValue();
        if (v == (int) v) {
          return (int) v;
        }
      }
      throw new IllegalArgumentException(op + "\"" + key + "\" must be an int, got "
          + ParamGroup.describe(value));
    }
    if (example instanceof Double) {
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      throw new IllegalArgumentException(op + "\"" + key + "\" must be a number, got "
          + ParamGroup.describe(value));
    }
    if (example instanceof String) {
      if (value instanceof String) {
        return value;
      }
      throw new IllegalArgumentException(op + "\"" + key + "\" must be a string, got "
          + ParamGroup.describe(value));
    }
    if (example instanceof List<?> list) {
      return doubles(op, key, value, list.size());
    }
    return value;
  }

  static List<Double> doubles(String op, String key, Object value, int size) {
    if (value instanceof List<?> l && l.size() == size) {
      List<Double> out = new ArrayList<>();
      for (Object x : l) {
        if (!(x instanceof Number n)) {
          break;
        }
        out.add(n.doubleValue());
      }
      if (out.size() == size) {
        return Collections.unmodifiableList(out);
      }
    }
    throw new IllegalArgumentException(op + "\"" + key + "\" must be a list of " + size
        + " number(s), one per parameter group, got " + ParamGroup.describe(value));
  }

  /** The class name, epoch and last learning rates. */
  @Override
  public String toString() {
    return name + "(last_epoch=" + lastEpoch + ", last_lr=" + lastLr + ")";
  }
}
