package dev.adjoint.samples;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;

/**
 * The notebook's {@code LinReg(nn.Module)}: one {@code nn.Linear(input_dim, 1)} named
 * {@code beta}, so its state dict keys are {@code beta.weight} and {@code beta.bias} as in
 * PyTorch.
 */
@Layer
public class HousingModel extends Module {
  Linear beta;

  /** A linear model over {@code inputDim} features. */
  public HousingModel(int inputDim) {
    beta = new Linear(inputDim, 1);
  }

  @Forward
  public Tensor forward(Tensor x) {
    return beta.forward(x);
  }
}
