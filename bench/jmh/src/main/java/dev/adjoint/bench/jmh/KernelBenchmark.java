package dev.adjoint.bench.jmh;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Threads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every Adjoint JMH benchmark shares: one forked JVM with the Vector API module (the fast
 * kernels), transparent huge pages (the kernels on 16 MB arrays run much faster with them where
 * the kernel's THP mode is {@code madvise}) and {@code -Dadjoint.threads=1}; 3 warm-up and 5
 * measured iterations of 1 s each; inputs drawn from a {@link Generator} with a fixed seed. All
 * of these can be changed on the command line ({@code -f}, {@code -wi}, {@code -i}, {@code -w},
 * {@code -r}, {@code -jvmArgsAppend}); {@code -p threads=1,2} runs each benchmark at 1 and 2
 * threads ({@link Threads#setNumThreads}).
 *
 * <p>Each subclass is a {@link State} whose fields are set up once per trial (a fork and
 * parameter set). Ops that return a new tensor run in
 * {@link dev.adjoint.autograd.Temporaries#releasing}, as {@code bench/run}'s workloads do: the
 * result goes back to the CPU backend's pool when the op returns and the next call reuses it,
 * as PyTorch's caching allocator reuses a dropped result.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector",
    "-XX:+UseTransparentHugePages", "-Dadjoint.threads=1"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class KernelBenchmark {
  /** The seed of every benchmark's inputs. */
  static final long SEED = 1;

  /** The number of threads ops may use ({@code -p threads=1,2} for both counts). */
  @Param({"1"})
  public int threads;

  /** Sets the thread count of this trial. */
  @Setup(Level.Trial)
  public void setThreads() {
    Threads.setNumThreads(threads);
  }

  /** A generator with the fixed seed, for a subclass's inputs. */
  static Generator generator() {
    return new Generator(SEED);
  }

  /** Runs {@code op} and gives the tensor it returns back to the pool when it returns. */
  static void dropped(java.util.function.Supplier<dev.adjoint.tensor.Tensor> op) {
    dev.adjoint.autograd.Temporaries.releasing(() -> {
      op.get();
      return null;
    });
  }
}
