package example;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;

/** The smallest useful layer: one {@link Linear} sub-layer; the processor writes its backward. */
@Layer
public class TinyNet extends Module {
  final Linear fc;

  public TinyNet(int inFeatures) {
    fc = new Linear(inFeatures, 1);
  }

  @Forward
  public Tensor forward(Tensor x) {
    return fc.call(x);
  }
}
