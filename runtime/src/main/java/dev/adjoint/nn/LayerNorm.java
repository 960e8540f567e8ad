package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dimensions ({@code nn.LayerNorm}):
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}, with the mean and biased variance of
 * each sample's last {@code normalizedShape.length} dimensions. {@code weight} (ones) and
 * {@code bias} (zeros) have shape {@code normalizedShape} when {@code elementwiseAffine}. The same
 * computation runs in training and evaluation.
 */
@Layer
public class LayerNorm extends Module {
  @Param Tensor weight;
  @Param Tensor bias;
  final int[] normalizedShape;
  final double eps;
  final boolean elementwiseAffine;

  /** Normalises the last dimension, of size {@code normalizedShape}. */
  public LayerNorm(int normalizedShape) {
    this(new int[] {normalizedShape});
  }

  /** Normalises the trailing dimensions {@code normalizedShape}, {@code eps = 1e-5}, affine. */
  public LayerNorm(int[] normalizedShape) {
    this(normalizedShape, 1e-5, true);
  }

  /**
   * Every option.
   *
   * @throws IllegalArgumentException for an empty or non-positive {@code normalizedShape} or a
   *     negative {@code eps}
   */
  @Layer.Constructor
  public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
    if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(s -> s < 1)) {
      throw new IllegalArgumentException("LayerNorm: normalized_shape must be non-empty and"
          + " positive, got " + Arrays.toString(normalizedShape));
    }
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("LayerNorm: eps must be non-negative, got " + eps);
    }
    this.normalizedShape = normalizedShape.clone();
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    if (elementwiseAffine) {
      Layers.checkParameter("LayerNorm", "weight", "normalized_shape="
          + Arrays.toString(normalizedShape), normalizedShape);
      weight = Tensor.ones(normalizedShape);
      bias = Tensor.zeros(normalizedShape);
    }
  }

  /** Normalises each sample over the trailing dimensions. */
  @Forward
  public Tensor forward(Tensor input) {
    int[] dims = normalizedDims(input.shape(), normalizedShape);
    Tensor mean = input.mean(dims, true);
    Tensor var = input.var(dims, 0, true);
    Tensor y = input.sub(mean).div(var.add(eps).sqrt());
    if (elementwiseAffine) {
      y = y.mul(weight).add(bias);
    }
    return y;
  }

  /**
   * The trailing dims of an input of {@code shape} that {@code normalizedShape} covers.
   *
   * @throws IllegalArgumentException when the input's trailing sizes differ
   */
  static int[] normalizedDims(int[] shape, int[] normalizedShape) {
    int k = normalizedShape.length;
    int lead = shape.length - k;
    if (lead < 0 || !Arrays.equals(Arrays.copyOfRange(shape, lead, shape.length),
        normalizedShape)) {
      throw new IllegalArgumentException("LayerNorm: given normalized_shape="
          + Arrays.toString(normalizedShape) + ", expected input with shape [*, "
          + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "") + "], but got input of"
          + " size " + Arrays.toString(shape));
    }
    int[] dims = new int[k];
    for (int i = 0; i < k; i++) {
      dims[i] = lead + i;
    }
    return dims;
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): with {@code elementwiseAffine}, {@code weight} and
   * {@code bias} of the normalized shape.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(LayerNorm.class, config);
    int[] shape = c.intArray("normalizedShape");
    return c.booleanValue("elementwiseAffine")
        ? Layers.shapes("weight", shape, "bias", shape) : Map.of();
  }

  @Override
  public String toString() {
    return "LayerNorm(" + (normalizedShape.length == 1 ? "(" + normalizedShape[0] + ",)"
        : Arrays.toString(normalizedShape).replace('[', '(').replace(']', ')'))
        + ", eps=" + Layers.py(eps) + ", elementwise_affine=" + Layers.py(elementwiseAffine)
        + ")";
  }
}
