package dev.adjoint.optim;

import static dev.adjoint.optim.PyTorchOptimCases.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.adjoint.optim.PyTorchOptimCases.Group;
import dev.adjoint.optim.PyTorchOptimCases.OptimCase;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every optimizer configuration of {@code tools/pytorch-reference/optim_cases.py} replayed
 * against PyTorch 1.13's trajectory: the least-squares problem
 * {@code loss = mean((x @ w + b - y)^2)} with a third parameter {@code c} outside the loss
 * (its grad stays null, so it must never move, weight decay included), five steps each.
 *
 * <p>Tolerance: {@code |java - torch| <= 1e-6 + 1e-5 |torch|}. Both sides compute in float32
 * (machine epsilon 1.2e-7) but not in the same order (the reductions of the loss and the
 * gradient sum in a different order, and a fused multiply-add in PyTorch is a multiply and an
 * add here), which moves each result by a few units in the last place; over five steps of about
 * ten operations each that stays below 1e-5 relative, while any mistake in an update rule (a
 * missing bias correction, dampening on the first step, decay in the wrong place) changes the
 * parameters by 1e-3 or more (the worst difference seen is under 5% of the allowance). The
 * absolute 1e-6 covers elements near zero.
 */
class TrajectoryTest {
  static final double RTOL = 1e-5;
  static final double ATOL = 1e-6;
  static final List<String> NAMES = List.of("w", "b", "c");

  private static final PyTorchOptimCases REF = PyTorchOptimCases.load();

  @Test
  void referenceCoversEveryOptimizerAndOption() {
    List<String> seen = new ArrayList<>();
    for (OptimCase c : REF.optimCases) {
      seen.add(c.optimizer());
      c.kwargs().forEach((k, v) -> seen.add(c.optimizer() + "." + k));
      c.groups().forEach(g -> g.options().forEach((k, v) -> seen.add(c.optimizer() + "." + k)));
    }
    for (String expected : List.of("SGD.momentum", "SGD.dampening", "SGD.weight_decay",
        "SGD.nesterov", "SGD.maximize", "Adam.betas", "Adam.eps", "Adam.weight_decay",
        "Adam.amsgrad", "AdamW.amsgrad", "AdamW.weight_decay", "AdamW.eps", "RMSprop.alpha",
        "RMSprop.centered", "RMSprop.momentum", "RMSprop.weight_decay", "RMSprop.eps")) {
      assertTrue(seen.contains(expected), "no reference case sets " + expected);
    }
    assertTrue(REF.optimCases.stream().filter(c -> !c.groups().isEmpty()).count() >= 4,
        "cases with several parameter groups");
  }

  @TestFactory
  Stream<DynamicTest> fiveStepsMatchPyTorch() {
    return REF.optimCases.stream().map(c -> dynamicTest(c.name(), () -> {
      Map<String, Tensor> params = initialParams();
      Optimizer opt = build(c, params);
      for (int k = 1; k <= 5; k++) {
        trainStep(opt, params);
        assertParams(c, k, params);
        if (k == 2) {
          assertStateDictMatches(c, opt.stateDict());
        }
      }
    }));
  }

  /**
   * PyTorch's state after two steps, loaded into a fresh optimizer over parameters set to
   * PyTorch's values after two steps, then three more steps: the state dict layout (keys,
   * parameter numbering, step counts as tensors or Python ints) means what PyTorch means by it.
   */
  @TestFactory
  Stream<DynamicTest> resumingFromPyTorchStateDictMatches() {
    return REF.optimCases.stream().map(c -> dynamicTest(c.name(), () -> {
      Map<String, Tensor> params = new LinkedHashMap<>();
      for (String n : NAMES) {
        Tensor init = REF.tensors.get(n);
        params.put(n, Tensor.fromArray(toFloats(c.after().get(2).get(n)), init.shape())
            .requiresGrad_(true));
      }
      Optimizer opt = build(c, params);
      opt.loadStateDict(pytorchStateDict(c));
      for (int k = 3; k <= 5; k++) {
        trainStep(opt, params);
        assertParams(c, k, params);
      }
    }));
  }

  static Map<String, Tensor> initialParams() {
    Map<String, Tensor> params = new LinkedHashMap<>();
    for (String n : NAMES) {
      params.put(n, REF.tensors.get(n).clone().requiresGrad_(true));
    }
    return params;
  }

  /** zero_grad(set_to_none=True); loss = ((x @ w + b - y) ** 2).mean(); backward; step. */
  static void trainStep(Optimizer opt, Map<String, Tensor> params) {
    opt.zeroGrad();
    Tensor loss = REF.tensors.get("x").matmul(params.get("w")).add(params.get("b"))
        .sub(REF.tensors.get("y")).pow(2.0).mean();
    loss.backward();
    assertEquals(null, params.get("c").grad(), "c is outside the loss");
    opt.step();
  }

  private static void assertParams(OptimCase c, int k, Map<String, Tensor> params) {
    for (String n : NAMES) {
      assertClose(c.name() + " after step " + k + ", " + n, c.after().get(k).get(n),
          params.get(n), RTOL, ATOL);
    }
  }

  /** The optimizer the case describes, through the builders and ParamGroup.set. */
  static Optimizer build(OptimCase c, Map<String, Tensor> params) {
    List<ParamGroup> groups = new ArrayList<>();
    if (c.groups().isEmpty()) {
      groups.add(ParamGroup.of(new ArrayList<>(params.values())));
    } else {
      for (Group g : c.groups()) {
        ParamGroup pg = ParamGroup.of(g.names().stream().map(params::get).toList());
        g.options().forEach(pg::set);
        groups.add(pg);
      }
    }
    ParamGroup[] gs = groups.toArray(new ParamGroup[0]);
    Map<String, Object> kw = c.kwargs();
    switch (c.optimizer()) {
      case "SGD": {
        SGD.Builder b = SGD.builder(gs);
        kw.forEach((k, v) -> {
          switch (k) {
            case "lr" -> b.lr((Double) v);
            case "momentum" -> b.momentum((Double) v);
            case "dampening" -> b.dampening((Double) v);
            case "weight_decay" -> b.weightDecay((Double) v);
            case "nesterov" -> b.nesterov((Boolean) v);
            case "maximize" -> b.maximize((Boolean) v);
            default -> fail("SGD kwarg " + k);
          }
        });
        return b.build();
      }
      case "Adam": {
        Adam.Builder b = Adam.builder(gs);
        kw.forEach((k, v) -> {
          switch (k) {
            case "lr" -> b.lr((Double) v);
            case "betas" -> b.betas(beta(v, 0), beta(v, 1));
            case "eps" -> b.eps((Double) v);
            case "weight_decay" -> b.weightDecay((Double) v);
            case "amsgrad" -> b.amsgrad((Boolean) v);
            case "maximize" -> b.maximize((Boolean) v);
            default -> fail("Adam kwarg " + k);
          }
        });
        return b.build();
      }
      case "AdamW": {
        AdamW.Builder b = AdamW.builder(gs);
        kw.forEach((k, v) -> {
          switch (k) {
            case "lr" -> b.lr((Double) v);
            case "betas" -> b.betas(beta(v, 0), beta(v, 1));
            case "eps" -> b.eps((Double) v);
            case "weight_decay" -> b.weightDecay((Double) v);
            case "amsgrad" -> b.amsgrad((Boolean) v);
            case "maximize" -> b.maximize((Boolean) v);
            default -> fail("AdamW kwarg " + k);
          }
        });
        return b.build();
      }
      case "RMSprop": {
        RMSprop.Builder b = RMSprop.builder(gs);
        kw.forEach((k, v) -> {
          switch (k) {
            case "lr" -> b.lr((Double) v);
            case "alpha" -> b.alpha((Double) v);
            case "eps" -> b.eps((Double) v);
            case "weight_decay" -> b.weightDecay((Double) v);
            case "momentum" -> b.momentum((Double) v);
            case "centered" -> b.centered((Boolean) v);
            case "maximize" -> b.maximize((Boolean) v);
            default -> fail("RMSprop kwarg " + k);
          }
        });
        return b.build();
      }
      default:
        throw new AssertionError("optimizer " + c.optimizer());
    }
  }

  private static double beta(Object betas, int i) {
    return (Double) ((List<?>) betas).get(i);
  }

  /**
   * Ours after two steps has PyTorch's group keys in PyTorch's order (less its implementation
   * switches foreach, capturable, differentiable and fused, which the script leaves out), the
   * same values and parameter numbering, and the same state keys with the same values.
   */
  private static void assertStateDictMatches(OptimCase c, Map<String, Object> sd) {
    assertEquals(List.of("state", "param_groups"), new ArrayList<>(sd.keySet()));
    List<?> groups = (List<?>) sd.get("param_groups");
    assertEquals(c.sdGroups().size(), groups.size(), c.name() + ": groups");
    for (int g = 0; g < groups.size(); g++) {
      Map<?, ?> ours = (Map<?, ?>) groups.get(g);
      Map<String, Object> theirs = c.sdGroups().get(g);
      assertEquals(new ArrayList<>(theirs.keySet()), new ArrayList<>(ours.keySet()),
          c.name() + ": keys of group " + g);
      for (Map.Entry<String, Object> e : theirs.entrySet()) {
        assertEquals(e.getValue(), ours.get(e.getKey()), c.name() + ": group " + g + " "
            + e.getKey());
      }
    }
    Map<?, ?> state = (Map<?, ?>) sd.get("state");
    assertEquals(c.sdState().keySet(), state.keySet(), c.name() + ": parameters with state");
    for (Map.Entry<Integer, Map<String, Object>> e : c.sdState().entrySet()) {
      Map<?, ?> ours = (Map<?, ?>) state.get(e.getKey());
      assertEquals(e.getValue().keySet(), ours.keySet(), c.name() + ": state keys of "
          + e.getKey());
      for (Map.Entry<String, Object> s : e.getValue().entrySet()) {
        String what = c.name() + ": state " + e.getKey() + " " + s.getKey();
        Tensor t = assertInstanceOf(Tensor.class, ours.get(s.getKey()), what);
        if (s.getValue() instanceof Tensor expected) {
          assertClose(what, expected, t, RTOL, ATOL);
        } else {
          // RMSprop's step is a Python int in PyTorch 1.13 and a tensor here, as in PyTorch 2.
          assertEquals(((Number) s.getValue()).doubleValue(), t.item(), 0.0, what);
        }
      }
    }
  }

  /** PyTorch's state dict after two steps, as Java maps (ints stay Long, tensors Tensor). */
  private static Map<String, Object> pytorchStateDict(OptimCase c) {
    Map<Object, Object> state = new LinkedHashMap<>();
    c.sdState().forEach((i, s) -> state.put(i, new LinkedHashMap<>(s)));
    List<Object> groups = new ArrayList<>();
    for (Map<String, Object> g : c.sdGroups()) {
      groups.add(new LinkedHashMap<>(g));
    }
    Map<String, Object> sd = new LinkedHashMap<>();
    sd.put("state", state);
    sd.put("param_groups", groups);
    return sd;
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
