package dev.adjoint.nn;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/**
 * Parameter initialisation, the counterpart of {@code torch.nn.init}. The methods ending in
 * {@code _} fill an existing tensor in place (outside the autograd graph, as PyTorch's do under
 * {@code no_grad}) and return it; gains and fans follow PyTorch exactly. Each draws from the
 * given {@link Generator}, or from the default one ({@link Tensor#manualSeed}).
 *
 * <pre>{@code
 * Init.kaimingUniform_(fc.weight, Math.sqrt(5), "fan_in", "leaky_relu");  // Linear's default
 * Init.xavierNormal_(w, Init.calculateGain("tanh"), new Generator(0));
 * Tensor b = Init.uniform(-0.1, 0.1, 16);                                   // a new tensor
 * }</pre>
 *
 * <p>The numbers differ from PyTorch's for the same seed (the generators differ); the
 * distributions are the same. They are drawn by the tensor's backend from the generator's
 * counter-based stream, so a seed gives the same initial weights on every device and thread
 * count (see {@link Generator}).
 */
public final class Init {
  private Init() {}

  // ================================================================== gains and fans

  /**
   * The recommended gain for a nonlinearity ({@code nn.init.calculate_gain}): 1 for
   * {@code linear}, {@code conv1d/2d/3d}, {@code conv_transpose1d/2d/3d} and {@code sigmoid};
   * 5/3 for {@code tanh}; sqrt(2) for {@code relu}; sqrt(2 / (1 + 0.01^2)) for
   * {@code leaky_relu}; 3/4 for {@code selu}.
   *
   * @throws IllegalArgumentException for another name
   */
  public static double calculateGain(String nonlinearity) {
    return calculateGain(nonlinearity, 0.01);
  }

  /**
   * {@link #calculateGain(String)} with {@code param}, the negative slope of
   * {@code leaky_relu}: {@code sqrt(2 / (1 + param^2))}. Other nonlinearities ignore it.
   */
  public static double calculateGain(String nonlinearity, double param) {
    switch (String.valueOf(nonlinearity)) {
      case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
          "conv_transpose3d", "sigmoid":
        return 1;
      case "tanh":
        return 5.0 / 3;
      case "relu":
        return Math.sqrt(2.0);
      case "leaky_relu":
        return Math.sqrt(2.0 / (1 + param * param));
      case "selu":
        return 3.0 / 4;
      default:
        throw new IllegalArgumentException("calculateGain: unsupported nonlinearity "
            + nonlinearity + "; use linear, conv1d, conv2d, conv3d, conv_transpose1d,"
            + " conv_transpose2d, conv_transpose3d, sigmoid, tanh, relu, leaky_relu or selu");
    }
  }

  /**
   * {@code {fan_in, fan_out}} of a weight: {@code size(1)} and {@code size(0)} times the product
   * of the remaining (receptive field) sizes, as PyTorch computes them.
   *
   * @throws IllegalArgumentException for fewer than 2 dimensions
   */
  public static int[] fans(Tensor tensor) {
    if (tensor.dim() < 2) {
      throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with"
          + " fewer than 2 dimensions (shape " + Arrays.toString(tensor.shape()) + ")");
    }
    int receptive = 1;
    for (int d = 2; d < tensor.dim(); d++) {
      receptive *= tensor.size(d);
    }
    return new int[] {tensor.size(1) * receptive, tensor.size(0) * receptive};
  }

  private static int fan(Tensor tensor, String mode) {
    int[] f = fans(tensor);
    if ("fan_in".equals(mode)) {
      return f[0];
    }
    if ("fan_out".equals(mode)) {
      return f[1];
    }
    throw new IllegalArgumentException("Mode " + mode
        + " not supported, please use one of fan_in, fan_out");
  }

  // ================================================================== basic fills

  /** Fills {@code tensor} uniformly from {@code [a, b)} ({@code nn.init.uniform_}). */
  public static Tensor uniform_(Tensor tensor, double a, double b) {
    return uniform_(tensor, a, b, Generator.defaultGenerator());
  }

  /** {@link #uniform_(Tensor, double, double)} drawing from {@code generator}. */
  public static Tensor uniform_(Tensor tensor, double a, double b, Generator generator) {
    if (!(a <= b)) {
      throw new IllegalArgumentException("uniform_ expects to return a [from, to) range, but"
          + " found from=" + a + " > to=" + b);
    }
    Tensor values = drawTarget(tensor);
    long n = values.numel();
    Functional.backend(values).randomUniform(values.storage(), 0, n, generator.initialSeed(),
        generator.reserve(n), a, b);
    return fill(tensor, values);
  }

  /** Fills {@code tensor} from {@code N(mean, std^2)} ({@code nn.init.normal_}). */
  public static Tensor normal_(Tensor tensor, double mean, double std) {
    return normal_(tensor, mean, std, Generator.defaultGenerator());
  }

  /** {@link #normal_(Tensor, double, double)} drawing from {@code generator}. */
  public static Tensor normal_(Tensor tensor, double mean, double std, Generator generator) {
    if (!(std >= 0)) {
      throw new IllegalArgumentException("normal_ expects std >= 0.0, but found std " + std);
    }
    Tensor values = drawTarget(tensor);
    long n = values.numel();
    Functional.backend(values).randomNormal(values.storage(), 0, n, generator.initialSeed(),
        generator.reserve(n), mean, std);
    return fill(tensor, values);
  }

  /** Fills {@code tensor} with {@code value} ({@code nn.init.constant_}). */
  public static Tensor constant_(Tensor tensor, double value) {
    return GradMode.noGrad(() -> {
      return tensor.fill_(value);
    });
  }

  /** Fills {@code tensor} with zeros ({@code nn.init.zeros_}). */
  public static Tensor zeros_(Tensor tensor) {
    return constant_(tensor, 0);
  }

  /** Fills {@code tensor} with ones ({@code nn.init.ones_}). */
  public static Tensor ones_(Tensor tensor) {
    return constant_(tensor, 1);
  }

  /**
   * A fresh contiguous tensor on {@code tensor}'s device for the backend to draw into: of its
   * dtype when floating, else float64 (converted by {@link #fill}, as a C cast would).
   */
  private static Tensor drawTarget(Tensor tensor) {
    Tensor values = tensor.zerosLike();
    return values.dtype().isFloatingPoint() ? values : values.to(DType.FLOAT64);
  }

  /**
   * Copies the drawn {@code values} into {@code tensor} through {@code copy_}, so the write counts
   * as an in-place change (version counters) and reaches any view's layout.
   */
  private static Tensor fill(Tensor tensor, Tensor values) {
    GradMode.noGrad(() -> {
      tensor.copy_(values);
    });
    return tensor;
  }

  // ================================================================== Xavier (Glorot)

  /**
   * Uniform from {@code [-a, a]} with {@code a = gain sqrt(6 / (fan_in + fan_out))}
   * ({@code nn.init.xavier_uniform_}, gain 1).
   */
  public static Tensor xavierUniform_(Tensor tensor) {
    return xavierUniform_(tensor, 1, Generator.defaultGenerator());
  }

  /** {@link #xavierUniform_(Tensor)} with a gain. */
  public static Tensor xavierUniform_(Tensor tensor, double gain) {
    return xavierUniform_(tensor, gain, Generator.defaultGenerator());
  }

  /** {@link #xavierUniform_(Tensor)} with a gain, drawing from {@code generator}. */
  public static Tensor xavierUniform_(Tensor tensor, double gain, Generator generator) {
    int[] f = fans(tensor);
    double a = gain * Math.sqrt(6.0 / (f[0] + f[1]));
    return uniform_(tensor, -a, a, generator);
  }

  /**
   * Normal with mean 0 and {@code std = gain sqrt(2 / (fan_in + fan_out))}
   * ({@code nn.init.xavier_normal_}, gain 1).
   */
  public static Tensor xavierNormal_(Tensor tensor) {
    return xavierNormal_(tensor, 1, Generator.defaultGenerator());
  }

  /** {@link #xavierNormal_(Tensor)} with a gain. */
  public static Tensor xavierNormal_(Tensor tensor, double gain) {
    return xavierNormal_(tensor, gain, Generator.defaultGenerator());
  }

  /** {@link #xavierNormal_(Tensor)} with a gain, drawing from {@code generator}. */
  public static Tensor xavierNormal_(Tensor tensor, double gain, Generator generator) {
    int[] f = fans(tensor);
    return normal_(tensor, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), generator);
  }

  // ================================================================== Kaiming (He)

  /**
   * Uniform from {@code [-bound, bound]} with {@code bound = gain sqrt(3 / fan_in)} and the
   * {@code relu}-family gain for {@code a = 0} ({@code nn.init.kaiming_uniform_} with its
   * defaults {@code a=0, mode='fan_in', nonlinearity='leaky_relu'}).
   */
  public static Tensor kaimingUniform_(Tensor tensor) {
    return kaimingUniform_(tensor, 0, "fan_in", "leaky_relu", Generator.defaultGenerator());
  }

  /**
   * {@code nn.init.kaiming_uniform_}: {@code bound = calculateGain(nonlinearity, a) sqrt(3 /
   * fan)}, {@code fan} chosen by {@code mode} ({@code "fan_in"} or {@code "fan_out"}).
   */
  public static Tensor kaimingUniform_(Tensor tensor, double a, String mode,
      String nonlinearity) {
    return kaimingUniform_(tensor, a, mode, nonlinearity, Generator.defaultGenerator());
  }

  /** {@link #kaimingUniform_(Tensor, double, String, String)} drawing from {@code generator}. */
  public static Tensor kaimingUniform_(Tensor tensor, double a, String mode,
      String nonlinearity, Generator generator) {
    double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(tensor, mode));
    double bound = Math.sqrt(3.0) * std;
    return uniform_(tensor, -bound, bound, generator);
  }

  /**
   * Normal with mean 0 and {@code std = gain / sqrt(fan_in)}, gain sqrt(2)
   * ({@code nn.init.kaiming_normal_} with its defaults).
   */
  public static Tensor kaimingNormal_(Tensor tensor) {
    return kaimingNormal_(tensor, 0, "fan_in", "leaky_relu", Generator.defaultGenerator());
  }

  /**
   * {@code nn.init.kaiming_normal_}: {@code std = calculateGain(nonlinearity, a) / sqrt(fan)}.
   */
  public static Tensor kaimingNormal_(Tensor tensor, double a, String mode,
      String nonlinearity) {
    return kaimingNormal_(tensor, a, mode, nonlinearity, Generator.defaultGenerator());
  }

  /** {@link #kaimingNormal_(Tensor, double, String, String)} drawing from {@code generator}. */
  public static Tensor kaimingNormal_(Tensor tensor, double a, String mode, String nonlinearity,
      Generator generator) {
    double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(tensor, mode));
    return normal_(tensor, 0, std, generator);
  }

  // ================================================================== new tensors

  /** A new float32 tensor of {@code shape}, uniform from {@code [a, b)}. */
  public static Tensor uniform(double a, double b, int... shape) {
    return uniform(Generator.defaultGenerator(), a, b, shape);
  }

  /** {@link #uniform(double, double, int...)} drawing from {@code generator}. */
  public static Tensor uniform(Generator generator, double a, double b, int... shape) {
    return uniform_(Tensor.zeros(DType.FLOAT32, shape), a, b, generator);
  }

  /** A new float32 tensor of {@code shape} from {@code N(mean, std^2)}. */
  public static Tensor normal(double mean, double std, int... shape) {
    return normal(Generator.defaultGenerator(), mean, std, shape);
  }

  /** {@link #normal(double, double, int...)} drawing from {@code generator}. */
  public static Tensor normal(Generator generator, double mean, double std, int... shape) {
    return normal_(Tensor.zeros(DType.FLOAT32, shape), mean, std, generator);
  }
}
