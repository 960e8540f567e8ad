package dev.adjoint.optim;

import static dev.adjoint.optim.SchedulerTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Update rules derived by hand on one-element problems, parameter groups and their options,
 * gradients handling, and refused hyperparameters. Expected values are computed in double and
 * compared within 1e-6 (float32 parameters hold about 7 digits).
 */
class OptimizerTest {
  private static final double TOL = 1e-6;

  /** A one-element parameter holding {@code value} whose gradient is {@code grad}. */
  private static Tensor param(float value, float grad) {
    Tensor p = Tensor.of(value).requiresGrad_(true);
    p.setGrad(Tensor.of(grad));
    return p;
  }

  private static double value(Tensor p) {
    return p.toDoubleArray()[0];
  }

  // ------------------------------------------------------------------ update rules by hand

  @Test
  void sgdMomentumStartsFromTheUndampenedGradient() {
    // p = 1, g = 2 every step, momentum 0.9, dampening 0.5, lr 0.1.
    // step 1: b = g = 2 (no dampening on the first step); p = 1 - 0.1 * 2 = 0.8.
    // step 2: b = 0.9 * 2 + (1 - 0.5) * 2 = 2.8; p = 0.8 - 0.28 = 0.52.
    Tensor p = param(1f, 2f);
    SGD opt = SGD.builder(List.of(p)).lr(0.1).momentum(0.9).dampening(0.5).build();
    opt.step();
    assertEquals(0.8, value(p), TOL);
    assertEquals(2.0, value((Tensor) opt.state(p).get("momentum_buffer")), TOL);
    opt.step();
    assertEquals(0.52, value(p), TOL);
    assertEquals(2.8, value((Tensor) opt.state(p).get("momentum_buffer")), TOL);
  }

  @Test
  void sgdNesterovAndWeightDecay() {
    // p = 1, g = 2, weight decay 0.5, momentum 0.5, Nesterov, lr 0.1.
    // d = 2 + 0.5 * 1 = 2.5; b = 2.5; d = 2.5 + 0.5 * 2.5 = 3.75; p = 1 - 0.375 = 0.625.
    Tensor p = param(1f, 2f);
    SGD.builder(List.of(p)).lr(0.1).momentum(0.5).weightDecay(0.5).nesterov(true).build().step();
    assertEquals(0.625, value(p), TOL);
  }

  @Test
  void sgdMaximizeAscends() {
    Tensor p = param(1f, 2f);
    SGD.builder(List.of(p)).lr(0.1).maximize(true).build().step();
    assertEquals(1.2, value(p), TOL);
  }

  @Test
  void adamFirstStepMovesByLrTimesTheSign() {
    // Step 1: m = (1 - b1) g, v = (1 - b2) g^2; bias-corrected they are g and g^2, so the step
    // is lr * g / (|g| + eps): p = 1 - 0.1 * 2 / (2 + 1e-8).
    Tensor p = param(1f, 2f);
    Adam opt = new Adam(List.of(p), 0.1);
    opt.step();
    assertEquals(0.9, value(p), TOL);
    assertEquals(1.0, ((Tensor) opt.state(p).get("step")).item());
    assertEquals(0.2, value((Tensor) opt.state(p).get("exp_avg")), TOL);
    assertEquals(0.004, value((Tensor) opt.state(p).get("exp_avg_sq")), 1e-9);
  }

  @Test
  void adamCouplesWeightDecayAdamWDecouplesIt() {
    // Adam, weight decay 0.5: g = 2 + 0.5 = 2.5, step still lr * sign: p = 0.9.
    Tensor a = param(1f, 2f);
    Adam.builder(List.of(a)).lr(0.1).weightDecay(0.5).build().step();
    assertEquals(0.9, value(a), TOL);
    // AdamW: p = 1 * (1 - 0.1 * 0.5) = 0.95, then the step of 0.1: 0.85.
    Tensor w = param(1f, 2f);
    AdamW.builder(List.of(w)).lr(0.1).weightDecay(0.5).build().step();
    assertEquals(0.85, value(w), TOL);
  }

  @Test
  void rmspropFirstStep() {
    // v = (1 - 0.99) * 2^2 = 0.04; p = 1 - 0.01 * 2 / (sqrt(0.04) + 1e-8) = 0.9.
    Tensor p = param(1f, 2f);
    new RMSprop(List.of(p)).step();
    assertEquals(0.9, value(p), TOL);
    // Centered with momentum 0.5: a = 0.01 * 2 = 0.02, avg = sqrt(0.04 - 0.0004) = 0.19899...,
    // b = 2 / avg = 10.0504; p = 1 - 0.01 * 10.0504 = 0.899496.
    Tensor q = param(1f, 2f);
    RMSprop.builder(List.of(q)).momentum(0.5).centered(true).build().step();
    assertEquals(1 - 0.01 * 2 / Math.sqrt(0.04 - 0.0004), value(q), TOL);
  }

  // ------------------------------------------------------------------ gradients

  @Test
  void parametersWithoutGradientsAreSkipped() {
    Tensor p = param(1f, 2f);
    Tensor frozen = Tensor.of(3f).requiresGrad_(true);
    SGD opt = SGD.builder(List.of(p, frozen)).lr(0.1).momentum(0.9).weightDecay(0.1).build();
    opt.step();
    assertEquals(3.0, value(frozen), 0.0, "weight decay must not touch it either");
    assertTrue(opt.state(frozen).isEmpty());
    assertEquals(List.of(0), new ArrayList<>(((Map<?, ?>) opt.stateDict().get("state"))
        .keySet()));
  }

  @Test
  void zeroGradClearsOrZeroes() {
    Tensor p = param(1f, 2f);
    SGD opt = new SGD(List.of(p), 0.1);
    Tensor grad = p.grad();
    opt.zeroGrad(false);
    assertSame(grad, p.grad(), "zeroed in place");
    assertEquals(0.0, value(p.grad()));
    opt.zeroGrad();
    assertNull(p.grad());
  }

  @Test
  void stepRunsWithoutRecordingAndKeepsTheParameterObjects() {
    Tensor p = param(1f, 2f);
    SGD opt = SGD.builder(List.of(p)).lr(0.1).momentum(0.9).build();
    opt.step();
    assertTrue(p.isLeaf(), "no graph node on the parameter");
    assertTrue(p.requiresGrad());
    assertSame(p, opt.paramGroups().get(0).params().get(0));
    assertTrue(GradMode.isEnabled(), "recording is back on after step()");
  }

  @Test
  void stepWithClosureRecordsInsideTheClosure() {
    // loss = 3 p at p = 1: grad 3, so p = 1 - 0.1 * 3 = 0.7; the closure's loss comes back.
    Tensor p = Tensor.of(1f).requiresGrad_(true);
    SGD opt = new SGD(List.of(p), 0.1);
    Tensor loss;
    try (GradMode.Scope off = GradMode.noGrad()) {
      loss = opt.step(() -> {
        opt.zeroGrad();
        Tensor l = p.mul(3.0).sum();
        l.backward();
        return l;
      });
    }
    assertEquals(3.0, loss.item(), 0.0);
    assertEquals(0.7, value(p), TOL);
  }

  // ------------------------------------------------------------------ groups and options

  @Test
  void groupsTakeMissingOptionsFromTheDefaults() {
    Tensor a = Tensor.zeros(2).requiresGrad_(true);
    Tensor b = Tensor.zeros(3).requiresGrad_(true);
    SGD opt = SGD.builder(ParamGroup.of(a), ParamGroup.of(b).set("lr", 1e-3).set("name", "head"))
        .lr(0.1).momentum(0.9).build();
    ParamGroup g0 = opt.paramGroups().get(0);
    ParamGroup g1 = opt.paramGroups().get(1);
    assertEquals(0.1, g0.lr());
    assertEquals(1e-3, g1.lr());
    assertEquals(0.9, g1.getDouble("momentum"));
    assertEquals("head", g1.get("name"), "options unknown to SGD are kept, as in PyTorch");
    assertEquals(List.of("lr", "name", "momentum", "dampening", "weight_decay", "nesterov",
        "maximize"), new ArrayList<>(g1.options().keySet()));
    assertEquals(Map.of("lr", 0.1, "momentum", 0.9, "dampening", 0.0, "weight_decay", 0.0,
        "nesterov", false, "maximize", false), opt.defaults());

    Tensor c = Tensor.zeros(1).requiresGrad_(true);
    opt.addParamGroup(ParamGroup.of(c).set("weight_decay", 1));
    assertEquals(3, opt.paramGroups().size());
    assertEquals(1.0, opt.paramGroups().get(2).get("weight_decay"), "ints become doubles");
    assertEquals(0.1, opt.paramGroups().get(2).lr());
  }

  @Test
  void betasTakeAListOrAnArray() {
    Tensor a = Tensor.zeros(1).requiresGrad_(true);
    Tensor b = Tensor.zeros(1).requiresGrad_(true);
    Adam opt = Adam.builder(ParamGroup.of(a).set("betas", new double[] {0.5, 0.6}),
        ParamGroup.of(b).set("betas", List.of(0.7f, 0.8))).build();
    assertEquals(List.of(0.5, 0.6), opt.paramGroups().get(0).get("betas"));
    assertEquals(List.of((double) 0.7f, 0.8), opt.paramGroups().get(1).get("betas"));
  }

  @Test
  void printsLikePyTorch() {
    SGD opt = new SGD(List.of(Tensor.zeros(1).requiresGrad_(true)), 0.1);
    assertEquals("SGD (\nParameter Group 0\n    dampening: 0.0\n    lr: 0.1\n    maximize: false\n"
        + "    momentum: 0.0\n    nesterov: false\n    weight_decay: 0.0\n)", opt.toString());
  }

  // ------------------------------------------------------------------ refused

  private static List<Tensor> one() {
    return List.of(Tensor.zeros(2).requiresGrad_(true));
  }

  private static void refused(Executable call, String... parts) {
    assertMessage(assertThrows(IllegalArgumentException.class, call), parts);
  }

  @Test
  void badHyperparametersAreRefused() {
    refused(() -> new SGD(one(), -0.1), "SGD: invalid learning rate lr=-0.1 (must be >= 0)");
    refused(() -> SGD.builder(one()).lr(Double.NaN).build(), "invalid learning rate lr=NaN");
    refused(() -> SGD.builder(one()).momentum(-0.5).build(), "SGD: invalid momentum=-0.5");
    refused(() -> SGD.builder(one()).weightDecay(-1e-3).build(),
        "SGD: invalid weight_decay=-0.001");
    refused(() -> SGD.builder(one()).nesterov(true).build(),
        "SGD: Nesterov momentum requires a momentum and zero dampening",
        "momentum=0.0, dampening=0.0");
    refused(() -> SGD.builder(one()).momentum(0.9).dampening(0.1).nesterov(true).build(),
        "Nesterov momentum requires a momentum and zero dampening", "dampening=0.1");
    refused(() -> new Adam(one(), -1), "Adam: invalid learning rate lr=-1.0");
    refused(() -> Adam.builder(one()).betas(1.0, 0.999).build(),
        "Adam: invalid beta parameter at index 0: 1.0", "[0, 1)");
    refused(() -> Adam.builder(one()).betas(0.9, -0.1).build(),
        "invalid beta parameter at index 1: -0.1");
    refused(() -> Adam.builder(one()).eps(-1e-8).build(), "Adam: invalid epsilon eps=-1.0E-8");
    refused(() -> Adam.builder(one()).weightDecay(-1).build(), "Adam: invalid weight_decay");
    refused(() -> AdamW.builder(one()).betas(0.9, 1.5).build(),
        "AdamW: invalid beta parameter at index 1: 1.5");
    refused(() -> RMSprop.builder(one()).alpha(-0.1).build(), "RMSprop: invalid alpha=-0.1");
    refused(() -> RMSprop.builder(one()).momentum(-1).build(), "RMSprop: invalid momentum");
    refused(() -> RMSprop.builder(one()).eps(-1).build(), "RMSprop: invalid epsilon");
  }

  @Test
  void badParametersAreRefused() {
    refused(() -> new SGD(List.of(), 0.1), "SGD: got an empty parameter list");
    Tensor p = Tensor.zeros(2).requiresGrad_(true);
    refused(() -> new SGD(List.of(p, p), 0.1),
        "SGD: parameter group 0: parameter 1 appears twice in the group");
    refused(() -> SGD.builder(ParamGroup.of(p), ParamGroup.of(p)).build(),
        "SGD: parameter group 1: some parameters appear in more than one parameter group");
    refused(() -> new Adam(List.of(p.mul(2.0))), "Adam: parameter group 0:",
        "can't optimize a non-leaf tensor (parameter 0 was computed by");
    refused(() -> new SGD(List.of(Tensor.of(1L, 2L)), 0.1),
        "can only optimize floating point tensors, parameter 0 is");
    SGD opt = new SGD(List.of(p), 0.1);
    refused(() -> opt.addParamGroup(ParamGroup.of(p)),
        "SGD: parameter group 1: some parameters appear in more than one parameter group");
    assertEquals(1, opt.paramGroups().size());
  }

  @Test
  void badGroupOptionsAreRefusedAndLiveGroupsStayValid() {
    Tensor p = Tensor.zeros(2).requiresGrad_(true);
    Tensor q = Tensor.zeros(2).requiresGrad_(true);
    refused(() -> SGD.builder(ParamGroup.of(p), ParamGroup.of(q).set("lr", -1)).build(),
        "SGD: parameter group 1: invalid learning rate lr=-1.0");
    refused(() -> SGD.builder(ParamGroup.of(p).set("weightDecay", 0.1)).build(),
        "unknown option \"weightDecay\"; did you mean \"weight_decay\"?");
    refused(() -> SGD.builder(ParamGroup.of(p).set("lr", "0.1")).build(),
        "option \"lr\" must be a number, got the string \"0.1\"");
    refused(() -> SGD.builder(ParamGroup.of(p).set("nesterov", 1)).build(),
        "option \"nesterov\" must be a boolean, got Integer 1");
    refused(() -> Adam.builder(ParamGroup.of(p).set("betas", List.of(0.9))).build(),
        "option \"betas\" must be 2 numbers");
    refused(() -> ParamGroup.of(p).set("params", List.of(q)), "\"params\" is not an option");

    SGD opt = SGD.builder(List.of(p)).lr(0.1).build();
    ParamGroup live = opt.paramGroups().get(0);
    refused(() -> live.set("momentum", -0.9), "SGD: parameter group 0: invalid momentum=-0.9");
    refused(() -> live.set("nesterov", true), "SGD: parameter group 0: Nesterov momentum");
    refused(() -> live.setLr(-1), "invalid learning rate");
    assertEquals(0.0, live.getDouble("momentum"));
    assertEquals(false, live.getBoolean("nesterov"));
    assertEquals(0.1, live.lr());
    live.set("momentum", 0.9).set("nesterov", true);
    assertTrue(live.getBoolean("nesterov"));
    refused(() -> live.get("gamma"), "ParamGroup.get: no option \"gamma\"");
  }

  @Test
  void optionsChangedAfterTheFirstStepStartTheirBuffers() {
    // amsgrad switched on after step 1 (PyTorch would fail on the missing max_exp_avg_sq): the
    // running maximum starts at step 2 from zero.
    Tensor p = param(1f, 2f);
    Adam opt = new Adam(List.of(p), 0.1);
    opt.step();
    opt.paramGroups().get(0).set("amsgrad", true);
    opt.step();
    Tensor max = (Tensor) opt.state(p).get("max_exp_avg_sq");
    assertNotNull(max);
    assertEquals(value((Tensor) opt.state(p).get("exp_avg_sq")), value(max), 0.0);
  }
}
