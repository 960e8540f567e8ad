package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Functional;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Threads;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's work runs where {@link Threads} says: on the calling thread alone with one
 * thread, on Adjoint's {@code adjoint-cpu-<i>} pool with more, and with the same results.
 */
class ThreadCountTest {
  private int before;

  @BeforeEach
  void remember() {
    before = Threads.getNumThreads();
  }

  @AfterEach
  void restore() {
    Threads.setNumThreads(before);
  }

  @Test
  void oneThreadRunsEveryTaskOnTheCaller() {
    Threads.setNumThreads(1);
    Set<Thread> ran = ConcurrentHashMap.newKeySet();
    Parallel.forEach(64, true, i -> ran.add(Thread.currentThread()));
    assertEquals(Set.of(Thread.currentThread()), ran);
    assertEquals(1, Parallel.chunks(1L << 30, 1));
  }

  @Test
  void severalThreadsSplitOverTheCallerAndTheAdjointPool() throws Exception {
    Threads.setNumThreads(3);
    // Each task waits until three threads hold one: passes only if the split really uses three.
    CyclicBarrier all = new CyclicBarrier(3);
    Map<String, Boolean> ran = new ConcurrentHashMap<>();
    Parallel.forEach(3, true, i -> {
      Thread t = Thread.currentThread();
      ran.put(t.getName(), t.isDaemon());
      try {
        all.await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("task " + i + " waited for others in vain", e);
      }
    });
    assertEquals(3, ran.size(), ran.toString());
    assertTrue(ran.containsKey(Thread.currentThread().getName()), ran.toString());
    ran.forEach((name, daemon) -> {
      if (!name.equals(Thread.currentThread().getName())) {
        assertTrue(name.matches("adjoint-cpu-\\d+"), name);
        assertTrue(daemon, name + " should be a daemon");
      }
    });
  }

  @Test
  void aSplitInsideAPoolTaskStaysOnThatThread() {
    Threads.setNumThreads(2);
    Map<Integer, Set<Thread>> inner = new ConcurrentHashMap<>();
    Map<Integer, Thread> outer = new ConcurrentHashMap<>();
    Parallel.forEach(8, true, i -> {
      outer.put(i, Thread.currentThread());
      Set<Thread> seen = ConcurrentHashMap.newKeySet();
      Parallel.forEach(8, true, j -> seen.add(Thread.currentThread()));
      inner.put(i, seen);
    });
    for (int i = 0; i < 8; i++) {
      if (outer.get(i).getName().startsWith("adjoint-cpu-")) {
        assertEquals(Set.of(outer.get(i)), inner.get(i), "task " + i);
      }
    }
  }

  @Test
  void aSplitIntoOneTaskKeepsThePool() {
    Threads.setNumThreads(2);
    Parallel.forEach(4, true, i -> { });
    Object pool = Parallel.currentPool();
    assertNotNull(pool);
    // A product too small to split asks for one task: the pool must stay for the next split.
    Parallel.forEach(1, true, i -> { });
    Tensor.ones(8, 8).matmul(Tensor.ones(8, 8));
    assertSame(pool, Parallel.currentPool());
    Threads.setNumThreads(1);
    Parallel.forEach(4, true, i -> { });
    assertNull(Parallel.currentPool());
  }

  @Test
  void aTaskFailureReachesTheCaller() {
    Threads.setNumThreads(2);
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Parallel.forEach(16, true, i -> {
          if (i == 11) {
            throw boom;
          }
        }));
    assertSame(boom, e);
  }

  @Test
  void withOneThreadNoPoolThreadRunsAKernel() {
    Tensor a = uniform(11, 384, 384);
    Tensor big = uniform(12, 1 << 21);
    Threads.setNumThreads(1);
    long start = Parallel.poolTasks();
    a.matmul(a.t()).sum(1);
    big.exp().add(big).sum();
    big.reshape(1024, 2048).sum(1);
    Functional.conv2d(uniform(13, 8, 3, 32, 32), uniform(14, 16, 3, 3, 3), null,
        new int[] {1}, new int[] {1}, new int[] {1}, 1);
    assertEquals(start, Parallel.poolTasks(), "a pool thread ran a task with one thread set");

    // The same counter sees pool work with two threads, so the check above can fail.
    Threads.setNumThreads(2);
    for (int i = 0; i < 200 && Parallel.poolTasks() == start; i++) {
      a.matmul(a.t());
      big.exp();
    }
    assertTrue(Parallel.poolTasks() > start, "no pool thread ever ran a task with two threads");
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    // Work is split over output elements or rows, each computed the same way whatever the
    // split, so the results agree bit for bit.
    Tensor a = uniform(21, 300, 517);
    Tensor b = uniform(22, 517, 263);
    Tensor ad = a.to(DType.FLOAT64);
    Tensor big = uniform(23, 1500, 1400);
    Tensor strided = big.t().slice(0, null, null, 2);
    Tensor images = uniform(24, 6, 3, 40, 40);
    Tensor filters = uniform(25, 8, 3, 5, 5);
    List<Supplier<Tensor>> ops = List.of(
        () -> a.matmul(b),
        () -> b.t().matmul(a.t()),
        () -> ad.matmul(ad.t()),
        () -> strided.mul(strided).add(strided.exp()),
        () -> big.sum().reshape(1),
        () -> big.sum(1),
        () -> strided.mean(0),
        () -> big.max(1).values(),
        () -> Functional.conv2d(images, filters, null, new int[] {1}, new int[] {2},
            new int[] {1}, 1).reshape(-1),
        () -> Functional.maxPool2d(images, new int[] {2}, new int[] {2}, new int[] {0},
            new int[] {1}).reshape(-1));
    for (int k = 0; k < ops.size(); k++) {
      Threads.setNumThreads(1);
      double[] one = ops.get(k).get().toDoubleArray();
      for (int threads : new int[] {2, 3}) {
        Threads.setNumThreads(threads);
        assertArrayEquals(one, ops.get(k).get().toDoubleArray(),
            "op " + k + " with " + threads + " threads");
      }
    }
  }

  @Test
  void bothGemmKernelsGiveTheSameProductAtAnyThreadCount() {
    // Both kernels split over blocks of rows of C; each element sums in the same order.
    int m = 203;
    int n = 150;
    int k = 311;
    float[] a = uniform(31, k, m).toFloatArray(); // read transposed: lda = m
    float[] b = uniform(32, k, n).toFloatArray();
    double[] ad = uniform(33, m, k).toDoubleArray();
    double[] bd = uniform(34, n, k).toDoubleArray(); // read transposed: ldb = k
    for (Gemm.Kernels kernels : new Gemm.Kernels[] {Gemm.plain(), Gemm.vector()}) {
      if (kernels == null) {
        continue; // no Vector API module in this JVM
      }
      float[] one = null;
      double[] oneD = null;
      for (int threads : new int[] {1, 2, 3}) {
        Threads.setNumThreads(threads);
        float[] c = new float[m * n];
        kernels.sgemm(true, false, m, n, k, 1.5f, a, 0, m, b, 0, n, 0f, c, 0, n, true);
        double[] cd = new double[m * n];
        kernels.dgemm(false, true, m, n, k, 0.5, ad, 0, k, bd, 0, k, 0.0, cd, 0, n, true);
        if (one == null) {
          one = c;
          oneD = cd;
        } else {
          assertArrayEquals(one, c, kernels.describe() + " sgemm, " + threads + " threads");
          assertArrayEquals(oneD, cd, kernels.describe() + " dgemm, " + threads + " threads");
        }
      }
    }
  }

  /** Uniform in [-1, 1) from a seeded generator, built without any tensor op. */
  private static Tensor uniform(long seed, int... shape) {
    Generator g = new Generator(seed);
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (g.nextDouble() * 2 - 1);
    }
    return Tensor.fromArray(v, shape);
  }
}
