package dev.adjoint.backend.cpu;

import dev.adjoint.tensor.Threads;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * The one place the CPU backend splits work over cores. The calling thread takes part, helped by
 * {@code threads - 1} daemon threads of Adjoint's own pool ({@code adjoint-cpu-<i>}), where
 * {@code threads} is {@link Threads#getNumThreads()}. With one thread nothing is split, and the
 * first op that would have split shuts the pool down. Idle pool threads end after 30 seconds.
 *
 * <p>A split inside a task that runs on a pool thread runs on that thread, in order; a waiting
 * thread only ever runs tasks of its own split. So a thread never runs another op's task while
 * one of its own is half done, and kernels may keep per-thread scratch buffers across a task.
 *
 * <p>Waking a parked thread takes tens of microseconds here, longer than a small op's share of
 * work. So a pool thread that finds no work polls for {@link #SPIN_NANOS} before it parks (ops
 * of a training step come back to back and find it awake), and a caller waiting for its helpers
 * polls as long before it parks. Polling yields the core between looks: with PAUSE alone, a
 * poller sharing a core with the caller (a machine busy with other work) held the caller off
 * for the whole 100 us.
 */
final class Parallel {
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
  /** Tasks run by pool threads since start; lets tests see where work ran. */
  private static final LongAdder POOL_TASKS = new LongAdder();

  /** How long an idle pool thread, or a caller waiting for helpers, polls before parking. */
  static final long SPIN_NANOS = 100_000;

  private static volatile ThreadPoolExecutor pool;
  private static int poolThreads;

  private Parallel() {}

  /** Threads an op may use: {@link Threads#getNumThreads()}. */
  static int threads() {
    return Threads.getNumThreads();
  }

  /** How many chunks {@code work} units should be split into, each at least {@code grain}. */
  static int chunks(long work, long grain) {
    int threads = threads();
    if (threads == 1 || work < 2 * grain) {
      return 1;
    }
    return (int) Math.max(1, Math.min(threads * 4L, work / grain));
  }

  /**
   * Runs {@code task(i)} for every {@code i} in {@code [0, n)}, on several threads when
   * {@code parallel} and more than one thread is allowed, and returns when all have finished.
   * The first exception a task throws is rethrown here (the remaining tasks are skipped).
   */
  static void forEach(int n, boolean parallel, IntConsumer task) {
    int threads = parallel && n > 1 ? threads() : 1;
    if (threads == 1 || Thread.currentThread() instanceof Worker) {
      // Only a thread count of one ends the pool: a split into one task (a small product) must
      // not, or the next split pays for starting threads again.
      if (pool != null && threads() == 1) {
        releasePool();
      }
      for (int i = 0; i < n; i++) {
        task.accept(i);
      }
      return;
    }
    Job job = new Job(n, task);
    ThreadPoolExecutor executor = pool(threads);
    int helpers = Math.min(n, threads) - 1;
    try {
      for (int h = 0; h < helpers; h++) {
        executor.execute(job);
      }
    } catch (RejectedExecutionException e) {
      // The count changed and this pool was shut down meanwhile: the caller does the rest.
    }
    job.work();
    job.await();
  }

  /** The current pool, or null; lets tests see that a pool survives. */
  static Object currentPool() {
    return pool;
  }

  /** Tasks run on pool threads so far. */
  static long poolTasks() {
    return POOL_TASKS.sum();
  }

  /** A pool of {@code threads - 1} helpers, replacing one of another size. */
  private static synchronized ThreadPoolExecutor pool(int threads) {
    if (pool == null || poolThreads != threads) {
      if (pool != null) {
        pool.shutdown(); // queued helpers still run, find no work and end
      }
      int size = threads - 1;
      ThreadPoolExecutor p = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS,
          new SpinQueue(), Worker::new);
      p.allowCoreThreadTimeOut(true);
      pool = p;
      poolThreads = threads;
    }
    return pool;
  }

  /** Ends the pool's threads once the count has dropped to one. */
  private static synchronized void releasePool() {
    if (pool != null) {
      pool.shutdown();
      pool = null;
      poolThreads = 0;
    }
  }

  /** A pool thread. */
  private static final class Worker extends Thread {
    Worker(Runnable r) {
      super(r, "adjoint-cpu-" + THREAD_NUMBER.incrementAndGet());
      setDaemon(true);
    }
  }

  /** The pool's queue: an idle pool thread polls it for a while before it parks. */
  private static final class SpinQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public Runnable take() throws InterruptedException {
      Runnable r = spin();
      return r != null ? r : super.take();
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
      Runnable r = spin();
      return r != null ? r : super.poll(timeout, unit);
    }

    private Runnable spin() {
      long end = System.nanoTime() + SPIN_NANOS;
      do {
        Runnable r = poll();
        if (r != null) {
          return r;
        }
        Thread.yield();
      } while (System.nanoTime() < end);
      return null;
    }
  }

  /** One split: tasks are claimed in order by whichever thread is free. */
  private static final class Job implements Runnable {
    private final int n;
    private final IntConsumer task;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done;
    private volatile Throwable failure;

    Job(int n, IntConsumer task) {
      this.n = n;
      this.task = task;
      this.done = new CountDownLatch(n);
    }

    @Override
    public void run() {
      work();
    }

    void work() {
      boolean onPool = Thread.currentThread() instanceof Worker;
      for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
        try {
          if (failure == null) {
            if (onPool) {
              POOL_TASKS.increment();
            }
            task.accept(i);
          }
        } catch (Throwable t) {
          synchronized (this) {
            if (failure == null) {
              failure = t;
            }
          }
        } finally {
          done.countDown();
        }
      }
    }

    void await() {
      long end = System.nanoTime() + SPIN_NANOS;
      while (done.getCount() != 0 && System.nanoTime() < end) {
        Thread.yield();
      }
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the tasks' outputs are still being written: finish waiting
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable t = failure;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }
  }
}
