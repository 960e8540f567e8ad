package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * 2-d average pooling ({@code nn.AvgPool2d}, {@code ceil_mode=False}), computed by
 * {@link Functional#avgPool2d}. The stride defaults to the kernel size; padded zeros count in the
 * divisor unless {@code countIncludePad} is false.
 */
@Layer
public class AvgPool2d extends Module {
  final int[] kernelSize;
  final int[] stride;
  final int[] padding;
  final boolean countIncludePad;

  /** Non-overlapping square windows, no padding. */
  public AvgPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  /** Square windows with a stride, no padding. */
  public AvgPool2d(int kernelSize, int stride) {
    this(kernelSize, stride, 0);
  }

  /** Square windows with a stride and padding, padded zeros counted ({@code count_include_pad}). */
  public AvgPool2d(int kernelSize, int stride, int padding) {
    this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, true);
  }

  /**
   * Every option; each size is one value or {@code {height, width}}, and a null or empty
   * {@code stride} means {@code kernelSize}.
   *
   * @throws IllegalArgumentException for non-positive sizes or a padding above half the kernel
   */
  @Layer.Constructor
  public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean countIncludePad) {
    this.kernelSize = Layers.positivePair("AvgPool2d", "kernelSize", kernelSize);
    this.stride = stride == null || stride.length == 0 ? this.kernelSize.clone()
        : Layers.positivePair("AvgPool2d", "stride", stride);
    this.padding = Layers.nonNegativePair("AvgPool2d", "padding", padding);
    this.countIncludePad = countIncludePad;
    for (int i = 0; i < 2; i++) {
      if (this.padding[i] > this.kernelSize[i] / 2) {
        throw new IllegalArgumentException("AvgPool2d: pad should be at most half of kernel"
            + " size, but got pad=" + this.padding[i] + " and kernel_size=" + this.kernelSize[i]);
      }
    }
  }

  /** The mean of each window. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.avgPool2d(input, kernelSize, stride, padding, countIncludePad);
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }

  @Override
  public String toString() {
    return "AvgPool2d(kernel_size=" + Layers.intOrTuple(kernelSize) + ", stride="
        + Layers.intOrTuple(stride) + ", padding=" + Layers.intOrTuple(padding) + ")";
  }
}
