package dev.adjoint.autograd;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

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
    Tensor[] grads = apply(g);
    if (grads.length != inputs.length) {
      throw new IllegalStateException(name + ": backward returned " + grads.length
          + " gradients for " + inputs.length + " inputs");
    }
    return grads;
  }

  final void markReleased() {
    released = true;
    release();
  }

  @Override
  public String toString() {
    return "<" + name + ">" + (released ? " (released)" : "") + " inputs="
        + Arrays.toString(Arrays.stream(inputs).map(t -> t == null ? "-" : Arrays.toString(
            t.shape())).toArray());
  }
}
