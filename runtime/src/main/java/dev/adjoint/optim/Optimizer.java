package dev.adjoint.optim;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.PyRepr;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Base class of optimizers, the counterpart of {@code torch.optim.Optimizer}: parameter groups
 * with their hyperparameters, per-parameter state, {@link #zeroGrad()}, {@link #step()} and
 * {@link #stateDict()}/{@link #loadStateDict} in PyTorch's layout.
 *
 * <pre>{@code
 * var opt = new SGD(model.parameters(), 0.1);
 * for (...) {
 *   opt.zeroGrad();
 *   lossFn.call(model.call(x), y).backward();
 *   opt.step();
 * }
 * }</pre>
 *
 * <p>{@link #step()} runs without recording a graph (as under {@code torch.no_grad()}) and
 * updates every parameter in place, so layers keep holding the same tensor objects. Parameters
 * whose {@code grad()} is null are skipped.
 *
 * <p>State follows its parameter: after {@code model.to(DType.FLOAT64)}, {@code double_()} or
 * {@code model.to(device)}, which convert parameters in place, each state tensor (momentum
 * buffers, running averages) is converted to its parameter's new dtype and device the next time
 * the state is read ({@link #step()}, {@link #state}, {@link #stateDict()}), so an optimizer
 * built before the conversion goes on where it was. The step count stays a float32 scalar, as
 * in PyTorch.
 *
 * <p>A subclass passes its defaults (PyTorch's option names and default values, in PyTorch's
 * order) to the constructor, checks single values in {@link #checkOption} and combinations in
 * {@link #checkGroup}, updates one group in {@link #update}, and says which state it keeps in
 * {@link #loadState}. The kind of each default fixes what a group may hold under that key: a
 * {@code Double} default takes any number, a {@code Boolean} one a boolean, a {@code List} one
 * (such as {@code betas}) a list or array of as many numbers.
 */
public abstract class Optimizer {
  private final String name;
  private final Map<String, Object> defaults;
  private final List<ParamGroup> paramGroups = new ArrayList<>();
  private final Map<Tensor, Map<String, Object>> state = new IdentityHashMap<>();

  /**
   * Checks {@code defaults} and adds each of {@code groups} with {@link #addParamGroup}.
   * {@link #checkOption} and {@link #checkGroup} run here, before the subclass constructor, so
   * they must not read the subclass's fields.
   *
   * @throws IllegalArgumentException for a bad default, a bad group, or no parameters at all
   */
  protected Optimizer(List<ParamGroup> groups, Map<String, Object> defaults) {
    this.name = getClass().getSimpleName();
    if (groups == null) {
      throw new NullPointerException(name + ": parameter groups");
    }
    if (defaults == null) {
      throw new NullPointerException(name + ": defaults");
    }
    LinkedHashMap<String, Object> d = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : defaults.entrySet()) {
      Object v = normalize(name + ": ", e.getKey(), e.getValue(), e.getValue());
      fail(name + ": ", checkOption(e.getKey(), v));
      d.put(e.getKey(), v);
    }
    fail(name + ": ", checkGroup(d));
    this.defaults = Collections.unmodifiableMap(d);
    int total = 0;
    for (ParamGroup g : groups) {
      if (g == null) {
        throw new NullPointerException(name + ": a parameter group is null");
      }
      total += g.params().size();
    }
    if (total == 0) {
      throw new IllegalArgumentException(name + ": got an empty parameter list");
    }
    for (ParamGroup g : groups) {
      addParamGroup(g);
    }
  }

  // ------------------------------------------------------------------ hooks for subclasses

  /**
   * Why {@code value} (already converted to the default's kind) is not acceptable for option
   * {@code key}, or null when it is, e.g. {@code "invalid learning rate lr=-1.0 (must be >= 0)"}.
   */
  protected String checkOption(String key, Object value) {
    return null;
  }

  /**
   * Why a complete set of group options does not go together, or null when it does (SGD:
   * Nesterov needs momentum and no dampening).
   */
  protected String checkGroup(Map<String, Object> options) {
    return null;
  }

  /** Updates the parameters of one group; runs with gradient recording off. */
  protected abstract void update(ParamGroup group);

  /**
   * Checks one parameter's saved state for {@link #loadStateDict} and returns the state to keep:
   * known keys only, tensors copied to the parameter's dtype and device (see
   * {@link #loadTensor} and {@link #loadStep}). Throws with a message starting with
   * {@code where} when something is wrong or unknown; must not change anything.
   *
   * @param where the start of any error message, e.g. {@code "SGD.loadStateDict: state of
   *     parameter 3"}
   * @param param the parameter the state belongs to
   * @param saved its saved state
   * @param group the options its group will have after loading
   */
  protected abstract Map<String, Object> loadState(String where, Tensor param,
      Map<String, ?> saved, Map<String, Object> group);

  // ------------------------------------------------------------------ groups

  /** The optimizer's defaults ({@code optimizer.defaults}), by PyTorch's option names. */
  public final Map<String, Object> defaults() {
    return defaults;
  }

  /** The live parameter groups ({@code optimizer.param_groups}); the list is unmodifiable. */
  public final List<ParamGroup> paramGroups() {
    return Collections.unmodifiableList(paramGroups);
  }

  /**
   * Adds a group ({@code add_param_group}), e.g. to train layers that were frozen so far. The
   * optimizer copies {@code group} and fills in the options it does not set from
   * {@link #defaults()}.
   *
   * @throws IllegalArgumentException when a parameter is null, not a leaf, not floating point,
   *     listed twice or already in another group, or when an option is bad
   */
  public final void addParamGroup(ParamGroup group) {
    if (group == null) {
      throw new NullPointerException(name + ".addParamGroup: group");
    }
    int index = paramGroups.size();
    String where = name + ": parameter group " + index + ": ";
    Map<Tensor, Boolean> seen = new IdentityHashMap<>();
    for (ParamGroup other : paramGroups) {
      for (Tensor p : other.params()) {
        seen.put(p, Boolean.FALSE);
      }
    }
    List<Tensor> params = group.params();
    for (int j = 0; j < params.size(); j++) {
      Tensor p = params.get(j);
      if (p == null) {
        throw new IllegalArgumentException(where + "parameter " + j + " is null");
      }
      if (!p.isLeaf()) {
        throw new IllegalArgumentException(where + "can't optimize a non-leaf tensor (parameter "
            + j + " was computed by " + p.gradFn().name() + "); optimize the leaf it came from");
      }
      if (!p.dtype().isFloatingPoint()) {
        throw new IllegalArgumentException(where + "can only optimize floating point tensors,"
            + " parameter " + j + " is " + p.dtype());
      }
      Boolean before = seen.put(p, Boolean.TRUE);
      if (before == Boolean.TRUE) {
        throw new IllegalArgumentException(where + "parameter " + j + " appears twice in the"
            + " group");
      } else if (before == Boolean.FALSE) {
        throw new IllegalArgumentException(where + "some parameters appear in more than one"
            + " parameter group (parameter " + j + " is already optimized)");
      }
    }
    LinkedHashMap<String, Object> options = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : group.options().entrySet()) {
      Object v = normalize(where, e.getKey(), e.getValue(), defaults.get(e.getKey()));
      if (defaults.containsKey(e.getKey())) {
        fail(where, checkOption(e.getKey(), v));
      }
      options.put(e.getKey(), v);
    }
    for (Map.Entry<String, Object> e : defaults.entrySet()) {
      options.putIfAbsent(e.getKey(), e.getValue());
    }
    fail(where, checkGroup(options));
    paramGroups.add(ParamGroup.owned(this, params, options));
  }

  /** Checks a value set on one of this optimizer's live groups; returns it converted. */
  final Object checkedOption(ParamGroup group, String key, Object value) {
    int index = indexOf(group);
    String where = name + ": parameter group " + index + ": ";
    Object v = normalize(where, key, value, defaults.get(key));
    if (defaults.containsKey(key)) {
      fail(where, checkOption(key, v));
      Map<String, Object> after = new LinkedHashMap<>(group.options());
      after.put(key, v);
      fail(where, checkGroup(after));
    }
    return v;
  }

  private int indexOf(ParamGroup group) {
    for (int i = 0; i < paramGroups.size(); i++) {
      if (paramGroups.get(i) == group) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@code value} in the kind of {@code defaultValue}: numbers become Doubles, a list default
   * takes a list or array of as many numbers. Keys with no default pass through, unless they
   * are a known key spelled in camel case.
   */
  private Object normalize(String where, String key, Object value, Object defaultValue) {
    if (key == null) {
      throw new IllegalArgumentException(where + "an option key is null");
    }
    if (defaultValue == null) {
      String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
      if (!snake.equals(key) && defaults.containsKey(snake)) {
        throw new IllegalArgumentException(where + "unknown option \"" + key + "\"; did you mean"
            + " \"" + snake + "\"? Options use PyTorch's names");
      }
      return value;
    }
    if (defaultValue instanceof Double) {
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      throw new IllegalArgumentException(where + "option \"" + key + "\" must be a number, got "
          + ParamGroup.describe(value));
    }
    if (defaultValue instanceof Boolean) {
      if (value instanceof Boolean) {
        return value;
      }
      throw new IllegalArgumentException(where + "option \"" + key + "\" must be a boolean, got "
          + ParamGroup.describe(value));
    }
    if (defaultValue instanceof List<?> list) {
      List<Double> out = numbers(value);
      if (out == null || out.size() != list.size()) {
        throw new IllegalArgumentException(where + "option \"" + key + "\" must be "
            + list.size() + " numbers, got " + describeList(value));
      }
      return out;
    }
    return value;
  }

  private static List<Double> numbers(Object value) {
    List<Double> out = new ArrayList<>();
    if (value instanceof double[] a) {
      for (double x : a) {
        out.add(x);
      }
    } else if (value instanceof List<?> l) {
      for (Object x : l) {
        if (!(x instanceof Number n)) {
          return null;
        }
        out.add(n.doubleValue());
      }
    } else {
      return null;
    }
    return List.copyOf(out);
  }

  private static String describeList(Object value) {
    if (value instanceof double[] a) {
      return "double[] " + Arrays.toString(a);
    }
    return ParamGroup.describe(value);
  }

  private static void fail(String where, String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(where + problem);
    }
  }

  // ------------------------------------------------------------------ state

  /**
   * The state kept for {@code param} ({@code optimizer.state[param]}), e.g.
   * {@code "momentum_buffer"}; empty before its first update. A read-only view of live state.
   */
  public final Map<String, Object> state(Tensor param) {
    Map<String, Object> s = state.get(param);
    return s == null ? Map.of() : Collections.unmodifiableMap(follow(param, s));
  }

  /**
   * The state of {@code param}, created empty on first use, for {@link #update}; its tensors
   * already converted to the parameter's dtype and device.
   */
  protected final Map<String, Object> mutableState(Tensor param) {
    return follow(param, state.computeIfAbsent(param, p -> new LinkedHashMap<>()));
  }

  /**
   * Converts the state tensors of {@code param} that no longer match its dtype or device (the
   * model was converted in place since they were made). Only tensors shaped like the parameter
   * follow it; the step count keeps PyTorch's float32.
   */
  private static Map<String, Object> follow(Tensor param, Map<String, Object> s) {
    for (Map.Entry<String, Object> e : s.entrySet()) {
      if (e.getValue() instanceof Tensor t && !e.getKey().equals("step")
          && (t.dtype() != param.dtype() || !t.device().equals(param.device()))
          && t.dtype().isFloatingPoint() && Arrays.equals(t.shape(), param.shape())) {
        e.setValue(t.to(param.device(), param.dtype()));
      }
    }
    return s;
  }

  // ------------------------------------------------------------------ training

  /**
   * Clears every parameter's gradient ({@code zero_grad()}, which sets them to None as
   * PyTorch 2 does by default; {@code Module.zeroGrad()} does the same).
   *
   * @see #zeroGrad(boolean)
   */
  public final void zeroGrad() {
    zeroGrad(true);
  }

  /**
   * Clears every parameter's gradient: sets it to null when {@code setToNone}, else fills it
   * with zeros ({@code zero_grad(set_to_none)}). A zero gradient still takes part in a step
   * (weight decay and momentum act on it); a null one is skipped.
   */
  public final void zeroGrad(boolean setToNone) {
    for (ParamGroup g : paramGroups) {
      for (Tensor p : g.params()) {
        Tensor grad = p.grad();
        if (grad != null) {
          if (setToNone) {
            p.setGrad(null);
          } else {
            grad.zero_();
          }
        }
      }
    }
  }

  /** Updates every parameter that has a gradient, in place ({@code optimizer.step()}). */
  public final void step() {
    // The update's temporaries are released when it returns; its state outlives it.
    Temporaries.releasing(() -> {
      GradMode.noGrad(() -> {
        for (ParamGroup g : paramGroups) {
          update(g);
        }
      });
      return state.values();
    });
  }

  /**
   * Evaluates {@code closure} with gradient recording on (it should zero the gradients,
   * compute the loss and call {@code backward()}), then steps; returns the closure's loss
   * ({@code optimizer.step(closure)}).
   */
  public final Tensor step(Supplier<Tensor> closure) {
    if (closure == null) {
      throw new NullPointerException(name + ".step: closure");
    }
    Tensor loss = GradMode.enableGrad(closure);
    step();
    return loss;
  }

  // ------------------------------------------------------------------ state dict

  /**
   * The optimizer's state in PyTorch's layout ({@code optimizer.state_dict()}):
   *
   * <pre>
   * {"state": {0: {"momentum_buffer": tensor}, 1: {...}, ...},
   *  "param_groups": [{"lr": 0.1, "momentum": 0.9, ..., "params": [0, 1]}, ...]}
   * </pre>
   *
   * Parameters are numbered in group order from 0 ({@code Integer}s); only parameters with
   * state appear under {@code "state"}. Options are {@code Double}, {@code Boolean} or, for
   * {@code betas}, {@code List<Double>}; Adam's and RMSprop's {@code "step"} is a 0-d float32
   * tensor as in PyTorch 2. The maps and lists are new, but the tensors are the live state, as
   * in PyTorch: clone them to keep a snapshot while training goes on. The map prints as
   * PyTorch prints an optimizer's state dict ({@code {'state': {}, 'param_groups': [{'lr':
   * 0.01, ..., 'params': [0, 1]}]}}; see {@link PyRepr} for how numbers print).
   */
  public final Map<String, Object> stateDict() {
    Map<Integer, Object> packedState = new LinkedHashMap<>();
    List<Object> packedGroups = new ArrayList<>();
    int index = 0;
    for (ParamGroup g : paramGroups) {
      Map<String, Object> packed = new LinkedHashMap<>(g.options());
      List<Integer> ids = new ArrayList<>();
      for (Tensor p : g.params()) {
        Map<String, Object> s = state.get(p);
        if (s != null && !s.isEmpty()) {
          packedState.put(index, new LinkedHashMap<>(follow(p, s)));
        }
        ids.add(index++);
      }
      packed.put("params", ids);
      packedGroups.add(packed);
    }
    Map<String, Object> out = PyRepr.optimizerDict();
    out.put("state", packedState);
    out.put("param_groups", packedGroups);
    return out;
  }

  /**
   * Replaces the groups' options and the state with those of {@code stateDict}, as made by
   * {@link #stateDict()} here or by PyTorch ({@code load_state_dict}). Saved parameters are
   * matched to this optimizer's by position, group by group; state tensors are copied (to the
   * parameter's dtype and device). Everything is checked first: the number of groups and of
   * parameters in each, every option a group needs and its value, every state entry's keys and
   * shapes. On any problem this throws and the optimizer is unchanged. Options this optimizer
   * does not know (such as a scheduler's {@code "initial_lr"}, or PyTorch's {@code "foreach"})
   * are kept as they are.
   *
   * @throws IllegalArgumentException naming the group, parameter and key at fault
   */
  public final void loadStateDict(Map<String, ?> stateDict) {
    String op = name + ".loadStateDict: ";
    if (stateDict == null) {
      throw new NullPointerException(op + "stateDict");
    }
    for (Object k : stateDict.keySet()) {
      if (!"state".equals(k) && !"param_groups".equals(k)) {
        throw new IllegalArgumentException(op + "unexpected key " + quote(k) + "; an optimizer"
            + " state dict has \"state\" and \"param_groups\"");
      }
    }
    if (!(stateDict.get("param_groups") instanceof List<?> saved)) {
      throw new IllegalArgumentException(op + "\"param_groups\" must be a list of maps, got "
          + ParamGroup.describe(stateDict.get("param_groups")));
    }
    if (!(stateDict.get("state") instanceof Map<?, ?> savedState)) {
      throw new IllegalArgumentException(op + "\"state\" must be a map from parameter index to"
          + " its state, got " + ParamGroup.describe(stateDict.get("state")));
    }
    if (saved.size() != paramGroups.size()) {
      throw new IllegalArgumentException(op + "the state dict has " + saved.size()
          + " parameter group(s), this " + name + " has " + paramGroups.size());
    }
    Map<Long, Tensor> byId = new HashMap<>();
    Map<Tensor, Integer> groupOf = new IdentityHashMap<>();
    List<LinkedHashMap<String, Object>> newOptions = new ArrayList<>();
    for (int i = 0; i < saved.size(); i++) {
      String where = op + "parameter group " + i + ": ";
      if (!(saved.get(i) instanceof Map<?, ?> group)) {
        throw new IllegalArgumentException(where + "must be a map, got "
            + ParamGroup.describe(saved.get(i)));
      }
      List<Tensor> params = paramGroups.get(i).params();
      if (!(group.get("params") instanceof List<?> ids)) {
        throw new IllegalArgumentException(where + "\"params\" must be a list of parameter"
            + " indices, got " + ParamGroup.describe(group.get("params")));
      }
      if (ids.size() != params.size()) {
        throw new IllegalArgumentException(where + "has " + ids.size() + " parameter(s) in the"
            + " state dict but " + params.size() + " in this optimizer");
      }
      for (int j = 0; j < ids.size(); j++) {
        Long id = integral(ids.get(j));
        if (id == null) {
          throw new IllegalArgumentException(where + "parameter index " + j + " must be an"
              + " integer, got " + ParamGroup.describe(ids.get(j)));
        }
        if (byId.put(id, params.get(j)) != null) {
          throw new IllegalArgumentException(where + "parameter index " + id + " is listed"
              + " twice");
        }
        groupOf.put(params.get(j), i);
      }
      LinkedHashMap<String, Object> options = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : group.entrySet()) {
        if ("params".equals(e.getKey())) {
          continue;
        }
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(where + "option keys must be strings, got "
              + ParamGroup.describe(e.getKey()));
        }
        Object v = normalize(where, key, e.getValue(), defaults.get(key));
        if (defaults.containsKey(key)) {
          fail(where, checkOption(key, v));
        }
        options.put(key, v);
      }
      List<String> missing = new ArrayList<>();
      for (String key : defaults.keySet()) {
        if (!options.containsKey(key)) {
          missing.add(key);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(where + "lacks option(s) " + missing + "; a " + name
            + " group has " + defaults.keySet());
      }
      fail(where, checkGroup(options));
      newOptions.add(options);
    }
    Map<Tensor, Map<String, Object>> newState = new IdentityHashMap<>();
    for (Map.Entry<?, ?> e : savedState.entrySet()) {
      Long id = integral(e.getKey());
      if (id == null && e.getKey() instanceof String s && s.matches("-?\\d{1,18}")) {
        id = Long.parseLong(s);
      }
      String where = op + "state of parameter " + e.getKey();
      if (id == null) {
        throw new IllegalArgumentException(where + ": the key must be a parameter index, got "
            + ParamGroup.describe(e.getKey()));
      }
      Tensor param = byId.get(id);
      if (param == null) {
        throw new IllegalArgumentException(where + ": no parameter group lists index " + id
            + " (they list " + new TreeSet<>(byId.keySet()) + ")");
      }
      if (!(e.getValue() instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException(where + ": must be a map, got "
            + ParamGroup.describe(e.getValue()));
      }
      Map<String, Object> stringKeyed = new LinkedHashMap<>();
      for (Map.Entry<?, ?> x : entry.entrySet()) {
        if (!(x.getKey() instanceof String key)) {
          throw new IllegalArgumentException(where + ": keys must be strings, got "
              + ParamGroup.describe(x.getKey()));
        }
        stringKeyed.put(key, x.getValue());
      }
      Map<String, Object> loaded = loadState(where, param, stringKeyed,
          newOptions.get(groupOf.get(param)));
      if (!loaded.isEmpty()) {
        newState.put(param, new LinkedHashMap<>(loaded));
      }
    }
    for (int i = 0; i < paramGroups.size(); i++) {
      LinkedHashMap<String, Object> live = paramGroups.get(i).mutableOptions();
      live.clear();
      live.putAll(newOptions.get(i));
    }
    state.clear();
    state.putAll(newState);
    // Loaded inside a caller's arena (Temporaries.releasing), the copies belong to this
    // optimizer now, not to the arena: what the new state holds escapes it.
    Temporaries.escapeSince(Temporaries.mark(), newState);
  }

  private static Long integral(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    return null;
  }

  private static String quote(Object k) {
    return k instanceof String s ? "\"" + s + "\"" : String.valueOf(k);
  }

  // ------------------------------------------------------------------ helpers for loadState

  /**
   * A copy of saved state tensor {@code value}, which must have {@code param}'s shape, in the
   * parameter's dtype and on its device.
   *
   * @throws IllegalArgumentException when it is not a tensor of that shape
   */
  protected static Tensor loadTensor(String where, String key, Object value, Tensor param) {
    if (!(value instanceof Tensor t)) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be a tensor, got "
          + ParamGroup.describe(value));
    }
    if (!Arrays.equals(t.shape(), param.shape())) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" has shape "
          + Arrays.toString(t.shape()) + " but the parameter has shape "
          + Arrays.toString(param.shape()));
    }
    if (!t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be floating point, got "
          + t.dtype());
    }
    return t.detach().to(param.device(), param.dtype()).clone();
  }

  /**
   * A saved step count as a new 0-d float32 tensor (PyTorch keeps it so): a one-element tensor
   * or a number, finite and not negative.
   *
   * @throws IllegalArgumentException otherwise
   */
  protected static Tensor loadStep(String where, Object value) {
    double step;
    if (value instanceof Tensor t && t.numel() == 1) {
      step = t.item();
    } else if (value instanceof Number n) {
      step = n.doubleValue();
    } else {
      throw new IllegalArgumentException(where + ": \"step\" must be a number or a one-element"
          + " tensor, got " + ParamGroup.describe(value));
    }
    if (!(step >= 0) || Double.isInfinite(step)) {
      throw new IllegalArgumentException(where + ": \"step\" must be a count >= 0, got " + step);
    }
    return Tensor.scalar(step, DType.FLOAT32);
  }

  /**
   * Throws when {@code saved} has a key outside {@code known}.
   *
   * @throws IllegalArgumentException naming the key and the keys this optimizer keeps
   */
  protected static void rejectUnknownKeys(String where, Map<String, ?> saved, Set<String> known,
      String optimizer) {
    for (String k : saved.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(where + ": unexpected key \"" + k + "\"; " + optimizer
            + " keeps " + known);
      }
    }
  }

  /** The name of the optimizer class, for messages. */
  protected final String name() {
    return name;
  }

  /**
   * PyTorch's printout: the class name and, per group, its options sorted by key.
   *
   * <pre>
   * SGD (
   * Parameter Group 0
   *     dampening: 0.0
   *     lr: 0.1
   *     ...
   * )
   * </pre>
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append(" (");
    for (int i = 0; i < paramGroups.size(); i++) {
      sb.append("\nParameter Group ").append(i).append('\n');
      for (String key : new TreeSet<>(paramGroups.get(i).options().keySet())) {
        sb.append("    ").append(key).append(": ").append(paramGroups.get(i).options().get(key))
            .append('\n');
      }
    }
    return sb.append(')').toString();
  }
}
