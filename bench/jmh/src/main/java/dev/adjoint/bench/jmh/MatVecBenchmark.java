package dev.adjoint.bench.jmh;

import dev.adjoint.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The matrix-vector product of a linear layer at batch 1: {@code x.matmul(w.t())} with
 * {@code x} of shape {@code [1, 784]} and the weight {@code w} of shape {@code [256, 784]} (the
 * first layer of the 784-256-128-10 MLP), {@code 2 x 784 x 256} floating-point operations per
 * op. It is memory-bound: each op reads the 784 KB weight. Also the two products of the
 * intro's linear-regression step (20640 x 8 inputs, full batch): the forward {@code X w^T} (rows
 * of 8 back to back, 16 rows combined in registers) and the weight gradient {@code g^T X}
 * (outputs in vector lanes), {@code 2 x 20640 x 8} operations each, reading the 645 KB X.
 */
public class MatVecBenchmark extends KernelBenchmark {
  private Tensor x;
  private Tensor w;
  private Tensor data;
  private Tensor coef;
  private Tensor grad;

  /** Draws the input row and the weight. */
  @Setup
  public void setUp() {
    var g = generator();
    x = Tensor.randn(g, 1, 784);
    w = Tensor.randn(g, 256, 784);
    data = Tensor.randn(g, LINREG_ROWS, 8);
    coef = Tensor.randn(g, 1, 8);
    grad = Tensor.randn(g, LINREG_ROWS, 1);
  }

  /** The California housing rows (the intro's linear regression). */
  static final int LINREG_ROWS = 20640;

  /** {@code x . w^T}, its result released. */
  @Benchmark
  public void mv784x256() {
    dropped(() -> x.matmul(w.t()));
  }

  /** The regression's forward {@code X w^T}, its result released. */
  @Benchmark
  public void mvRows20640x8() {
    dropped(() -> data.matmul(coef.t()));
  }

  /** The regression's weight gradient {@code g^T X}, its result released. */
  @Benchmark
  public void mvLanes20640x8() {
    dropped(() -> grad.t().matmul(data));
  }
}
