package dev.adjoint.samples;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;

/**
 * The notebook's linear regression, {@code y = x @ weight.T + bias}, written as a layer: the
 * processor generates {@code LinReg_Adjoint} with its backward pass and parameter registry.
 */
@Layer
public class LinReg extends Module {
  @Param Tensor weight; // [1, in]
  @Param Tensor bias; // [1]

  /** PyTorch's nn.Linear initialisation: uniform in [-1/sqrt(in), 1/sqrt(in)]. */
  public LinReg(int in) {
    double k = 1 / Math.sqrt(in);
    weight = Tensor.rand(1, in).mul(2 * k).sub(k);
    bias = Tensor.rand(1).mul(2 * k).sub(k);
  }

  @Forward
  public Tensor forward(Tensor x) {
    return x.matmul(weight.t()).add(bias);
  }
}
