package dev.adjoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ProcessGroupTest {
  private static final int SMALL_BUCKET = 1024;

  /** Integer values in [-1000, 1000]: their float sums are exact, so any order gives one result. */
  private static float[] integers(int rank, int length) {
    Random r = new Random(1000 + rank);
    float[] a = new float[length];
    for (int i = 0; i < length; i++) {
      a[i] = r.nextInt(2001) - 1000;
    }
    return a;
  }

  @Test
  void allReduceSumsAndAveragesEveryLengthAndBucketCount() throws Exception {
    // 0 and 1 are shorter than the ring (empty chunks), 1001 is odd, 10007 floats in 1 KiB
    // buckets take 40 buckets; 4 ranks make 3 + 3 ring steps per bucket.
    for (int n : new int[] {2, 3, 4}) {
      for (int length : new int[] {0, 1, 2, 1001, 10_007}) {
        for (ReduceOp op : ReduceOp.values()) {
          List<float[]> results = Ranks.values(n, SMALL_BUCKET, g -> {
            float[] a = integers(g.rank(), length);
            g.allReduce(a, op);
            return a;
          });
          float[] expected = new float[length];
          for (int r = 0; r < n; r++) {
            float[] a = integers(r, length);
            for (int i = 0; i < length; i++) {
              expected[i] += a[i];
            }
          }
          if (op == ReduceOp.AVG) {
            for (int i = 0; i < length; i++) {
              expected[i] /= n;   // one correctly rounded division of an exact sum
            }
          }
          for (int r = 0; r < n; r++) {
            assertArrayEquals(expected, results.get(r),
                "rank " + r + " of " + n + ", length " + length + ", " + op);
          }
        }
      }
    }
  }

  @Test
  void allReduceOfRealsMatchesDoubleSumAndIsBitIdenticalOnEveryRank() throws Exception {
    int n = 3;
    int length = 5003;
    List<float[]> results = Ranks.values(n, SMALL_BUCKET, g -> {
      Random r = new Random(g.rank());
      float[] a = new float[length];
      for (int i = 0; i < length; i++) {
        a[i] = (float) r.nextGaussian();
      }
      g.allReduce(a, ReduceOp.SUM);
      return a;
    });
    double[] exact = new double[length];
    double[] magnitude = new double[length];
    for (int rank = 0; rank < n; rank++) {
      Random r = new Random(rank);
      for (int i = 0; i < length; i++) {
        float v = (float) r.nextGaussian();
        exact[i] += v;
        magnitude[i] += Math.abs(v);
      }
    }
    for (int i = 0; i < length; i++) {
      // two float additions, each off by at most half an ulp of a partial sum <= magnitude
      double bound = 2 * 0.5 * Math.ulp((float) magnitude[i]);
      assertEquals(exact[i], results.get(0)[i], bound, "element " + i);
    }
    for (int r = 1; r < n; r++) {
      assertArrayEquals(results.get(0), results.get(r), "rank " + r + " differs from rank 0");
    }
  }

  @Test
  void allReduceOfDoublesOverASlice() throws Exception {
    List<double[]> results = Ranks.values(2, SMALL_BUCKET, g -> {
      double[] a = {7, 0.5 + g.rank(), 1.25 * (g.rank() + 1), 9};
      g.allReduce(a, 1, 2, ReduceOp.AVG);
      return a;
    });
    for (double[] a : results) {
      assertArrayEquals(new double[] {7, 1.0, 1.875, 9}, a);   // (0.5 + 1.5)/2, (1.25 + 2.5)/2
    }
  }

  @Test
  void allReduceOfTensorsOfBothDtypesAndAnyLayout() throws Exception {
    List<List<Tensor>> results = Ranks.values(3, SMALL_BUCKET, g -> {
      double k = g.rank() + 1;   // 1, 2, 3: sums are 6x the base values
      Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}).mul(k).t();   // not contiguous
      Tensor b = Tensor.arange(0, 700).to(DType.FLOAT64).mul(k);
      Tensor c = Tensor.arange(0, 300).to(DType.FLOAT32).mul(k).reshape(3, 100);
      g.allReduce(List.of(a, b, c), ReduceOp.SUM);
      return List.of(a, b, c);
    });
    for (List<Tensor> r : results) {
      assertTrue(r.get(0).equal(Tensor.of(new float[][] {{6, 24}, {12, 30}, {18, 36}})));
      assertTrue(r.get(1).equal(Tensor.arange(0, 700).to(DType.FLOAT64).mul(6)));
      assertEquals(DType.FLOAT64, r.get(1).dtype());
      assertTrue(r.get(2).equal(Tensor.arange(0, 300).to(DType.FLOAT32).mul(6)
          .reshape(3, 100)));
    }
  }

  @Test
  void allReduceRejectsIntegerTensors() throws Exception {
    Throwable e = Ranks.run(1, Duration.ofSeconds(5), SMALL_BUCKET,
        g -> {
          g.allReduce(Tensor.of(1L, 2L), ReduceOp.SUM);
          return null;
        }).get(0).error();
    assertInstanceOf(IllegalArgumentException.class, e);
    assertTrue(e.getMessage().contains("only float32 and float64"), e.getMessage());
  }

  @Test
  void broadcastCopiesTheRootsValues() throws Exception {
    int n = 3;
    List<Object[]> results = Ranks.values(n, SMALL_BUCKET, g -> {
      float[] f = integers(g.rank(), 3001);
      g.broadcast(f, 1);
      double[] d = {g.rank(), -g.rank()};
      g.broadcast(d, 2);
      byte[] bytes = g.rank() == 2 ? new byte[5000] : null;
      if (bytes != null) {
        new Random(5).nextBytes(bytes);
      }
      byte[] got = g.broadcast(bytes, 2);
      Tensor t = Tensor.full(g.rank(), 4, 700);
      g.broadcast(List.of(t), 0);
      return new Object[] {f, d, got, t};
    });
    byte[] expectedBytes = new byte[5000];
    new Random(5).nextBytes(expectedBytes);
    for (Object[] r : results) {
      assertArrayEquals(integers(1, 3001), (float[]) r[0]);
      assertArrayEquals(new double[] {2, -2}, (double[]) r[1]);
      assertArrayEquals(expectedBytes, (byte[]) r[2]);
      assertTrue(((Tensor) r[3]).equal(Tensor.zeros(4, 700)));
    }
  }

  @Test
  void barrierWaitsForTheLastRank() throws Exception {
    int n = 3;
    AtomicIntegerArray arrived = new AtomicIntegerArray(n);
    List<Boolean> sawEveryone = Ranks.values(n, SMALL_BUCKET, g -> {
      if (g.rank() == 2) {
        Thread.sleep(300);
      }
      arrived.set(g.rank(), 1);
      g.barrier();
      for (int r = 0; r < n; r++) {
        if (arrived.get(r) == 0) {
          return false;
        }
      }
      return true;
    });
    assertEquals(List.of(true, true, true), sawEveryone);
  }

  @Test
  void aStuckPeerIsATimeoutErrorOnEveryRankNotAHang() throws Exception {
    Duration timeout = Duration.ofMillis(500);
    long start = System.nanoTime();
    List<Ranks.Outcome<Long>> outcomes = Ranks.run(3, timeout, SMALL_BUCKET, g -> {
      g.allReduce(new float[10], ReduceOp.SUM);   // all healthy once
      if (g.rank() == 1) {
        Thread.sleep(2500);   // stops answering for 5 timeouts, then tries again
      }
      long t0 = System.nanoTime();
      try {
        g.allReduce(new float[100_000], ReduceOp.SUM);
      } finally {
        if (g.rank() != 1) {
          assertTrue(System.nanoTime() - t0 < 4 * timeout.toNanos(),
              "rank " + g.rank() + " took " + (System.nanoTime() - t0) / 1e6 + " ms to fail");
        }
      }
      return 0L;
    });
    for (int r = 0; r < 3; r++) {
      Throwable e = outcomes.get(r).error();
      assertInstanceOf(CollectiveException.class, e, "rank " + r);
      assertTrue(e.getMessage().startsWith("rank " + r + " of 3"), e.getMessage());
    }
    // The rank that fails first names its silent neighbour and the timeout.
    String messages = outcomes.get(0).error().getMessage() + outcomes.get(2).error().getMessage();
    assertTrue(messages.contains("no data from rank 1") && messages.contains("500 ms"), messages);
    assertTrue(System.nanoTime() - start < 10_000_000_000L);
  }

  @Test
  void aDeadPeerIsAnErrorOnEveryRank() throws Exception {
    List<Ranks.Outcome<Long>> outcomes = Ranks.run(3, Duration.ofSeconds(30), SMALL_BUCKET, g -> {
      if (g.rank() == 2) {
        g.close();   // dies between two steps
        return 0L;
      }
      long t0 = System.nanoTime();
      g.allReduce(new float[50_000], ReduceOp.SUM);
      return System.nanoTime() - t0;
    });
    for (int r = 0; r < 2; r++) {
      Throwable e = outcomes.get(r).error();
      assertInstanceOf(CollectiveException.class, e, "rank " + r);
      // well before the 30 s timeout: a closed connection is noticed at once
      assertTrue(e.getMessage().contains("closed the connection")
          || e.getMessage().contains("failed"), e.getMessage());
    }
  }

  @Test
  void afterAFailureEveryCallThrows() throws Exception {
    List<Ranks.Outcome<String>> outcomes = Ranks.run(2, Duration.ofSeconds(10), SMALL_BUCKET,
        g -> {
          try {
            g.allReduce(new float[g.rank() == 0 ? 10 : 11], ReduceOp.SUM);
          } catch (CollectiveException e) {
            CollectiveException again = assertThrows(CollectiveException.class, g::barrier);
            return e.getMessage() + " / " + again.getMessage();
          }
          return "no error";
        });
    for (Ranks.Outcome<String> o : outcomes) {
      String m = o.get();
      assertTrue(m.contains("same length") && m.contains("broke earlier"), m);
    }
  }

  @Test
  void mismatchedCollectivesAreReported() throws Exception {
    List<Ranks.Outcome<Long>> outcomes = Ranks.run(2, Duration.ofSeconds(10), SMALL_BUCKET, g -> {
      if (g.rank() == 0) {
        g.barrier();
      } else {
        g.allReduce(new float[4], ReduceOp.SUM);
      }
      return 0L;
    });
    for (Ranks.Outcome<Long> o : outcomes) {
      assertInstanceOf(CollectiveException.class, o.error());
    }
    String m = outcomes.get(0).error().getMessage() + outcomes.get(1).error().getMessage();
    assertTrue(m.contains("same collectives in the same order"), m);
  }

  @Test
  void tcpRendezvousConnectsRanksInAnyOrder() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    int n = 3;
    List<float[]> results = new java.util.ArrayList<>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      List<java.util.concurrent.Future<float[]>> futures = new java.util.ArrayList<>();
      for (int r = n - 1; r >= 0; r--) {   // rank 0 last: the others retry until it listens
        int rank = r;
        futures.add(0, pool.submit(() -> {
          if (rank == 0) {
            Thread.sleep(200);
          }
          Rendezvous rv = TcpRendezvous.fromEnvironment(Map.of("MASTER_ADDR", "127.0.0.1",
              "MASTER_PORT", String.valueOf(port), "WORLD_SIZE", String.valueOf(n),
              "RANK", String.valueOf(rank)));
          try (ProcessGroup g = ProcessGroup.connect(rv, Duration.ofSeconds(10), SMALL_BUCKET)) {
            assertEquals(rank, g.rank());
            float[] a = {rank, 1};
            g.allReduce(a, ReduceOp.SUM);
            return a;
          }
        }));
      }
      for (var f : futures) {
        results.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    for (float[] a : results) {
      assertArrayEquals(new float[] {3, 3}, a);
    }
  }

  @Test
  void tcpRendezvousTimesOutNamingTheMissingRanks() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TcpRendezvous rv = new TcpRendezvous("127.0.0.1", port, 3, 0);
    IOException e = assertThrows(IOException.class,
        () -> rv.exchange(1234, Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains("rank(s) [1, 2] of 3 did not arrive"), e.getMessage());
  }

  @Test
  void connectRejectsBadSettings() {
    Rendezvous one = new Ranks.Hub(1).rank(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProcessGroup.connect(one, Duration.ZERO, 4096));
    assertTrue(e.getMessage().contains("timeout must be positive"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ProcessGroup.connect(one, Duration.ofSeconds(1), 1000));
    assertTrue(e.getMessage().contains("bucketBytes must be >= 1024"), e.getMessage());
  }

  @Test
  void aWorldOfOneLeavesValuesAsTheyAre() throws Exception {
    float[] a = Ranks.values(1, SMALL_BUCKET, g -> {
      float[] v = {1.5f, -2f, 3f};
      g.allReduce(v, ReduceOp.AVG);
      g.broadcast(v, 0);
      g.barrier();
      return v;
    }).get(0);
    assertArrayEquals(new float[] {1.5f, -2f, 3f}, a);
  }

  @Test
  void environmentErrorsNameTheVariable() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TcpRendezvous.fromEnvironment(Map.of("MASTER_ADDR", "h", "MASTER_PORT", "x")));
    assertTrue(e.getMessage().contains("MASTER_PORT must be an integer"), e.getMessage());
    e = assertThrows(IllegalStateException.class,
        () -> TcpRendezvous.fromEnvironment(Map.of("MASTER_ADDR", "h", "MASTER_PORT", "1",
            "WORLD_SIZE", "2")));
    assertTrue(e.getMessage().contains("RANK is not set"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TcpRendezvous("h", 1, 2, 2));
  }
}
