package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;

/** Layers for constructs a review found mishandled; each is gradient-checked. */
final class ReviewCases {
  private ReviewCases() {}

  /** An early return inside a nested if without else. */
  @Layer
  public static class EarlyReturnNested extends Module {
    @Param Tensor w;
    boolean a = true;
    boolean b = true;

    EarlyReturnNested(Generator g) {
      w = Layers.randn(g, 3);
    }

    @Forward
    public Tensor forward(Tensor x) {
      Tensor h = x.mul(w);
      if (a) {
        if (b) {
          return h.tanh();
        }
        h = h.mul(2.0);
      }
      Tensor y = h.mul(3.0);
      return y;
    }
  }

  /** Values carried three iterations around a loop (a delay line). */
  @Layer
  public static class DelayLine extends Module {
    @Param Tensor w;

    DelayLine(Generator g) {
      w = Layers.randn(g, 3);
    }

    @Forward
    public Tensor forward(Tensor x) {
      Tensor out2 = x.zerosLike();
      Tensor s2 = x.zerosLike();
      Tensor s1 = x.zerosLike();
      for (int i = 0; i < 3; i++) {
        out2 = s2;
        s2 = s1;
        s1 = x.mul(w).tanh().add(s1);
      }
      return out2;
    }
  }

  /** A two-input layer that ignores its first input. */
  @Layer
  public static class OneUsed extends Module {
    @Param Tensor w;

    OneUsed(Generator g) {
      w = Layers.randn(g, 3);
    }

    @Forward
    public Tensor forward(Tensor a, Tensor b) {
      return b.mul(w).tanh();
    }
  }

  /** Calls a sub-layer that returns no gradient for one of its inputs. */
  @Layer
  public static class UsesOneUsed extends Module {
    OneUsed sub;
    @Param Tensor w;

    UsesOneUsed(Generator g) {
      sub = new OneUsed(g);
      w = Layers.randn(g, 3);
    }

    @Forward
    public Tensor forward(Tensor x) {
      Tensor h = x.mul(w);
      Tensor y = sub.forward(h, x);
      return y.add(h);
    }
  }

  /** Nested loops, two ifs in one loop body, and two sub-layer calls into one variable. */
  @Layer
  public static class LoopsAndCalls extends Module {
    @Param Tensor w;
    Affine first;
    Affine second;
    List<Module> more;

    LoopsAndCalls(Generator g) {
      w = Layers.randn(g, 3, 3);
      first = new Affine(g, 3, 3);
      second = new Affine(g, 3, 3);
      more = List.of(new Affine(g, 3, 3), new Affine(g, 3, 3));
    }

    @Forward
    public Tensor forward(Tensor x) {
      Tensor h = first.forward(x);
      h = second.forward(h);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          h = h.matmul(w).tanh();
        }
        if (i % 2 == 0) {
          h = h.mul(0.5);
        }
        if (i > 0) {
          h = h.sigmoid();
        }
      }
      h = more.get(0).call(h);
      h = more.get(1).call(h);
      Tensor out = h.mul(2.0);
      return out;
    }
  }
}
