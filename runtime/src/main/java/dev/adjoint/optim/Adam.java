package dev.adjoint.optim;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adam ({@code torch.optim.Adam}), with weight decay as an L2 penalty added to the gradient and
 * the AMSGrad variant. Per parameter, at step {@code t} with gradient {@code g}:
 *
 * <pre>
 * g = g + weight_decay * p                         (when weight_decay != 0)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * vmax = max(vmax, v)                              (amsgrad; then vmax replaces v below)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <pre>{@code
 * var opt = new Adam(model.parameters(), 1e-3);
 * var opt2 = Adam.builder(model.parameters()).lr(1e-2).betas(0.9, 0.99).weightDecay(1e-4).build();
 * }</pre>
 *
 * <p>Group options: {@code lr} (default 1e-3), {@code betas} (0.9, 0.999), {@code eps} (1e-8),
 * {@code weight_decay} (0), {@code amsgrad} (false), {@code maximize} (false). State per
 * parameter: {@code step} (a 0-d float32 tensor), {@code exp_avg}, {@code exp_avg_sq} and, with
 * amsgrad, {@code max_exp_avg_sq}. For weight decay that does not pass through the moments, use
 * {@link AdamW}.
 */
public final class Adam extends Optimizer {
  /**
   * Adam over {@code params} with PyTorch's defaults (lr 1e-3).
   *
   * @throws IllegalArgumentException when there are no parameters
   */
  public Adam(List<Tensor> params) {
    this(params, 1e-3);
  }

  /**
   * Adam over {@code params} with learning rate {@code lr} and otherwise PyTorch's defaults.
   *
   * @throws IllegalArgumentException when {@code lr < 0} or there are no parameters
   */
  public Adam(List<Tensor> params, double lr) {
    this(List.of(ParamGroup.of(params)),
        AdamUpdate.defaults(lr, 0.9, 0.999, 1e-8, 0, false, false));
  }

  private Adam(List<ParamGroup> groups, Map<String, Object> defaults) {
    super(groups, defaults);
  }

  /** A builder for Adam over {@code params}; every option starts at PyTorch's default. */
  public static Builder builder(List<Tensor> params) {
    Objects.requireNonNull(params, "Adam.builder: params");
    return new Builder(List.of(ParamGroup.of(params)));
  }

  /** A builder for Adam over parameter groups, whose options override the builder's. */
  public static Builder builder(ParamGroup... groups) {
    Objects.requireNonNull(groups, "Adam.builder: groups");
    return new Builder(Arrays.asList(groups.clone()));
  }

  /** Options for {@link Adam}, each defaulting to PyTorch's value. */
  public static final class Builder {
    private final List<ParamGroup> groups;
    private double lr = 1e-3;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private boolean amsgrad;
    private boolean maximize;

    private Builder(List<ParamGroup> groups) {
      this.groups = groups;
    }

    /** Learning rate (default 1e-3). */
    public Builder lr(double lr) {
      this.lr = lr;
      return this;
    }

    /** Decay rates of the running averages of the gradient and its square (0.9, 0.999). */
    public Builder betas(double beta1, double beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    /** Term added to the denominator for numerical stability (default 1e-8). */
    public Builder eps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Weight decay, an L2 penalty added to the gradient (default 0). */
    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Use the AMSGrad variant (default false). */
    public Builder amsgrad(boolean amsgrad) {
      this.amsgrad = amsgrad;
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
     * @throws IllegalArgumentException for a negative lr, eps or weight decay, betas outside
     *     [0, 1), or no parameters
     */
    public Adam build() {
      return new Adam(groups,
          AdamUpdate.defaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize));
    }
  }

  @Override
  protected String checkOption(String key, Object value) {
    return AdamUpdate.checkOption(key, value);
  }

  @Override
  protected void update(ParamGroup group) {
    AdamUpdate.update(this, group, false);
  }

  @Override
  protected Map<String, Object> loadState(String where, Tensor param, Map<String, ?> saved,
      Map<String, Object> group) {
    return AdamUpdate.loadState(where, "Adam", param, saved, group);
  }
}
