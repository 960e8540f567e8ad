package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.ValuesIndices;

/**
 * Tensors reached through a value that is not a Tensor: the values of max and min along a dim,
 * whose gradient goes to the position each extreme came from. Each layer is gradient-checked.
 */
final class Carriers {
  private Carriers() {}

  /** {@code h.max(1).values()} chained, and a {@code ValuesIndices} local read twice. */
  @Layer
  public static class MaxMinValues extends Module {
    @Param Tensor w;

    MaxMinValues(Generator g) {
      w = Layers.randn(g, 3);
    }

    @Forward
    public Tensor forward(Tensor x) {
      Tensor h = x.mul(w);
      Tensor m = h.max(1).values();
      ValuesIndices vi = h.min(0, true);
      Tensor lo = vi.values();
      Tensor where = vi.indices();
      Tensor k = (h.tanh().max(1, true)).values();
      Tensor s = h.min(1).values().mul(vi.values().sum());
      return m.unsqueeze(1).add(lo).add(k).mul(s.unsqueeze(1)).add(where.detach().sum().item());
    }
  }

  /** A carrier local reassigned in a branch and recomputed in a loop. */
  @Layer
  public static class CarrierInLoopAndBranch extends Module {
    @Param Tensor w;
    boolean useMin;
    boolean replace;

    CarrierInLoopAndBranch(Generator g) {
      w = Layers.randn(g, 4, 4);
    }

    @Forward
    public Tensor forward(Tensor x) {
      Tensor h = x;
      for (int i = 0; i < 2; i++) {
        ValuesIndices top = h.matmul(w).max(-1, true);
        h = h.sub(top.values()).tanh();
      }
      ValuesIndices vi = h.max(0);
      if (useMin) {
        vi = h.min(0);
      }
      Tensor kept = h.mul(vi.values());
      if (replace) {
        // Replaced by other means: the generated forward must follow (a constant here).
        vi = new ValuesIndices(Tensor.full(2.0, DType.FLOAT64, 4), vi.indices());
      }
      return kept.add(vi.values());
    }
  }
}
