package dev.adjoint.optim;

import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.UpdatePrograms;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What {@link Adam} and {@link AdamW} share: options, checks, the update and the state. */
final class AdamUpdate {
  private static final Set<String> STATE_KEYS =
      Set.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq");

  private AdamUpdate() {}

  static Map<String, Object> defaults(double lr, double beta1, double beta2, double eps,
      double weightDecay, boolean amsgrad, boolean maximize) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("lr", lr);
    d.put("betas", List.of(beta1, beta2));
    d.put("eps", eps);
    d.put("weight_decay", weightDecay);
    d.put("amsgrad", amsgrad);
    d.put("maximize", maximize);
    return d;
  }

  static String checkOption(String key, Object value) {
    switch (key) {
      case "lr":
        return (Double) value >= 0 ? null
            : "invalid learning rate lr=" + value + " (must be >= 0)";
      case "eps":
        return (Double) value >= 0 ? null : "invalid epsilon eps=" + value + " (must be >= 0)";
      case "weight_decay":
        return (Double) value >= 0 ? null
            : "invalid weight_decay=" + value + " (must be >= 0)";
      case "betas":
        List<?> betas = (List<?>) value;
        for (int i = 0; i < 2; i++) {
          double b = (Double) betas.get(i);
          if (!(b >= 0 && b < 1)) {
            return "invalid beta parameter at index " + i + ": " + b + " (betas must be in"
                + " [0, 1))";
          }
        }
        return null;
      default:
        return null;
    }
  }

  /**
   * One Adam step for a group. {@code decoupled} is AdamW: the parameter shrinks by
   * {@code 1 - lr * weight_decay} instead of the decay joining the gradient.
   */
  static void update(Optimizer opt, ParamGroup group, boolean decoupled) {
    double lr = group.getDouble("lr");
    List<?> betas = (List<?>) group.get("betas");
    double beta1 = (Double) betas.get(0);
    double beta2 = (Double) betas.get(1);
    double eps = group.getDouble("eps");
    double weightDecay = group.getDouble("weight_decay");
    boolean amsgrad = group.getBoolean("amsgrad");
    boolean maximize = group.getBoolean("maximize");
    for (Tensor p : group.params()) {
      Tensor grad = p.grad();
      if (grad == null) {
        continue;
      }
      Map<String, Object> state = opt.mutableState(p);
      if (state.isEmpty()) {
        state.put("step", Tensor.scalar(0.0, DType.FLOAT32));
        state.put("exp_avg", p.zerosLike());
        state.put("exp_avg_sq", p.zerosLike());
        if (amsgrad) {
          state.put("max_exp_avg_sq", p.zerosLike());
        }
      }
      Tensor stepCount = (Tensor) state.get("step");
      Tensor expAvg = (Tensor) state.get("exp_avg");
      Tensor expAvgSq = (Tensor) state.get("exp_avg_sq");
      stepCount.add_(1.0);
      double step = stepCount.item();
      double biasCorrection1 = 1 - Math.pow(beta1, step);
      double biasCorrection2 = 1 - Math.pow(beta2, step);
      double stepSize = lr / biasCorrection1;
      double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      if (amsgrad) {
        // Turned on after the state was made: start the running maximum now.
        state.computeIfAbsent("max_exp_avg_sq", k -> p.zerosLike());
      }
      Tensor max = amsgrad ? (Tensor) state.get("max_exp_avg_sq") : null;
      boolean fused = amsgrad ? Pointwise.fusable(p, grad, expAvg, expAvgSq, max)
          : Pointwise.fusable(p, grad, expAvg, expAvgSq);
      if (fused) {
        double[] scalars = {decoupled ? 1 - lr * weightDecay : weightDecay, beta1, 1 - beta1,
            beta2, 1 - beta2, biasCorrection2Sqrt, eps, -stepSize};
        Tensor[] in = amsgrad ? new Tensor[] {p, grad, expAvg, expAvgSq, max}
            : new Tensor[] {p, grad, expAvg, expAvgSq};
        Tensor[] out = amsgrad ? new Tensor[] {expAvg, expAvgSq, max, p}
            : new Tensor[] {expAvg, expAvgSq, p};
        UpdatePrograms.adam(new UpdatePrograms.Adam(decoupled, !decoupled && weightDecay != 0,
            amsgrad, maximize)).apply(scalars, in, out);
        continue;
      }
      if (maximize) {
        grad = grad.neg();
      }
      if (decoupled) {
        p.mul_(1 - lr * weightDecay);
      } else if (weightDecay != 0) {
        grad = grad.add(p, weightDecay);
      }
      expAvg.mul_(beta1).add_(grad, 1 - beta1);
      expAvgSq.mul_(beta2).add_(grad.mul(grad), 1 - beta2);
      Tensor second = expAvgSq;
      if (amsgrad) {
        max.copy_(max.maximum(expAvgSq));
        second = max;
      }
      Tensor denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
      p.add_(expAvg.div(denom), -stepSize);
    }
  }

  static Map<String, Object> loadState(String where, String optimizer, Tensor param,
      Map<String, ?> saved, Map<String, Object> group) {
    Optimizer.rejectUnknownKeys(where, saved, STATE_KEYS, optimizer);
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : new String[] {"step", "exp_avg", "exp_avg_sq"}) {
      if (!saved.containsKey(key)) {
        throw new IllegalArgumentException(where + ": lacks \"" + key + "\"; " + optimizer
            + " state has step, exp_avg and exp_avg_sq (and max_exp_avg_sq with amsgrad)");
      }
    }
    out.put("step", Optimizer.loadStep(where, saved.get("step")));
    out.put("exp_avg", Optimizer.loadTensor(where, "exp_avg", saved.get("exp_avg"), param));
    out.put("exp_avg_sq",
        Optimizer.loadTensor(where, "exp_avg_sq", saved.get("exp_avg_sq"), param));
    if (saved.get("max_exp_avg_sq") != null) {
      out.put("max_exp_avg_sq",
          Optimizer.loadTensor(where, "max_exp_avg_sq", saved.get("max_exp_avg_sq"), param));
    }
    return out;
  }
}
