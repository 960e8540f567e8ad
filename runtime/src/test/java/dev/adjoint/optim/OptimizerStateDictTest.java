package dev.adjoint.optim;

import static dev.adjoint.optim.SchedulerTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizer#stateDict()} and {@link Optimizer#loadStateDict}: saving, loading into a new
 * optimizer and continuing gives bit-for-bit what continuing the original gives; bad state dicts
 * are refused with a message naming the problem and leave the optimizer unchanged.
 */
class OptimizerStateDictTest {
  /** Two parameters in two groups, trained on loss = sum((p - target)^2 * scale). */
  private static List<Tensor> params(long seed) {
    Tensor a = Tensor.linspace(-1, 1, 6).reshape(2, 3).add(seed).requiresGrad_(true);
    Tensor b = Tensor.linspace(0.5, 2, 4).requiresGrad_(true);
    return List.of(a, b);
  }

  private static void trainStep(Optimizer opt, List<Tensor> ps) {
    opt.zeroGrad();
    Tensor loss = ps.get(0).sub(0.3).pow(2.0).sum().add(ps.get(1).pow(3.0).mul(0.5).sum());
    loss.backward();
    opt.step();
  }

  private static final List<Function<List<Tensor>, Optimizer>> CONFIGS = List.of(
      ps -> SGD.builder(ParamGroup.of(ps.get(0)), ParamGroup.of(ps.get(1)).set("lr", 0.01))
          .lr(0.05).momentum(0.9).dampening(0.1).weightDecay(1e-2).build(),
      ps -> Adam.builder(ParamGroup.of(ps.get(0)), ParamGroup.of(ps.get(1)).set("amsgrad", true))
          .lr(0.05).betas(0.8, 0.9).weightDecay(0.1).build(),
      ps -> AdamW.builder(ParamGroup.of(ps.get(0)), ParamGroup.of(ps.get(1))).lr(0.05).build(),
      ps -> RMSprop.builder(ParamGroup.of(ps.get(0)), ParamGroup.of(ps.get(1))
          .set("centered", true)).lr(0.01).momentum(0.5).build());

  @Test
  void saveLoadAndContinueIsIdenticalToContinuing() {
    for (Function<List<Tensor>, Optimizer> config : CONFIGS) {
      List<Tensor> pa = params(0);
      Optimizer a = config.apply(pa);
      for (int i = 0; i < 3; i++) {
        trainStep(a, pa);
      }
      Map<String, Object> saved = a.stateDict();

      // A fresh optimizer built with other options, over parameters holding the same values.
      List<Tensor> pb = params(5);
      for (int i = 0; i < 2; i++) {
        pb.get(i).detach().copy_(pa.get(i).detach());
      }
      Optimizer b = config.apply(pb);
      b.paramGroups().get(0).setLr(0.5);
      b.loadStateDict(saved);
      assertEquals(a.paramGroups().get(0).options(), b.paramGroups().get(0).options());
      Tensor aState = (Tensor) a.state(pa.get(0)).values().stream()
          .filter(v -> v instanceof Tensor t && t.dim() > 0).findFirst().orElseThrow();
      Tensor bState = (Tensor) b.state(pb.get(0)).values().stream()
          .filter(v -> v instanceof Tensor t && t.dim() > 0).findFirst().orElseThrow();
      assertNotSame(aState, bState, "loading copies the state tensors");

      for (int i = 0; i < 4; i++) {
        trainStep(a, pa);
        trainStep(b, pb);
        for (int j = 0; j < 2; j++) {
          assertTrue(pa.get(j).equal(pb.get(j)), a.getClass().getSimpleName() + " step " + i
              + " parameter " + j + ": " + pa.get(j) + " vs " + pb.get(j));
        }
      }
    }
  }

  @Test
  void layoutIsPyTorchs() {
    List<Tensor> ps = params(0);
    Optimizer opt = CONFIGS.get(1).apply(ps);
    trainStep(opt, ps);
    Map<String, Object> sd = opt.stateDict();
    List<?> groups = (List<?>) sd.get("param_groups");
    assertEquals(List.of(0), ((Map<?, ?>) groups.get(0)).get("params"));
    assertEquals(List.of(1), ((Map<?, ?>) groups.get(1)).get("params"));
    Map<?, ?> state = (Map<?, ?>) sd.get("state");
    assertEquals(List.of("step", "exp_avg", "exp_avg_sq"),
        new ArrayList<>(((Map<?, ?>) state.get(0)).keySet()));
    assertEquals(List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
        new ArrayList<>(((Map<?, ?>) state.get(1)).keySet()));
    Tensor step = (Tensor) ((Map<?, ?>) state.get(0)).get("step");
    assertEquals(0, step.dim());
    assertEquals(1.0, step.item());
  }

  @Test
  void pytorchsNoneMomentumBuffersLoadAsNoState() {
    // PyTorch 1.13 saves {"momentum_buffer": None} for parameters stepped without momentum.
    Tensor p = Tensor.zeros(2).requiresGrad_(true);
    SGD opt = new SGD(List.of(p), 0.1);
    Map<String, Object> entry = new HashMap<>();
    entry.put("momentum_buffer", null);
    Map<String, Object> sd = opt.stateDict();
    sd.put("state", Map.of(0, entry));
    opt.loadStateDict(sd);
    assertTrue(opt.state(p).isEmpty());
  }

  // ------------------------------------------------------------------ refused

  /** Applies {@code edit} to a copy of a trained SGD's state dict and expects refusal. */
  private static void refusedSgd(Consumer<Map<String, Object>> edit, String... parts) {
    refused(CONFIGS.get(0), edit, parts);
  }

  @SuppressWarnings("unchecked")
  private static void refused(Function<List<Tensor>, Optimizer> config,
      Consumer<Map<String, Object>> edit, String... parts) {
    List<Tensor> ps = params(0);
    Optimizer opt = config.apply(ps);
    trainStep(opt, ps);
    Map<String, Object> sd = deepCopy(opt.stateDict());
    // A valid change too, which must not happen when the load fails.
    ((Map<String, Object>) ((List<?>) sd.get("param_groups")).get(0)).put("lr", 0.123);
    edit.accept(sd);
    String before = snapshot(opt);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(sd)),
        parts);
    assertEquals(before, snapshot(opt), "the optimizer changed although loading failed");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> sd) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<Object, Object> state = new LinkedHashMap<>();
    ((Map<Object, Map<String, Object>>) sd.get("state")).forEach((k, v) ->
        state.put(k, new LinkedHashMap<>(v)));
    List<Object> groups = new ArrayList<>();
    for (Object g : (List<?>) sd.get("param_groups")) {
      groups.add(new LinkedHashMap<>((Map<String, Object>) g));
    }
    out.put("state", state);
    out.put("param_groups", groups);
    return out;
  }

  /** Group options and state values, printed, with the identity of each state tensor. */
  private static String snapshot(Optimizer opt) {
    StringBuilder sb = new StringBuilder();
    for (ParamGroup g : opt.paramGroups()) {
      sb.append(g.options()).append('\n');
      for (Tensor p : g.params()) {
        opt.state(p).forEach((k, v) -> sb.append(k).append('=').append(v).append(" #")
            .append(System.identityHashCode(v)).append('\n'));
      }
    }
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> group(Map<String, Object> sd, int i) {
    return (Map<String, Object>) ((List<?>) sd.get("param_groups")).get(i);
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> state(Map<String, Object> sd) {
    return (Map<Object, Object>) sd.get("state");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> state(Map<String, Object> sd, int i) {
    return (Map<String, Object>) state(sd).get(i);
  }

  @Test
  @SuppressWarnings("unchecked")
  void badStateDictsAreRefusedAndChangeNothing() {
    refusedSgd(sd -> sd.put("stat", Map.of()), "SGD.loadStateDict: unexpected key \"stat\"");
    refusedSgd(sd -> sd.remove("state"), "\"state\" must be a map", "got null");
    refusedSgd(sd -> ((List<Object>) sd.get("param_groups")).remove(1),
        "the state dict has 1 parameter group(s), this SGD has 2");
    refusedSgd(sd -> group(sd, 1).put("params", List.of(1, 2)),
        "parameter group 1: has 2 parameter(s) in the state dict but 1 in this optimizer");
    refusedSgd(sd -> group(sd, 1).put("params", List.of(0)),
        "parameter group 1: parameter index 0 is listed twice");
    refusedSgd(sd -> group(sd, 1).put("params", List.of("1")),
        "parameter index 0 must be an integer, got the string \"1\"");
    refusedSgd(sd -> group(sd, 1).remove("momentum"),
        "parameter group 1: lacks option(s) [momentum]");
    refusedSgd(sd -> group(sd, 1).put("lr", -0.5),
        "parameter group 1: invalid learning rate lr=-0.5");
    refusedSgd(sd -> group(sd, 1).put("nesterov", true),
        "parameter group 1: Nesterov momentum requires a momentum and zero dampening");
    refusedSgd(sd -> group(sd, 1).put("weightDecay", 0.0), "did you mean \"weight_decay\"");
    refusedSgd(sd -> state(sd).put(7, Map.of()),
        "state of parameter 7: no parameter group lists index 7 (they list [0, 1])");
    refusedSgd(sd -> state(sd).put("one", Map.of()),
        "state of parameter one: the key must be a parameter index");
    refusedSgd(sd -> state(sd, 0).put("momentum_bufer", Tensor.zeros(2, 3)),
        "state of parameter 0: unexpected key \"momentum_bufer\"; SGD keeps [momentum_buffer]");
    refusedSgd(sd -> state(sd, 1).put("momentum_buffer", Tensor.zeros(2, 3)),
        "state of parameter 1: \"momentum_buffer\" has shape [2, 3] but the parameter has"
            + " shape [4]");
    refusedSgd(sd -> state(sd, 1).put("momentum_buffer", 1.0),
        "\"momentum_buffer\" must be a tensor, got Double 1.0");

    Function<List<Tensor>, Optimizer> adam = CONFIGS.get(1);
    refused(adam, sd -> state(sd, 0).remove("exp_avg_sq"),
        "Adam.loadStateDict: state of parameter 0: lacks \"exp_avg_sq\"");
    refused(adam, sd -> state(sd, 0).put("step", -1.0), "\"step\" must be a count >= 0");
    refused(adam, sd -> state(sd, 0).put("step", "3"), "\"step\" must be a number or a"
        + " one-element tensor");
    refused(adam, sd -> group(sd, 0).put("betas", List.of(0.9, 1.0)),
        "Adam.loadStateDict: parameter group 0: invalid beta parameter at index 1: 1.0");
    refused(CONFIGS.get(3), sd -> state(sd, 1).remove("square_avg"),
        "RMSprop.loadStateDict: state of parameter 1: lacks \"square_avg\"");
  }

  @Test
  void stateDictSharesTensorsButNotContainers() {
    List<Tensor> ps = params(0);
    Optimizer opt = CONFIGS.get(0).apply(ps);
    trainStep(opt, ps);
    Map<String, Object> sd = opt.stateDict();
    group(sd, 0).put("lr", 9.0);
    assertEquals(0.05, opt.paramGroups().get(0).lr(), "the group map is a copy");
    // The tensors are the live buffers, as in PyTorch.
    assertTrue(state(sd, 0).get("momentum_buffer") == opt.state(ps.get(0)).get("momentum_buffer"));
  }
}
