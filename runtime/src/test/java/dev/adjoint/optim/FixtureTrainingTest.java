package dev.adjoint.optim;

import static dev.adjoint.optim.PyTorchOptimCases.assertClose;

import dev.adjoint.io.SafeTensors;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.Shared;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training runs from the shared PyTorch fixtures ({@code ../shared/fixtures}, see its README):
 * from {@code param.*}, five full-batch steps, reproducing {@code <opt>.step<k>.loss} (the loss
 * before step k) and {@code <opt>.final.<key>} (the parameters after five steps).
 *
 * <p>The models are plain tensor ops here, so the test does not depend on the nn layers.
 * Tolerance: {@code |java - torch| <= 1e-6 + 1e-5 |torch|}, the README's "float32 rounding,
 * about 1e-5 relative". The three matrix products are summed in another order than PyTorch's,
 * five times over, so results differ by a few float32 ulps (the worst seen is under 3% of the
 * allowance); a wrong update rule moves the parameters by about lr times the gradient, 1e-3 or
 * more. The absolute 1e-6 covers elements near zero.
 */
class FixtureTrainingTest {
  static final double RTOL = 1e-5;
  static final double ATOL = 1e-6;

  private static final List<String> MLP_KEYS = List.of("0.weight", "0.bias", "2.weight",
      "2.bias", "4.weight", "4.bias");

  @ParameterizedTest
  @MethodSource("dev.adjoint.testing.Devices#all")
  void mlpSgdWithMomentumDampeningAndWeightDecay(Device device) throws IOException {
    runMlp(device, "sgd_momentum", params -> SGD.builder(params).lr(0.05).momentum(0.9)
        .dampening(0.1).weightDecay(1e-3).build());
  }

  @ParameterizedTest
  @MethodSource("dev.adjoint.testing.Devices#all")
  void mlpSgdNesterov(Device device) throws IOException {
    runMlp(device, "sgd_nesterov", params -> SGD.builder(params).lr(0.05).momentum(0.9)
        .nesterov(true).weightDecay(1e-3).build());
  }

  @ParameterizedTest
  @MethodSource("dev.adjoint.testing.Devices#all")
  void mlpAdam(Device device) throws IOException {
    runMlp(device, "adam", params -> Adam.builder(params).lr(1e-2).betas(0.9, 0.99)
        .weightDecay(1e-4).build());
  }

  @ParameterizedTest
  @MethodSource("dev.adjoint.testing.Devices#all")
  void mlpAdamW(Device device) throws IOException {
    runMlp(device, "adamw", params -> AdamW.builder(params).lr(1e-2).weightDecay(1e-2).build());
  }

  @ParameterizedTest
  @MethodSource("dev.adjoint.testing.Devices#all")
  void linregSgd(Device device) throws IOException {
    Map<String, Tensor> f = SafeTensors.load(Shared.require("fixtures/linreg.safetensors"));
    Tensor weight = f.get("param.weight").to(device).clone().requiresGrad_(true);
    Tensor bias = f.get("param.bias").to(device).clone().requiresGrad_(true);
    Tensor x = f.get("input.x").to(device);
    Tensor y = f.get("input.y").to(device);
    SGD opt = new SGD(List.of(weight, bias), 0.1);
    for (int k = 0; k < 5; k++) {
      opt.zeroGrad();
      // nn.Linear(8, 1) and mse_loss: mean((x @ W^T + b - y)^2).
      Tensor loss = x.matmul(weight.t()).add(bias).sub(y).pow(2.0).mean();
      assertClose("linreg sgd step " + k + " loss", f.get("sgd.step" + k + ".loss"),
          loss.detach().reshape(1), RTOL, ATOL);
      loss.backward();
      opt.step();
    }
    assertClose("linreg sgd final weight", f.get("sgd.final.weight"), weight, RTOL, ATOL);
    assertClose("linreg sgd final bias", f.get("sgd.final.bias"), bias, RTOL, ATOL);
  }

  private static void runMlp(Device device, String prefix,
      Function<List<Tensor>, Optimizer> make) throws IOException {
    Map<String, Tensor> f = SafeTensors.load(Shared.require("fixtures/mlp.safetensors"));
    Map<String, Tensor> params = new LinkedHashMap<>();
    for (String k : MLP_KEYS) {
      params.put(k, f.get("param." + k).to(device).clone().requiresGrad_(true));
    }
    Optimizer opt = make.apply(new ArrayList<>(params.values()));
    Tensor x = f.get("input.x").to(device);
    Tensor y = f.get("input.y").to(device);
    for (int k = 0; k < 5; k++) {
      opt.zeroGrad();
      Tensor loss = crossEntropy(mlp(params, x), y);
      assertClose(prefix + " step " + k + " loss", f.get(prefix + ".step" + k + ".loss"),
          loss.detach().reshape(1), RTOL, ATOL);
      loss.backward();
      opt.step();
    }
    for (String k : MLP_KEYS) {
      assertClose(prefix + " final " + k, f.get(prefix + ".final." + k), params.get(k), RTOL,
          ATOL);
    }
  }

  /** Sequential(Linear(20,16), ReLU, Linear(16,8), Tanh, Linear(8,3)); Linear is x W^T + b. */
  private static Tensor mlp(Map<String, Tensor> p, Tensor x) {
    Tensor h = x.matmul(p.get("0.weight").t()).add(p.get("0.bias")).relu();
    h = h.matmul(p.get("2.weight").t()).add(p.get("2.bias")).tanh();
    return h.matmul(p.get("4.weight").t()).add(p.get("4.bias"));
  }

  /** F.cross_entropy with class indices: mean over rows of logsumexp(row) - row[target]. */
  private static Tensor crossEntropy(Tensor logits, Tensor target) {
    Tensor picked = logits.gather(1, target.unsqueeze(1)).squeeze(1);
    return logits.logsumexp(1).sub(picked).mean();
  }
}
