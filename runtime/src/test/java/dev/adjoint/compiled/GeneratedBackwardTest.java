package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The processor's generated backward, gradient-checked in float64 for every construct of the
 * differentiable subset, and compared with the per-op graph of the same code run directly.
 */
class GeneratedBackwardTest {
  private final Generator gen = new Generator(42);

  private Tensor input(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64).requiresGrad_(true);
  }

  /** Checks d(sum(model(x) * r))/d(params, x) against finite differences. */
  private void checkModule(Module model, Tensor x) {
    Tensor out;
    try (GradMode.Scope off = GradMode.noGrad()) {
      out = model.call(x);
    }
    Tensor r = Tensor.randn(gen, out.shape()).to(DType.FLOAT64);
    model.zeroGrad();
    x.setGrad(null);
    Tensor y = model.call(x);
    assertNotNull(y.gradFn(), "the call records one node");
    y.mul(r).sum().backward();
    List<Tensor> wrt = new ArrayList<>(model.parameters());
    wrt.add(x);
    GradCheck.check(() -> model.call(x).mul(r).sum(), wrt);
  }

  /**
   * The per-op graph of the method run as plain Java gives the generated backward's gradients
   * (the same float64 arithmetic, possibly summed in another order: 1e-12).
   */
  private void checkAgainstPerOp(Module model, Tensor x) {
    Tensor r;
    try (GradMode.Scope off = GradMode.noGrad()) {
      r = Tensor.randn(gen, model.call(x).shape()).to(DType.FLOAT64);
    }
    model.zeroGrad();
    x.setGrad(null);
    model.call(x).mul(r).sum().backward();
    List<Tensor> generated = new ArrayList<>();
    model.parameters().forEach(p -> generated.add(p.grad()));
    generated.add(x.grad());
    model.zeroGrad();
    x.setGrad(null);
    DynamicForward.of(model).apply(x).mul(r).sum().backward();
    List<Tensor> perOp = new ArrayList<>();
    model.parameters().forEach(p -> perOp.add(p.grad()));
    perOp.add(x.grad());
    for (int i = 0; i < generated.size(); i++) {
      assertTrue(generated.get(i).allClose(perOp.get(i), 1e-12, 1e-12), "tensor " + i);
    }
  }

  /** Runs a test layer's own forward method as plain Java. */
  private interface DynamicForward {
    Tensor apply(Tensor x);

    static DynamicForward of(Module m) {
      if (m instanceof Carriers.MaxMinValues c) {
        return c::forward;
      } else if (m instanceof Carriers.CarrierInLoopAndBranch c) {
        return c::forward;
      } else if (m instanceof Ternaries t) {
        return t::forward;
      }
      throw new IllegalArgumentException(m.getClass().getName());
    }
  }

  @Test
  void mlp() {
    checkModule(new Mlp(gen), input(6, 4));
  }

  @Test
  void residualBlock() {
    checkModule(new Residual(gen, 3), input(5, 3));
  }

  @Test
  void loopOverListOfLayers() {
    Stack stack = new Stack(gen, 3, 4);
    assertEquals(List.of("blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
        "blocks.2.weight", "blocks.2.bias", "blocks.3.weight", "blocks.3.bias"),
        List.copyOf(stack.namedParameters().keySet()));
    checkModule(stack, input(2, 3));
  }

  @Test
  void branchOnTrainingAndEarlyReturn() {
    Branchy b = new Branchy(gen);
    checkModule(b, input(4, 3));
    b.eval();
    checkModule(b, input(4, 3));
    b.shortcut = true;
    checkModule(b, input(4, 3));
    b.train();
    checkModule(b, input(4, 3));
  }

  @Test
  void layersKnownOnlyAsModule() {
    Seq seq = new Seq(new Affine(gen, 3, 4), new Residual(gen, 4), new Mlp(gen));
    assertEquals("layers.0.weight", seq.namedParameters().keySet().iterator().next());
    checkModule(seq, input(2, 3));
  }

  @Test
  void inheritedParameters() {
    ShiftedAffine s = new ShiftedAffine(gen, 3, 2);
    assertEquals(List.of("weight", "bias", "shift"), List.copyOf(s.namedParameters().keySet()));
    checkModule(s, input(4, 3));
  }

  @Test
  void earlyReturnInNestedIf() {
    ReviewCases.EarlyReturnNested m = new ReviewCases.EarlyReturnNested(gen);
    checkModule(m, input(2, 3));
    m.b = false;
    checkModule(m, input(2, 3));
    m.a = false;
    checkModule(m, input(2, 3));
  }

  @Test
  void valuesCarriedSeveralIterations() {
    checkModule(new ReviewCases.DelayLine(gen), input(2, 3));
  }

  @Test
  void subLayerIgnoringAnInput() {
    checkModule(new ReviewCases.UsesOneUsed(gen), input(2, 3));
  }

  @Test
  void nestedLoopsTwoIfsAndRepeatedCallTargets() {
    checkModule(new ReviewCases.LoopsAndCalls(gen), input(2, 3));
  }

  @Test
  void maxAndMinValuesAlongADim() {
    Carriers.MaxMinValues m = new Carriers.MaxMinValues(gen);
    checkModule(m, input(4, 3));
    checkAgainstPerOp(m, input(4, 3));
  }

  @Test
  void maxAndMinValuesInALoopAndABranch() {
    Carriers.CarrierInLoopAndBranch m = new Carriers.CarrierInLoopAndBranch(gen);
    checkModule(m, input(3, 4));
    m.useMin = true;
    checkModule(m, input(3, 4));
    checkAgainstPerOp(m, input(3, 4));
    m.replace = true;
    checkModule(m, input(3, 4));
    // The generated forward computes what the method computes when run as plain Java.
    Tensor x = input(3, 4);
    assertTrue(m.call(x).allClose(m.forward(x), 1e-12, 1e-12));
  }

  @Test
  void conditionalExpressionsBetweenTensors() {
    Ternaries t = new Ternaries(gen);
    for (boolean useTanh : new boolean[] {false, true}) {
      for (int mode = 0; mode < 3; mode++) {
        t.useTanh = useTanh;
        t.mode = mode;
        checkModule(t, input(2, 3));
        checkAgainstPerOp(t, input(2, 3));
      }
    }
  }

  @Test
  void dtypeConversionsInsideForward() {
    // The float32 layer's gradients (computed in float64, rounded to float32: relative error
    // ~6e-8) against central differences of the same math on float64 copies of its values.
    Precision p = new Precision(gen);
    Tensor x = Tensor.randn(gen, 4, 3).mul(2.0).requiresGrad_(true);
    Tensor r = Tensor.randn(gen, 4);
    Tensor y = p.call(x);
    assertEquals(DType.FLOAT32, y.dtype());
    y.mul(r).sum().backward();
    assertEquals(DType.FLOAT32, p.w.grad().dtype());
    assertEquals(DType.FLOAT32, x.grad().dtype());
    Tensor x64 = x.detach().toDouble();
    Tensor w64 = p.w.detach().toDouble();
    x64.setGrad(x.grad().toDouble());
    w64.setGrad(p.w.grad().toDouble());
    Tensor r64 = r.toDouble();
    GradCheck.check(() -> Precision.reference(x64, w64).mul(r64).sum(), List.of(x64, w64));

    // The per-op graph of the same body records the conversions too, and agrees to float32
    // rounding (the two sum the same float64 terms, possibly in another order).
    Tensor gx = x.grad();
    Tensor gw = p.w.grad();
    x.setGrad(null);
    p.zeroGrad();
    p.forward(x).mul(r).sum().backward();
    assertTrue(x.grad().allClose(gx, 1e-6, 1e-7), "x");
    assertTrue(p.w.grad().allClose(gw, 1e-6, 1e-7), "w");
  }

  @Test
  void weightSharing() {
    Shared s = new Shared(gen);
    assertEquals(3, s.parameters().size(), "fc.weight, fc.bias, w");
    checkModule(s, input(2, 3));
  }

  @Test
  void countedLoopCarryingState() {
    checkModule(new Recurrent(gen, 3, 5), input(2, 5, 3));
  }

  @Test
  void staticForwardAndUserPrimitive() {
    Tensor x = input(3, 4);
    Tensor w = input(4, 2);
    Tensor r = Tensor.randn(gen, 2).to(DType.FLOAT64);
    Functions_Adjoint.cubicTracked(x, w).mul(r).sum().backward();
    GradCheck.check(() -> Functions_Adjoint.cubicTracked(x, w).mul(r).sum(), List.of(x, w));
  }

  @Test
  void generatedAndPerOpGraphsAgree() {
    // The user's forward run as plain Java records one node per primitive; the generated code
    // one node per call. Both must give the same gradients.
    Mlp mlp = new Mlp(gen);
    Tensor x = input(3, 4);
    mlp.call(x).sum().backward();
    Map<String, Tensor> generated = new java.util.LinkedHashMap<>();
    mlp.namedParameters().forEach((k, v) -> generated.put(k, v.grad()));
    Tensor gx = x.grad();
    mlp.zeroGrad();
    x.setGrad(null);
    Tensor direct = mlp.forward(x);
    assertEquals("MulBackward0".length() > 0, direct.gradFn() != null);
    direct.sum().backward();
    mlp.namedParameters().forEach((k, v) ->
        assertTrue(v.grad().allClose(generated.get(k), 1e-12, 1e-12), k));
    assertTrue(x.grad().allClose(gx, 1e-12, 1e-12));
  }

  @Test
  void frozenParametersAndNoGrad() {
    Mlp mlp = new Mlp(gen);
    Tensor x = input(3, 4).detach();
    mlp.parameters();
    mlp.w1.requiresGrad_(false);
    mlp.call(x).sum().backward();
    assertNull(mlp.w1.grad(), "a frozen parameter gets no gradient");
    assertNotNull(mlp.w2.grad());
    try (GradMode.Scope off = GradMode.noGrad()) {
      assertNull(mlp.call(x).gradFn());
    }
    mlp.requiresGrad_(false);
    assertNull(mlp.call(x).gradFn(), "nothing to differentiate: no node");
  }

  @Test
  void nonDifferentiableOpsCutTheGradient() {
    // y = x @ w + detach(x @ w) + where(x > 0, x, 0): value counts the detached term twice,
    // d(sum y)/dw = x^T @ ones only, and d(sum y)/dx = ones @ w^T + [x > 0].
    Cutter c = new Cutter();
    Tensor x = Tensor.of(new double[][] {{1, -2}, {3, 4}}).requiresGrad_(true);
    Tensor y = c.call(x);
    assertArrayEquals(new double[] {-1 * 2 + 1, -1 * 2, 7 * 2 + 3, 7 * 2 + 4},
        y.toDoubleArray());
    y.sum().backward();
    assertArrayEquals(new double[] {4, 4, 2, 2}, c.w.grad().toDoubleArray());
    assertArrayEquals(new double[] {3, 2, 3, 3}, x.grad().toDoubleArray());
  }

  @Test
  void parameterGetAndSet() {
    Stack s = new Stack(gen, 2, 2);
    Tensor w = s.parameter("blocks.1.weight");
    assertArrayEquals(new int[] {2, 2}, w.shape());
    Tensor replacement = Tensor.zeros(DType.FLOAT64, 2, 2);
    s.setParameter("blocks.1.weight", replacement);
    assertTrue(s.parameter("blocks.1.weight") == replacement && replacement.requiresGrad());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> s.parameter("blocks.9.weight"));
    assertTrue(e.getMessage().contains("blocks.0.weight"), e.getMessage());
    assertThrows(() -> s.setParameter("blocks.0.bias", Tensor.zeros(3)));
  }

  private static void assertThrows(org.junit.jupiter.api.function.Executable e) {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
  }

  @Test
  void registryAndModes() {
    Residual r = new Residual(gen, 3);
    assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(r.namedParameters().keySet()));
    assertEquals(12, r.numParameters());
    assertTrue(r.training());
    r.eval();
    assertTrue(!r.training() && !r.fc.training(), "eval() reaches sub-layers");
    assertTrue(r.summary().contains("fc.weight"), r.summary());
    assertArrayEquals(new int[] {3, 3}, r.namedParameters().get("fc.weight").shape());
  }
}
