package test;

import dev.adjoint.autograd.GradFree;
import dev.adjoint.autograd.SavedValues;
import dev.adjoint.autograd.SourceLines;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.autograd.TrackedCall;
import dev.adjoint.nn.LayerBinding;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.tensor.Elementwise;
import dev.adjoint.tensor.LinearAlgebra;
import dev.adjoint.tensor.Tensor;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Generated from {@link RunningMean}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.RunningMean"
)
public final class RunningMean_Adjoint implements LayerBinding<RunningMean> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public RunningMean_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(RunningMean self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      saved.w = saved.keep(self.w, "w", sourceLine);
      saved.x = saved.keep(x, "x", sourceLine);
      // RunningMean.java:20  Tensor y = x.matmul(w);
      sourceLine = 20;
      Tensor y = x.matmul(self.w);
      // RunningMean.java:21  if (training())
      sourceLine = 21;
      if (self.training()) {
        // RunningMean.java:22  mean = mean.mul(0.9).add(y.detach().mean().mul(0.1));
        sourceLine = 22;
        self.mean = self.mean.mul(0.9).add(y.detach().mean().mul(0.1));
        Temporaries.escape(self.mean);
      }
      // RunningMean.java:24  return y.tanh();
      sourceLine = 24;
      Tensor tanh = y.tanh();
      saved.tanh = saved.keep(tanh, "tanh", sourceLine);
      return GradFree.passing(tanh, saved.need_x || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, RunningMean_Adjoint.class, "test.RunningMean", "forward", "RunningMean.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(RunningMean self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_y = null;
      Tensor d_tanh = null;
      // RunningMean.java:24  return y.tanh();
      sourceLine = 24;
      d_tanh = d_out;
      d_y = Elementwise.tanhSelf(d_tanh, saved.tanh);
      // RunningMean.java:20  Tensor y = x.matmul(w);
      sourceLine = 20;
      if (saved.need_x) {
        d_x = LinearAlgebra.matmulSelf(d_y, saved.w, saved.x.shape());
      }
      if (self.w.requiresGrad()) {
        self.w.accumulateGrad(LinearAlgebra.matmulOther(d_y, saved.x, self.w.layout()));
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, RunningMean_Adjoint.class, "test.RunningMean", "forward (backward)", "RunningMean.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(RunningMean self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<RunningMean> layerType() {
    return RunningMean.class;
  }

  @Override
  public void visit(RunningMean layer, LayerBinding.Visitor visitor) {
    visitor.parameter("w", layer.w, value -> layer.w = value);
    visitor.buffer("mean", layer.mean, true, value -> layer.mean = value);
  }

  /**
   * None: {@link #config} and {@link #fromConfig} are generated.
   */
  @Override
  public String configProblem() {
    return null;
  }

  /**
   * None: {@code RunningMean()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(RunningMean layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code RunningMean()}.
   */
  @Override
  public RunningMean fromConfig(Map<String, ?> config) {
    LayerConfig.read(RunningMean.class, config);
    return new RunningMean();
  }

  @Override
  public Tensor call(RunningMean layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("RunningMean.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(RunningMean layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("RunningMean.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(RunningMean layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("RunningMean.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(RunningMean layer, SavedValues saved, Tensor g) {
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

    Tensor tanh;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("RunningMean.forward", "RunningMean.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
