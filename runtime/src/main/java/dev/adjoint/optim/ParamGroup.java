package dev.adjoint.optim;

import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters optimized together with one set of hyperparameters: an entry of PyTorch's
 * {@code optimizer.param_groups}. Options are keyed by PyTorch's names ({@code "lr"},
 * {@code "weight_decay"}, {@code "betas"}, ...) so that a group reads like its
 * {@code state_dict} entry.
 *
 * <p>To give some parameters their own settings, pass groups to an optimizer's builder; a group
 * takes every option it does not set from the optimizer's defaults:
 *
 * <pre>{@code
 * var opt = SGD.builder(
 *         ParamGroup.of(model.base.parameters()),
 *         ParamGroup.of(model.classifier.parameters()).set("lr", 1e-3))
 *     .lr(1e-2).momentum(0.9).build();
 * }</pre>
 *
 * <p>The optimizer copies such a group; {@link Optimizer#paramGroups()} returns its live groups.
 * Setting an option on a live group (as a scheduler does with {@link #setLr}) is checked by the
 * optimizer at once, so a bad value never reaches a step. Keys the optimizer does not know are
 * kept as they are (PyTorch allows them; schedulers add {@code "initial_lr"}), except spellings
 * of a known key in camel case such as {@code "weightDecay"}, which are refused.
 */
public final class ParamGroup {
  private final List<Tensor> params;
  private final LinkedHashMap<String, Object> options;
  private Optimizer owner;

  private ParamGroup(List<Tensor> params, LinkedHashMap<String, Object> options) {
    this.params = params;
    this.options = options;
  }

  /** A group of {@code params} with no options of its own yet. */
  public static ParamGroup of(List<Tensor> params) {
    Objects.requireNonNull(params, "ParamGroup.of: params");
    return new ParamGroup(Collections.unmodifiableList(new ArrayList<>(params)),
        new LinkedHashMap<>());
  }

  /** A group of {@code params} with no options of its own yet. */
  public static ParamGroup of(Tensor... params) {
    Objects.requireNonNull(params, "ParamGroup.of: params");
    return of(Arrays.asList(params));
  }

  /** The live group an optimizer keeps (options already checked and completed). */
  static ParamGroup owned(Optimizer owner, List<Tensor> params,
      LinkedHashMap<String, Object> options) {
    ParamGroup g = new ParamGroup(Collections.unmodifiableList(new ArrayList<>(params)), options);
    g.owner = owner;
    return g;
  }

  /** The parameters, in order (unmodifiable). */
  public List<Tensor> params() {
    return params;
  }

  /**
   * Sets option {@code key} ({@code group["key"] = value}) and returns this group. An
   * optimizer keeps the numbers of its own options as {@code Double}, and {@code "betas"} (given
   * as a {@code double[]} or a list of two numbers) as an unmodifiable {@code List<Double>}.
   *
   * @throws IllegalArgumentException on a live group, when the optimizer refuses the value
   *     (the group is then unchanged); on any group, for the key {@code "params"}
   */
  public ParamGroup set(String key, Object value) {
    Objects.requireNonNull(key, "ParamGroup.set: key");
    if (key.equals("params")) {
      throw new IllegalArgumentException("ParamGroup.set: \"params\" is not an option; the"
          + " parameters are given to ParamGroup.of(...)");
    }
    if (owner != null) {
      value = owner.checkedOption(this, key, value);
    }
    options.put(key, value);
    return this;
  }

  /**
   * The value of option {@code key} ({@code group["key"]}).
   *
   * @throws IllegalArgumentException when the group has no such option
   */
  public Object get(String key) {
    if (!options.containsKey(key)) {
      throw new IllegalArgumentException("ParamGroup.get: no option \"" + key + "\"; this group"
          + " has " + options.keySet());
    }
    return options.get(key);
  }

  /** Whether option {@code key} is set ({@code "key" in group}). */
  public boolean has(String key) {
    return options.containsKey(key);
  }

  /**
   * The numeric option {@code key} as a double.
   *
   * @throws IllegalArgumentException when it is absent or not a number
   */
  public double getDouble(String key) {
    Object v = get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("ParamGroup.getDouble: option \"" + key + "\" is "
          + describe(v) + ", not a number");
    }
    return n.doubleValue();
  }

  /**
   * The boolean option {@code key}.
   *
   * @throws IllegalArgumentException when it is absent or not a boolean
   */
  public boolean getBoolean(String key) {
    Object v = get(key);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException("ParamGroup.getBoolean: option \"" + key + "\" is "
          + describe(v) + ", not a boolean");
    }
    return b;
  }

  /** The learning rate, {@code group["lr"]}. */
  public double lr() {
    return getDouble("lr");
  }

  /** Sets the learning rate ({@code group["lr"] = lr}); returns this group. */
  public ParamGroup setLr(double lr) {
    return set("lr", lr);
  }

  /** Every option but the parameters, in insertion order (an unmodifiable live view). */
  public Map<String, Object> options() {
    return Collections.unmodifiableMap(options);
  }

  /** The options map itself, for the owning optimizer. */
  LinkedHashMap<String, Object> mutableOptions() {
    return options;
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "the string \"" + s + "\"";
    }
    return v.getClass().getSimpleName() + " " + v;
  }

  /** The options and the number of parameters, e.g. {@code ParamGroup(2 params, lr=0.1)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ParamGroup(").append(params.size())
        .append(params.size() == 1 ? " param" : " params");
    for (Map.Entry<String, Object> e : options.entrySet()) {
      sb.append(", ").append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.append(')').toString();
  }
}
