package dev.adjoint.bench.jmh;

import dev.adjoint.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Memory-bound kernels: elementwise ops and a full reduction on 4M (2^22) floats, the mean
 * over dim 0 of a 2048 x 2048 matrix, and the in-place fill and zero of 235146 floats (as many
 * as the 784-256-128-10 MLP's parameters, which an optimizer's {@code zeroGrad} clears every
 * step). The summary that {@code bench/jmh/run} prints converts ops/s to GB/s with the bytes each
 * op must read and write at least: 48 MiB for {@code add}, 32 MiB for {@code relu} and
 * {@code exp}, 16 MiB for {@code sum} and {@code mean0}, 0.94 MB for {@code fill} and
 * {@code zero}.
 */
public class ElementwiseBenchmark extends KernelBenchmark {
  /** Elements of the 4M-float inputs. */
  static final int BIG = 1 << 22;
  /** Rows and columns of the matrix {@link #mean0} reduces. */
  static final int SIDE = 2048;
  /** Parameters of the 784-256-128-10 MLP. */
  static final int MLP_PARAMS = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10;

  private Tensor a;
  private Tensor b;
  private Tensor mat;
  private Tensor params;

  /** Draws the inputs. */
  @Setup
  public void setUp() {
    var g = generator();
    a = Tensor.randn(g, BIG);
    b = Tensor.randn(g, BIG);
    mat = Tensor.randn(g, SIDE, SIDE);
    params = Tensor.randn(g, MLP_PARAMS);
  }

  /** {@code a + b} on 4M floats. */
  @Benchmark
  public void add() {
    dropped(() -> a.add(b));
  }

  /** {@code relu(a)} on 4M floats. */
  @Benchmark
  public void relu() {
    dropped(a::relu);
  }

  /** {@code exp(a)} on 4M floats. */
  @Benchmark
  public void exp() {
    dropped(a::exp);
  }

  /** The sum of 4M floats. */
  @Benchmark
  public void sum() {
    dropped(a::sum);
  }

  /** The mean over dim 0 of a 2048 x 2048 matrix (2048 column means). */
  @Benchmark
  public void mean0() {
    dropped(() -> mat.mean(new int[] {0}, false));
  }

  /** {@code fill_(0.5)} of 235146 floats, in place. */
  @Benchmark
  public Tensor fill() {
    return params.fill_(0.5);
  }

  /** {@code zero_()} of 235146 floats, in place. */
  @Benchmark
  public Tensor zero() {
    return params.zero_();
  }
}
