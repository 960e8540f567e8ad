package dev.adjoint.autograd;

import java.util.ArrayList;

/**
 * Base of the generated {@code Saved} classes: what a {@code @Forward} method's backward needs.
 * Values computed once have named fields in the subclass; values computed inside loops and
 * branches are pushed here in execution order and popped by the backward pass in reverse.
 */
public abstract class SavedValues {
  private final ArrayList<Object> stack = new ArrayList<>();

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
