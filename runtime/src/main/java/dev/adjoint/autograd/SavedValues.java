package dev.adjoint.autograd;

import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.ValuesIndices;
import java.util.ArrayList;

/**
 * Base of the generated {@code Saved} classes: what a {@code @Forward} method's backward needs.
 * Values computed once have named fields in the subclass; values computed inside loops and
 * branches are pushed here in execution order and popped by the backward pass in reverse.
 */
public abstract class SavedValues {
  private final ArrayList<Object> stack = new ArrayList<>();
  private final String method;
  private final String file;
  private KeptTensors kept;

  /** For subclasses not tied to a source file; messages name {@code "a @Forward method"}. */
  protected SavedValues() {
    this("a @Forward method", null);
  }

  /**
   * @param method what messages call the method whose values these are, e.g. {@code Mlp.forward}
   * @param file its source file, e.g. {@code Mlp.java}, or null
   */
  protected SavedValues(String method, String file) {
    this.method = method;
    this.file = file;
  }

  /** What messages call the method, e.g. {@code Mlp.forward}; also its graph node's name. */
  final String method() {
    return method;
  }

  /**
   * Records the {@link Tensor#version() version} of {@code t}, a tensor the backward will read,
   * kept under {@code name} while the forward ran source line {@code line} (0 before the body);
   * returns {@code t}. {@link #checkVersions()} then refuses a backward pass after an in-place
   * write to it. Null passes through.
   */
  public final Tensor keep(Tensor t, String name, int line) {
    if (t != null) {
      if (kept == null) {
        kept = new KeptTensors();
      }
      kept.add(t, name, line);
      Temporaries.kept(t);
    }
    return t;
  }

  /**
   * {@link #keep(Tensor, String, int)} for both tensors of a max or min along a dim; returns
   * {@code vi}.
   */
  public final ValuesIndices keep(ValuesIndices vi, String name, int line) {
    if (vi != null) {
      keep(vi.values(), name + ".values", line);
      keep(vi.indices(), name + ".indices", line);
    }
    return vi;
  }

  /** {@link #keep(Tensor, String, int)} for each tensor of a list; returns {@code ts}. */
  public final java.util.List<Tensor> keep(java.util.List<Tensor> ts, String name, int line) {
    if (ts != null) {
      for (int i = 0; i < ts.size(); i++) {
        keep(ts.get(i), name + "[" + i + "]", line);
      }
    }
    return ts;
  }

  /**
   * Throws {@link IllegalStateException} naming the tensor, where it was saved and both versions
   * when a tensor passed to {@link #keep} has been written in place since. Generated backward
   * code calls this first.
   */
  public final void checkVersions() {
    if (kept != null) {
      kept.check(method, file);
    }
  }

  /**
   * Says which tensor inputs of the call (in order) the caller wants gradients for; the backward
   * skips the others. The generated subclasses record it; by default every input is wanted.
   */
  public void needInputs(boolean[] needs) {}

  /** Keeps {@code value} for the backward pass. */
  public final void push(Object value) {
    stack.add(value);
  }

  /** The most recently pushed value not yet popped. */
  @SuppressWarnings("unchecked")
  public final <T> T pop() {
    if (stack.isEmpty()) {
      throw new IllegalStateException("backward: no saved value left; was this Saved object"
          + " already used by a backward pass?");
    }
    return (T) stack.remove(stack.size() - 1);
  }
}
