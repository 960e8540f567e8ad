package dev.adjoint.nn;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.RangeError;
import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.Tensor;

/**
 * The tensor side of the nn kernels: unpacks each checked, contiguous operand into the storage and
 * layout that {@link Backend} takes, so that no kernel sees a tensor. One line per kernel.
 */
final class NnKernels {
  private NnKernels() {}

  private static Backend of(Tensor t) {
    return Backends.of(t.device());
  }

  static void conv2d(Tensor input, Tensor weight, Tensor bias, Tensor dst, Window2d w,
      int groups) {
    of(input).conv2d(input.storage(), input.layout(), weight.storage(), weight.layout(),
        bias == null ? null : bias.storage(), bias == null ? null : bias.layout(), dst.storage(),
        dst.layout(), w, groups);
  }

  static void conv2dInputGrad(Tensor gradOut, Tensor weight, Tensor gradInput, Window2d w,
      int groups) {
    of(weight).conv2dInputGrad(gradOut.storage(), gradOut.layout(), weight.storage(),
        weight.layout(), gradInput.storage(), gradInput.layout(), w, groups);
  }

  static void conv2dWeightGrad(Tensor gradOut, Tensor input, Tensor gradWeight, Window2d w,
      int groups) {
    of(input).conv2dWeightGrad(gradOut.storage(), gradOut.layout(), input.storage(),
        input.layout(), gradWeight.storage(), gradWeight.layout(), w, groups);
  }

  static void maxPool2d(Tensor input, Tensor dst, Window2d w) {
    of(input).maxPool2d(input.storage(), input.layout(), dst.storage(), dst.layout(), w);
  }

  static void maxPool2dGrad(Tensor gradOut, Tensor input, Tensor gradInput, Window2d w) {
    of(input).maxPool2dGrad(gradOut.storage(), gradOut.layout(), input.storage(),
        input.layout(), gradInput.storage(), gradInput.layout(), w);
  }

  static void avgPool2d(Tensor input, Tensor dst, Window2d w, boolean countIncludePad) {
    of(input).avgPool2d(input.storage(), input.layout(), dst.storage(), dst.layout(), w,
        countIncludePad);
  }

  static void avgPool2dGrad(Tensor gradOut, Tensor gradInput, Window2d w,
      boolean countIncludePad) {
    of(gradOut).avgPool2dGrad(gradOut.storage(), gradOut.layout(), gradInput.storage(),
        gradInput.layout(), w, countIncludePad);
  }

  static void adaptiveAvgPool2d(Tensor input, Tensor dst) {
    of(input).adaptiveAvgPool2d(input.storage(), input.layout(), dst.storage(), dst.layout());
  }

  static void adaptiveAvgPool2dGrad(Tensor gradOut, Tensor gradInput) {
    of(gradOut).adaptiveAvgPool2dGrad(gradOut.storage(), gradOut.layout(), gradInput.storage(),
        gradInput.layout());
  }

  /**
   * Checks on {@code t}'s device that its elements lie in {@code [low, high]} or equal
   * {@code allowed} (NaN: none); see {@link Backend#checkRange}.
   */
  static void checkRange(Tensor t, double low, double high, double allowed, RangeError error) {
    of(t).checkRange(t.storage(), t.layout(), low, high, allowed, error);
  }
}
