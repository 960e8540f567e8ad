package dev.adjoint.autograd;

import dev.adjoint.tensor.Tensor;
import java.util.List;

/**
 * One step of the recorded graph between {@code @Forward} calls: the backward function of one
 * primitive op, or of one whole {@code @Forward} call (whose generated backward runs inside
 * {@link #apply}). A node holds the inputs it sends gradients to and whatever its backward needs;
 * {@link #release()} drops those saved values after a backward pass unless the graph is retained.
 *
 * <p>Nodes are written by the annotation processor (named like PyTorch's, e.g.
 * {@code MulBackward0}), so a debugger steps through ordinary Java.
 */
public abstract class Node {
  private final String name;
  private final Tensor[] inputs;
  private boolean released;
  private KeptTensors kept;

  /**
   * @param name what {@code grad_fn=<...>} prints, e.g. {@code MulBackward0}
   * @param inputs the tensors this node's {@link #apply} returns gradients for, in order; an
   *     entry may be null for an input that needs none
   */
  protected Node(String name, Tensor... inputs) {
    this.name = name;
    this.inputs = inputs.clone();
  }

  /**
   * Gradients for each input, given the gradient {@code g} of this node's output; an entry may be
   * null where an input needs no gradient.
   */
  protected abstract Tensor[] apply(Tensor g);

  /**
   * Keeps {@code t} for {@link #apply} and records its {@link Tensor#version() version}: if it is
   * written in place before this node runs, the backward pass stops with an error naming it
   * instead of computing a wrong gradient. Returns {@code t}; null passes through.
   */
  protected final Tensor keep(Tensor t, String name) {
    if (t != null) {
      if (kept == null) {
        kept = new KeptTensors();
      }
      kept.add(t, name, 0);
    }
    return t;
  }

  /** {@link #keep(Tensor, String)} for each tensor of a list; returns {@code ts}. */
  protected final List<Tensor> keep(List<Tensor> ts, String name) {
    if (ts != null) {
      for (int i = 0; i < ts.size(); i++) {
        keep(ts.get(i), name + "[" + i + "]");
      }
    }
    return ts;
  }

  /** Drops saved values; called once after a backward pass that does not retain the graph. */
  protected void release() {}

  /** The name {@code grad_fn=<...>} prints. */
  public final String name() {
    return name;
  }

  /** The tensors gradients flow to (a copy). */
  public final Tensor[] inputs() {
    return inputs.clone();
  }

  /** Whether input {@code i} wants a gradient (it is tracked); others may be skipped. */
  protected final boolean needsGrad(int i) {
    return inputs[i] != null;
  }

  final Tensor input(int i) {
    return inputs[i];
  }

  final int inputCount() {
    return inputs.length;
  }

  final Tensor[] run(Tensor g) {
    if (released) {
      throw new IllegalStateException("backward: trying to backward through the graph a second"
          + " time (or to use saved tensors after they were freed): " + name + " already ran."
          + " Pass retainGraph = true to the first backward(...) call if you need to backward"
          + " through the graph again.");
    }
    if (kept != null) {
      kept.check(name, null);
    }
    // What the backward allocates and does not return is released when it returns.
    Tensor[] grads = Temporaries.run(this, g);
    if (grads.length != inputs.length) {
      throw new IllegalStateException(name + ": backward returned " + grads.length
          + " gradients for " + inputs.length + " inputs");
    }
    return grads;
  }

  final void markReleased() {
    released = true;
    kept = null;
    release();
  }

  /**
   * {@code <MulBackward0 object>}, as PyTorch prints a {@code grad_fn} (without its address);
   * {@link #inputs()} gives the tensors it sends gradients to.
   */
  @Override
  public String toString() {
    return "<" + name + " object>";
  }
}
