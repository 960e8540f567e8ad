package dev.adjoint.nn;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.Tensor;

/**
 * Adjoints of the {@link Functional} ops. Convolution and pooling gradients run the backend's
 * backward kernels; the pointwise ones are written with tensor ops.
 *
 * <p>No gradient: the {@code int[]} window arguments, {@code groups}, {@code negativeSlope},
 * {@code approximate}, {@code dim}, {@code countIncludePad}; {@code dropoutMask} is not
 * differentiable (dropout's gradient flows through the {@code mul} by the mask).
 */
public final class FunctionalRules {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
  private static final double GELU_TANH_CUBIC = 0.044715;

  private FunctionalRules() {}

  // ---------------------------------------------------------------- conv2d

  // out = W (*) x, so dL/dx is the transposed convolution of g with W (im2col's adjoint).
  @Adjoint(of = "conv2d", wrt = "input")
  public static Tensor conv2dInput(Tensor g, Tensor weight, int[] inputShape, int[] stride,
      int[] padding, int[] dilation, int groups) {
    Window2d w = Functional.convWindow("conv2d", inputShape, weight.shape(), stride, padding,
        dilation, groups);
    Tensor gi = Functional.empty(weight, inputShape);
    if (gi.numel() > 0) {
      NnKernels.conv2dInputGrad(gradOut(g, weight, w), weight.contiguous(),
          gi.view(w.batch(), w.channels(), w.height(), w.width()), w, groups);
    }
    return gi;
  }

  // dL/dW[o, c, i, j] = sum over samples and output positions of g * the input under (i, j).
  @Adjoint(of = "conv2d", wrt = "weight")
  public static Tensor conv2dWeight(Tensor g, Tensor input, int[] weightShape, int[] stride,
      int[] padding, int[] dilation, int groups) {
    Window2d w = Functional.convWindow("conv2d", input.shape(), weightShape, stride, padding,
        dilation, groups);
    Tensor gw = Functional.empty(input, weightShape);
    if (gw.numel() > 0) {
      NnKernels.conv2dWeightGrad(gradOut(g, input, w),
          Functional.batched(input, w), gw, w, groups);
    }
    return gw;
  }

  // Each bias value is added at every sample and output position.
  @Adjoint(of = "conv2d", wrt = "bias")
  public static Tensor conv2dBias(Tensor g) {
    return g.dim() == 4 ? g.sum(new int[] {0, 2, 3}, false) : g.sum(new int[] {1, 2}, false);
  }

  /** {@code g} as a contiguous {@code [N, OC, outH, outW]} tensor of {@code like}'s dtype. */
  private static Tensor gradOut(Tensor g, Tensor like, Window2d w) {
    int channels = g.size(g.dim() - 3);
    return g.to(like.dtype()).contiguous().view(w.batch(), channels, w.outH(), w.outW());
  }

  // ---------------------------------------------------------------- pooling

  // Each output's gradient goes to the element its window's maximum came from.
  @Adjoint(of = "maxPool2d", wrt = "input")
  public static Tensor maxPool2dInput(Tensor g, Tensor input, int[] kernelSize, int[] stride,
      int[] padding, int[] dilation) {
    Window2d w = Functional.poolWindow("maxPool2d", input.shape(), kernelSize, stride, padding,
        dilation);
    Tensor gi = Functional.empty(input, input.shape());
    if (gi.numel() > 0) {
      NnKernels.maxPool2dGrad(gradOut(g, input, w),
          Functional.batched(input, w), Functional.batched(gi, w), w);
    }
    return gi;
  }

  // out = sum(window) / divisor, so each element of a window gets g / divisor.
  @Adjoint(of = "avgPool2d", wrt = "input")
  public static Tensor avgPool2dInput(Tensor g, int[] inputShape, int[] kernelSize,
      int[] stride, int[] padding, boolean countIncludePad) {
    Window2d w = Functional.poolWindow("avgPool2d", inputShape, kernelSize, stride, padding,
        null);
    Tensor gi = Functional.empty(g, inputShape);
    if (gi.numel() > 0) {
      NnKernels.avgPool2dGrad(gradOut(g, gi, w), Functional.batched(gi, w), w,
          countIncludePad);
    }
    return gi;
  }

  @Adjoint(of = "adaptiveAvgPool2d", wrt = "input")
  public static Tensor adaptiveAvgPool2dInput(Tensor g, int[] inputShape, int[] outputSize) {
    Tensor gi = Functional.empty(g, inputShape);
    if (gi.numel() > 0) {
      NnKernels.adaptiveAvgPool2dGrad(Functional.as4d(g.contiguous()),
          Functional.as4d(gi));
    }
    return gi;
  }

  // ---------------------------------------------------------------- activations

  // d/dx erf(x) = 2 / sqrt(pi) exp(-x^2)
  @Adjoint(of = "erf", wrt = "input")
  public static Tensor erfInput(Tensor g, Tensor input) {
    Tensor x = input.dtype().isFloatingPoint() ? input : input.toFloat();
    return g.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI));
  }

  // none: d/dx x Phi(x) = Phi(x) + x phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2,
  //   phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
  // tanh: with u = sqrt(2/pi) (x + 0.044715 x^3) and t = tanh(u),
  //   d/dx x (1 + t) / 2 = (1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2.
  @Adjoint(of = "gelu", wrt = "input")
  public static Tensor geluInput(Tensor g, Tensor input, String approximate) {
    Tensor x = input;
    if (Functional.geluTanh(approximate)) {
      Tensor t = x.add(x.pow(3.0).mul(GELU_TANH_CUBIC)).mul(SQRT_2_OVER_PI).tanh();
      Tensor du = x.mul(x).mul(3 * GELU_TANH_CUBIC).add(1.0).mul(SQRT_2_OVER_PI);
      Tensor slope = t.add(1.0).mul(0.5)
          .add(x.mul(t.mul(t).neg().add(1.0)).mul(du).mul(0.5));
      return g.mul(slope);
    }
    Tensor cdf = Functional.erf(x.mul(INV_SQRT2)).add(1.0).mul(0.5);
    Tensor pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
    return g.mul(cdf.add(x.mul(pdf)));
  }

  @Adjoint(of = "leakyRelu", wrt = "input")
  public static Tensor leakyReluInput(Tensor g, Tensor input, double negativeSlope) {
    return Tensor.where(input.gt(0.0), g, g.mul(negativeSlope));
  }

  // y = softmax(x): dL/dx = y (g - sum(g y)) along dim.
  @Adjoint(of = "softmax", wrt = "input")
  public static Tensor softmaxInput(Tensor g, Tensor out, int dim) {
    Tensor gy = g.mul(out);
    return gy.sub(out.mul(gy.sum(dim, true)));
  }

  // y = x - logsumexp(x): dL/dx = g - softmax(x) sum(g) along dim, softmax(x) = exp(y).
  @Adjoint(of = "logSoftmax", wrt = "input")
  public static Tensor logSoftmaxInput(Tensor g, Tensor out, int dim) {
    return g.sub(out.exp().mul(g.sum(dim, true)));
  }
}
