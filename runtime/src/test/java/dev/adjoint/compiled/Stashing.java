package dev.adjoint.compiled;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A forward that lets values made during the call outlive it: a tensor field, a list in a field
 * filled through a method call, a tensor a helper caches in a static field on first use, and a
 * value handed to a helper that keeps it. None of them may be released with the call's
 * temporaries ({@code ForwardTemporariesTest}).
 */
@Layer
public class Stashing extends Module {
  @Param Tensor weight;
  @Buffer(persistent = false) Tensor lastHidden;
  final List<Tensor> history = new ArrayList<>();

  Stashing(Generator g) {
    weight = Layers.randn(g, 3, 3);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.matmul(weight).tanh();
    lastHidden = h.detach().mul(2.0);
    history.add(h.detach().add(1.0));
    Keeper.keep(h.detach().neg());
    Tensor c = Keeper.constant();
    return h.mul(c).sum();
  }

  /** User helpers that keep tensors in static fields. */
  static final class Keeper {
    static Tensor cached;
    static final List<Tensor> kept = new ArrayList<>();

    private Keeper() {}

    /** Made on first use and reused: a cache. */
    static Tensor constant() {
      if (cached == null) {
        cached = Tensor.full(0.5, 3);
      }
      return cached;
    }

    static void keep(Tensor t) {
      kept.add(t);
    }
  }
}
