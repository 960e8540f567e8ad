package dev.adjoint.backend;

/**
 * The geometry of a window sliding over the two spatial dimensions of an {@code [N, C, H, W]}
 * tensor, as 2-d convolution and pooling kernels see it: output position {@code (oh, ow)} reads
 * input rows {@code oh * strideH - padH + kh * dilationH} for {@code kh < kernelH}, and columns
 * likewise. Positions outside the input are padding. The caller ({@code dev.adjoint.nn}) has
 * checked every size and computed {@code outH} and {@code outW}.
 *
 * @param batch N
 * @param channels C, the input channels
 * @param height H
 * @param width W
 * @param kernelH window rows
 * @param kernelW window columns
 * @param strideH step between output rows
 * @param strideW step between output columns
 * @param padH implicit padding above and below
 * @param padW implicit padding left and right
 * @param dilationH spacing of window rows
 * @param dilationW spacing of window columns
 * @param outH output rows
 * @param outW output columns
 */
public record Window2d(int batch, int channels, int height, int width, int kernelH, int kernelW,
    int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int outH,
    int outW) {

  /** Elements of one input plane, {@code H * W}. */
  public int inPlane() {
    return height * width;
  }

  /** Elements of one output plane, {@code outH * outW}. */
  public int outPlane() {
    return outH * outW;
  }

  /** Positions in one window, {@code kernelH * kernelW}. */
  public int kernelArea() {
    return kernelH * kernelW;
  }
}
