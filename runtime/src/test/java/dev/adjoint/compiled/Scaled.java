package dev.adjoint.compiled;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;

/** A layer with a persistent buffer (a call count) and a transient one (a cache). */
@Layer
public class Scaled extends Module {
  @Param Tensor scale = Tensor.ones(DType.FLOAT64, 3);
  @Buffer Tensor calls = Tensor.zeros(DType.INT64);
  @Buffer(persistent = false) Tensor cache = Tensor.zeros(DType.FLOAT64, 3);

  @Forward
  public Tensor forward(Tensor x) {
    calls = calls.add(1L);
    return x.mul(scale);
  }
}
