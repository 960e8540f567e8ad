package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

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
 * Learning-rate schedulers against PyTorch's lr sequences ({@code optim_cases.py}: SGD with one
 * parameter per group, the scheduler stepped after each optimizer step), hand-derived cases,
 * state dict round trips and refused settings.
 *
 * <p>Tolerance 1e-12 relative: the rates are computed in double on both sides by the same
 * formulas in the same order; only {@code cos} may differ by an ulp between Java and C, and
 * the recursive cosine form compounds that over a dozen steps.
 */
class SchedulerTest {
  private static final PyTorchOptimCases REF = PyTorchOptimCases.load();
  private static final double REL = 1e-12;

  @TestFactory
  Stream<DynamicTest> lrSequencesMatchPyTorch() {
    assertTrue(REF.schedCases.size() >= 7, "scheduler cases");
    return REF.schedCases.stream().map(c -> dynamicTest(c.name(), () -> {
      SGD opt = optimizer(c.lrs());
      Map<String, Object> kw = c.kwargs();
      LRScheduler epochBased = null;
      ReduceLROnPlateau plateau = null;
      switch (c.kind()) {
        case "StepLR" -> epochBased = kw.containsKey("gamma")
            ? new StepLR(opt, intArg(kw, "step_size"), (Double) kw.get("gamma"))
            : new StepLR(opt, intArg(kw, "step_size"));
        case "CosineAnnealingLR" -> epochBased = kw.containsKey("eta_min")
            ? new CosineAnnealingLR(opt, intArg(kw, "T_max"), (Double) kw.get("eta_min"))
            : new CosineAnnealingLR(opt, intArg(kw, "T_max"));
        case "ReduceLROnPlateau" -> plateau = plateau(opt, kw);
        default -> throw new AssertionError(c.kind());
      }
      for (int k = 0; k < c.lrAfter().size(); k++) {
        if (k > 0) {
          opt.step();
          if (plateau != null) {
            plateau.step(c.metrics()[k - 1]);
          } else {
            epochBased.step();
          }
        }
        List<Double> last = plateau != null ? plateau.getLastLr() : epochBased.getLastLr();
        assertLrs(c.name() + " after " + k + " steps", c.lrAfter().get(k), last);
        assertLrs(c.name() + " group lrs after " + k + " steps", c.lrAfter().get(k), lrs(opt));
      }
    }));
  }

  private static ReduceLROnPlateau plateau(Optimizer opt, Map<String, Object> kw) {
    ReduceLROnPlateau.Builder b = ReduceLROnPlateau.builder(opt);
    kw.forEach((k, v) -> {
      switch (k) {
        case "mode" -> b.mode(ReduceLROnPlateau.Mode.valueOf(((String) v).toUpperCase()));
        case "factor" -> b.factor((Double) v);
        case "patience" -> b.patience(((Double) v).intValue());
        case "threshold" -> b.threshold((Double) v);
        case "threshold_mode" -> b.thresholdMode(
            ReduceLROnPlateau.ThresholdMode.valueOf(((String) v).toUpperCase()));
        case "cooldown" -> b.cooldown(((Double) v).intValue());
        case "min_lr" -> {
          if (v instanceof List<?> l) {
            b.minLrs(l.stream().map(x -> (Double) x).toList());
          } else {
            b.minLr((Double) v);
          }
        }
        case "eps" -> b.eps((Double) v);
        default -> throw new AssertionError("ReduceLROnPlateau kwarg " + k);
      }
    });
    return b.build();
  }

  private static int intArg(Map<String, Object> kw, String key) {
    return ((Double) kw.get(key)).intValue();
  }

  static SGD optimizer(List<Double> lrs) {
    ParamGroup[] groups = new ParamGroup[lrs.size()];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = ParamGroup.of(Tensor.zeros(1).requiresGrad_(true)).set("lr", lrs.get(i));
    }
    return SGD.builder(groups).lr(1.0).build();
  }

  private static List<Double> lrs(Optimizer opt) {
    return opt.paramGroups().stream().map(ParamGroup::lr).toList();
  }

  private static void assertLrs(String what, double[] expected, List<Double> actual) {
    assertEquals(expected.length, actual.size(), what + ": groups");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual.get(i), REL * Math.abs(expected[i]), what + ": group "
          + i + " " + actual);
    }
  }

  // ------------------------------------------------------------------ hand-derived

  @Test
  void schedulerRecordsInitialLrAndTheOptimizerUsesTheNewRate() {
    // x = 1 with d loss / dx = 1 (loss = x): SGD lr 0.1 gives x = 0.9; StepLR(1, 0.5) halves
    // lr to 0.05, so the second step gives 0.9 - 0.05 = 0.85 (in float32 arithmetic).
    Tensor x = Tensor.of(1f).requiresGrad_(true);
    SGD opt = new SGD(List.of(x), 0.1);
    StepLR sched = new StepLR(opt, 1, 0.5);
    assertEquals(0.1, opt.paramGroups().get(0).getDouble("initial_lr"));
    assertEquals(List.of(0.1), sched.baseLrs());
    assertEquals(0, sched.lastEpoch());
    for (int i = 0; i < 2; i++) {
      opt.zeroGrad();
      x.sum().backward();
      opt.step();
      sched.step();
    }
    assertEquals(0.9f - 0.05f, x.toFloatArray()[0], 0f);
    assertEquals(List.of(0.025), sched.getLastLr());
  }

  @Test
  void cosineRecursiveFormFollowsOutsideChanges() {
    // T_max = 2, eta_min = 0, base 1: epoch 1 gives (1 + cos(pi/2)) / (1 + cos 0) * 1 = 0.5.
    // Halving lr by hand to 0.25 before epoch 2: (1 + cos pi) / (1 + cos(pi/2)) * 0.25 = 0,
    // and the restart epoch 3 adds (1 - 0)(1 - cos(pi/2)) / 2 = 0.5 to the 0 of epoch 2.
    SGD opt = optimizer(List.of(1.0));
    CosineAnnealingLR sched = new CosineAnnealingLR(opt, 2);
    sched.step();
    assertEquals(0.5, sched.getLastLr().get(0), 1e-15);
    opt.paramGroups().get(0).setLr(0.25);
    sched.step();
    assertEquals(0.0, sched.getLastLr().get(0), 1e-15);
    sched.step();
    assertEquals(0.5, sched.getLastLr().get(0), 1e-15);
  }

  @Test
  void plateauWaitsPatienceThenCoolsDown() {
    // patience 1, cooldown 1, factor 0.5, abs threshold 0: metric 1 sets best; 1 is bad (1 bad,
    // not > 1); 1 again (2 bad > 1) halves lr and starts a cooldown of 1; the next bad epoch is
    // eaten by the cooldown; then two more bad epochs are needed for the next halving.
    SGD opt = optimizer(List.of(1.0));
    ReduceLROnPlateau sched = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 1, 0,
        ReduceLROnPlateau.ThresholdMode.ABS, 1, 0, 1e-8);
    double[] expected = {1, 1, 0.5, 0.5, 0.5, 0.25};
    for (double e : expected) {
      sched.step(1.0);
      assertEquals(e, sched.getLastLr().get(0), 0.0);
    }
    assertEquals(1.0, sched.best());
    sched.step(Tensor.of(0.5f));
    assertEquals(0.5, sched.best());
    assertEquals(0, sched.numBadEpochs());
  }

  // ------------------------------------------------------------------ state dicts

  @Test
  void stepLrStateDictRoundTrip() {
    SGD a = optimizer(List.of(0.1, 0.01));
    StepLR sa = new StepLR(a, 2, 0.5);
    for (int i = 0; i < 3; i++) {
      sa.step();
    }
    Map<String, Object> sd = sa.stateDict();
    assertEquals(List.of("step_size", "gamma", "base_lrs", "last_epoch", "_step_count",
        "_last_lr"), new ArrayList<>(sd.keySet()));
    assertEquals(3, sd.get("last_epoch"));
    assertEquals(4, sd.get("_step_count"));

    SGD b = optimizer(List.of(0.1, 0.01));
    b.loadStateDict(a.stateDict());
    StepLR sb = new StepLR(b, 7, 0.9);
    sb.loadStateDict(sd);
    assertEquals(2, sb.stepSize());
    assertEquals(0.5, sb.gamma());
    for (int i = 0; i < 4; i++) {
      sa.step();
      sb.step();
      assertEquals(sa.getLastLr(), sb.getLastLr());
      assertEquals(lrs(a), lrs(b));
    }
  }

  @Test
  void cosineStateDictRoundTripContinuesIdentically() {
    SGD a = optimizer(List.of(0.3));
    CosineAnnealingLR sa = new CosineAnnealingLR(a, 5, 0.01);
    sa.step();
    sa.step();
    SGD b = optimizer(List.of(0.3));
    b.loadStateDict(a.stateDict());
    CosineAnnealingLR sb = new CosineAnnealingLR(b, 1);
    sb.loadStateDict(sa.stateDict());
    assertEquals(5, sb.tMax());
    for (int i = 0; i < 8; i++) {
      sa.step();
      sb.step();
      assertEquals(sa.getLastLr(), sb.getLastLr());
    }
  }

  @Test
  void plateauStateDictRoundTripContinuesIdentically() {
    SGD a = optimizer(List.of(1.0));
    ReduceLROnPlateau sa = ReduceLROnPlateau.builder(a).patience(1).cooldown(2).factor(0.5)
        .build();
    double[] metrics = {3, 2, 2, 2, 2, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5};
    for (int i = 0; i < 4; i++) {
      sa.step(metrics[i]);
    }
    Map<String, Object> sd = sa.stateDict();
    assertEquals("min", sd.get("mode"));
    assertEquals("rel", sd.get("threshold_mode"));
    assertEquals(Double.POSITIVE_INFINITY, sd.get("mode_worse"));
    SGD b = optimizer(List.of(1.0));
    b.loadStateDict(a.stateDict());
    ReduceLROnPlateau sb = new ReduceLROnPlateau(b);
    sb.loadStateDict(sd);
    for (int i = 4; i < metrics.length; i++) {
      sa.step(metrics[i]);
      sb.step(metrics[i]);
      assertEquals(sa.getLastLr(), sb.getLastLr(), "after metric " + i);
      assertEquals(sa.stateDict(), sb.stateDict());
    }
  }

  @Test
  void badStateDictsAreRefusedAndChangeNothing() {
    SGD opt = optimizer(List.of(0.1));
    StepLR s = new StepLR(opt, 3, 0.5);
    s.step();
    Map<String, Object> before = s.stateDict();

    Map<String, Object> missing = new LinkedHashMap<>(before);
    missing.remove("gamma");
    assertMessage(assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(missing)),
        "StepLR.loadStateDict", "missing key \"gamma\"");
    Map<String, Object> extra = new LinkedHashMap<>(before);
    extra.put("gama", 0.3);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(extra)),
        "unexpected key gama");
    Map<String, Object> badSize = new LinkedHashMap<>(before);
    badSize.put("step_size", 0);
    badSize.put("last_epoch", 9);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(badSize)),
        "stepSize must be >= 1, got 0");
    Map<String, Object> twoGroups = new LinkedHashMap<>(before);
    twoGroups.put("base_lrs", List.of(0.1, 0.2));
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> s.loadStateDict(twoGroups)), "\"base_lrs\" must be a list of 1 number(s)");
    Map<String, Object> textEpoch = new LinkedHashMap<>(before);
    textEpoch.put("last_epoch", "3");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> s.loadStateDict(textEpoch)), "\"last_epoch\" must be an int");
    assertEquals(before, s.stateDict());

    // PyTorch's own keys that carry nothing here are accepted.
    Map<String, Object> fromTorch = new LinkedHashMap<>(before);
    fromTorch.put("verbose", false);
    fromTorch.put("_get_lr_called_within_step", false);
    s.loadStateDict(fromTorch);

    ReduceLROnPlateau p = new ReduceLROnPlateau(opt);
    Map<String, Object> pd = p.stateDict();
    Map<String, Object> badMode = new LinkedHashMap<>(pd);
    badMode.put("mode", "median");
    assertMessage(assertThrows(IllegalArgumentException.class, () -> p.loadStateDict(badMode)),
        "ReduceLROnPlateau.loadStateDict", "mode the string \"median\" is unknown", "min, max");
    Map<String, Object> badFactor = new LinkedHashMap<>(pd);
    badFactor.put("factor", 2.0);
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> p.loadStateDict(badFactor)), "factor should be < 1.0");
    assertEquals(pd, p.stateDict());
  }

  // ------------------------------------------------------------------ refused settings

  @Test
  void badSettingsAreRefused() {
    SGD opt = optimizer(List.of(0.1, 0.2));
    assertMessage(assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 0)),
        "StepLR", "stepSize must be >= 1, got 0");
    assertMessage(assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 2, -0.1)),
        "gamma must be a finite number >= 0, got -0.1");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> new CosineAnnealingLR(opt, 0)), "CosineAnnealingLR", "tMax must be >= 1, got 0");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> new CosineAnnealingLR(opt, 3, -1)), "etaMin must be a finite number >= 0");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ReduceLROnPlateau.builder(opt).factor(1.0).build()),
        "ReduceLROnPlateau", "factor should be < 1.0", "got 1.0");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ReduceLROnPlateau.builder(opt).patience(-1).build()), "patience must be >= 0");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ReduceLROnPlateau.builder(opt).cooldown(-2).build()), "cooldown must be >= 0");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ReduceLROnPlateau.builder(opt).minLrs(List.of(0.1)).build()),
        "expected 2 min_lrs, got 1");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> ReduceLROnPlateau.builder(opt).eps(-1e-8).build()), "eps must be >= 0");
  }

  @Test
  void aGroupAddedAfterTheSchedulerIsReported() {
    SGD opt = optimizer(List.of(0.1));
    StepLR s = new StepLR(opt, 1);
    opt.addParamGroup(ParamGroup.of(Tensor.zeros(2).requiresGrad_(true)));
    assertMessage(assertThrows(IllegalStateException.class, s::step), "StepLR.step",
        "the optimizer has 2 parameter group(s) but this scheduler was built for 1");
  }

  static void assertMessage(Throwable e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage() != null && e.getMessage().contains(p),
          () -> "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
    }
  }
}
