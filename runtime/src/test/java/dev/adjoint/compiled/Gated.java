package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/**
 * An abstract {@code @Layer} base holding the parameters and the {@code @Forward} method,
 * {@code h * sigmoid(k h)} with {@code h = x W + b}; its subclasses choose only {@code k}.
 */
@Layer
public abstract class Gated extends Module {
  @Param Tensor weight;
  @Param Tensor bias;

  Gated(Generator g, int in, int out) {
    weight = Layers.randn(g, in, out);
    bias = Layers.randn(g, out);
  }

  /** The gate's steepness {@code k}. */
  abstract double steepness();

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.matmul(weight).add(bias);
    return h.mul(h.mul(steepness()).sigmoid());
  }

  /** {@code k = 1} (SiLU), with no {@code @Forward} of its own. */
  @Layer
  public static class Silu extends Gated {
    Silu(Generator g, int in, int out) {
      super(g, in, out);
    }

    @Override
    double steepness() {
      return 1;
    }
  }

  /** {@code k = 1.702} (the sigmoid approximation of GELU), with no {@code @Forward} either. */
  @Layer
  public static class Steep extends Gated {
    Steep(Generator g, int in, int out) {
      super(g, in, out);
    }

    @Override
    double steepness() {
      return 1.702;
    }
  }

  /** Sub-layers whose {@code @Forward} is inherited, called directly and through {@code call}. */
  @Layer
  public static class Pair extends Module {
    Silu first;
    Steep second;

    Pair(Generator g) {
      first = new Silu(g, 3, 4);
      second = new Steep(g, 4, 2);
    }

    @Forward
    public Tensor forward(Tensor x) {
      return second.call(first.forward(x));
    }
  }
}
