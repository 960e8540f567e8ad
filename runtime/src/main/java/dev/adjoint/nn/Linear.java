package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * {@code y = x W^T + b} ({@code nn.Linear}): {@code weight} is {@code [out, in]}, {@code bias}
 * {@code [out]}, and the input any shape ending in {@code in}.
 *
 * <p>Initialised as PyTorch does: {@code weight} by {@code kaiming_uniform_(a = sqrt 5)}, which is
 * uniform on {@code [-1/sqrt(in), 1/sqrt(in)]}, and {@code bias} uniform on the same interval.
 */
@Layer
public class Linear extends Module {
  @Param Tensor weight;
  @Param Tensor bias;
  final int inFeatures;
  final int outFeatures;

  /** A layer with a bias, initialised from the default generator. */
  public Linear(int inFeatures, int outFeatures) {
    this(inFeatures, outFeatures, true);
  }

  /** A layer with or without a bias ({@code bias=False}). */
  @Layer.Constructor
  public Linear(int inFeatures, int outFeatures, boolean bias) {
    this(inFeatures, outFeatures, bias, Generator.defaultGenerator());
  }

  /** A layer initialised from {@code generator}. */
  public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
    if (inFeatures < 0 || outFeatures < 0) {
      throw new IllegalArgumentException("Linear: feature counts must be non-negative, got"
          + " in_features=" + inFeatures + ", out_features=" + outFeatures);
    }
    Layers.checkParameter("Linear", "weight", "in_features=" + inFeatures + ", out_features="
        + outFeatures, outFeatures, inFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    weight = Tensor.zeros(outFeatures, inFeatures);
    Init.kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu", generator);
    if (bias) {
      double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
      this.bias = Init.uniform_(Tensor.zeros(outFeatures), -bound, bound, generator);
    }
  }

  /** {@code input @ weight.t() + bias}. */
  @Forward
  public Tensor forward(Tensor input) {
    Tensor y = input.matmul(weight.t());
    if (bias != null) {
      y = y.add(bias);
    }
    return y;
  }

  /** The input size. */
  public int inFeatures() {
    return inFeatures;
  }

  /** The output size. */
  public int outFeatures() {
    return outFeatures;
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): {@code weight} {@code [out, in]} and, with a bias,
   * {@code bias} {@code [out]}.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(Linear.class, config);
    int in = c.intValue("inFeatures");
    int out = c.intValue("outFeatures");
    if (in < 0 || out < 0) {
      throw new IllegalArgumentException("Linear: feature counts must be non-negative, got"
          + " in_features=" + in + ", out_features=" + out);
    }
    return Layers.shapes("weight", new int[] {out, in}, "bias",
        c.booleanValue("bias") ? new int[] {out} : null);
  }

  @Override
  public String toString() {
    return "Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias="
        + Layers.py(bias != null) + ")";
  }
}
