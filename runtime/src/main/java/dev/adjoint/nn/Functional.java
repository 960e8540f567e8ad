package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Primitive;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.UnaryOp;
import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/**
 * The ops behind the {@code nn} layers as plain functions, the counterpart of
 * {@code torch.nn.functional}: convolution, pooling, and activations that {@link Tensor} lacks.
 * Each is a {@code @Primitive} whose adjoints are in {@link FunctionalRules}, so it can be called
 * inside {@code @Forward} code as well as on tracked tensors outside it (where it records one
 * graph node), and its kernel is a method of the device's {@link Backend}.
 *
 * <p>Spatial ops take {@code [N, C, H, W]} inputs, or unbatched {@code [C, H, W]} ones as
 * PyTorch does. Window sizes, strides, paddings and dilations are {@code int[]} of one value (used
 * for both dimensions) or two ({@code {height, width}}), like PyTorch's {@code int} or
 * {@code (int, int)} arguments.
 *
 * <pre>{@code
 * Tensor y = Functional.conv2d(x, weight, bias, new int[] {1}, new int[] {1}, new int[] {1}, 1);
 * Tensor p = Functional.maxPool2d(y.relu(), new int[] {2}, null, new int[] {0}, new int[] {1});
 * }</pre>
 */
public final class Functional {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
  private static final double GELU_TANH_CUBIC = 0.044715;

  private Functional() {}

  // ================================================================== convolution

  /**
   * 2-d convolution (cross-correlation) of {@code input [N, C, H, W]} with
   * {@code weight [OC, C / groups, kH, kW]}, plus {@code bias [OC]} when it is not null
   * ({@code F.conv2d}). The result is {@code [N, OC, outH, outW]} with {@code out = floor((in + 2
   * padding - dilation (k - 1) - 1) / stride) + 1} in each dimension.
   *
   * @param stride step between windows, one or two positive values
   * @param padding implicit zeros on each side, one or two values {@code >= 0}
   * @param dilation spacing of the kernel's elements, one or two positive values
   * @param groups input and output channels are split into this many independent groups
   * @throws IllegalArgumentException naming the shapes when they do not fit together, or when
   *     dtypes or devices differ
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride,
      int[] padding, int[] dilation, int groups) {
    checkFloating("conv2d", input, "input");
    checkSameKind("conv2d", input, weight, "weight");
    if (bias != null) {
      checkSameKind("conv2d", input, bias, "bias");
      int oc = weight.dim() > 0 ? weight.size(0) : -1;
      if (bias.dim() != 1 || bias.size(0) != oc) {
        throw new IllegalArgumentException("conv2d: bias must have shape [" + oc
            + "] (one value per output channel), got " + Arrays.toString(bias.shape()));
      }
    }
    Window2d w = convWindow("conv2d", input.shape(), weight.shape(), stride, padding, dilation,
        groups);
    int oc = weight.size(0);
    Tensor out = GradMode.noGrad(() -> {
      Tensor result = empty(input, batchedLike(input.shape(), oc, w.outH(), w.outW()));
      if (result.numel() > 0) {
        NnKernels.conv2d(batched(input, w), weight.contiguous(),
            bias == null ? null : bias.contiguous(),
            result.view(w.batch(), oc, w.outH(), w.outW()),
            w, groups);
      }
      return result;
    });
    return FunctionalTape.conv2d(out, input, weight, bias, stride, padding, dilation, groups);
  }

  /**
   * The window of a convolution of an input of {@code inputShape} with a weight of
   * {@code weightShape}, every argument checked.
   */
  static Window2d convWindow(String op, int[] inputShape, int[] weightShape, int[] stride,
      int[] padding, int[] dilation, int groups) {
    checkSpatialInput(op, inputShape);
    if (weightShape.length != 4) {
      throw new IllegalArgumentException(op + ": weight must be 4-d [out_channels, in_channels"
          + " / groups, kH, kW], got shape " + Arrays.toString(weightShape));
    }
    if (groups < 1) {
      throw new IllegalArgumentException(op + ": groups must be positive, got " + groups);
    }
    int channels = inputShape[inputShape.length - 3];
    if (weightShape[0] % groups != 0) {
      throw new IllegalArgumentException(op + ": given groups=" + groups + ", expected weight to"
          + " be divisible by " + groups + " at dimension 0, but got weight of size "
          + Arrays.toString(weightShape));
    }
    if (weightShape[1] * groups != channels) {
      throw new IllegalArgumentException(op + ": given groups=" + groups + ", weight of size "
          + Arrays.toString(weightShape) + ", expected input " + Arrays.toString(inputShape)
          + " to have " + weightShape[1] * groups + " channels, but got " + channels
          + " channels instead");
    }
    int[] k = {weightShape[2], weightShape[3]};
    if (k[0] < 1 || k[1] < 1) {
      throw new IllegalArgumentException(op + ": kernel size must be positive, got weight "
          + Arrays.toString(weightShape));
    }
    int[] s = pair(op, "stride", stride, 1);
    int[] p = pair(op, "padding", padding, 0);
    int[] d = pair(op, "dilation", dilation, 1);
    String call = "input " + Arrays.toString(inputShape) + ", weight "
        + Arrays.toString(weightShape);
    Window2d w = window(op, inputShape, k, s, p, d, call);
    String args = arguments(call, w);
    checkOutput(op, new int[] {w.batch(), weightShape[0], w.outH(), w.outW()}, args);
    // The kernels unfold one image's windows of one group into a [C / groups * kH * kW,
    // outH * outW] matrix (im2col); it must fit in one array too.
    long unfolded = saturatingProduct(weightShape[1], k[0], k[1], w.outH(), w.outW());
    if (unfolded > MAX_NUMEL) {
      throw new IllegalArgumentException(op + ": the unfolded input of one image (["
          + weightShape[1] + " * " + k[0] + " * " + k[1] + ", " + w.outH() + " * " + w.outW()
          + "]) would have more than 2^31 - 9 elements (" + args + ")");
    }
    return w;
  }

  // ================================================================== pooling

  /**
   * The maximum over each window ({@code F.max_pool2d}); padding never wins and NaN propagates.
   * Overlapping windows ({@code stride < kernelSize}) are allowed.
   *
   * @param kernelSize window size, one or two positive values
   * @param stride step between windows; null or empty means {@code kernelSize}, as in PyTorch
   * @param padding implicit {@code -inf} on each side, at most half the effective window
   * @param dilation spacing of window elements, one or two positive values
   * @throws IllegalArgumentException naming the sizes when the window does not fit
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding,
      int[] dilation) {
    checkFloating("maxPool2d", input, "input");
    Window2d w = poolWindow("maxPool2d", input.shape(), kernelSize, stride, padding, dilation);
    Tensor out = GradMode.noGrad(() -> {
      Tensor result = empty(input, pooledShape(input.shape(), w));
      if (result.numel() > 0) {
        NnKernels.maxPool2d(batched(input, w), batchedOut(result, w), w);
      }
      return result;
    });
    return FunctionalTape.maxPool2d(out, input, kernelSize, stride, padding, dilation);
  }

  /**
   * The mean over each window ({@code F.avg_pool2d}, {@code ceil_mode=False}). With
   * {@code countIncludePad} (PyTorch's default) padded zeros count in the divisor; without it only
   * the window's part inside the input does.
   *
   * @param kernelSize window size, one or two positive values
   * @param stride step between windows; null or empty means {@code kernelSize}
   * @param padding implicit zeros on each side, at most half the window
   * @throws IllegalArgumentException naming the sizes when the window does not fit
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding,
      boolean countIncludePad) {
    checkFloating("avgPool2d", input, "input");
    Window2d w = poolWindow("avgPool2d", input.shape(), kernelSize, stride, padding, null);
    Tensor out = GradMode.noGrad(() -> {
      Tensor result = empty(input, pooledShape(input.shape(), w));
      if (result.numel() > 0) {
        NnKernels.avgPool2d(batched(input, w), batchedOut(result, w), w, countIncludePad);
      }
      return result;
    });
    return FunctionalTape.avgPool2d(out, input, kernelSize, stride, padding, countIncludePad);
  }

  /**
   * The mean over windows chosen so that the result has {@code outputSize}
   * ({@code F.adaptive_avg_pool2d}): output row {@code i} averages input rows
   * {@code floor(i H / outH)} to {@code ceil((i + 1) H / outH)} (exclusive), so windows may
   * overlap when {@code H} is not a multiple of {@code outH}.
   *
   * @param outputSize one or two positive values
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor adaptiveAvgPool2d(Tensor input, int[] outputSize) {
    checkFloating("adaptiveAvgPool2d", input, "input");
    int[] size = input.shape();
    checkSpatialInput("adaptiveAvgPool2d", size);
    int[] o = pair("adaptiveAvgPool2d", "outputSize", outputSize, -1);
    if (o[0] < 1 || o[1] < 1) {
      throw new IllegalArgumentException("adaptiveAvgPool2d: outputSize must be positive, got "
          + Arrays.toString(outputSize));
    }
    int[] outShape = size.clone();
    outShape[size.length - 2] = o[0];
    outShape[size.length - 1] = o[1];
    checkOutput("adaptiveAvgPool2d", outShape, "input " + Arrays.toString(size) + ", outputSize "
        + Arrays.toString(outputSize));
    Tensor out = GradMode.noGrad(() -> {
      Tensor result = empty(input, outShape);
      if (result.numel() > 0 && input.numel() > 0) {
        NnKernels.adaptiveAvgPool2d(as4d(input.contiguous()), as4d(result));
      } else if (result.numel() > 0) {
        throw new IllegalArgumentException("adaptiveAvgPool2d: input " + Arrays.toString(size)
            + " has an empty spatial dimension");
      }
      return result;
    });
    return FunctionalTape.adaptiveAvgPool2d(out, input, outputSize);
  }

  // ================================================================== activations

  /** The error function, elementwise ({@code torch.erf}); integer inputs give float32. */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor erf(Tensor input) {
    checkNotNull("erf", input, "input");
    Tensor out = GradMode.noGrad(() -> {
      Tensor x = input.dtype().isFloatingPoint() ? input.contiguous()
          : input.to(DType.FLOAT32).contiguous();
      Tensor result = empty(x, x.shape());
      if (result.numel() > 0) {
        Backends.of(x.device()).unary(UnaryOp.ERF, x.storage(), x.layout(), result.storage(),
            result.layout(), 0, 0);
      }
      return result;
    });
    return FunctionalTape.erf(out, input);
  }

  /**
   * The Gaussian error linear unit ({@code F.gelu}): {@code x Phi(x) = x (1 + erf(x / sqrt 2)) /
   * 2} for {@code approximate = "none"} (PyTorch's default), or {@code x (1 + tanh(sqrt(2 / pi)
   * (x + 0.044715 x^3))) / 2} for {@code "tanh"}.
   *
   * @throws IllegalArgumentException for another {@code approximate}, or a non-float input
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor gelu(Tensor input, String approximate) {
    boolean tanh = geluTanh(approximate);
    checkFloating("gelu", input, "input");
    Tensor out = GradMode.noGrad(() -> {
      Tensor phi2 = tanh
          ? input.add(input.pow(3.0).mul(GELU_TANH_CUBIC)).mul(SQRT_2_OVER_PI).tanh()
          : erf(input.mul(INV_SQRT2));
      return phi2.add(1.0).mul(input).mul(0.5);
    });
    return FunctionalTape.gelu(out, input, approximate);
  }

  /** Whether {@code approximate} names the tanh form; checks it. */
  static boolean geluTanh(String approximate) {
    if ("tanh".equals(approximate)) {
      return true;
    }
    if (!"none".equals(approximate)) {
      throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got "
          + (approximate == null ? "null" : "\"" + approximate + "\""));
    }
    return false;
  }

  /**
   * {@code x} where {@code x > 0}, else {@code negativeSlope * x} ({@code F.leaky_relu}); the
   * gradient at 0 is {@code negativeSlope}, as in PyTorch.
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor leakyRelu(Tensor input, double negativeSlope) {
    checkFloating("leakyRelu", input, "input");
    Tensor out =
        GradMode.noGrad(() -> Tensor.where(input.gt(0.0), input, input.mul(negativeSlope)));
    return FunctionalTape.leakyRelu(out, input, negativeSlope);
  }

  /**
   * {@code exp(x) / sum(exp(x))} along {@code dim} ({@code F.softmax}), computed as
   * {@code exp(x - logsumexp(x))} so large inputs do not overflow.
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor softmax(Tensor input, int dim) {
    checkFloating("softmax", input, "input");
    checkDim("softmax", dim, input.dim());
    Tensor out = GradMode.noGrad(() -> input.sub(input.logsumexp(dim, true)).exp());
    return FunctionalTape.softmax(out, input, dim);
  }

  /**
   * {@code x - logsumexp(x)} along {@code dim} ({@code F.log_softmax}): the log of
   * {@link #softmax}, without overflow or {@code log(0)}.
   */
  @Primitive(rules = FunctionalRules.class)
  public static Tensor logSoftmax(Tensor input, int dim) {
    checkFloating("logSoftmax", input, "input");
    checkDim("logSoftmax", dim, input.dim());
    Tensor out = GradMode.noGrad(() -> input.sub(input.logsumexp(dim, true)));
    return FunctionalTape.logSoftmax(out, input, dim);
  }

  // ================================================================== dropout

  /**
   * A dropout mask shaped like {@code input}: each element independently 0 with probability
   * {@code p}, else {@code 1 / (1 - p)} (all zeros for {@code p = 1}), drawn by the input's
   * backend from {@code generator} (a draw of {@code input.numel()} values; none for {@code p =
   * 1}). Multiplying by it is training-mode dropout; it carries no gradient.
   *
   * @throws IllegalArgumentException when {@code p} is outside {@code [0, 1]}
   */
  @Primitive(differentiable = false)
  public static Tensor dropoutMask(Tensor input, double p, Generator generator) {
    checkNotNull("dropoutMask", input, "input");
    checkDropoutProbability(p);
    checkFloating("dropout", input, "input");
    return GradMode.noGrad(() -> {
      if (p == 1) {
        return input.zerosLike();
      }
      // Drawn where the input lives: element i is kept when the stream's uniform i is below
      // 1 - p (Philox), so a seed gives the same mask on every device and thread count.
      Tensor mask = input.zerosLike();
      long n = mask.numel();
      backend(input).randomBernoulli(mask.storage(), 0, n, generator.initialSeed(),
          generator.reserve(n), 1 - p);
      return mask.mul_(1 / (1 - p));
    });
  }

  /**
   * Dropout ({@code F.dropout}): in training, zeroes each element with probability {@code p} and
   * scales the rest by {@code 1 / (1 - p)}, drawing from {@code generator}; otherwise returns
   * {@code input} unchanged.
   */
  @Forward
  public static Tensor dropout(Tensor input, double p, boolean training, Generator generator) {
    checkNotNull("dropout", input, "input");
    checkDropoutProbability(p);
    if (!training) {
      return input;
    }
    Tensor mask = dropoutMask(input, p, generator);
    return input.mul(mask);
  }

  // ================================================================== embedding

  /**
   * The rows of {@code weight [numEmbeddings, embeddingDim]} at the int64 indices {@code input}
   * (any shape), giving {@code input}'s shape plus {@code embeddingDim} ({@code F.embedding}).
   * Rows picked several times get the sum of their gradients.
   *
   * @throws IllegalArgumentException for indices that are not int64, or a weight that is not a
   *     2-d floating point tensor
   * @throws IndexOutOfBoundsException for an index outside {@code [0, numEmbeddings)}: as in
   *     PyTorch, -1 is out of range, not the last row
   */
  @Forward
  public static Tensor embedding(Tensor input, Tensor weight) {
    checkNotNull("embedding", input, "input");
    int dim = embeddingDim(weight);
    int[] shape = Embedding.outputShape(input.dtype(), input.shape(), dim);
    Embedding.checkRows("embedding", input, weight.size(0));
    Tensor rows = weight.indexSelect(0, input.reshape(-1));
    return rows.reshape(shape);
  }

  static int embeddingDim(Tensor weight) {
    checkFloating("embedding", weight, "weight");
    if (weight.dim() != 2) {
      throw new IllegalArgumentException("embedding: weight must be 2-d [numEmbeddings,"
          + " embeddingDim], got shape " + Arrays.toString(weight.shape()));
    }
    return weight.size(1);
  }

  static void checkDropoutProbability(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got "
          + p);
    }
  }

  // ================================================================== shared checks and helpers

  static Backend backend(Tensor t) {
    return Backends.of(t.device());
  }

  /**
   * An uninitialized contiguous tensor of {@code shape} with {@code like}'s dtype and device, for
   * a kernel's output: the nn kernels overwrite their outputs entirely (the backend's contract;
   * the strict test backend fills these with NaN, so a kernel that left an element unwritten
   * fails the tests). Every op checks its output's size (checkOutput) before it gets here;
   * gradients have the shapes of tensors that exist.
   */
  static Tensor empty(Tensor like, int... shape) {
    return Tensor.empty(like.dtype(), like.device(), shape);
  }

  static void checkNotNull(String op, Tensor t, String what) {
    if (t == null) {
      throw new NullPointerException(op + ": " + what + " is null");
    }
  }

  static void checkFloating(String op, Tensor t, String what) {
    if (t == null) {
      throw new NullPointerException(op + ": " + what + " is null");
    }
    if (!t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(op + ": " + what + " must be a floating point tensor,"
          + " got " + t.dtype());
    }
  }

  private static void checkDim(String op, int dim, int rank) {
    int lo = rank == 0 ? -1 : -rank;
    int hi = rank == 0 ? 0 : rank - 1;
    if (dim < lo || dim > hi) {
      throw new IndexOutOfBoundsException(op + ": dimension " + dim + " is out of range"
          + " (expected to be in [" + lo + ", " + hi + "] for a " + rank + "-d tensor)");
    }
  }

  private static void checkSameKind(String op, Tensor input, Tensor other, String what) {
    if (other == null) {
      throw new NullPointerException(op + ": " + what + " is null");
    }
    if (other.dtype() != input.dtype()) {
      throw new IllegalArgumentException(op + ": input (" + input.dtype() + ") and " + what
          + " (" + other.dtype() + ") must have the same dtype");
    }
    if (!other.device().equals(input.device())) {
      throw new IllegalArgumentException(op + ": expected all tensors to be on the same device,"
          + " but found input on " + input.device() + " and " + what + " on " + other.device());
    }
  }

  private static void checkSpatialInput(String op, int[] shape) {
    if (shape.length != 3 && shape.length != 4) {
      throw new IllegalArgumentException(op + ": expected a 3-d (unbatched [C, H, W]) or 4-d"
          + " (batched [N, C, H, W]) input, got shape " + Arrays.toString(shape));
    }
  }

  /**
   * One or two values as {@code {height, width}}; null or empty gives {@code fallback} for both
   * (an error when {@code fallback} is negative).
   */
  static int[] pair(String op, String what, int[] values, int fallback) {
    if (values == null || values.length == 0) {
      if (fallback < 0) {
        throw new IllegalArgumentException(op + ": " + what + " must have one or two values, got "
            + (values == null ? "null" : "none"));
      }
      return new int[] {fallback, fallback};
    }
    if (values.length == 1) {
      return new int[] {values[0], values[0]};
    }
    if (values.length == 2) {
      return values.clone();
    }
    throw new IllegalArgumentException(op + ": " + what + " must have one or two values"
        + " ({height, width}), got " + Arrays.toString(values));
  }

  /** The window of a pooling op; {@code dilation} null means 1 (average pooling has none). */
  static Window2d poolWindow(String op, int[] inputShape, int[] kernelSize, int[] stride,
      int[] padding, int[] dilation) {
    checkSpatialInput(op, inputShape);
    int[] k = pair(op, "kernelSize", kernelSize, -1);
    if (k[0] < 1 || k[1] < 1) {
      throw new IllegalArgumentException(op + ": kernelSize must be positive, got "
          + Arrays.toString(kernelSize));
    }
    int[] s = stride == null || stride.length == 0 ? k.clone() : pair(op, "stride", stride, 0);
    int[] p = pair(op, "padding", padding, 0);
    int[] d = pair(op, "dilation", dilation, 1);
    for (int i = 0; i < 2; i++) {
      long effective = (long) (k[i] - 1) * d[i] + 1;
      if (p[i] > effective / 2) {
        throw new IllegalArgumentException(op + ": pad should be at most half of effective kernel"
            + " size, but got pad=" + p[i] + ", kernel_size=" + k[i] + " and dilation=" + d[i]);
      }
    }
    String call = "input " + Arrays.toString(inputShape);
    Window2d w = window(op, inputShape, k, s, p, d, call);
    checkOutput(op, pooledShape(inputShape, w), arguments(call, w));
    return w;
  }

  /** The call's arguments as the messages show them: {@code call} then the window's sizes. */
  private static String arguments(String call, Window2d w) {
    return call + ", kernel [" + w.kernelH() + ", " + w.kernelW() + "], stride [" + w.strideH()
        + ", " + w.strideW() + "], padding [" + w.padH() + ", " + w.padW() + "], dilation ["
        + w.dilationH() + ", " + w.dilationW() + "]";
  }

  /** The most elements one tensor may hold (Java arrays are int-indexed; the VM reserves 8). */
  private static final long MAX_NUMEL = Integer.MAX_VALUE - 8;

  /** The product of {@code sizes} (all non-negative), or {@code Long.MAX_VALUE} past it. */
  private static long saturatingProduct(long... sizes) {
    long n = 1;
    for (long v : sizes) {
      if (v == 0) {
        return 0;
      }
      n = n > Long.MAX_VALUE / v ? Long.MAX_VALUE : n * v;
    }
    return n;
  }

  /**
   * Refuses an output of {@code shape} too large for one tensor, naming {@code op} and the call's
   * {@code arguments}, before anything is allocated.
   */
  private static void checkOutput(String op, int[] shape, String arguments) {
    long n = saturatingProduct(Arrays.stream(shape).asLongStream().toArray());
    if (n > MAX_NUMEL) {
      throw new IllegalArgumentException(op + ": the output " + Arrays.toString(shape)
          + " would have " + (n == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(n))
          + " elements, more than the 2^31 - 9 that one tensor can hold (" + arguments + ")");
    }
  }

  private static Window2d window(String op, int[] inputShape, int[] k, int[] s, int[] p,
      int[] d, String call) {
    if (s[0] < 1 || s[1] < 1) {
      throw new IllegalArgumentException(op + ": stride must be positive, got "
          + Arrays.toString(s));
    }
    if (p[0] < 0 || p[1] < 0) {
      throw new IllegalArgumentException(op + ": padding must be non-negative, got "
          + Arrays.toString(p));
    }
    if (d[0] < 1 || d[1] < 1) {
      throw new IllegalArgumentException(op + ": dilation must be positive, got "
          + Arrays.toString(d));
    }
    int n = inputShape.length == 4 ? inputShape[0] : 1;
    int c = inputShape[inputShape.length - 3];
    int h = inputShape[inputShape.length - 2];
    int w = inputShape[inputShape.length - 1];
    for (int i = 0; i < 2; i++) {
      // The kernels index padded rows and dilated windows with int arithmetic.
      long padded = (long) inputShape[inputShape.length - 2 + i] + 2L * p[i];
      long dilated = (long) d[i] * (k[i] - 1) + 1;
      if (padded > Integer.MAX_VALUE || dilated > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(op + ": padding " + Arrays.toString(p) + " and dilation "
            + Arrays.toString(d) + " make a padded input of " + padded + " or a dilated kernel of "
            + dilated + " along dimension " + (inputShape.length - 2 + i) + ", more than 2^31 - 1 ("
            + call + ", kernel " + Arrays.toString(k) + ", stride " + Arrays.toString(s) + ")");
      }
    }
    long outH = Math.floorDiv((long) h + 2L * p[0] - (long) d[0] * (k[0] - 1) - 1, s[0]) + 1;
    long outW = Math.floorDiv((long) w + 2L * p[1] - (long) d[1] * (k[1] - 1) - 1, s[1]) + 1;
    if (outH < 1 || outW < 1) {
      throw new IllegalArgumentException(op + ": input " + Arrays.toString(inputShape)
          + " padded by " + Arrays.toString(p) + " is " + (h + 2L * p[0]) + "x" + (w + 2L * p[1])
          + ", smaller than the dilated kernel " + ((long) d[0] * (k[0] - 1) + 1) + "x"
          + ((long) d[1] * (k[1] - 1) + 1) + " (kernel " + Arrays.toString(k) + ", dilation "
          + Arrays.toString(d) + "); the output would be " + outH + "x" + outW);
    }
    return new Window2d(n, c, h, w, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], (int) outH,
        (int) outW);
  }

  /** {@code shape} with its channel and spatial sizes replaced (batch kept if it has one). */
  private static int[] batchedLike(int[] shape, int channels, int h, int w) {
    return shape.length == 4 ? new int[] {shape[0], channels, h, w} : new int[] {channels, h, w};
  }

  private static int[] pooledShape(int[] shape, Window2d w) {
    return batchedLike(shape, w.channels(), w.outH(), w.outW());
  }

  /** The input as a contiguous {@code [N, C, H, W]} tensor. */
  static Tensor batched(Tensor input, Window2d w) {
    return input.contiguous().view(w.batch(), w.channels(), w.height(), w.width());
  }

  /** A pooled result as {@code [N, C, outH, outW]}. */
  static Tensor batchedOut(Tensor out, Window2d w) {
    return out.view(w.batch(), w.channels(), w.outH(), w.outW());
  }

  /** A contiguous 3-d or 4-d tensor viewed as 4-d. */
  static Tensor as4d(Tensor t) {
    return t.dim() == 4 ? t : t.unsqueeze(0);
  }
}
