package dev.adjoint.autograd;

import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The tracked entry point every generated {@code <Owner>_Adjoint.<method>Tracked} delegates to:
 * runs the generated forward without recording, then, when gradients are wanted, gives its result
 * one graph node whose backward is the generated backward. What differs from method to method
 * (its {@code Saved} record, its forward and its backward) comes in as arguments, so each
 * generated file holds only what is specific to its layer.
 */
public final class TrackedCall {
  private TrackedCall() {}

  /** The generated backward of one call: the gradient of each tensor input, in order. */
  @FunctionalInterface
  public interface Backward {
    /** Gradients for each tensor input given {@code g}, that of the output; null where none. */
    Tensor[] apply(Tensor g);
  }

  /**
   * A call of a static {@code @Forward} function: records a node only when an input is tracked
   * and gradients are enabled.
   *
   * @param saved the call's empty {@code Saved} record; it names the node
   *     ({@code grad_fn=<Functions.cubic>}) and learns which inputs need gradients
   * @param forward the generated forward, filling {@code saved}; run without recording
   * @param backward the generated backward, reading {@code saved}
   * @param inputs the call's tensor inputs, in order
   */
  public static Tensor function(SavedValues saved, Supplier<Tensor> forward, Backward backward,
      Tensor... inputs) {
    return run(saved, null, forward, backward, inputs);
  }

  /**
   * A call of a layer's {@code @Forward} method: as {@link #function}, and records a node also
   * when no input is tracked but the layer has parameters that want gradients
   * ({@code layerRecords}, asked only then).
   */
  public static Tensor layer(SavedValues saved, BooleanSupplier layerRecords,
      Supplier<Tensor> forward, Backward backward, Tensor... inputs) {
    return run(saved, layerRecords, forward, backward, inputs);
  }

  private static Tensor run(SavedValues saved, BooleanSupplier layerRecords,
      Supplier<Tensor> forward, Backward backward, Tensor... inputs) {
    boolean[] needs = new boolean[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      needs[i] = inputs[i].requiresGrad();
    }
    saved.needInputs(needs);
    // The call's temporaries: garbage released when the forward returns, what the backward
    // needs released once the node has run (see Temporaries).
    Object frame = Temporaries.openForward();
    Tensor out;
    try {
      out = GradMode.noGrad(forward);
    } catch (RuntimeException | Error e) {
      Temporaries.abandonForward(frame);
      throw e;
    }
    Tensor[] edges = Autograd.edges((Object[]) inputs);
    if (edges == null
        && !(layerRecords != null && GradMode.isEnabled() && layerRecords.getAsBoolean())) {
      // No node, no backward: what was kept for one is garbage too.
      Temporaries.releaseAll(Temporaries.closeForward(frame, out));
      return out;
    }
    List<Storage> forBackward = Temporaries.closeForward(frame, out);
    if (edges == null) {
      edges = new Tensor[inputs.length];
    }
    if (out.requiresGrad()) {
      // The forward returned an input or a parameter itself: give the node its own tensor.
      out = out.detach();
    }
    out.setGradFn(new CallNode(saved.method(), edges, backward, forBackward));
    return out;
  }

  /**
   * One call in the graph; once run (without retaining the graph) it drops the backward and
   * releases the storages its forward made for it.
   */
  private static final class CallNode extends Node {
    private Backward backward;
    private List<Storage> owned;

    CallNode(String name, Tensor[] edges, Backward backward, List<Storage> owned) {
      super(name, edges);
      this.backward = backward;
      this.owned = owned;
    }

    @Override
    protected Tensor[] apply(Tensor g) {
      return backward.apply(g);
    }

    @Override
    protected void release() {
      backward = null;
      Temporaries.releaseAll(owned);
      owned = null;
    }
  }
}
