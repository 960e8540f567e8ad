package dev.adjoint.backend;

/**
 * The optimizers' fused updates as {@link Pointwise} programs, one per combination of options,
 * each made once and tagged with its {@linkplain Pointwise#form form} (the record of those
 * options). A backend evaluates any program step by step; a backend that has a hand-fused loop
 * for a form (the CPU backend has one for each) may run it instead, and must get the same bits:
 * the programs below are the specification of those loops, and tests hold the loops to them.
 *
 * <p>Every step rounds as the tensor operation it stands for, in the order the unfused path of
 * {@code dev.adjoint.optim.Adam} and {@code SGD} computes, so fusing never changes a result.
 */
public final class UpdatePrograms {
  private UpdatePrograms() {}

  /**
   * Adam's options that change its steps. {@code decoupled} is AdamW (the parameter shrinks by
   * the decay scalar first); {@code coupledDecay} adds {@code p * weight_decay} to the gradient.
   */
  public record Adam(boolean decoupled, boolean coupledDecay, boolean amsgrad,
      boolean maximize) {
    int key() {
      return (decoupled ? 1 : 0) | (coupledDecay ? 2 : 0) | (amsgrad ? 4 : 0)
          | (maximize ? 8 : 0);
    }
  }

  /**
   * SGD's options that change its steps: {@code decay} (weight decay is not zero), {@code
   * momentum} (momentum is not zero), {@code first} (the momentum buffer starts as the
   * gradient), {@code nesterov}.
   */
  public record Sgd(boolean maximize, boolean decay, boolean momentum, boolean first,
      boolean nesterov) {
    int key() {
      return (maximize ? 1 : 0) | (decay ? 2 : 0) | (momentum ? 4 : 0) | (first ? 8 : 0)
          | (nesterov ? 16 : 0);
    }
  }

  private static final Pointwise[] ADAM = new Pointwise[16];
  private static final Pointwise[] SGD = new Pointwise[32];

  /**
   * Adam's update: inputs p, grad, exp_avg, exp_avg_sq (and max_exp_avg_sq with amsgrad);
   * scalars decay (AdamW: {@code 1 - lr * weight_decay}; else weight_decay), beta1, 1 - beta1,
   * beta2, 1 - beta2, sqrt(bias correction 2), eps, -step size; outputs exp_avg, exp_avg_sq
   * (max_exp_avg_sq), p.
   */
  public static Pointwise adam(Adam options) {
    synchronized (ADAM) {
      Pointwise p = ADAM[options.key()];
      if (p == null) {
        p = ADAM[options.key()] = buildAdam(options);
      }
      return p;
    }
  }

  private static Pointwise buildAdam(Adam o) {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value p = b.input();
    Pointwise.Value grad = b.input();
    Pointwise.Value expAvg = b.input();
    Pointwise.Value expAvgSq = b.input();
    Pointwise.Value max = o.amsgrad() ? b.input() : null;
    Pointwise.Value decay = b.scalar();
    Pointwise.Value beta1 = b.scalar();
    Pointwise.Value oneMinusBeta1 = b.scalar();
    Pointwise.Value beta2 = b.scalar();
    Pointwise.Value oneMinusBeta2 = b.scalar();
    Pointwise.Value bc2Sqrt = b.scalar();
    Pointwise.Value eps = b.scalar();
    Pointwise.Value negStep = b.scalar();
    Pointwise.Value g = o.maximize() ? b.neg(grad) : grad;
    if (o.decoupled()) {
      p = b.mul(p, decay);                                      // p.mul_(1 - lr * wd)
    } else if (o.coupledDecay()) {
      g = b.add(g, b.mul(p, decay));                            // grad.add(p, wd)
    }
    Pointwise.Value m = b.add(b.mul(expAvg, beta1), b.mul(g, oneMinusBeta1));
    Pointwise.Value v = b.add(b.mul(expAvgSq, beta2), b.mul(b.mul(g, g), oneMinusBeta2));
    Pointwise.Value second = o.amsgrad() ? b.maximum(max, v) : v;
    Pointwise.Value denom = b.add(b.div(b.sqrt(second), bc2Sqrt), eps);
    Pointwise.Value update = b.add(p, b.mul(b.div(m, denom), negStep));
    b.output(m).output(v);
    if (o.amsgrad()) {
      b.output(second);
    }
    return b.output(update).build(o);
  }

  /**
   * SGD's update: inputs p, grad (and momentum_buffer with momentum); scalars weight_decay,
   * momentum, 1 - dampening, -lr; outputs (momentum_buffer and) p.
   */
  public static Pointwise sgd(Sgd options) {
    synchronized (SGD) {
      Pointwise p = SGD[options.key()];
      if (p == null) {
        p = SGD[options.key()] = buildSgd(options);
      }
      return p;
    }
  }

  private static Pointwise buildSgd(Sgd o) {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value p = b.input();
    Pointwise.Value d = b.input();
    Pointwise.Value buf = o.momentum() ? b.input() : null;
    Pointwise.Value weightDecay = b.scalar();
    Pointwise.Value mom = b.scalar();
    Pointwise.Value oneMinusDampening = b.scalar();
    Pointwise.Value negLr = b.scalar();
    if (o.maximize()) {
      d = b.neg(d);
    }
    if (o.decay()) {
      d = b.add(d, b.mul(p, weightDecay));                       // d.add(p, weight_decay)
    }
    if (o.momentum()) {
      buf = o.first() ? d : b.add(b.mul(buf, mom), b.mul(d, oneMinusDampening));
      d = o.nesterov() ? b.add(d, b.mul(buf, mom)) : buf;
      b.output(buf);
    }
    return b.output(b.add(p, b.mul(d, negLr))).build(o);      // p.add_(d, -lr)
  }
}
