package dev.adjoint.distributed;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A rendezvous at a known host and port of rank 0, the counterpart of {@code torchrun}'s
 * environment variables: rank 0 listens on {@code masterPort}, every other rank connects to it
 * (retrying until the timeout, so the ranks may start in any order) and sends the port it
 * listens on; rank 0 answers everyone with the full list. Rank 0 names each rank by the address
 * its connection came from, and itself by {@code masterHost}.
 *
 * <pre>{@code
 * // MASTER_ADDR=10.0.0.1 MASTER_PORT=29500 WORLD_SIZE=4 RANK=2 java ...
 * try (ProcessGroup group = ProcessGroup.connect(TcpRendezvous.fromEnvironment())) { ... }
 * }</pre>
 */
public final class TcpRendezvous implements Rendezvous {
  private static final int MAGIC = 0xAD70_12DE;

  private final String masterHost;
  private final int masterPort;
  private final int worldSize;
  private final int rank;

  /**
   * A rendezvous of {@code worldSize} ranks at {@code masterHost:masterPort}.
   *
   * @throws IllegalArgumentException when the port, the world size or the rank is out of range
   */
  public TcpRendezvous(String masterHost, int masterPort, int worldSize, int rank) {
    this.masterHost = Objects.requireNonNull(masterHost, "TcpRendezvous: masterHost");
    if (masterPort < 1 || masterPort > 65535) {
      throw new IllegalArgumentException("TcpRendezvous: masterPort must be in 1..65535, got "
          + masterPort);
    }
    if (worldSize < 1) {
      throw new IllegalArgumentException("TcpRendezvous: worldSize must be >= 1, got "
          + worldSize);
    }
    if (rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("TcpRendezvous: rank must be in 0.." + (worldSize - 1)
          + ", got " + rank);
    }
    this.masterPort = masterPort;
    this.worldSize = worldSize;
    this.rank = rank;
  }

  /**
   * The rendezvous described by the environment variables {@code MASTER_ADDR},
   * {@code MASTER_PORT}, {@code WORLD_SIZE} and {@code RANK}, as {@code torchrun} sets them.
   *
   * @throws IllegalStateException naming a variable that is missing or not a number
   */
  public static TcpRendezvous fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** As {@link #fromEnvironment()}, reading the variables from {@code env}. */
  public static TcpRendezvous fromEnvironment(Map<String, String> env) {
    String host = env.get("MASTER_ADDR");
    if (host == null || host.isBlank()) {
      throw new IllegalStateException("TcpRendezvous: the environment variable MASTER_ADDR is not"
          + " set (the host of rank 0)");
    }
    return new TcpRendezvous(host, intVar(env, "MASTER_PORT"), intVar(env, "WORLD_SIZE"),
        intVar(env, "RANK"));
  }

  private static int intVar(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null) {
      throw new IllegalStateException("TcpRendezvous: the environment variable " + name
          + " is not set");
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("TcpRendezvous: " + name + " must be an integer, got \""
          + v + "\"", e);
    }
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int worldSize() {
    return worldSize;
  }

  @Override
  public List<InetSocketAddress> exchange(int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (worldSize == 1) {
      return List.of(new InetSocketAddress(masterHost, port));
    }
    return rank == 0 ? serve(port, deadline) : join(port, deadline);
  }

  private List<InetSocketAddress> serve(int port, long deadline) throws IOException {
    InetSocketAddress[] all = new InetSocketAddress[worldSize];
    all[0] = new InetSocketAddress(masterHost, port);
    Socket[] peers = new Socket[worldSize];
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(masterPort), worldSize);
      int arrived = 1;
      while (arrived < worldSize) {
        server.setSoTimeout(remainingMillis(deadline));
        Socket s = server.accept();
        try {
          s.setSoTimeout(remainingMillis(deadline));
          DataInputStream in = new DataInputStream(s.getInputStream());
          int magic = in.readInt();
          int r = in.readInt();
          int n = in.readInt();
          int p = in.readInt();
          if (magic != MAGIC || n != worldSize || r <= 0 || r >= worldSize || peers[r] != null) {
            s.close();   // a stray connection, or a rank of another run: not ours
            continue;
          }
          peers[r] = s;
          all[r] = new InetSocketAddress(s.getInetAddress(), p);
          arrived++;
        } catch (SocketTimeoutException e) {
          s.close();
          throw e;
        } catch (IOException e) {
          s.close();
        }
      }
      for (int r = 1; r < worldSize; r++) {
        DataOutputStream out = new DataOutputStream(peers[r].getOutputStream());
        for (InetSocketAddress a : all) {
          out.writeUTF(a.getHostString());
          out.writeInt(a.getPort());
        }
        out.flush();
      }
      return List.of(all);
    } catch (SocketTimeoutException e) {
      List<Integer> missing = new ArrayList<>();
      for (int r = 1; r < worldSize; r++) {
        if (peers[r] == null) {
          missing.add(r);
        }
      }
      throw new SocketTimeoutException("TcpRendezvous: rank 0 waited on port " + masterPort
          + " but rank(s) " + missing + " of " + worldSize + " did not arrive in time");
    } finally {
      for (Socket s : peers) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  private List<InetSocketAddress> join(int port, long deadline) throws IOException {
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(masterHost, masterPort), remainingMillis(deadline));
        s.setSoTimeout(remainingMillis(deadline));
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(MAGIC);
        out.writeInt(rank);
        out.writeInt(worldSize);
        out.writeInt(port);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        InetSocketAddress[] all = new InetSocketAddress[worldSize];
        for (int r = 0; r < worldSize; r++) {
          String host = in.readUTF();
          int p = in.readInt();
          all[r] = r == rank ? new InetSocketAddress(s.getLocalAddress(), port)
              : new InetSocketAddress(InetAddress.getByName(host), p);
        }
        return Arrays.asList(all);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("TcpRendezvous: rank " + rank + " reached rank 0 at "
            + masterHost + ":" + masterPort + " but got no answer in time (not every rank"
            + " arrived)");
      } catch (IOException e) {
        last = e;   // rank 0 not listening yet: retry
        sleepBriefly();
      }
    }
    throw new SocketTimeoutException("TcpRendezvous: rank " + rank + " could not reach rank 0 at "
        + masterHost + ":" + masterPort + " in time" + (last == null ? "" : ": " + last));
  }

  private static void sleepBriefly() throws IOException {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("TcpRendezvous: interrupted", e);
    }
  }

  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long ms = (deadline - System.nanoTime()) / 1_000_000;
    if (ms <= 0) {
      throw new SocketTimeoutException("TcpRendezvous: timed out");
    }
    return (int) Math.min(Integer.MAX_VALUE, ms);
  }

  @Override
  public String toString() {
    return "TcpRendezvous[" + masterHost + ":" + masterPort + ", rank " + rank + " of "
        + worldSize + "]";
  }
}
