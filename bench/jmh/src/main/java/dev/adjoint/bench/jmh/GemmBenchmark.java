package dev.adjoint.bench.jmh;

import dev.adjoint.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Square single-precision matrix products, {@code a.matmul(b)} with {@code a} and {@code b}
 * both {@code n x n} standard-normal: one op is {@code 2 n^3} floating-point operations, so
 * GFLOP/s = ops/s x 2 n^3 / 1e9 (the summary that {@code bench/jmh/run} prints computes it).
 */
public class GemmBenchmark extends KernelBenchmark {
  /** The matrices' size. */
  @Param({"64", "128", "256", "512", "1024"})
  public int n;

  private Tensor a;
  private Tensor b;

  /** Draws both matrices. */
  @Setup
  public void setUp() {
    var g = generator();
    a = Tensor.randn(g, n, n);
    b = Tensor.randn(g, n, n);
  }

  /** One product, its result released. */
  @Benchmark
  public void sgemm() {
    dropped(() -> a.matmul(b));
  }
}
