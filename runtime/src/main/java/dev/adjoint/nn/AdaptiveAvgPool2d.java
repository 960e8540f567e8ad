package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Average pooling to a fixed output size whatever the input size ({@code nn.AdaptiveAvgPool2d}),
 * computed by {@link Functional#adaptiveAvgPool2d}; {@code new AdaptiveAvgPool2d(1)} is global
 * average pooling.
 */
@Layer
public class AdaptiveAvgPool2d extends Module {
  final int[] outputSize;

  /** A square output {@code outputSize x outputSize}. */
  public AdaptiveAvgPool2d(int outputSize) {
    this(new int[] {outputSize});
  }

  /** An output of one value or {@code {height, width}}. */
  @Layer.Constructor
  public AdaptiveAvgPool2d(int[] outputSize) {
    this.outputSize = Layers.positivePair("AdaptiveAvgPool2d", "outputSize", outputSize);
  }

  /** The mean of each adaptive window. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.adaptiveAvgPool2d(input, outputSize);
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
    return "AdaptiveAvgPool2d(output_size=" + Layers.intOrTuple(outputSize) + ")";
  }
}
