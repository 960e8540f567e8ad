package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code @Layer} subclasses of an abstract {@code @Layer} base that holds the parameters and the
 * {@code @Forward} method: their generated binding runs the base's generated forward and
 * backward, gradient-checked against finite differences in float64.
 */
class InheritedForwardTest {
  private final Generator gen = new Generator(11);

  private Tensor input(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64).requiresGrad_(true);
  }

  /** Checks d(sum(model(x) * r))/d(params, x) against finite differences. */
  private void checkModule(Module model, Tensor x) {
    Tensor r;
    try (GradMode.Scope off = GradMode.noGrad()) {
      r = Tensor.randn(gen, model.call(x).shape()).to(DType.FLOAT64);
    }
    model.zeroGrad();
    x.setGrad(null);
    Tensor y = model.call(x);
    assertNotNull(y.gradFn(), "the call records a node");
    y.mul(r).sum().backward();
    List<Tensor> wrt = new ArrayList<>(model.parameters());
    wrt.add(x);
    GradCheck.check(() -> model.call(x).mul(r).sum(), wrt);
  }

  @Test
  void subclassesRunTheBasesForwardWithTheirOwnHook() {
    Gated.Silu silu = new Gated.Silu(gen, 3, 2);
    assertEquals(List.of("weight", "bias"), List.copyOf(silu.namedParameters().keySet()));
    Tensor x = input(4, 3);
    // Hand-derived: SiLU(h) = h * sigmoid(h), h = x W + b.
    Tensor h = h(silu, x);
    Tensor expected = h.mul(h.sigmoid());
    assertEquals(0, expected.sub(silu.call(x).detach()).abs().max().item(), 1e-12);
    // The subclass's hook, not the base's default or another subclass's, runs: k = 1.702.
    Gated.Steep steep = new Gated.Steep(gen, 3, 2);
    Tensor hs = h(steep, x);
    assertEquals(0, steep.call(x).detach().sub(hs.mul(hs.mul(1.702).sigmoid())).abs().max()
        .item(), 1e-12);
    checkModule(silu, x);
    checkModule(steep, input(4, 3));
  }

  private static Tensor h(Gated g, Tensor x) {
    return x.detach().matmul(g.parameter("weight").detach()).add(g.parameter("bias").detach());
  }

  @Test
  void inheritedForwardCalledAsSubLayer() {
    // Pair calls first.forward(x) and second.call(...): both resolved to Gated_Adjoint.
    checkModule(new Gated.Pair(gen), input(5, 3));
  }

  @Test
  void userSubclassOfTheLibrarysBatchNorm() {
    BatchNorm3dLike bn = new BatchNorm3dLike(2).to(DType.FLOAT64);
    bn.setParameter("weight", Tensor.randn(gen, 2).to(DType.FLOAT64));
    assertEquals("BatchNorm3dLike(2, eps=1e-05, momentum=0.1, affine=True,"
        + " track_running_stats=True)", bn.toString());
    checkModule(bn, input(2, 2, 2, 2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bn.call(input(2, 2, 3)));
    assertEquals("BatchNorm3dLike: expected 5D input (got 3D input of shape [2, 2, 3])",
        e.getMessage());
  }
}
