package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.ForwardMode;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardMode#setEager eager mode}: {@code model.call} runs the user's {@code @Forward}
 * body itself on the per-op graph, and the gradients agree with the generated backward's.
 */
class EagerForwardTest {
  private final Generator gen = new Generator(7);

  @AfterEach
  void generatedAgain() {
    ForwardMode.setEager(false);
  }

  private Tensor input(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64).requiresGrad_(true);
  }

  /** d(sum(model(x) * r))/d(params, x), in the mode given. */
  private static List<Tensor> gradients(Module model, Tensor x, Tensor r, boolean eager) {
    ForwardMode.setEager(eager);
    try {
      model.zeroGrad();
      x.setGrad(null);
      Tensor y = model.call(x);
      assertNotNull(y.gradFn(), "the call records a graph");
      // The generated entry records one node named after the layer's method; eager mode
      // records the last op's node.
      String layerNode = model.getClass().getSimpleName() + ".forward";
      if (eager) {
        assertNotEquals(layerNode, y.gradFn().name());
      } else {
        assertEquals(layerNode, y.gradFn().name());
      }
      y.mul(r).sum().backward();
      List<Tensor> grads = new ArrayList<>();
      model.parameters().forEach(p -> grads.add(p.grad()));
      grads.add(x.grad());
      return grads;
    } finally {
      ForwardMode.setEager(false);
    }
  }

  /**
   * Both paths do the same float64 arithmetic, possibly summed in another order: agreement to
   * 1e-12, and every gradient present.
   */
  private void checkSameGradients(Module model, Tensor x) {
    Tensor r;
    try (GradMode.Scope off = GradMode.noGrad()) {
      r = Tensor.randn(gen, model.call(x).shape()).to(DType.FLOAT64);
    }
    List<Tensor> generated = gradients(model, x, r, false);
    List<Tensor> eager = gradients(model, x, r, true);
    assertEquals(generated.size(), eager.size());
    for (int i = 0; i < generated.size(); i++) {
      assertNotNull(generated.get(i), "generated gradient " + i);
      assertNotNull(eager.get(i), "eager gradient " + i);
      assertTrue(generated.get(i).allClose(eager.get(i), 1e-12, 1e-12), "gradient " + i);
    }
  }

  @Test
  void mlp() {
    checkSameGradients(new Mlp(gen), input(6, 4));
  }

  @Test
  void loopOverSubLayers() {
    checkSameGradients(new Stack(gen, 3, 3), input(2, 3));
    // Layers known only as Module, each called through Module.call: eager all the way down.
    checkSameGradients(new Seq(new Affine(gen, 3, 4), new Residual(gen, 4), new Mlp(gen)),
        input(2, 3));
  }

  @Test
  void branchOnTraining() {
    Branchy b = new Branchy(gen);
    checkSameGradients(b, input(4, 3));
    b.eval();
    checkSameGradients(b, input(4, 3));
    b.shortcut = true;
    checkSameGradients(b, input(4, 3));
  }

  @Test
  void eagerRunsTheUsersOwnMethod() {
    Probed p = new Probed(gen);
    Probed.RUN_BY.clear();
    p.call(input(2, 3));
    ForwardMode.setEager(true);
    p.call(input(2, 3));
    ForwardMode.setEager(false);
    p.call(input(2, 3));
    assertEquals(List.of(Probed_Adjoint.class, Probed.class, Probed_Adjoint.class),
        Probed.RUN_BY);
  }

  @Test
  void theSystemPropertyIsTheSwitch() {
    assertFalse(ForwardMode.isEager());
    System.setProperty("adjoint.eager", "true");
    try {
      assertTrue(ForwardMode.isEager());
      Probed p = new Probed(gen);
      Probed.RUN_BY.clear();
      p.call(input(2, 3));
      assertEquals(List.of(Probed.class), Probed.RUN_BY);
    } finally {
      System.clearProperty("adjoint.eager");
    }
    assertFalse(ForwardMode.isEager());
    ForwardMode.setEager(true);
    assertEquals("true", System.getProperty("adjoint.eager"));
  }

  @Test
  void eagerChecksTheArgumentCount() {
    ForwardMode.setEager(true);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new Mlp(gen).call(input(6, 4), input(6, 4)));
    assertEquals("Mlp.forward takes 1 tensor, got 2", e.getMessage());
  }
}
