package test;

import dev.adjoint.autograd.Autograd;
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
 * Generated from {@link Unrolled}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.Unrolled"
)
public final class Unrolled_Adjoint implements LayerBinding<Unrolled> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public Unrolled_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(Unrolled self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      saved.w = saved.keep(self.w, "w", sourceLine);
      // Unrolled.java:20  Tensor h = x;
      sourceLine = 20;
      Tensor h = x;
      // Unrolled.java:21  for (int i = 0; i < steps; i++)
      sourceLine = 21;
      int tripsAtLine21 = 0;
      for (int i = 0; i < self.steps; i++) {
        tripsAtLine21++;
        // Unrolled.java:22  h = h.matmul(w).mul(i + 1).tanh();
        sourceLine = 22;
        saved.push(h.shape());
        saved.push(saved.keep(h, "h", sourceLine));
        Tensor matmul = h.matmul(self.w);
        final long value = i + 1;
        saved.push(value);
        Tensor mul = matmul.mul(value);
        h = mul.tanh();
        saved.push(saved.keep(h, "h_1", sourceLine));
        Temporaries.release(mul);
      }
      saved.tripsAtLine21 = tripsAtLine21;
      // Unrolled.java:24  return h;
      sourceLine = 24;
      return GradFree.passing(h, saved.need_x || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Unrolled_Adjoint.class, "test.Unrolled", "forward", "Unrolled.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(Unrolled self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_h = null;
      Tensor d_matmul = null;
      Tensor d_mul = null;
      // Unrolled.java:24  return h;
      sourceLine = 24;
      d_h = d_out;
      // Unrolled.java:21  for (int i = 0; i < steps; i++)
      sourceLine = 21;
      for (int iteration = saved.tripsAtLine21; iteration > 0; iteration--) {
        // Unrolled.java:22  h = h.matmul(w).mul(i + 1).tanh();
        sourceLine = 22;
        Tensor h_1 = saved.pop();
        Tensor g_h = d_h;
        d_h = null;
        if (g_h != null) {
          d_mul = Autograd.accumulate(d_mul, Elementwise.tanhSelf(g_h, h_1));
        }
        long value_1 = saved.pop();
        Tensor g_mul = d_mul;
        d_mul = null;
        if (g_mul != null) {
          d_matmul = Autograd.accumulate(d_matmul, Arithmetic.mulLongSelf(g_mul, value_1));
        }
        Tensor h_2 = saved.pop();
        int[] hShape = saved.pop();
        Tensor g_matmul = d_matmul;
        d_matmul = null;
        if (g_matmul != null) {
          d_h = LinearAlgebra.matmulSelf(g_matmul, saved.w, hShape);
          if (self.w.requiresGrad()) {
            self.w.accumulateGrad(LinearAlgebra.matmulOther(g_matmul, h_2, self.w.layout()));
          }
        }
      }
      // Unrolled.java:20  Tensor h = x;
      sourceLine = 20;
      Tensor g_h_1 = d_h;
      if (g_h_1 != null) {
        if (saved.need_x) {
          d_x = g_h_1;
        }
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Unrolled_Adjoint.class, "test.Unrolled", "forward (backward)", "Unrolled.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(Unrolled self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<Unrolled> layerType() {
    return Unrolled.class;
  }

  @Override
  public void visit(Unrolled layer, LayerBinding.Visitor visitor) {
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
   * None: {@code Unrolled()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(Unrolled layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code Unrolled()}.
   */
  @Override
  public Unrolled fromConfig(Map<String, ?> config) {
    LayerConfig.read(Unrolled.class, config);
    return new Unrolled();
  }

  @Override
  public Tensor call(Unrolled layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Unrolled.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(Unrolled layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Unrolled.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(Unrolled layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Unrolled.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(Unrolled layer, SavedValues saved, Tensor g) {
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

    int tripsAtLine21;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("Unrolled.forward", "Unrolled.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
