package test;

import dev.adjoint.autograd.Fusions;
import dev.adjoint.autograd.GradFree;
import dev.adjoint.autograd.SavedValues;
import dev.adjoint.autograd.SourceLines;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.autograd.TrackedCall;
import dev.adjoint.nn.LayerBinding;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.tensor.Arithmetic;
import dev.adjoint.tensor.LinearAlgebra;
import dev.adjoint.tensor.Reductions;
import dev.adjoint.tensor.Tensor;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Generated from {@link Keeping}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.Keeping"
)
public final class Keeping_Adjoint implements LayerBinding<Keeping> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public Keeping_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(Keeping self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      saved.w = saved.keep(self.w, "w", sourceLine);
      saved.x = saved.keep(x, "x", sourceLine);
      // Keeping.java:24  Tensor y = x.matmul(w).mul(2.0).add(1.0);
      sourceLine = 24;
      Tensor matmul = x.matmul(self.w);
      Tensor y = Fusions.affine(matmul, 2.0, 1.0);
      saved.yShape = y.shape();
      // Keeping.java:25  seen.add(y.detach());
      sourceLine = 25;
      int userCodeAtLine25 = Temporaries.mark();
      self.seen.add(y.detach());
      Temporaries.escapeSince(userCodeAtLine25, self.seen, y);
      // Keeping.java:26  Tensor c = offset();
      sourceLine = 26;
      int userCodeAtLine26 = Temporaries.mark();
      Tensor c = Keeping.offset();
      Temporaries.escapeSince(userCodeAtLine26, c);
      saved.c = saved.keep(c, "c", sourceLine);
      // Keeping.java:27  return y.mul(c).sum();
      sourceLine = 27;
      Tensor mul2 = y.mul(c);
      saved.mul2Shape = mul2.shape();
      Tensor sum = mul2.sum();
      return GradFree.passing(sum, saved.need_x || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Keeping_Adjoint.class, "test.Keeping", "forward", "Keeping.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(Keeping self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_y = null;
      Tensor d_matmul = null;
      Tensor d_mul = null;
      Tensor d_mul2 = null;
      Tensor d_sum = null;
      // Keeping.java:27  return y.mul(c).sum();
      sourceLine = 27;
      d_sum = d_out;
      d_mul2 = Reductions.sumSelf(d_sum, saved.mul2Shape);
      d_y = Arithmetic.mulSelf(d_mul2, saved.c, saved.yShape);
      // Keeping.java:24  Tensor y = x.matmul(w).mul(2.0).add(1.0);
      sourceLine = 24;
      d_mul = Arithmetic.addDoubleSelf(d_y);
      d_matmul = Arithmetic.mulDoubleSelf(d_mul, 2.0);
      if (saved.need_x) {
        d_x = LinearAlgebra.matmulSelf(d_matmul, saved.w, saved.x.shape());
      }
      if (self.w.requiresGrad()) {
        self.w.accumulateGrad(LinearAlgebra.matmulOther(d_matmul, saved.x, self.w.layout()));
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Keeping_Adjoint.class, "test.Keeping", "forward (backward)", "Keeping.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(Keeping self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<Keeping> layerType() {
    return Keeping.class;
  }

  @Override
  public void visit(Keeping layer, LayerBinding.Visitor visitor) {
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
   * None: {@code Keeping()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(Keeping layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code Keeping()}.
   */
  @Override
  public Keeping fromConfig(Map<String, ?> config) {
    LayerConfig.read(Keeping.class, config);
    return new Keeping();
  }

  @Override
  public Tensor call(Keeping layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Keeping.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(Keeping layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Keeping.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(Keeping layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Keeping.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(Keeping layer, SavedValues saved, Tensor g) {
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

    Tensor c;

    int[] yShape;

    int[] mul2Shape;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("Keeping.forward", "Keeping.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
