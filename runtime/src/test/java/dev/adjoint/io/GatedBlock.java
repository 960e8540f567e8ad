package dev.adjoint.io;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Configurable;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * A user-defined configurable layer whose constructor takes a sub-layer: {@code body(x) *
 * sigmoid(gate) * scale}.
 */
@Layer
public class GatedBlock extends Module implements Configurable {
  Module body;
  @Param Tensor gate;
  final int width;
  final double scale;

  /** {@code body} maps inputs to {@code width} features. */
  public GatedBlock(Module body, int width, double scale) {
    this.body = body;
    this.width = width;
    this.scale = scale;
    gate = Tensor.zeros(width);
  }

  /** The gated, scaled output of the body. */
  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = body.call(x);
    return h.mul(gate.sigmoid()).mul(scale);
  }

  @Override
  public Map<String, Object> config() {
    return LayerConfig.of("body", body, "width", width, "scale", scale);
  }

  /** Rebuilds the block from its config. */
  public static GatedBlock fromConfig(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(GatedBlock.class, config);
    return new GatedBlock(c.module("body", Module.class), c.intValue("width"),
        c.doubleValue("scale"));
  }

  @Override
  public String toString() {
    return "GatedBlock(width=" + width + ", scale=" + scale + ", body=" + body + ")";
  }
}
