package dev.adjoint.optim;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * AdamW ({@code torch.optim.AdamW}): Adam with decoupled weight decay, which shrinks the
 * parameter directly instead of adding a penalty to the gradient. Per parameter, at step
 * {@code t} with gradient {@code g}:
 *
 * <pre>
 * p = p * (1 - lr * weight_decay)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * vmax = max(vmax, v)                              (amsgrad; then vmax replaces v below)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <pre>{@code
 * var opt = new AdamW(model.parameters(), 1e-3);
 * var opt2 = AdamW.builder(model.parameters()).lr(1e-2).weightDecay(0.05).build();
 * }</pre>
 *
 * <p>Group options: {@code lr} (default 1e-3), {@code betas} (0.9, 0.999), {@code eps} (1e-8),
 * {@code weight_decay} (1e-2), {@code amsgrad} (false), {@code maximize} (false). State as
 * {@link Adam}'s.
 */
public final class AdamW extends Optimizer {
  /**
   * AdamW over {@code params} with PyTorch's defaults (lr 1e-3, weight decay 1e-2).
   *
   * @throws IllegalArgumentException when there are no parameters
   */
  public AdamW(List<Tensor> params) {
    this(params, 1e-3);
  }

  /**
   * AdamW over {@code params} with learning rate {@code lr} and otherwise PyTorch's defaults.
   *
   * @throws IllegalArgumentException when {@code lr < 0} or there are no parameters
   */
  public AdamW(List<Tensor> params, double lr) {
    this(List.of(ParamGroup.of(params)),
        AdamUpdate.defaults(lr, 0.9, 0.999, 1e-8, 1e-2, false, false));
  }

  private AdamW(List<ParamGroup> groups, Map<String, Object> defaults) {
    super(groups, defaults);
  }

  /** A builder for AdamW over {@code params}; every option starts at PyTorch's default. */
  public static Builder builder(List<Tensor> params) {
    Objects.requireNonNull(params, "AdamW.builder: params");
    return new Builder(List.of(ParamGroup.of(params)));
  }

  /** A builder for AdamW over parameter groups, whose options override the builder's. */
  public static Builder builder(ParamGroup... groups) {
    Objects.requireNonNull(groups, "AdamW.builder: groups");
    return new Builder(Arrays.asList(groups.clone()));
  }

  /** Options for {@link AdamW}, each defaulting to PyTorch's value. */
  public static final class Builder {
    private final List<ParamGroup> groups;
    private double lr = 1e-3;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay = 1e-2;
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

    /** Decoupled weight decay coefficient (default 1e-2). */
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
    public AdamW build() {
      return new AdamW(groups,
          AdamUpdate.defaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize));
    }
  }

  @Override
  protected String checkOption(String key, Object value) {
    return AdamUpdate.checkOption(key, value);
  }

  @Override
  protected void update(ParamGroup group) {
    AdamUpdate.update(this, group, true);
  }

  @Override
  protected Map<String, Object> loadState(String where, Tensor param, Map<String, ?> saved,
      Map<String, Object> group) {
    return AdamUpdate.loadState(where, "AdamW", param, saved, group);
  }
}
