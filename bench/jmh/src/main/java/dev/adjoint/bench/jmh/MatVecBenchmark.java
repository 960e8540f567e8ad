package dev.adjoint.bench.jmh;

import dev.adjoint.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The matrix-vector product of a linear layer at batch 1: {@code x.matmul(w.t())} with
 * {@code x} of shape {@code [1, 784]} and the weight {@code w} of shape {@code [256, 784]} (the
 * first layer of the 784-256-128-10 MLP), {@code 2 x 784 x 256} floating-point operations per
 * op. It is memory-bound: each op reads the 784 KB weight.
 */
public class MatVecBenchmark extends KernelBenchmark {
  private Tensor x;
  private Tensor w;

  /** Draws the input row and the weight. */
  @Setup
  public void setUp() {
    var g = generator();
    x = Tensor.randn(g, 1, 784);
    w = Tensor.randn(g, 256, 784);
  }

  /** {@code x . w^T}, its result released. */
  @Benchmark
  public void mv784x256() {
    dropped(() -> x.matmul(w.t()));
  }
}
