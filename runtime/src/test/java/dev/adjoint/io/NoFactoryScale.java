package dev.adjoint.io;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.Configurable;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/** A {@link Configurable} layer that forgot its {@code fromConfig}, so it cannot be saved whole. */
@Layer
public class NoFactoryScale extends Module implements Configurable {
  final double factor;

  /** Multiplies by {@code factor}. */
  public NoFactoryScale(double factor) {
    this.factor = factor;
  }

  /** {@code x * factor}. */
  @Forward
  public Tensor forward(Tensor x) {
    return x.mul(factor);
  }

  @Override
  public Map<String, Object> config() {
    return LayerConfig.of("factor", factor);
  }
}
