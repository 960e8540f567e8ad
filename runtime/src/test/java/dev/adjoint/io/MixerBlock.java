package dev.adjoint.io;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/**
 * A user layer with no hand-written configuration and a single constructor: the processor
 * generates its configuration from the constructor's int, double, boolean, enum, int[] and
 * sub-layer arguments, each kept in the field of the same name.
 */
@Layer
public class MixerBlock extends Module {
  /** What follows the body. */
  public enum Activation { RELU, TANH }

  final Module body;
  final int width;
  final double scale;
  final boolean residual;
  final Activation activation;
  final int[] gateShape;
  @Param Tensor gate;

  public MixerBlock(Module body, int width, double scale, boolean residual,
      Activation activation, int[] gateShape) {
    if (gateShape[gateShape.length - 1] != width) {
      throw new IllegalArgumentException("MixerBlock: the gate's last dimension must be the"
          + " width " + width + ", got " + Arrays.toString(gateShape));
    }
    this.body = body;
    this.width = width;
    this.scale = scale;
    this.residual = residual;
    this.activation = activation;
    this.gateShape = gateShape.clone();
    gate = Tensor.zeros(gateShape);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = body.call(x);
    if (residual) {
      h = h.add(x);
    }
    if (activation == Activation.TANH) {
      h = h.tanh();
    } else {
      h = h.relu();
    }
    return h.mul(gate.sigmoid()).mul(scale);
  }

  @Override
  public String toString() {
    return "MixerBlock(width=" + width + ", scale=" + scale + ", residual=" + residual
        + ", activation=" + activation + ", gateShape=" + Arrays.toString(gateShape) + ", body="
        + body + ")";
  }
}
