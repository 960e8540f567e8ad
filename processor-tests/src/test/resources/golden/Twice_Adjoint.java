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
import dev.adjoint.tensor.Tensor;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Generated from {@link Twice}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.Twice"
)
public final class Twice_Adjoint implements LayerBinding<Twice> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public Twice_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(Twice self, Tensor x, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_x && GradFree.holds(x)) {
      saved.need_x = false;
    }
    int sourceLine = 0;
    try {
      // Twice.java:19  Tensor a = fc.forward(x);
      sourceLine = 19;
      Affine_Adjoint.ForwardSaved aSaved = new Affine_Adjoint.ForwardSaved();
      aSaved.need_x = saved.need_x;
      Tensor a = Affine_Adjoint.forwardSaving(self.fc, x, aSaved);
      saved.aSaved = aSaved;
      saved.aShape = a.shape();
      // Twice.java:20  Tensor b = fc.call(a.relu());
      sourceLine = 20;
      Tensor relu = a.relu();
      saved.relu = saved.keep(relu, "relu", sourceLine);
      Affine_Adjoint.ForwardSaved bSaved = new Affine_Adjoint.ForwardSaved();
      Tensor b = Affine_Adjoint.forwardSaving(self.fc, relu, bSaved);
      saved.bSaved = bSaved;
      saved.bShape = b.shape();
      // Twice.java:21  return a.add(b);
      sourceLine = 21;
      Tensor add = a.add(b);
      return GradFree.passing(add, saved.need_x || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Twice_Adjoint.class, "test.Twice", "forward", "Twice.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(Twice self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_x = null;
      Tensor d_a = null;
      Tensor d_b = null;
      Tensor d_relu = null;
      Tensor d_add = null;
      // Twice.java:21  return a.add(b);
      sourceLine = 21;
      d_add = d_out;
      d_a = Arithmetic.addSelf(d_add, saved.aShape);
      d_b = Arithmetic.addOther(d_add, saved.bShape);
      // Twice.java:20  Tensor b = fc.call(a.relu());
      sourceLine = 20;
      d_relu = Autograd.accumulate(d_relu, Affine_Adjoint.forwardBackward(self.fc, saved.bSaved, d_b));
      if (d_relu != null) {
        d_a = d_a.add(Elementwise.reluSelf(d_relu, saved.relu));
      }
      // Twice.java:19  Tensor a = fc.forward(x);
      sourceLine = 19;
      Tensor d_aInput = Affine_Adjoint.forwardBackward(self.fc, saved.aSaved, d_a);
      if (saved.need_x) {
        d_x = Autograd.accumulate(d_x, d_aInput);
      }
      return d_x;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Twice_Adjoint.class, "test.Twice", "forward (backward)", "Twice.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(Twice self, Tensor x) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, x, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, x);
  }

  @Override
  public Class<Twice> layerType() {
    return Twice.class;
  }

  @Override
  public void visit(Twice layer, LayerBinding.Visitor visitor) {
    if (layer.fc != null) {
      visitor.child("fc", layer.fc);
    }
  }

  /**
   * None: {@link #config} and {@link #fromConfig} are generated.
   */
  @Override
  public String configProblem() {
    return null;
  }

  /**
   * None: {@code Twice()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(Twice layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code Twice()}.
   */
  @Override
  public Twice fromConfig(Map<String, ?> config) {
    LayerConfig.read(Twice.class, config);
    return new Twice();
  }

  @Override
  public Tensor call(Twice layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Twice.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(Twice layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Twice.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(Twice layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Twice.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(Twice layer, SavedValues saved, Tensor g) {
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

    Affine_Adjoint.ForwardSaved aSaved;

    Tensor relu;

    Affine_Adjoint.ForwardSaved bSaved;

    int[] aShape;

    int[] bShape;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("Twice.forward", "Twice.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_x = needs[0];
    }
  }
}
