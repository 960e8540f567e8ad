package dev.adjoint.nn;

import static dev.adjoint.nn.NnTesting.assertMatchesTorch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.io.SafeTensors;
import dev.adjoint.io.SafeTensorsFile;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.Shared;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shared PyTorch fixtures ({@code ../shared/fixtures}, see its README) reproduced with the
 * {@code nn} layers: the file's {@code param.*} are loaded into the same architecture by their
 * PyTorch names, and the forward outputs, the loss (written here with tensor ops) and every
 * parameter gradient must match to float32 rounding ({@link NnTesting#FLOAT32_TOL}).
 */
class FixtureTest {
  /** Loads {@code param.<name>} into {@code model}, checking it has exactly those parameters. */
  private static void load(Module model, SafeTensorsFile f) {
    Map<String, Tensor> params = new TreeMap<>();
    f.tensors().forEach((k, v) -> {
      if (k.startsWith("param.")) {
        params.put(k.substring("param.".length()), v);
      }
    });
    assertEquals(params.keySet(), new TreeSet<>(model.namedParameters().keySet()),
        "parameter names");
    params.forEach((k, v) -> model.setParameter(k, v.clone()));
  }

  private static void checkGradients(Module model, SafeTensorsFile f) {
    for (String name : model.namedParameters().keySet()) {
      assertMatchesTorch(f.tensor("grad." + name), model.parameter(name).grad(), "grad." + name);
    }
  }

  /** Mean cross entropy of class indices {@code y}: {@code -mean(log_softmax(logits)[i, y_i])}. */
  private static Tensor crossEntropy(Tensor logits, Tensor y) {
    Tensor logProbs = logits.sub(logits.logsumexp(1, true));
    return logProbs.gather(1, y.unsqueeze(1)).neg().mean();
  }

  @Test
  void cnn() throws IOException {
    SafeTensorsFile f = SafeTensors.read(Shared.require("fixtures/cnn.safetensors"));
    Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2),
        new Conv2d(4, 6, 3), new ReLU(), new Flatten(), new Linear(24, 5));
    load(model, f);
    Tensor logits = model.call(f.tensor("input.x"));
    assertMatchesTorch(f.tensor("output.logits"), logits, "output.logits");
    Tensor loss = crossEntropy(logits, f.tensor("input.y"));
    assertMatchesTorch(f.tensor("output.loss"), loss.reshape(1), "output.loss");
    loss.backward();
    checkGradients(model, f);
  }

  @Test
  void mlp() throws IOException {
    SafeTensorsFile f = SafeTensors.read(Shared.require("fixtures/mlp.safetensors"));
    Sequential model = new Sequential(new Linear(20, 16), new ReLU(), new Linear(16, 8),
        new Tanh(), new Linear(8, 3));
    load(model, f);
    Tensor logits = model.call(f.tensor("input.x"));
    assertMatchesTorch(f.tensor("output.logits"), logits, "output.logits");
    Tensor loss = crossEntropy(logits, f.tensor("input.y"));
    assertMatchesTorch(f.tensor("output.loss"), loss.reshape(1), "output.loss");
    loss.backward();
    checkGradients(model, f);
  }

  @Test
  void linreg() throws IOException {
    SafeTensorsFile f = SafeTensors.read(Shared.require("fixtures/linreg.safetensors"));
    Linear model = new Linear(8, 1);
    load(model, f);
    Tensor x = f.tensor("input.x");
    Tensor y = f.tensor("input.y");
    Tensor yhat = model.call(x);
    assertMatchesTorch(f.tensor("output.yhat"), yhat, "output.yhat");
    assertMatchesTorch(f.tensor("output.loss"), yhat.sub(y).pow(2.0).mean().reshape(1),
        "output.loss");
    // This file's grad.* are not the gradients at param.* that the fixtures README describes but
    // those of the last of its 5 SGD steps (checked with PyTorch 1.13: the gradient at param.*
    // is [0.0071, -0.0046, 1.1229, ...], the one at step 4 [0.0725, -0.3722, 0.2849, ...], as
    // stored). So the steps are replayed here with plain SGD (p -= 0.1 grad): every step's loss,
    // the stored gradients at step 4, and the final parameters must match.
    for (int step = 0; step < 5; step++) {
      model.zeroGrad();
      Tensor loss = model.call(x).sub(y).pow(2.0).mean();
      assertMatchesTorch(f.tensor("sgd.step" + step + ".loss"), loss.reshape(1),
          "sgd.step" + step + ".loss");
      loss.backward();
      if (step == 4) {
        checkGradients(model, f);
      }
      try (GradMode.Scope off = GradMode.noGrad()) {
        for (Tensor p : model.parameters()) {
          p.sub_(p.grad().mul(0.1));
        }
      }
    }
    for (String name : model.namedParameters().keySet()) {
      assertMatchesTorch(f.tensor("sgd.final." + name), model.parameter(name),
          "sgd.final." + name);
    }
  }
}
