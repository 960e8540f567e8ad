package dev.adjoint.bench;

import dev.adjoint.nn.Conv2d;
import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.MaxPool2d;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.autograd.GradMode;

/**
 * The Adjoint side of {@code bench/run}: one workload per process, the same shapes as
 * {@code bench/workloads.py}. Prints one line, {@code <name> <median seconds> <min> <max>
 * <bytes> <storages> <pooled>} over the timed repetitions (after warm-up): the heap bytes all
 * threads allocate per repetition, the storages made per repetition, and how many of those the
 * CPU backend's pool served from released memory.
 *
 * <p>Usage: {@code Workloads <workload> [repetitions]} (at least that many timed repetitions, and
 * at least 0.5 s of them but for the epoch); {@code Workloads list} names them.
 */
public final class Workloads {
  private Workloads() {}

  private interface Step {
    void run();
  }

  public static void main(String[] args) {
    String name = args[0];
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Generator g = new Generator(1);
    Step step = workload(name, g);
    if (step == null) {
      System.err.println("unknown workload " + name);
      System.exit(2);
    }
    // Warm up for 3 seconds whatever the step costs: the JIT's optimizing compiles of the
    // kernels arrive about a second in, and a count-limited warm-up of a 10-microsecond step
    // measured the first-tier code (sgemm64 at 2 threads read 5x slower than it runs).
    // An epoch is long enough to warm up in one.
    boolean epoch = name.equals("epoch");
    long warmEnd = System.nanoTime() + (epoch ? 0 : 3_000_000_000L);
    int warm = 0;
    while (warm < (epoch ? 1 : 5) || System.nanoTime() < warmEnd) {
      step.run();
      warm++;
    }
    // Then on until the JIT has been idle for half a second (at most 30 s in all): at 2 threads
    // its compiler thread shares the two cores with the op's threads, and in some JVMs the
    // GEMM's blocking loop was still C1 code (its vectors objects: 2 MB allocated a step, the
    // MLP step at batch 512 1.5-2x slower) when the 3 seconds were up.
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    if (!epoch && jit != null && jit.isCompilationTimeMonitoringSupported()) {
      long limit = System.nanoTime() + 27_000_000_000L;
      long compiled = jit.getTotalCompilationTime();
      long idleSince = System.nanoTime();
      while (System.nanoTime() - idleSince < 500_000_000L && System.nanoTime() < limit) {
        step.run();
        long now = jit.getTotalCompilationTime();
        if (now != compiled) {
          compiled = now;
          idleSince = System.nanoTime();
        }
      }
    }
    // At least reps repetitions and, but for the epoch, at least MIN_NANOS of them (as the
    // PyTorch side): 20 repetitions of a 4-microsecond product timed 80 microseconds.
    double[] t = new double[Math.max(reps, MAX_REPS)];
    long timedEnd = System.nanoTime() + (epoch ? 0 : MIN_NANOS);
    long bytes0 = allocatedBytes();
    dev.adjoint.backend.Backend cpu = dev.adjoint.backend.Backends.cpu();
    long storages0 = cpu.nextSerial();
    long pooled0 = pooled(cpu);
    // -Dbench.cpuTime=true times the calling thread's CPU time instead of the wall clock: on a
    // machine shared with other work it leaves out the time the thread waited for a core (only
    // meaningful at 1 thread, where every kernel runs on the calling thread).
    boolean cpuTime = Boolean.getBoolean("bench.cpuTime");
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory
        .getThreadMXBean();
    int done = 0;
    while (done < reps || (System.nanoTime() < timedEnd && done < MAX_REPS)) {
      long t0 = cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime();
      step.run();
      t[done++] = ((cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - t0) / 1e9;
    }
    long perStep = (allocatedBytes() - bytes0) / done;
    double storages = (cpu.nextSerial() - storages0) / (double) done;
    double fromPool = (pooled(cpu) - pooled0) / (double) done;
    t = java.util.Arrays.copyOf(t, done);
    java.util.Arrays.sort(t);
    reps = done;
    System.out.printf("%s %.9f %.9f %.9f %d %.1f %.1f%s%n", name, t[reps / 2], t[0], t[reps - 1],
        perStep, storages, fromPool, epoch ? String.format(" accuracy=%.4f", accuracy) : "");
    // -Dbench.deciles=true also prints the 10th, 20th, ..., 90th percentiles (a spread that the
    // median and the extremes hide: a few slow repetitions, or two populations).
    if (Boolean.getBoolean("bench.deciles")) {
      StringBuilder line = new StringBuilder("deciles");
      for (int d = 1; d < 10; d++) {
        line.append(String.format(" %.6f", t[(int) ((long) reps * d / 10)]));
      }
      System.out.println(line);
    }
  }

  /** The timed repetitions' least duration and greatest count (as bench/workloads.py's). */
  private static final long MIN_NANOS = 500_000_000L;
  private static final int MAX_REPS = 200_000;

  /** Test accuracy of the epoch workload's model after its last epoch. */
  private static double accuracy = Double.NaN;

  /** Allocations the CPU backend's pool served so far (0 for a runtime without the pool). */
  private static long pooled(dev.adjoint.backend.Backend cpu) {
    return cpu instanceof dev.adjoint.backend.cpu.CpuBackend c ? c.pooledAllocations() : 0;
  }

  /**
   * Bytes allocated on the heap so far by every live thread (the caller and the kernel pool's
   * workers), from the JVM's per-thread counters; the fifth column printed is its growth per
   * timed repetition.
   */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
      sum += Math.max(b, 0);
    }
    return sum;
  }

  private static Step workload(String name, Generator g) {
    if (name.startsWith("sgemm")) {
      int n = Integer.parseInt(name.substring(5));
      Tensor a = Tensor.randn(g, n, n);
      Tensor b = Tensor.randn(g, n, n);
      return () -> dropped(() -> a.matmul(b)); // dropped as below
    }
    Tensor big = Tensor.randn(g, 1 << 22);
    Tensor big2 = Tensor.randn(g, 1 << 22);
    Tensor mat = Tensor.randn(g, 1 << 11, 1 << 11);
    // Each result is dropped at once, as PyTorch's is when the workload's lambda returns (its
    // caching allocator then hands the memory to the next call): Temporaries.releasing gives it
    // back to the CPU backend's pool, where the next call finds it, instead of leaving a 16 MB
    // array to the garbage collector.
    switch (name) {
      case "add":
        return () -> dropped(() -> big.add(big2));
      case "relu":
        return () -> dropped(big::relu);
      case "exp":
        return () -> dropped(big::exp);
      case "sum":
        return () -> dropped(big::sum);
      case "mean0":
        return () -> dropped(() -> mat.mean(new int[] {0}, false));
      case "epoch":
        return epoch(g);
      case "linreg": {
        Tensor x = Tensor.randn(g, 20640, 8);
        Tensor y = Tensor.randn(g, 20640, 1);
        Linear model = new Linear(8, 1, true, g);
        SGD opt = new SGD(model.parameters(), 0.01);
        MSELoss loss = new MSELoss();
        return () -> train(model, opt, () -> loss.call(model.call(x), y));
      }
      case "cnn128": {
        // The FashionMnistCnn sample's model.
        Sequential model = new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(),
            new MaxPool2d(2), new Conv2d(16, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(32 * 7 * 7, 128), new ReLU(), new Linear(128, 10));
        Adam opt = new Adam(model.parameters(), 1e-3);
        Tensor x = Tensor.randn(g, 128, 1, 28, 28);
        Tensor y = Tensor.randint(g, 0, 10, 128);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        return () -> train(model, opt, () -> loss.call(model.call(x), y));
      }
      default:
        break;
    }
    if (name.startsWith("mlp") || name.startsWith("infer")) {
      boolean train = name.startsWith("mlp");
      int batch = Integer.parseInt(name.substring(train ? 3 : 5));
      Sequential model = new Sequential(new Linear(784, 256, true, g), new ReLU(),
          new Linear(256, 128, true, g), new ReLU(), new Linear(128, 10, true, g));
      Tensor x = Tensor.randn(g, batch, 784);
      if (!train) {
        model.eval();
        return () -> GradMode.noGrad(() -> model.call(x).sum());
      }
      Adam opt = new Adam(model.parameters(), 1e-3);
      Tensor y = Tensor.randint(g, 0, 10, batch);
      CrossEntropyLoss loss = new CrossEntropyLoss();
      return () -> train(model, opt, () -> loss.call(model.call(x), y));
    }
    return null;
  }

  /** Runs {@code op} and releases its result when it returns. */
  private static void dropped(java.util.function.Supplier<Tensor> op) {
    dev.adjoint.autograd.Temporaries.releasing(() -> {
      op.get();
      return null;
    });
  }

  /**
   * One epoch of the Fashion-MNIST MLP (the FashionMnistMlp sample's model, batch 128, Adam
   * 1e-3, shuffled) per repetition; the test accuracy after the last one is printed too.
   */
  private static Step epoch(Generator g) {
    try {
      return epochStep(g);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("epoch: Fashion-MNIST not readable (install"
          + " dataset-fashion-mnist)", e);
    }
  }

  private static Step epochStep(Generator g) throws java.io.IOException {
    dev.adjoint.data.datasets.MnistDataset train = dev.adjoint.data.datasets.FashionMnist.train()
        .normalized(dev.adjoint.data.datasets.FashionMnist.MEAN,
            dev.adjoint.data.datasets.FashionMnist.STD);
    dev.adjoint.data.datasets.MnistDataset test = dev.adjoint.data.datasets.FashionMnist.test()
        .normalized(dev.adjoint.data.datasets.FashionMnist.MEAN,
            dev.adjoint.data.datasets.FashionMnist.STD);
    Sequential model = new Sequential(new Flatten(), new Linear(784, 256, true, g), new ReLU(),
        new Linear(256, 128, true, g), new ReLU(), new Linear(128, 10, true, g));
    Adam opt = new Adam(model.parameters(), 1e-3);
    CrossEntropyLoss loss = new CrossEntropyLoss();
    dev.adjoint.data.DataLoader loader = dev.adjoint.data.DataLoader.builder(train)
        .batchSize(128).shuffle(true).generator(new Generator(0)).build();
    dev.adjoint.data.DataLoader testLoader = new dev.adjoint.data.DataLoader(test, 1000);
    return () -> {
      model.train();
      for (Tensor[] batch : loader) {
        train(model, opt, () -> loss.call(model.call(batch[0]), batch[1]));
      }
      model.eval();
      long correct = 0;
      long total = 0;
      for (Tensor[] batch : testLoader) {
        Tensor pred = GradMode.noGrad(() -> model.call(batch[0]).argmax(1, false));
        correct += (long) pred.eq(batch[1]).sum().item();
        total += batch[1].size(0);
      }
      accuracy = correct / (double) total;
    };
  }

  private interface Loss {
    Tensor compute();
  }

  /**
   * One step. {@code zeroGrad(false)} zeroes the gradients in place, as PyTorch 1.13's
   * {@code zero_grad()} (the side we compare with) does by default.
   */
  private static void train(Module model, Optimizer opt, Loss loss) {
    opt.zeroGrad(false);
    Tensor l = loss.compute();
    l.backward();
    opt.step();
  }
}
