package test;

import dev.adjoint.autograd.GradFree;
import dev.adjoint.autograd.SavedValues;
import dev.adjoint.autograd.SourceLines;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.autograd.TrackedCall;
import dev.adjoint.nn.LayerBinding;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.tensor.Arithmetic;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Elementwise;
import dev.adjoint.tensor.LinearAlgebra;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Transfers;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Generated from {@link Qualified}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.Qualified"
)
public final class Qualified_Adjoint implements LayerBinding<Qualified> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public Qualified_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(Qualified self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      saved.w = saved.keep(self.w, "w", sourceLine);
      saved.x = saved.keep(x, "x", sourceLine);
      // Qualified.java:19  Tensor h = x.matmul(w).to(dev.adjoint.tensor.DType.FLOAT64);
      sourceLine = 19;
      Tensor matmul = x.matmul(self.w);
      saved.matmulDType = matmul.dtype();
      saved.matmulShape = matmul.shape();
      final DType dtype = DType.FLOAT64;
      saved.dtype = dtype;
      Tensor h = matmul.to(dtype);
      saved.hShape = h.shape();
      // Qualified.java:20  return dev.adjoint.tensor.Tensor.where(h.gt(0.0), h, h.mul(0.5));
      sourceLine = 20;
      Tensor gt = h.gt(0.0);
      saved.gt = saved.keep(gt, "gt", sourceLine);
      Tensor mul = h.mul(0.5);
      saved.mulShape = mul.shape();
      Tensor where = Tensor.where(gt, h, mul);
      Temporaries.release(mul);
      return GradFree.passing(where, saved.need_x || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Qualified_Adjoint.class, "test.Qualified", "forward", "Qualified.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(Qualified self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_h = null;
      Tensor d_matmul = null;
      Tensor d_mul = null;
      Tensor d_where = null;
      // Qualified.java:20  return dev.adjoint.tensor.Tensor.where(h.gt(0.0), h, h.mul(0.5));
      sourceLine = 20;
      d_where = d_out;
      d_h = Elementwise.whereX(d_where, saved.gt, saved.hShape);
      d_mul = Elementwise.whereY(d_where, saved.gt, saved.mulShape);
      d_h = d_h.add(Arithmetic.mulDoubleSelf(d_mul, 0.5));
      // Qualified.java:19  Tensor h = x.matmul(w).to(dev.adjoint.tensor.DType.FLOAT64);
      sourceLine = 19;
      d_matmul = Transfers.toDTypeSelf(d_h, saved.matmulDType, saved.dtype, saved.matmulShape);
      if (saved.need_x) {
        d_x = LinearAlgebra.matmulSelf(d_matmul, saved.w, saved.x.shape());
      }
      if (self.w.requiresGrad()) {
        self.w.accumulateGrad(LinearAlgebra.matmulOther(d_matmul, saved.x, self.w.layout()));
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Qualified_Adjoint.class, "test.Qualified", "forward (backward)", "Qualified.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(Qualified self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<Qualified> layerType() {
    return Qualified.class;
  }

  @Override
  public void visit(Qualified layer, LayerBinding.Visitor visitor) {
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
   * None: {@code Qualified()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(Qualified layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code Qualified()}.
   */
  @Override
  public Qualified fromConfig(Map<String, ?> config) {
    LayerConfig.read(Qualified.class, config);
    return new Qualified();
  }

  @Override
  public Tensor call(Qualified layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Qualified.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(Qualified layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Qualified.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(Qualified layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Qualified.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(Qualified layer, SavedValues saved, Tensor g) {
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

    DType matmulDType;

    DType dtype;

    int[] matmulShape;

    Tensor gt;

    int[] hShape;

    int[] mulShape;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("Qualified.forward", "Qualified.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
