package dev.adjoint.optim;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * RMSprop ({@code torch.optim.RMSprop}), optionally centered and with momentum. Per parameter,
 * with gradient {@code g}:
 *
 * <pre>
 * g = g + weight_decay * p                          (when weight_decay != 0)
 * v = alpha * v + (1 - alpha) * g * g
 * a = alpha * a + (1 - alpha) * g;  avg = sqrt(v - a * a) + eps     (centered)
 *                                   avg = sqrt(v) + eps             (otherwise)
 * b = momentum * b + g / avg;  p = p - lr * b       (momentum > 0)
 * p = p - lr * g / avg                              (otherwise)
 * </pre>
 *
 * <pre>{@code
 * var opt = new RMSprop(model.parameters(), 1e-2);
 * var opt2 = RMSprop.builder(model.parameters()).lr(1e-3).momentum(0.9).centered(true).build();
 * }</pre>
 *
 * <p>Group options: {@code lr} (default 1e-2), {@code momentum} (0), {@code alpha} (0.99),
 * {@code eps} (1e-8), {@code centered} (false), {@code weight_decay} (0), {@code maximize}
 * (false). State per parameter: {@code step} (a 0-d float32 tensor, as in PyTorch 2),
 * {@code square_avg}, and {@code momentum_buffer} with momentum, {@code grad_avg} when centered.
 */
public final class RMSprop extends Optimizer {
  private static final Set<String> STATE_KEYS =
      Set.of("step", "square_avg", "momentum_buffer", "grad_avg");

  /**
   * RMSprop over {@code params} with PyTorch's defaults (lr 1e-2).
   *
   * @throws IllegalArgumentException when there are no parameters
   */
  public RMSprop(List<Tensor> params) {
    this(params, 1e-2);
  }

  /**
   * RMSprop over {@code params} with learning rate {@code lr} and otherwise PyTorch's defaults.
   *
   * @throws IllegalArgumentException when {@code lr < 0} or there are no parameters
   */
  public RMSprop(List<Tensor> params, double lr) {
    this(List.of(ParamGroup.of(params)), defaults(lr, 0, 0.99, 1e-8, false, 0, false));
  }

  private RMSprop(List<ParamGroup> groups, Map<String, Object> defaults) {
    super(groups, defaults);
  }

  /** A builder for RMSprop over {@code params}; every option starts at PyTorch's default. */
  public static Builder builder(List<Tensor> params) {
    Objects.requireNonNull(params, "RMSprop.builder: params");
    return new Builder(List.of(ParamGroup.of(params)));
  }

  /** A builder for RMSprop over parameter groups, whose options override the builder's. */
  public static Builder builder(ParamGroup... groups) {
    Objects.requireNonNull(groups, "RMSprop.builder: groups");
    return new Builder(Arrays.asList(groups.clone()));
  }

  private static Map<String, Object> defaults(double lr, double momentum, double alpha,
      double eps, boolean centered, double weightDecay, boolean maximize) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("lr", lr);
    d.put("momentum", momentum);
    d.put("alpha", alpha);
    d.put("eps", eps);
    d.put("centered", centered);
    d.put("weight_decay", weightDecay);
    d.put("maximize", maximize);
    return d;
  }

  /** Options for {@link RMSprop}, each defaulting to PyTorch's value. */
  public static final class Builder {
    private final List<ParamGroup> groups;
    private double lr = 1e-2;
    private double momentum;
    private double alpha = 0.99;
    private double eps = 1e-8;
    private boolean centered;
    private double weightDecay;
    private boolean maximize;

    private Builder(List<ParamGroup> groups) {
      this.groups = groups;
    }

    /** Learning rate (default 1e-2). */
    public Builder lr(double lr) {
      this.lr = lr;
      return this;
    }

    /** Momentum factor (default 0). */
    public Builder momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Smoothing constant of the running average of the squared gradient (default 0.99). */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    /** Term added to the denominator for numerical stability (default 1e-8). */
    public Builder eps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Normalize by an estimate of the gradient's variance instead of its second moment. */
    public Builder centered(boolean centered) {
      this.centered = centered;
      return this;
    }

    /** Weight decay, an L2 penalty added to the gradient (default 0). */
    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
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
     * @throws IllegalArgumentException for a negative lr, momentum, alpha, eps or weight decay,
     *     or no parameters
     */
    public RMSprop build() {
      return new RMSprop(groups,
          defaults(lr, momentum, alpha, eps, centered, weightDecay, maximize));
    }
  }

  @Override
  protected String checkOption(String key, Object value) {
    double v = value instanceof Double d ? d : 0;
    return switch (key) {
      case "lr" -> v >= 0 ? null : "invalid learning rate lr=" + v + " (must be >= 0)";
      case "momentum" -> v >= 0 ? null : "invalid momentum=" + v + " (must be >= 0)";
      case "alpha" -> v >= 0 ? null : "invalid alpha=" + v + " (must be >= 0)";
      case "eps" -> v >= 0 ? null : "invalid epsilon eps=" + v + " (must be >= 0)";
      case "weight_decay" -> v >= 0 ? null
          : "invalid weight_decay=" + v + " (must be >= 0)";
      default -> null;
    };
  }

  @Override
  protected void update(ParamGroup group) {
    double lr = group.getDouble("lr");
    double momentum = group.getDouble("momentum");
    double alpha = group.getDouble("alpha");
    double eps = group.getDouble("eps");
    boolean centered = group.getBoolean("centered");
    double weightDecay = group.getDouble("weight_decay");
    boolean maximize = group.getBoolean("maximize");
    for (Tensor p : group.params()) {
      Tensor grad = p.grad();
      if (grad == null) {
        continue;
      }
      Map<String, Object> state = mutableState(p);
      if (state.isEmpty()) {
        state.put("step", Tensor.scalar(0.0, DType.FLOAT32));
        state.put("square_avg", p.zerosLike());
        if (momentum > 0) {
          state.put("momentum_buffer", p.zerosLike());
        }
        if (centered) {
          state.put("grad_avg", p.zerosLike());
        }
      }
      ((Tensor) state.get("step")).add_(1.0);
      if (maximize) {
        grad = grad.neg();
      }
      if (weightDecay != 0) {
        grad = grad.add(p, weightDecay);
      }
      Tensor squareAvg = (Tensor) state.get("square_avg");
      squareAvg.mul_(alpha).add_(grad.mul(grad), 1 - alpha);
      Tensor avg;
      if (centered) {
        // Options changed after the state was made start their buffers from zero.
        Tensor gradAvg = (Tensor) state.computeIfAbsent("grad_avg", k -> p.zerosLike());
        gradAvg.mul_(alpha).add_(grad, 1 - alpha);
        avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt_();
      } else {
        avg = squareAvg.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        Tensor buf = (Tensor) state.computeIfAbsent("momentum_buffer", k -> p.zerosLike());
        buf.mul_(momentum).add_(grad.div(avg));
        p.add_(buf, -lr);
      } else {
        p.add_(grad.div(avg), -lr);
      }
    }
  }

  @Override
  protected Map<String, Object> loadState(String where, Tensor param, Map<String, ?> saved,
      Map<String, Object> group) {
    rejectUnknownKeys(where, saved, STATE_KEYS, "RMSprop");
    for (String key : new String[] {"step", "square_avg"}) {
      if (!saved.containsKey(key)) {
        throw new IllegalArgumentException(where + ": lacks \"" + key + "\"; RMSprop state has"
            + " step and square_avg (and momentum_buffer with momentum, grad_avg when centered)");
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("step", loadStep(where, saved.get("step")));
    out.put("square_avg", loadTensor(where, "square_avg", saved.get("square_avg"), param));
    for (String key : new String[] {"momentum_buffer", "grad_avg"}) {
      if (saved.get(key) != null) {
        out.put(key, loadTensor(where, key, saved.get(key), param));
      }
    }
    return out;
  }
}
