package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * 2-d max pooling ({@code nn.MaxPool2d}, {@code ceil_mode=False}), computed by
 * {@link Functional#maxPool2d}. The stride defaults to the kernel size; windows may overlap.
 */
@Layer
public class MaxPool2d extends Module {
  final int[] kernelSize;
  final int[] stride;
  final int[] padding;
  final int[] dilation;

  /** Non-overlapping square windows ({@code stride = kernelSize}), no padding. */
  public MaxPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  /** Square windows with a stride, no padding. */
  public MaxPool2d(int kernelSize, int stride) {
    this(kernelSize, stride, 0);
  }

  /** Square windows with a stride and padding (at most half the kernel). */
  public MaxPool2d(int kernelSize, int stride, int padding) {
    this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1});
  }

  /**
   * Every option; each is one value or {@code {height, width}}, and a null or empty
   * {@code stride} means {@code kernelSize}.
   *
   * @throws IllegalArgumentException for non-positive sizes or a padding above half the
   *     effective kernel
   */
  @Layer.Constructor
  public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation) {
    this.kernelSize = Layers.positivePair("MaxPool2d", "kernelSize", kernelSize);
    this.stride = stride == null || stride.length == 0 ? this.kernelSize.clone()
        : Layers.positivePair("MaxPool2d", "stride", stride);
    this.padding = Layers.nonNegativePair("MaxPool2d", "padding", padding);
    this.dilation = Layers.positivePair("MaxPool2d", "dilation", dilation);
    for (int i = 0; i < 2; i++) {
      int effective = (this.kernelSize[i] - 1) * this.dilation[i] + 1;
      if (this.padding[i] > effective / 2) {
        throw new IllegalArgumentException("MaxPool2d: pad should be at most half of effective"
            + " kernel size, but got pad=" + this.padding[i] + ", kernel_size="
            + this.kernelSize[i] + " and dilation=" + this.dilation[i]);
      }
    }
  }

  /** The maximum of each window. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.maxPool2d(input, kernelSize, stride, padding, dilation);
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
    return "MaxPool2d(kernel_size=" + Layers.intOrTuple(kernelSize) + ", stride="
        + Layers.intOrTuple(stride) + ", padding=" + Layers.intOrTuple(padding) + ", dilation="
        + Layers.intOrTuple(dilation) + ", ceil_mode=False)";
  }
}
