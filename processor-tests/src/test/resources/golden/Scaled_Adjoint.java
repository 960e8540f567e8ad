package test;

import dev.adjoint.autograd.GradFree;
import dev.adjoint.autograd.SavedValues;
import dev.adjoint.autograd.SourceLines;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.autograd.TrackedCall;
import dev.adjoint.nn.LayerBinding;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.tensor.Arithmetic;
import dev.adjoint.tensor.Elementwise;
import dev.adjoint.tensor.LinearAlgebra;
import dev.adjoint.tensor.Tensor;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Generated from {@link Scaled}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.Scaled"
)
public final class Scaled_Adjoint implements LayerBinding<Scaled> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public Scaled_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(Scaled self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      saved.w = saved.keep(self.w, "w", sourceLine);
      saved.x = saved.keep(x, "x", sourceLine);
      // Scaled.java:21  return x.matmul(w).mul(scale).mul(shift).tanh();
      sourceLine = 21;
      Tensor matmul = x.matmul(self.w);
      Tensor mul = matmul.mul(self.scale);
      final double shift2 = self.shift;
      saved.shift2 = shift2;
      Tensor mul2 = mul.mul(shift2);
      Tensor tanh = mul2.tanh();
      saved.tanh = saved.keep(tanh, "tanh", sourceLine);
      Temporaries.release(mul2);
      return GradFree.passing(tanh, saved.need_x || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Scaled_Adjoint.class, "test.Scaled", "forward", "Scaled.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(Scaled self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_matmul = null;
      Tensor d_mul = null;
      Tensor d_mul2 = null;
      Tensor d_tanh = null;
      // Scaled.java:21  return x.matmul(w).mul(scale).mul(shift).tanh();
      sourceLine = 21;
      d_tanh = d_out;
      d_mul2 = Elementwise.tanhSelf(d_tanh, saved.tanh);
      d_mul = Arithmetic.mulDoubleSelf(d_mul2, saved.shift2);
      d_matmul = Arithmetic.mulDoubleSelf(d_mul, self.scale);
      if (saved.need_x) {
        d_x = LinearAlgebra.matmulSelf(d_matmul, saved.w, saved.x.shape());
      }
      if (self.w.requiresGrad()) {
        self.w.accumulateGrad(LinearAlgebra.matmulOther(d_matmul, saved.x, self.w.layout()));
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Scaled_Adjoint.class, "test.Scaled", "forward (backward)", "Scaled.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(Scaled self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<Scaled> layerType() {
    return Scaled.class;
  }

  @Override
  public void visit(Scaled layer, LayerBinding.Visitor visitor) {
    visitor.parameter("w", layer.w, value -> layer.w = value);
  }

  /**
   * None: {@link #config} and {@link #fromConfig} are generated.
   */
  @Override
  public String configProblem() {
    return null;
  }

  /**
   * None: {@code Scaled()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(Scaled layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code Scaled()}.
   */
  @Override
  public Scaled fromConfig(Map<String, ?> config) {
    LayerConfig.read(Scaled.class, config);
    return new Scaled();
  }

  @Override
  public Tensor call(Scaled layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Scaled.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(Scaled layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Scaled.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(Scaled layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Scaled.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(Scaled layer, SavedValues saved, Tensor g) {
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

    Tensor w;

    Tensor x;

    double shift2;

    Tensor tanh;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("Scaled.forward", "Scaled.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
