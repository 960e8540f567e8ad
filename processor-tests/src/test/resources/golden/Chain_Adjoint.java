package test;

import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradFree;
import dev.adjoint.autograd.SavedValues;
import dev.adjoint.autograd.SourceLines;
import dev.adjoint.autograd.TrackedCall;
import dev.adjoint.nn.DynamicCall;
import dev.adjoint.nn.LayerBinding;
import dev.adjoint.nn.LayerConfig;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Generated from {@link Chain}: forward and backward of its {@code @Forward} methods, and its parameter registry.
 */
@Generated(
    value = "dev.adjoint.processor.AdjointProcessor",
    comments = "backward pass of test.Chain"
)
public final class Chain_Adjoint implements LayerBinding<Chain> {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public Chain_Adjoint() {
  }

  /**
   * The forward of {@code forward}, keeping in {@code saved} what the backward needs. Runs without recording a graph.
   */
  public static Tensor forwardSaving(Chain self, Tensor input, ForwardSaved saved) {
    // An input that no gradient reaches (the layer before gave it) needs none.
    if (saved.need_input && GradFree.holds(input)) {
      saved.need_input = false;
    }
    int sourceLine = 0;
    try {
      // Chain.java:19  Tensor h = input;
      sourceLine = 19;
      Tensor h = input;
      // Chain.java:20  for (Module block : blocks)
      sourceLine = 20;
      int tripsAtLine20 = 0;
      for (Module block : self.blocks) {
        tripsAtLine20++;
        // Chain.java:21  h = block.call(h);
        sourceLine = 21;
        DynamicCall hCall = DynamicCall.forwardSaving(block, new boolean[] {(h != input || saved.need_input)}, h);
        h = hCall.out();
        saved.push(hCall);
      }
      saved.tripsAtLine20 = tripsAtLine20;
      // Chain.java:23  return h;
      sourceLine = 23;
      return GradFree.passing(h, saved.need_input || self.recordsGradients());
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Chain_Adjoint.class, "test.Chain", "forward", "Chain.java", sourceLine);
    }
  }

  /**
   * The backward of {@code forward}: accumulates parameter gradients and returns the gradient of its tensor input (null where none flows).
   */
  public static Tensor forwardBackward(Chain self, ForwardSaved saved, Tensor d_out) {
    saved.checkVersions();
    int sourceLine = 0;
    try {
      Tensor d_input = null;
      Tensor d_h = null;
      // Chain.java:23  return h;
      sourceLine = 23;
      d_h = d_out;
      // Chain.java:20  for (Module block : blocks)
      sourceLine = 20;
      for (int iteration = saved.tripsAtLine20; iteration > 0; iteration--) {
        // Chain.java:21  h = block.call(h);
        sourceLine = 21;
        DynamicCall hCall_1 = saved.pop();
        Tensor g_h = d_h;
        d_h = null;
        if (g_h != null) {
          Tensor[] d_hInputs = hCall_1.backward(g_h);
          d_h = Autograd.accumulate(d_h, d_hInputs[0]);
        }
      }
      // Chain.java:19  Tensor h = input;
      sourceLine = 19;
      Tensor g_h_1 = d_h;
      if (g_h_1 != null) {
        if (saved.need_input) {
          d_input = g_h_1;
        }
      }
      return d_input;
    } catch (RuntimeException failure) {
      throw SourceLines.at(failure, Chain_Adjoint.class, "test.Chain", "forward (backward)", "Chain.java", sourceLine);
    }
  }

  /**
   * Runs {@link #forwardSaving} and, when gradients are wanted, records one graph node whose backward is {@link #forwardBackward}.
   */
  public static Tensor forwardTracked(Chain self, Tensor input) {
    ForwardSaved saved = new ForwardSaved();
    return TrackedCall.layer(saved, self::recordsGradients, () -> forwardSaving(self, input, saved),
        d_out -> new Tensor[] {forwardBackward(self, saved, d_out)}, input);
  }

  @Override
  public Class<Chain> layerType() {
    return Chain.class;
  }

  @Override
  public void visit(Chain layer, LayerBinding.Visitor visitor) {
    if (layer.blocks != null) {
      for (int i = 0; i < layer.blocks.size(); i++) {
        visitor.child("blocks." + i, layer.blocks.get(i));
      }
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
   * None: {@code Chain()} takes no arguments.
   */
  @Override
  public Map<String, Object> config(Chain layer) {
    return LayerConfig.of();
  }

  /**
   * A new layer from {@code Chain()}.
   */
  @Override
  public Chain fromConfig(Map<String, ?> config) {
    LayerConfig.read(Chain.class, config);
    return new Chain();
  }

  @Override
  public Tensor call(Chain layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Chain.forward takes 1 tensor, got " + args.length);
    }
    return forwardTracked(layer, args[0]);
  }

  @Override
  public Tensor callEager(Chain layer, Tensor... args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Chain.forward takes 1 tensor, got " + args.length);
    }
    return layer.forward(args[0]);
  }

  @Override
  public SavedValues newSaved() {
    return new ForwardSaved();
  }

  @Override
  public Tensor callSaving(Chain layer, Tensor[] args, SavedValues saved) {
    if (args.length != 1) {
      throw new IllegalArgumentException("Chain.forward takes 1 tensor, got " + args.length);
    }
    return forwardSaving(layer, args[0], (ForwardSaved) saved);
  }

  @Override
  public Tensor[] backward(Chain layer, SavedValues saved, Tensor g) {
    return new Tensor[] {forwardBackward(layer, (ForwardSaved) saved, g)};
  }

  /**
   * What {@code forward}'s backward needs, and nothing more.
   */
  public static final class ForwardSaved extends SavedValues {
    /**
     * Whether the caller wants the gradient of {@code input}.
     */
    public boolean need_input = true;

    int tripsAtLine20;

    /**
     * An empty record of one call.
     */
    public ForwardSaved() {
      super("Chain.forward", "Chain.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      need_input = needs[0];
    }
  }
}
