package dev.adjoint.optim;

import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.UpdatePrograms;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Stochastic gradient descent, optionally with momentum, dampening, weight decay (L2 penalty)
 * and Nesterov momentum: {@code torch.optim.SGD}, with PyTorch's update order. Per parameter,
 * with gradient {@code g}:
 *
 * <pre>
 * g = g + weight_decay * p                      (when weight_decay != 0)
 * b = g on the first step, else momentum * b + (1 - dampening) * g   (when momentum != 0)
 * g = g + momentum * b  with nesterov, else  g = b
 * p = p - lr * g
 * </pre>
 *
 * <p>The first momentum buffer is the gradient itself, not dampened. With {@code maximize} the
 * gradient is negated first.
 *
 * <pre>{@code
 * var opt = new SGD(model.parameters(), 0.1);
 * var opt2 = SGD.builder(model.parameters())
 *     .lr(0.05).momentum(0.9).dampening(0.1).weightDecay(1e-3).build();
 * }</pre>
 *
 * <p>Group options: {@code lr} (default 1e-3, as in PyTorch 2), {@code momentum} (0),
 * {@code dampening} (0), {@code weight_decay} (0), {@code nesterov} (false), {@code maximize}
 * (false). State per parameter: {@code momentum_buffer} once momentum is used.
 */
public final class SGD extends Optimizer {
  private static final Set<String> STATE_KEYS = Set.of("momentum_buffer");

  /**
   * Plain SGD over {@code params} with learning rate {@code lr}.
   *
   * @throws IllegalArgumentException when {@code lr < 0} or there are no parameters
   */
  public SGD(List<Tensor> params, double lr) {
    this(List.of(ParamGroup.of(params)), builderDefaults(lr, 0, 0, 0, false, false));
  }

  private SGD(List<ParamGroup> groups, Map<String, Object> defaults) {
    super(groups, defaults);
  }

  /** A builder for SGD over {@code params}; every option starts at PyTorch's default. */
  public static Builder builder(List<Tensor> params) {
    Objects.requireNonNull(params, "SGD.builder: params");
    return new Builder(List.of(ParamGroup.of(params)));
  }

  /**
   * A builder for SGD over parameter groups; the builder's options are the defaults each group
   * may override ({@code SGD([{'params': ...}, {'params': ..., 'lr': 1e-3}], lr=1e-2)}).
   */
  public static Builder builder(ParamGroup... groups) {
    Objects.requireNonNull(groups, "SGD.builder: groups");
    return new Builder(Arrays.asList(groups.clone()));
  }

  private static Map<String, Object> builderDefaults(double lr, double momentum,
      double dampening, double weightDecay, boolean nesterov, boolean maximize) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("lr", lr);
    d.put("momentum", momentum);
    d.put("dampening", dampening);
    d.put("weight_decay", weightDecay);
    d.put("nesterov", nesterov);
    d.put("maximize", maximize);
    return d;
  }

  /** Options for {@link SGD}, each defaulting to PyTorch's value. */
  public static final class Builder {
    private final List<ParamGroup> groups;
    private double lr = 1e-3;
    private double momentum;
    private double dampening;
    private double weightDecay;
    private boolean nesterov;
    private boolean maximize;

    private Builder(List<ParamGroup> groups) {
      this.groups = groups;
    }

    /** Learning rate (default 1e-3). */
    public Builder lr(double lr) {
      this.lr = lr;
      return this;
    }

    /** Momentum factor (default 0, no momentum). */
    public Builder momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Dampening for momentum (default 0). */
    public Builder dampening(double dampening) {
      this.dampening = dampening;
      return this;
    }

    /** Weight decay, an L2 penalty added to the gradient (default 0). */
    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Nesterov momentum (default false; needs momentum and zero dampening). */
    public Builder nesterov(boolean nesterov) {
      this.nesterov = nesterov;
      return this;
    }

    /** Maximize the objective instead of minimizing it (default false). */
    public Builder maximize(boolean maximize) {
      this.maximize = maximize;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException for a negative lr, momentum or weight decay, Nesterov
     *     without momentum or with dampening, or no parameters
     */
    public SGD build() {
      return new SGD(groups,
          builderDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize));
    }
  }

  @Override
  protected String checkOption(String key, Object value) {
    double v = value instanceof Double d ? d : 0;
    return switch (key) {
      case "lr" -> v >= 0 ? null : "invalid learning rate lr=" + v + " (must be >= 0)";
      case "momentum" -> v >= 0 ? null : "invalid momentum=" + v + " (must be >= 0)";
      case "dampening" -> Double.isFinite(v) ? null : "invalid dampening=" + v;
      case "weight_decay" -> v >= 0 ? null
          : "invalid weight_decay=" + v + " (must be >= 0)";
      default -> null;
    };
  }

  @Override
  protected String checkGroup(Map<String, Object> options) {
    if (Boolean.TRUE.equals(options.get("nesterov"))) {
      double momentum = (Double) options.get("momentum");
      double dampening = (Double) options.get("dampening");
      if (momentum <= 0 || dampening != 0) {
        return "Nesterov momentum requires a momentum and zero dampening (got momentum="
            + momentum + ", dampening=" + dampening + ")";
      }
    }
    return null;
  }

  @Override
  protected void update(ParamGroup group) {
    double lr = group.getDouble("lr");
    double momentum = group.getDouble("momentum");
    double dampening = group.getDouble("dampening");
    double weightDecay = group.getDouble("weight_decay");
    boolean nesterov = group.getBoolean("nesterov");
    boolean maximize = group.getBoolean("maximize");
    for (Tensor p : group.params()) {
      Tensor d = p.grad();
      if (d == null) {
        continue;
      }
      if (Pointwise.fusable(p, d)) {
        fusedUpdate(group, p, d, lr, momentum, dampening, weightDecay, nesterov, maximize);
        continue;
      }
      if (maximize) {
        d = d.neg();
      }
      if (weightDecay != 0) {
        d = d.add(p, weightDecay);
      }
      if (momentum != 0) {
        Map<String, Object> state = mutableState(p);
        Tensor buf = (Tensor) state.get("momentum_buffer");
        if (buf == null) {
          buf = d.clone();
          state.put("momentum_buffer", buf);
        } else {
          buf.mul_(momentum).add_(d, 1 - dampening);
        }
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.add_(d, -lr);
    }
  }

  private void fusedUpdate(ParamGroup group, Tensor p, Tensor grad, double lr, double momentum,
      double dampening, double weightDecay, boolean nesterov, boolean maximize) {
    Tensor buf = null;
    boolean first = false;
    if (momentum != 0) {
      Map<String, Object> state = mutableState(p);
      buf = (Tensor) state.get("momentum_buffer");
      if (buf == null || !Pointwise.fusable(p, buf)) {
        first = buf == null;
        if (first) {
          buf = p.zerosLike();
          state.put("momentum_buffer", buf);
        } else {
          buf = buf.contiguous();
          state.put("momentum_buffer", buf);
        }
      }
    }
    Pointwise program = UpdatePrograms.sgd(new UpdatePrograms.Sgd(maximize, weightDecay != 0,
        momentum != 0, first, nesterov));
    double[] scalars = {weightDecay, momentum, 1 - dampening, -lr};
    if (buf == null) {
      program.apply(scalars, new Tensor[] {p, grad}, new Tensor[] {p});
    } else {
      program.apply(scalars, new Tensor[] {p, grad, buf}, new Tensor[] {buf, p});
    }
  }

  @Override
  protected Map<String, Object> loadState(String where, Tensor param, Map<String, ?> saved,
      Map<String, Object> group) {
    rejectUnknownKeys(where, saved, STATE_KEYS, "SGD");
    Map<String, Object> out = new LinkedHashMap<>();
    // PyTorch 1.x saves momentum_buffer = None for parameters stepped without momentum.
    Object buf = saved.get("momentum_buffer");
    if (buf != null) {
      out.put("momentum_buffer", loadTensor(where, "momentum_buffer", buf, param));
    }
    return out;
  }
}
