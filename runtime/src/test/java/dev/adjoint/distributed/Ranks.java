package dev.adjoint.distributed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs ranks as threads of this JVM, connected over localhost sockets. */
final class Ranks {
  private Ranks() {}

  /** What one rank does with its group. */
  interface Body<T> {
    T run(ProcessGroup group) throws Exception;
  }

  /** A rank's result or the exception it ended with. */
  record Outcome<T>(T value, Throwable error) {
    T get() {
      if (error != null) {
        throw new AssertionError("the rank failed: " + error, error);
      }
      return value;
    }
  }

  /** An in-memory rendezvous for ranks that are threads of one JVM. */
  static final class Hub {
    private final InetSocketAddress[] slots;
    private final CountDownLatch arrived;

    Hub(int n) {
      slots = new InetSocketAddress[n];
      arrived = new CountDownLatch(n);
    }

    Rendezvous rank(int rank) {
      return new Rendezvous() {
        @Override
        public int rank() {
          return rank;
        }

        @Override
        public int worldSize() {
          return slots.length;
        }

        @Override
        public List<InetSocketAddress> exchange(int port, Duration timeout) throws IOException {
          slots[rank] = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
          arrived.countDown();
          try {
            if (!arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
              throw new SocketTimeoutException("Hub: not every rank arrived");
            }
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          return Arrays.asList(slots.clone());
        }
      };
    }
  }

  /** Runs {@code body} on {@code n} ranks; every rank's group is closed afterwards. */
  static <T> List<Outcome<T>> run(int n, Duration timeout, int bucketBytes, Body<T> body)
      throws InterruptedException {
    Hub hub = new Hub(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        futures.add(pool.submit(() -> {
          try (ProcessGroup g = ProcessGroup.connect(hub.rank(rank), timeout, bucketBytes)) {
            return body.run(g);
          }
        }));
      }
      List<Outcome<T>> out = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          out.add(new Outcome<>(f.get(60, TimeUnit.SECONDS), null));
        } catch (ExecutionException e) {
          out.add(new Outcome<>(null, e.getCause()));
        } catch (TimeoutException e) {
          throw new AssertionError("a rank hung for 60 s", e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs {@code body} on {@code n} ranks and returns their results; any failure fails. */
  static <T> List<T> values(int n, int bucketBytes, Body<T> body) throws InterruptedException {
    List<T> values = new ArrayList<>();
    for (Outcome<T> o : run(n, Duration.ofSeconds(20), bucketBytes, body)) {
      values.add(o.get());
    }
    return values;
  }
}
