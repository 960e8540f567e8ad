package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * 2-d convolution over {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}) inputs
 * ({@code nn.Conv2d}), computed by {@link Functional#conv2d}: {@code weight} is
 * {@code [outChannels, inChannels / groups, kH, kW]}, {@code bias} {@code [outChannels]}.
 *
 * <p>Initialised as PyTorch does: {@code weight} by {@code kaiming_uniform_(a = sqrt 5)}, uniform
 * on {@code [-1/sqrt(fan_in), 1/sqrt(fan_in)]} with {@code fan_in = inChannels / groups * kH *
 * kW}, and {@code bias} uniform on the same interval.
 *
 * <pre>{@code
 * new Conv2d(1, 32, 3);                          // 3x3, stride 1, no padding
 * new Conv2d(32, 64, 3, 2, 1);                   // stride 2, padding 1
 * new Conv2d(64, 64, 3, 1, 2, 2, 64, false);     // dilated, depthwise, no bias
 * }</pre>
 */
@Layer
public class Conv2d extends Module {
  @Param Tensor weight;
  @Param Tensor bias;
  final int inChannels;
  final int outChannels;
  final int[] kernelSize;
  final int[] stride;
  final int[] padding;
  final int[] dilation;
  final int groups;

  /** A square kernel, stride 1, no padding, with a bias. */
  public Conv2d(int inChannels, int outChannels, int kernelSize) {
    this(inChannels, outChannels, kernelSize, 1, 0);
  }

  /** A square kernel with the same stride and padding in both dimensions, with a bias. */
  public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
    this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
  }

  /** Every option, the same in both dimensions. */
  public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding,
      int dilation, int groups, boolean bias) {
    this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride},
        new int[] {padding}, new int[] {dilation}, groups, bias, Generator.defaultGenerator());
  }

  /**
   * Every option; each size is one value or {@code {height, width}}. The weights are drawn from
   * the default generator.
   *
   * @throws IllegalArgumentException for non-positive sizes, or channel counts not divisible by
   *     {@code groups}
   */
  @Layer.Constructor
  public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
      int[] dilation, int groups, boolean bias) {
    this(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias,
        Generator.defaultGenerator());
  }

  /**
   * Every option; each size is one value or {@code {height, width}}. The weights are drawn from
   * {@code generator}.
   *
   * @throws IllegalArgumentException for non-positive sizes, or channel counts not divisible by
   *     {@code groups}
   */
  public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
      int[] dilation, int groups, boolean bias, Generator generator) {
    if (groups < 1) {
      throw new IllegalArgumentException("Conv2d: groups must be a positive integer, got "
          + groups);
    }
    if (inChannels < 1 || outChannels < 1) {
      throw new IllegalArgumentException("Conv2d: channel counts must be positive, got"
          + " in_channels=" + inChannels + ", out_channels=" + outChannels);
    }
    if (inChannels % groups != 0) {
      throw new IllegalArgumentException("Conv2d: in_channels must be divisible by groups, got"
          + " in_channels=" + inChannels + ", groups=" + groups);
    }
    if (outChannels % groups != 0) {
      throw new IllegalArgumentException("Conv2d: out_channels must be divisible by groups, got"
          + " out_channels=" + outChannels + ", groups=" + groups);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = Layers.positivePair("Conv2d", "kernelSize", kernelSize);
    this.stride = Layers.positivePair("Conv2d", "stride", stride);
    this.padding = Layers.nonNegativePair("Conv2d", "padding", padding);
    this.dilation = Layers.positivePair("Conv2d", "dilation", dilation);
    this.groups = groups;
    Layers.checkParameter("Conv2d", "weight", "in_channels=" + inChannels + ", out_channels="
        + outChannels + ", kernel_size=" + Layers.tuple(this.kernelSize) + ", groups=" + groups,
        outChannels, inChannels / groups, this.kernelSize[0], this.kernelSize[1]);
    weight = Tensor.zeros(outChannels, inChannels / groups, this.kernelSize[0],
        this.kernelSize[1]);
    Init.kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu", generator);
    if (bias) {
      double bound = 1 / Math.sqrt(Init.fans(weight)[0]);
      this.bias = Init.uniform_(Tensor.zeros(outChannels), -bound, bound, generator);
    }
  }

  /** The convolution of {@code input} with {@code weight}, plus {@code bias}. */
  @Forward
  public Tensor forward(Tensor input) {
    if (bias == null) {
      return Functional.conv2d(input, weight, null, stride, padding, dilation, groups);
    }
    return Functional.conv2d(input, weight, bias, stride, padding, dilation, groups);
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): {@code weight} {@code [out, in / groups, kH, kW]} and,
   * with a bias, {@code bias} {@code [out]}.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(Conv2d.class, config);
    int in = c.intValue("inChannels");
    int out = c.intValue("outChannels");
    int groups = c.intValue("groups");
    if (groups <= 0) {
      throw new IllegalArgumentException("Conv2d: groups must be positive, got " + groups);
    }
    int[] k = Layers.positivePair("Conv2d", "kernelSize", c.intArray("kernelSize"));
    return Layers.shapes("weight", new int[] {out, in / groups, k[0], k[1]}, "bias",
        c.booleanValue("bias") ? new int[] {out} : null);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Conv2d(").append(inChannels).append(", ")
        .append(outChannels).append(", kernel_size=").append(Layers.tuple(kernelSize))
        .append(", stride=").append(Layers.tuple(stride));
    if (padding[0] != 0 || padding[1] != 0) {
      sb.append(", padding=").append(Layers.tuple(padding));
    }
    if (dilation[0] != 1 || dilation[1] != 1) {
      sb.append(", dilation=").append(Layers.tuple(dilation));
    }
    if (groups != 1) {
      sb.append(", groups=").append(groups);
    }
    if (bias == null) {
      sb.append(", bias=False");
    }
    return sb.append(')').toString();
  }
}
