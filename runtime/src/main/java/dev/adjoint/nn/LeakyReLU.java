package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;

/**
 * {@code x} for {@code x > 0}, else {@code negativeSlope * x} ({@code nn.LeakyReLU}), computed by
 * {@link Functional#leakyRelu}.
 */
@Layer
public class LeakyReLU extends Module {
  final double negativeSlope;

  /** {@code negative_slope = 0.01}. */
  public LeakyReLU() {
    this(0.01);
  }

  /** The given slope for negative inputs. */
  public LeakyReLU(double negativeSlope) {
    this.negativeSlope = negativeSlope;
  }

  /** {@code Functional.leakyRelu(input, negativeSlope)}. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.leakyRelu(input, negativeSlope);
  }

  @Override
  public String toString() {
    return "LeakyReLU(negative_slope=" + Layers.py(negativeSlope) + ")";
  }
}
