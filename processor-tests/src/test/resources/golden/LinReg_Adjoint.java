package test;

import dev.adjoint.autograd.GradFree;
import dev.adjoint.autograd.SavedValues;
import dev.adjoint.autograd.SourceLines;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.autograd.TrackedCall;
import dev.adjoint.backend.Layout;
import dev.adjoint.nn.LayerBinding;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.tensor.Arithmetic;
import dev.adjoint.tensor.LinearAlgebra;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Views;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Generated from {@link LinReg}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.LinReg"
)
public final class LinReg_Adjoint implements LayerBinding<LinReg> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public LinReg_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(LinReg self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      // LinReg.java:20  Tensor scaled = x ...
      sourceLine = 20;
      Tensor scaled = x.mul(2.0);
      saved.scaled = saved.keep(scaled, "scaled", sourceLine);
      // LinReg.java:22  return scaled.matmul(weight.t()).add(bias);
      sourceLine = 22;
      Tensor transposed = self.weight.t();
      saved.transposed = saved.keep(transposed, "transposed", sourceLine);
      saved.transposedLayout = transposed.layout();
      Tensor matmul = scaled.matmul(transposed);
      saved.matmulShape = matmul.shape();
      Tensor add = matmul.add(self.bias);
      Temporaries.release(matmul);
      return GradFree.passing(add, saved.need_x || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, LinReg_Adjoint.class, "test.LinReg", "forward", "LinReg.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(LinReg self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_scaled = null;
      Tensor d_transposed = null;
      Tensor d_matmul = null;
      Tensor d_add = null;
      // LinReg.java:22  return scaled.matmul(weight.t()).add(bias);
      sourceLine = 22;
      d_add = d_out;
      d_matmul = Arithmetic.addSelf(d_add, saved.matmulShape);
      if (self.bias.requiresGrad()) {
        self.bias.accumulateGrad(Arithmetic.addOther(d_add, self.bias.shape()));
      }
      d_scaled = LinearAlgebra.matmulSelf(d_matmul, saved.transposed, saved.scaled.shape());
      d_transposed = LinearAlgebra.matmulOther(d_matmul, saved.scaled, saved.transposedLayout);
      if (self.weight.requiresGrad()) {
        self.weight.accumulateGrad(Views.tSelf(d_transposed));
      }
      // LinReg.java:20  Tensor scaled = x ...
      sourceLine = 20;
      if (saved.need_x) {
        d_x = Arithmetic.mulDoubleSelf(d_scaled, 2.0);
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, LinReg_Adjoint.class, "test.LinReg", "forward (backward)", "LinReg.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(LinReg self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<LinReg> layerType() {
    return LinReg.class;
  }

  @Override
  public void visit(LinReg layer, LayerBinding.Visitor visitor) {
    visitor.parameter("weight", layer.weight, value -> layer.weight = value);
    visitor.parameter("bias", layer.bias, value -> layer.bias = value);
  }

  /**
   * None: {@link #config} and {@link #fromConfig} are generated.
   */
  @Override
  public String configProblem() {
    return null;
  }

  /**
   * None: {@code LinReg()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(LinReg layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code LinReg()}.
   */
  @Override
  public LinReg fromConfig(Map<String, ?> config) {
    LayerConfig.read(LinReg.class, config);
    return new LinReg();
  }

  @Override
  public Tensor call(LinReg layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("LinReg.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(LinReg layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("LinReg.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(LinReg layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("LinReg.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(LinReg layer, SavedValues saved, Tensor g) {
    return new Tensor[] {forwardBackward(layer, (ForwardSaved) saved, g)};
  }

  /**
   * What {@code forward}'s backward needs, and nothing more.
   */
  public static final class ForwardSaved extends SavedValues {
    /**
     * Whether the caller wants the gradient of {@code x}.
     */
    public boolean need_x = true;

    Tensor transposed;

    Tensor scaled;

    Layout transposedLayout;

    int[] matmulShape;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("LinReg.forward", "LinReg.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
