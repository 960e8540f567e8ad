package test;

import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradFree;
import dev.adjoint.autograd.SavedValues;
import dev.adjoint.autograd.SourceLines;
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
 * Generated from {@link EarlyExit}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.EarlyExit"
)
public final class EarlyExit_Adjoint implements LayerBinding<EarlyExit> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public EarlyExit_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(EarlyExit self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      saved.w = saved.keep(self.w, "w", sourceLine);
      saved.x = saved.keep(x, "x", sourceLine);
      // EarlyExit.java:20  Tensor h = x.matmul(w);
      sourceLine = 20;
      Tensor h = x.matmul(self.w);
      // EarlyExit.java:21  if (skip)
      sourceLine = 21;
      saved.branchAtLine21 = self.skip;
      if (saved.branchAtLine21) {
        // EarlyExit.java:22  return h;
        sourceLine = 22;
        return GradFree.passing(h, saved.need_x || self.recordsGradients());
      } else {
        // EarlyExit.java:24  h = h.tanh();
        sourceLine = 24;
        h = h.tanh();
        saved.h = saved.keep(h, "h", sourceLine);
        // EarlyExit.java:25  return h.mul(x);
        sourceLine = 25;
        Tensor mul = h.mul(x);
        return GradFree.passing(mul, saved.need_x || self.recordsGradients());
      }
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, EarlyExit_Adjoint.class, "test.EarlyExit", "forward", "EarlyExit.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(EarlyExit self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_h = null;
      Tensor d_mul = null;
      // EarlyExit.java:21  if (skip)
      sourceLine = 21;
      if (saved.branchAtLine21) {
        // EarlyExit.java:22  return h;
        sourceLine = 22;
        d_h = d_out;
      } else {
        // EarlyExit.java:25  return h.mul(x);
        sourceLine = 25;
        d_mul = d_out;
        d_h = Arithmetic.mulSelf(d_mul, saved.x, saved.h.shape());
        if (saved.need_x) {
          d_x = Arithmetic.mulOther(d_mul, saved.h, saved.x.shape());
        }
        // EarlyExit.java:24  h = h.tanh();
        sourceLine = 24;
        Tensor g_h = d_h;
        d_h = Elementwise.tanhSelf(g_h, saved.h);
      }
      // EarlyExit.java:20  Tensor h = x.matmul(w);
      sourceLine = 20;
      Tensor g_h_1 = d_h;
      if (saved.need_x) {
        d_x = Autograd.accumulate(d_x, LinearAlgebra.matmulSelf(g_h_1, saved.w, saved.x.shape()));
      }
      if (self.w.requiresGrad()) {
        self.w.accumulateGrad(LinearAlgebra.matmulOther(g_h_1, saved.x, self.w.layout()));
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, EarlyExit_Adjoint.class, "test.EarlyExit", "forward (backward)", "EarlyExit.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(EarlyExit self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<EarlyExit> layerType() {
    return EarlyExit.class;
  }

  @Override
  public void visit(EarlyExit layer, LayerBinding.Visitor visitor) {
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
   * None: {@code EarlyExit()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(EarlyExit layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code EarlyExit()}.
   */
  @Override
  public EarlyExit fromConfig(Map<String, ?> config) {
    LayerConfig.read(EarlyExit.class, config);
    return new EarlyExit();
  }

  @Override
  public Tensor call(EarlyExit layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("EarlyExit.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(EarlyExit layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("EarlyExit.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(EarlyExit layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("EarlyExit.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(EarlyExit layer, SavedValues saved, Tensor g) {
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

    Tensor h;

    boolean branchAtLine21;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("EarlyExit.forward", "EarlyExit.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
