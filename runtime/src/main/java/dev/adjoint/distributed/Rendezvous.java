package dev.adjoint.distributed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How the ranks of a {@link ProcessGroup} find each other: each rank learns its rank, the world
 * size and the address on which every other rank listens. It carries addresses once, when the
 * group connects; the collectives then run over the group's own sockets.
 *
 * <p>Two implementations exist: {@link TcpRendezvous}, which meets at a known host and port of
 * rank 0 (as {@code torchrun}'s {@code MASTER_ADDR} and {@code MASTER_PORT}), and the Spark one
 * in {@code adjoint-spark}, which goes through a barrier task's {@code allGather}.
 */
public interface Rendezvous {
  /** This process's rank, from 0 to {@link #worldSize()} - 1. */
  int rank();

  /** The number of ranks. */
  int worldSize();

  /**
   * Tells every rank that this one listens on {@code port} and returns, in rank order, the
   * address on which each rank listens (this one's included). The rendezvous supplies the host
   * part: the address by which the other ranks reach this one.
   *
   * @param port the port of this rank's listening socket
   * @param timeout how long to wait for the other ranks
   * @throws IOException when the other ranks do not all arrive within {@code timeout} or the
   *     exchange fails
   */
  List<InetSocketAddress> exchange(int port, Duration timeout) throws IOException;
}
