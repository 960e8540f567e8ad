package dev.adjoint.autograd;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/**
 * Undoes broadcasting in the backward pass: the one place where the gradient of a broadcast
 * input is summed back to that input's shape. Generated backward code and every rule that unites
 * operands of different shapes call {@link #unbroadcast}.
 */
public final class Broadcasting {
  private Broadcasting() {}

  /**
   * Sums {@code g} over the leading dimensions that broadcasting added and over the dimensions
   * where {@code shape} has size 1, so that the result has exactly {@code shape}. Returns
   * {@code g} itself when it already has that shape.
   *
   * @throws IllegalArgumentException when {@code g} cannot have been broadcast from {@code shape}
   */
  public static Tensor unbroadcast(Tensor g, int[] shape) {
    int[] gs = g.shape();
    if (Arrays.equals(gs, shape)) {
      return g;
    }
    int lead = gs.length - shape.length;
    if (lead < 0) {
      throw new IllegalArgumentException("unbroadcast: gradient of shape " + Arrays.toString(gs)
          + " has fewer dimensions than the input shape " + Arrays.toString(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] != 1 && shape[i] != gs[lead + i]) {
        throw new IllegalArgumentException("unbroadcast: gradient of shape " + Arrays.toString(gs)
            + " cannot come from broadcasting the input shape " + Arrays.toString(shape));
      }
    }
    Tensor r = g;
    if (lead > 0) {
      int[] leading = new int[lead];
      for (int d = 0; d < lead; d++) {
        leading[d] = d;
      }
      r = r.sum(leading, false);
    }
    int ones = 0;
    for (int i = 0; i < shape.length; i++) {
      ones += shape[i] == 1 && gs[lead + i] != 1 ? 1 : 0;
    }
    if (ones > 0) {
      int[] stretched = new int[ones];
      for (int i = 0, k = 0; i < shape.length; i++) {
        if (shape[i] == 1 && gs[lead + i] != 1) {
          stretched[k++] = i;
        }
      }
      r = r.sum(stretched, true);
    }
    return r.reshape(shape);
  }
}
