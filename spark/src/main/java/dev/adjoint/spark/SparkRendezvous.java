package dev.adjoint.spark;

import dev.adjoint.distributed.Rendezvous;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;

/**
 * A {@link Rendezvous} among the tasks of a Spark barrier stage: the rank is the partition index,
 * the world size the number of tasks, and the addresses travel once through
 * {@link BarrierTaskContext#allGather}, which waits for every task (it costs about a second,
 * since Spark polls, so it carries addresses, never tensors). Each task may add a short text of
 * its own to the same message ({@link #payloads()}), such as the size of its partition, to save
 * a second round.
 *
 * <pre>{@code
 * rdd.rdd().barrier().mapPartitions(it -> {
 *   var rv = new SparkRendezvous(BarrierTaskContext.get(), "");
 *   try (ProcessGroup group = ProcessGroup.connect(rv)) { ... }
 * }, ...);
 * }</pre>
 */
public final class SparkRendezvous implements Rendezvous {
  private final BarrierTaskContext context;
  private final String payload;
  private final String host;
  private List<String> payloads;

  /**
   * A rendezvous for the barrier task of {@code context} that shares {@code payload} with the
   * other tasks. Other ranks reach this one at the executor's host as Spark advertises it (its
   * block manager's host, which follows {@code SPARK_LOCAL_IP} and {@code SPARK_LOCAL_HOSTNAME}).
   */
  public SparkRendezvous(BarrierTaskContext context, String payload) {
    this(context, payload, SparkEnv.get().blockManager().blockManagerId().host());
  }

  /** As {@link #SparkRendezvous(BarrierTaskContext, String)}, advertising {@code host}. */
  public SparkRendezvous(BarrierTaskContext context, String payload, String host) {
    this.context = Objects.requireNonNull(context, "SparkRendezvous: context");
    this.payload = Objects.requireNonNull(payload, "SparkRendezvous: payload");
    this.host = Objects.requireNonNull(host, "SparkRendezvous: host");
  }

  @Override
  public int rank() {
    return context.partitionId();
  }

  @Override
  public int worldSize() {
    return context.getTaskInfos().length;
  }

  /**
   * Exchanges addresses through {@code allGather}; its timeout is Spark's
   * {@code spark.barrier.sync.timeout}, not {@code timeout}.
   */
  @Override
  public List<InetSocketAddress> exchange(int port, Duration timeout) throws IOException {
    String[] all;
    try {
      all = context.allGather(host + " " + port + " " + payload);
    } catch (RuntimeException e) {
      throw new IOException("SparkRendezvous: allGather failed in partition "
          + context.partitionId() + ": " + e, e);
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (String s : all) {
      String[] parts = s.split(" ", 3);
      addresses.add(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])));
      texts.add(parts[2]);
    }
    payloads = List.copyOf(texts);
    return addresses;
  }

  /**
   * Every task's payload, in rank order.
   *
   * @throws IllegalStateException before {@link #exchange}
   */
  public List<String> payloads() {
    if (payloads == null) {
      throw new IllegalStateException("SparkRendezvous.payloads: the exchange has not run yet");
    }
    return payloads;
  }
}
