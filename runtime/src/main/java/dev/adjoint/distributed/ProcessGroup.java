package dev.adjoint.distributed;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A group of ranks connected in a ring over TCP, with the collectives data-parallel training
 * needs (the counterpart of a {@code torch.distributed} process group with the Gloo backend):
 * {@link #allReduce(float[], ReduceOp) all-reduce}, {@link #broadcast(float[], int) broadcast}
 * and {@link #barrier()}.
 *
 * <pre>{@code
 * try (ProcessGroup group = ProcessGroup.connect(TcpRendezvous.fromEnvironment())) {
 *   group.broadcast(model.parameters(), 0);          // every rank starts from rank 0's weights
 *   ...
 *   loss.backward();
 *   group.allReduce(grads, ReduceOp.AVG);            // or DistributedDataParallel.syncGradients()
 * }
 * }</pre>
 *
 * <p><b>Algorithm.</b> Rank r sends to rank r + 1 and receives from rank r - 1 (mod N) over two
 * sockets of its own. All-reduce is the bandwidth-optimal ring: a reduce-scatter of N - 1 steps
 * followed by an all-gather of N - 1 steps, each rank sending 2(N - 1)/N of the data in all. Long
 * arrays go through in buckets of {@code bucketBytes}, so the buffers stay small and large models
 * stream. Each element is reduced in one fixed order (along the ring) by one rank, and the result
 * copied to the others, so <b>every rank ends with bit-identical values</b>. {@link ReduceOp#AVG}
 * divides the sum by the world size once, on the rank that finishes the sum.
 *
 * <p><b>Failures.</b> Every socket operation has the group's timeout. When a peer dies, closes
 * its sockets or stops answering, the call throws {@link CollectiveException} naming the peer and
 * the operation, and the group closes its own sockets, so that its neighbours fail in turn: every
 * rank gets an exception within a few timeouts, none hangs. Ranks that call collectives in a
 * different order (one broadcasts while another all-reduces) are detected by a sequence number
 * in each message and fail the same way.
 *
 * <p>A group is used by one thread at a time: calls must not overlap. Every rank must make the
 * same calls with arrays of the same length.
 */
public final class ProcessGroup implements AutoCloseable {
  /** The default timeout of every socket operation: 60 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** The default bucket size of all-reduce and broadcast: 4 MiB. */
  public static final int DEFAULT_BUCKET_BYTES = 4 << 20;

  private static final int MAGIC = 0xAD70_12DF;
  /** op code (int), sequence number (long), payload bytes (int), elements in all (long). */
  private static final int HEADER_BYTES = 24;
  private static final int ALL_REDUCE = 1;
  private static final int BROADCAST = 2;
  private static final int BARRIER = 3;

  private final int rank;
  private final int worldSize;
  private final List<InetSocketAddress> addresses;
  private final long timeoutMillis;
  private final int bucketBytes;
  private final Socket toRight;
  private final Socket fromLeft;
  private final OutputStream out;
  private final DataInputStream in;
  private final ExecutorService sender;
  private final int inlineSendLimit;
  private byte[] sendBuffer = new byte[0];
  private byte[] receiveBuffer = new byte[0];
  private long sequence;
  private volatile CollectiveException broken;
  private volatile boolean closed;

  private ProcessGroup(int rank, int worldSize, List<InetSocketAddress> addresses,
      long timeoutMillis, int bucketBytes, Socket toRight, Socket fromLeft) throws IOException {
    this.rank = rank;
    this.worldSize = worldSize;
    this.addresses = addresses;
    this.timeoutMillis = timeoutMillis;
    this.bucketBytes = bucketBytes;
    this.toRight = toRight;
    this.fromLeft = fromLeft;
    this.out = toRight == null ? null : toRight.getOutputStream();
    this.in = fromLeft == null ? null : new DataInputStream(fromLeft.getInputStream());
    this.inlineSendLimit = toRight == null ? 0
        : Math.min(16 << 10, toRight.getSendBufferSize() / 2);
    this.sender = toRight == null ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "adjoint-process-group-rank-" + rank + "-send");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects this rank to the others with {@link #DEFAULT_TIMEOUT} and
   * {@link #DEFAULT_BUCKET_BYTES}.
   *
   * @throws CollectiveException when the rendezvous or a connection fails or times out
   */
  public static ProcessGroup connect(Rendezvous rendezvous) {
    return connect(rendezvous, DEFAULT_TIMEOUT, DEFAULT_BUCKET_BYTES);
  }

  /**
   * Connects this rank to the others: opens a listening socket, exchanges addresses through
   * {@code rendezvous}, connects to the next rank and accepts the previous one. Every rank of
   * the rendezvous must call this.
   *
   * @param timeout the limit of every socket operation, here and in every later collective
   * @param bucketBytes how many bytes of an array all-reduce and broadcast move at a time
   * @throws IllegalArgumentException when the timeout is not positive or the bucket is smaller
   *     than 1 KiB
   * @throws CollectiveException when the rendezvous or a connection fails or times out
   */
  public static ProcessGroup connect(Rendezvous rendezvous, Duration timeout, int bucketBytes) {
    Objects.requireNonNull(rendezvous, "ProcessGroup.connect: rendezvous");
    Objects.requireNonNull(timeout, "ProcessGroup.connect: timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("ProcessGroup.connect: timeout must be positive, got "
          + timeout);
    }
    if (bucketBytes < 1024) {
      throw new IllegalArgumentException("ProcessGroup.connect: bucketBytes must be >= 1024, got "
          + bucketBytes);
    }
    int rank = rendezvous.rank();
    int n = rendezvous.worldSize();
    long timeoutMillis = Math.max(1, timeout.toMillis());
    String who = "rank " + rank + " of " + n;
    long deadline = System.nanoTime() + timeout.toNanos();
    Socket right = null;
    Socket left = null;
    try (ServerSocket listener = new ServerSocket(0, Math.max(4, n))) {
      List<InetSocketAddress> addresses = List.copyOf(
          rendezvous.exchange(listener.getLocalPort(), timeout));
      if (addresses.size() != n) {
        throw new CollectiveException("ProcessGroup.connect: " + who + ": the rendezvous returned "
            + addresses.size() + " addresses for " + n + " ranks");
      }
      if (n == 1) {
        return new ProcessGroup(0, 1, addresses, timeoutMillis, bucketBytes, null, null);
      }
      int next = (rank + 1) % n;
      int previous = (rank + n - 1) % n;
      right = connectTo(addresses.get(next), next, rank, n, deadline, who);
      left = acceptFrom(listener, previous, n, deadline, who);
      right.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
      left.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
      return new ProcessGroup(rank, n, addresses, timeoutMillis, bucketBytes, right, left);
    } catch (IOException | RuntimeException e) {
      closeQuietly(right);
      closeQuietly(left);
      if (e instanceof CollectiveException c) {
        throw c;
      }
      throw new CollectiveException("ProcessGroup.connect: " + who + " could not connect: " + e,
          e);
    }
  }

  private static Socket connectTo(InetSocketAddress address, int peer, int rank, int n,
      long deadline, String who) throws IOException {
    IOException last = null;
    while (System.nanoTime() < deadline) {
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.connect(address, remainingMillis(deadline));
        DataOutputStream hello = new DataOutputStream(s.getOutputStream());
        hello.writeInt(MAGIC);
        hello.writeInt(rank);
        hello.writeInt(n);
        hello.flush();
        return s;
      } catch (IOException e) {
        closeQuietly(s);
        last = e;
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", ie);
        }
      }
    }
    throw new CollectiveException("ProcessGroup.connect: " + who + " could not connect to rank "
        + peer + " at " + address + " in time", last);
  }

  private static Socket acceptFrom(ServerSocket listener, int peer, int n, long deadline,
      String who) throws IOException {
    while (true) {
      Socket s;
      try {
        listener.setSoTimeout(remainingMillis(deadline));
        s = listener.accept();
      } catch (SocketTimeoutException e) {
        throw new CollectiveException("ProcessGroup.connect: " + who + ": rank " + peer
            + " did not connect in time", e);
      }
      try {
        s.setTcpNoDelay(true);
        s.setSoTimeout(remainingMillis(deadline));
        DataInputStream hello = new DataInputStream(s.getInputStream());
        if (hello.readInt() == MAGIC && hello.readInt() == peer && hello.readInt() == n) {
          return s;
        }
      } catch (IOException e) {
        // a stray connection (a port scanner, a rank of an earlier attempt): drop it
      }
      closeQuietly(s);
    }
  }

  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long ms = (deadline - System.nanoTime()) / 1_000_000;
    if (ms <= 0) {
      throw new SocketTimeoutException("timed out");
    }
    return (int) Math.min(Integer.MAX_VALUE, ms);
  }

  // ================================================================== accessors

  /** This process's rank. */
  public int rank() {
    return rank;
  }

  /** The number of ranks. */
  public int worldSize() {
    return worldSize;
  }

  /** The address on which each rank listened when the group connected, in rank order. */
  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  /** The limit of every socket operation. */
  public Duration timeout() {
    return Duration.ofMillis(timeoutMillis);
  }

  /** How many bytes all-reduce and broadcast move at a time. */
  public int bucketBytes() {
    return bucketBytes;
  }

  // ================================================================== all-reduce

  /**
   * Replaces {@code data} on every rank by the elementwise sum (or mean) of every rank's
   * {@code data}; every rank ends with the same bits.
   *
   * @throws CollectiveException when a peer fails, times out or has an array of another length
   */
  public void allReduce(float[] data, ReduceOp op) {
    allReduce(new Floats(Objects.requireNonNull(data, "allReduce: data")), 0, data.length, op);
  }

  /** As {@link #allReduce(float[], ReduceOp)}, over {@code data[offset, offset + length)}. */
  public void allReduce(float[] data, int offset, int length, ReduceOp op) {
    Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(data, "allReduce: data")
        .length);
    allReduce(new Floats(data), offset, length, op);
  }

  /** As {@link #allReduce(float[], ReduceOp)}, for float64. */
  public void allReduce(double[] data, ReduceOp op) {
    allReduce(new Doubles(Objects.requireNonNull(data, "allReduce: data")), 0, data.length, op);
  }

  /** As {@link #allReduce(float[], ReduceOp)}, over {@code data[offset, offset + length)}. */
  public void allReduce(double[] data, int offset, int length, ReduceOp op) {
    Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(data, "allReduce: data")
        .length);
    allReduce(new Doubles(data), offset, length, op);
  }

  /**
   * All-reduces a float32 or float64 tensor in place (its values are copied out, reduced and
   * copied back, so any layout works).
   *
   * @throws IllegalArgumentException when the tensor is neither float32 nor float64
   */
  public void allReduce(Tensor tensor, ReduceOp op) {
    allReduce(List.of(Objects.requireNonNull(tensor, "allReduce: tensor")), op);
  }

  /**
   * All-reduces float32 and float64 tensors in place, packing consecutive tensors of one dtype
   * into buckets of about {@link #bucketBytes()}, so that small tensors (biases) share a message
   * and the memory used stays near one bucket.
   *
   * @throws IllegalArgumentException when a tensor is neither float32 nor float64
   */
  public void allReduce(List<Tensor> tensors, ReduceOp op) {
    Objects.requireNonNull(op, "allReduce: op");
    for (List<Tensor> bucket : buckets(tensors, "allReduce")) {
      boolean isDouble = bucket.get(0).dtype() == DType.FLOAT64;
      int total = 0;
      for (Tensor t : bucket) {
        total += t.numel();
      }
      Object flat = isDouble ? new double[total] : new float[total];
      int at = 0;
      for (Tensor t : bucket) {
        Object values = isDouble ? t.toDoubleArray() : t.toFloatArray();
        System.arraycopy(values, 0, flat, at, t.numel());
        at += t.numel();
      }
      if (isDouble) {
        allReduce((double[]) flat, op);
      } else {
        allReduce((float[]) flat, op);
      }
      copyBack(bucket, flat, isDouble);
    }
  }

  private void allReduce(Elements data, int offset, int length, ReduceOp op) {
    Objects.requireNonNull(op, "allReduce: op");
    long seq = begin("allReduce");
    if (worldSize == 1) {
      return;
    }
    int perBucket = Math.max(worldSize, bucketBytes / data.bytes());
    String what = "allReduce #" + seq + " (" + length + " elements)";
    // Every message carries the length, so that ranks with arrays of different lengths fail
    // clearly; an empty array still makes one round for that check.
    for (int b = 0; b < length || b == 0; b += perBucket) {
      int start = offset + b;
      int count = Math.min(perBucket, length - b);
      // reduce-scatter: after N - 1 steps rank r holds the whole sum of chunk r + 1
      for (int step = 0; step < worldSize - 1; step++) {
        int send = Math.floorMod(rank - step, worldSize);
        int receive = Math.floorMod(rank - step - 1, worldSize);
        exchange(data, ALL_REDUCE, seq, length, start, count, send, receive, true, what);
      }
      int own = (rank + 1) % worldSize;
      if (op == ReduceOp.AVG) {
        data.divide(chunkStart(start, count, own), chunkStart(start, count, own + 1), worldSize);
      }
      // all-gather: pass the finished chunks around the ring
      for (int step = 0; step < worldSize - 1; step++) {
        int send = Math.floorMod(rank + 1 - step, worldSize);
        int receive = Math.floorMod(rank - step, worldSize);
        exchange(data, ALL_REDUCE, seq, length, start, count, send, receive, false, what);
      }
    }
  }

  private int chunkStart(int start, int count, int chunk) {
    return start + (int) ((long) count * chunk / worldSize);
  }

  /**
   * One ring step: sends chunk {@code send} of the bucket to the next rank while receiving chunk
   * {@code receive} from the previous one, and adds it in or copies it over.
   */
  private void exchange(Elements data, int opCode, long seq, long total, int start, int count,
      int send, int receive, boolean accumulate, String what) {
    int sendFrom = chunkStart(start, count, send);
    int sendCount = chunkStart(start, count, send + 1) - sendFrom;
    int receiveFrom = chunkStart(start, count, receive);
    int receiveCount = chunkStart(start, count, receive + 1) - receiveFrom;
    byte[] message = sendBuffer(sendCount * data.bytes());
    ByteBuffer payload = header(message, opCode, seq, sendCount * data.bytes(), total);
    data.encode(sendFrom, sendCount, payload);
    Future<?> sent = send(message, HEADER_BYTES + sendCount * data.bytes(), what);
    ByteBuffer received = receive(opCode, seq, receiveCount * data.bytes(), total, what);
    if (accumulate) {
      data.accumulate(received, receiveFrom, receiveCount);
    } else {
      data.assign(received, receiveFrom, receiveCount);
    }
    awaitSent(sent, what);
  }

  // ================================================================== broadcast

  /**
   * Copies rank {@code root}'s {@code data} into {@code data} on every other rank.
   *
   * @throws CollectiveException when a peer fails, times out or has an array of another length
   */
  public void broadcast(float[] data, int root) {
    broadcast(new Floats(Objects.requireNonNull(data, "broadcast: data")), root);
  }

  /** As {@link #broadcast(float[], int)}, for float64. */
  public void broadcast(double[] data, int root) {
    broadcast(new Doubles(Objects.requireNonNull(data, "broadcast: data")), root);
  }

  /**
   * Returns rank {@code root}'s {@code data} on every rank (the bytes of a checkpoint, say):
   * {@code data} is read on the root and ignored (it may be null) elsewhere.
   *
   * @throws CollectiveException when a peer fails or times out
   */
  public byte[] broadcast(byte[] data, int root) {
    checkRoot(root);
    if (rank == root) {
      Objects.requireNonNull(data, "broadcast: data on the root");
    }
    long seq = begin("broadcast");
    String what = "broadcast #" + seq + " of bytes from rank " + root;
    if (worldSize == 1) {
      return data;
    }
    long length = rank == root ? data.length : 0;
    // the length travels down the ring first, then the bytes
    length = relayLength(root, seq, length, what);
    byte[] result = rank == root ? data : new byte[(int) length];
    relay(new Bytes(result), root, seq, length, what);
    return result;
  }

  /**
   * Copies rank {@code root}'s values of each float32 or float64 tensor into it on every other
   * rank, as {@code DistributedDataParallel} does with the parameters when it starts.
   *
   * @throws IllegalArgumentException when a tensor is neither float32 nor float64
   */
  public void broadcast(List<Tensor> tensors, int root) {
    checkRoot(root);
    for (List<Tensor> bucket : buckets(tensors, "broadcast")) {
      boolean isDouble = bucket.get(0).dtype() == DType.FLOAT64;
      int total = 0;
      for (Tensor t : bucket) {
        total += t.numel();
      }
      Object flat = isDouble ? new double[total] : new float[total];
      if (rank == root) {
        int at = 0;
        for (Tensor t : bucket) {
          System.arraycopy(isDouble ? t.toDoubleArray() : t.toFloatArray(), 0, flat, at,
              t.numel());
          at += t.numel();
        }
      }
      if (isDouble) {
        broadcast((double[]) flat, root);
      } else {
        broadcast((float[]) flat, root);
      }
      if (rank != root) {
        copyBack(bucket, flat, isDouble);
      }
    }
  }

  private void broadcast(Elements data, int root) {
    checkRoot(root);
    long seq = begin("broadcast");
    if (worldSize == 1) {
      return;
    }
    String what = "broadcast #" + seq + " from rank " + root + " (" + data.length()
        + " elements)";
    relay(data, root, seq, data.length(), what);
  }

  /** Sends the root's length down the ring; returns the root's length on every rank. */
  private long relayLength(int root, long seq, long length, String what) {
    long value = length;
    if (rank != root) {
      value = receive(BROADCAST, seq, 8, 1, what).getLong();
    }
    if (right() != root) {
      byte[] message = sendBuffer(8);
      header(message, BROADCAST, seq, 8, 1).putLong(value);
      awaitSent(send(message, HEADER_BYTES + 8, what), what);
    }
    return value;
  }

  /**
   * Sends the root's data down the ring (root, root + 1, ...) in buckets: each rank forwards
   * bucket k while it receives bucket k + 1.
   */
  private void relay(Elements data, int root, long seq, long total, String what) {
    int perBucket = Math.max(1, bucketBytes / data.bytes());
    boolean forward = right() != root;
    Future<?> sent = null;
    // as in allReduce, an empty array still sends one (empty) message
    for (int start = 0; start < data.length() || start == 0; start += perBucket) {
      int count = Math.min(perBucket, data.length() - start);
      int bytes = count * data.bytes();
      if (rank == root) {
        awaitSent(sent, what);
        byte[] message = sendBuffer(bytes);
        data.encode(start, count, header(message, BROADCAST, seq, bytes, total));
        sent = send(message, HEADER_BYTES + bytes, what);
        continue;
      }
      ByteBuffer received = receive(BROADCAST, seq, bytes, total, what);
      if (forward) {
        awaitSent(sent, what);
        byte[] message = sendBuffer(bytes);
        header(message, BROADCAST, seq, bytes, total).put(received.duplicate());
        sent = send(message, HEADER_BYTES + bytes, what);
      }
      data.assign(received, start, count);
    }
    awaitSent(sent, what);
  }

  private void checkRoot(int root) {
    if (root < 0 || root >= worldSize) {
      throw new IllegalArgumentException("broadcast: root must be in 0.." + (worldSize - 1)
          + ", got " + root);
    }
  }

  // ================================================================== barrier

  /**
   * Returns once every rank has called it: a token goes twice around the ring, the first time to
   * learn that everyone arrived, the second to tell everyone.
   *
   * @throws CollectiveException when a peer fails or does not arrive within the timeout
   */
  public void barrier() {
    long seq = begin("barrier");
    if (worldSize == 1) {
      return;
    }
    String what = "barrier #" + seq;
    for (int round = 0; round < 2; round++) {
      if (rank != 0) {
        receive(BARRIER, seq, 0, 0, what);
      }
      byte[] message = sendBuffer(0);
      header(message, BARRIER, seq, 0, 0);
      awaitSent(send(message, HEADER_BYTES, what), what);
      if (rank == 0) {
        receive(BARRIER, seq, 0, 0, what);
      }
    }
  }

  // ================================================================== messages

  private long begin(String op) {
    if (closed) {
      throw new IllegalStateException(op + ": the process group is closed");
    }
    CollectiveException b = broken;
    if (b != null) {
      throw new CollectiveException("rank " + rank + " of " + worldSize + ": " + op
          + ": the process group broke earlier: " + b.getMessage(), b);
    }
    return sequence++;
  }

  private int right() {
    return (rank + 1) % worldSize;
  }

  private int left() {
    return (rank + worldSize - 1) % worldSize;
  }

  private byte[] sendBuffer(int payloadBytes) {
    if (sendBuffer.length < HEADER_BYTES + payloadBytes) {
      sendBuffer = new byte[HEADER_BYTES + payloadBytes];
    }
    return sendBuffer;
  }

  /** Writes the header into {@code message}; returns a buffer positioned at the payload. */
  private static ByteBuffer header(byte[] message, int opCode, long seq, int payloadBytes,
      long total) {
    ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(opCode).putLong(seq).putInt(payloadBytes).putLong(total);
    return b;
  }

  private Future<?> send(byte[] message, int length, String what) {
    if (length <= inlineSendLimit) {
      // Small enough for the socket's send buffer, so the write cannot block on a peer that
      // reads nothing: written here, it saves waking the sender thread (most of a small
      // all-reduce's latency).
      try {
        out.write(message, 0, length);
        out.flush();
        return null;
      } catch (IOException e) {
        throw fail(what + ": sending to rank " + right() + " at " + addresses.get(right())
            + " failed (it died or closed the connection): " + e, e);
      }
    }
    try {
      return sender.submit(() -> {
        out.write(message, 0, length);
        out.flush();
        return null;
      });
    } catch (RuntimeException e) {
      throw fail(what + ": could not send to rank " + right(), e);
    }
  }

  private void awaitSent(Future<?> sent, String what) {
    if (sent == null) {
      return;
    }
    try {
      sent.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw fail(what + ": rank " + right() + " at " + addresses.get(right())
          + " took no data for " + timeoutMillis + " ms (it is stuck or dead)", e);
    } catch (ExecutionException e) {
      throw fail(what + ": sending to rank " + right() + " at " + addresses.get(right())
          + " failed (it died or closed the connection): " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(what + ": interrupted", e);
    }
  }

  /** Reads one message from the previous rank; returns a buffer over its payload. */
  private ByteBuffer receive(int opCode, long seq, int payloadBytes, long total, String what) {
    if (receiveBuffer.length < HEADER_BYTES + payloadBytes) {
      receiveBuffer = new byte[HEADER_BYTES + payloadBytes];
    }
    try {
      in.readFully(receiveBuffer, 0, HEADER_BYTES);
      ByteBuffer h = ByteBuffer.wrap(receiveBuffer, 0, HEADER_BYTES)
          .order(ByteOrder.LITTLE_ENDIAN);
      int theirOp = h.getInt();
      long theirSeq = h.getLong();
      int theirBytes = h.getInt();
      long theirTotal = h.getLong();
      if (theirOp == opCode && theirSeq == seq && theirTotal != total) {
        throw fail(what + ": rank " + left() + " has " + theirTotal + " elements, this rank "
            + total + "; every rank must pass arrays of the same length", null);
      }
      if (theirOp != opCode || theirSeq != seq || theirBytes != payloadBytes) {
        throw fail(what + ": rank " + left() + " sent " + describe(theirOp, theirSeq, theirBytes)
            + " but this rank expected " + describe(opCode, seq, payloadBytes)
            + "; every rank must call the same collectives in the same order with the same sizes",
            null);
      }
      in.readFully(receiveBuffer, HEADER_BYTES, payloadBytes);
      return ByteBuffer.wrap(receiveBuffer, HEADER_BYTES, payloadBytes)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (SocketTimeoutException e) {
      throw fail(what + ": no data from rank " + left() + " at " + addresses.get(left())
          + " for " + timeoutMillis + " ms (it is stuck or dead)", e);
    } catch (EOFException e) {
      throw fail(what + ": rank " + left() + " at " + addresses.get(left())
          + " closed the connection (it failed or left)", e);
    } catch (IOException e) {
      throw fail(what + ": receiving from rank " + left() + " at " + addresses.get(left())
          + " failed: " + e, e);
    }
  }

  private static String describe(int op, long seq, int bytes) {
    String name = switch (op) {
      case ALL_REDUCE -> "allReduce";
      case BROADCAST -> "broadcast";
      case BARRIER -> "barrier";
      default -> "op " + op;
    };
    return name + " #" + seq + " (" + bytes + " bytes)";
  }

  /** Marks the group broken, closes its sockets so the neighbours fail too, and returns why. */
  private CollectiveException fail(String message, Throwable cause) {
    CollectiveException e = new CollectiveException("rank " + rank + " of " + worldSize + ": "
        + message, cause);
    if (broken == null) {
      broken = e;
    }
    shutdown();
    return e;
  }

  /**
   * Closes the sockets. The other ranks' next collective then fails (they see the connection
   * closed) instead of waiting for this one.
   */
  @Override
  public void close() {
    closed = true;
    shutdown();
  }

  private void shutdown() {
    closeQuietly(toRight);
    closeQuietly(fromLeft);
    if (sender != null) {
      sender.shutdownNow();
    }
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public String toString() {
    return "ProcessGroup[rank " + rank + " of " + worldSize + ", timeout " + timeoutMillis
        + " ms, buckets of " + bucketBytes + " bytes]";
  }

  // ================================================================== tensors

  /** Splits tensors into runs of one dtype of at most about {@link #bucketBytes} each. */
  private List<List<Tensor>> buckets(List<Tensor> tensors, String op) {
    if (tensors == null) {
      throw new NullPointerException(op + ": tensors");
    }
    List<List<Tensor>> out = new ArrayList<>();
    List<Tensor> current = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      if (t == null) {
        throw new NullPointerException(op + ": tensor " + i + " is null");
      }
      if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT64) {
        throw new IllegalArgumentException(op + ": tensor " + i + " is " + t.dtype()
            + " " + Arrays.toString(t.shape()) + "; only float32 and float64 are supported");
      }
      long size = (long) t.numel() * t.dtype().byteSize();
      if (!current.isEmpty() && (current.get(0).dtype() != t.dtype()
          || bytes + size > bucketBytes)) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(t);
      bytes += size;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  private static void copyBack(List<Tensor> bucket, Object flat, boolean isDouble) {
    int at = 0;
    try (GradMode.Scope s = GradMode.noGrad()) {
      for (Tensor t : bucket) {
        int n = t.numel();
        Object part = isDouble ? Arrays.copyOfRange((double[]) flat, at, at + n)
            : Arrays.copyOfRange((float[]) flat, at, at + n);
        t.copy_(Tensor.fromArray(part, t.shape()));
        at += n;
      }
    }
  }

  // ================================================================== element codecs

  /** An array seen as elements to put on and take off the wire (little-endian). */
  private interface Elements {
    int bytes();

    int length();

    void encode(int from, int count, ByteBuffer to);

    void accumulate(ByteBuffer from, int at, int count);

    void assign(ByteBuffer from, int at, int count);

    void divide(int from, int to, int n);
  }

  private record Floats(float[] a) implements Elements {
    public int bytes() {
      return 4;
    }

    public int length() {
      return a.length;
    }

    public void encode(int from, int count, ByteBuffer to) {
      to.asFloatBuffer().put(a, from, count);
    }

    public void accumulate(ByteBuffer from, int at, int count) {
      var f = from.asFloatBuffer();
      for (int i = 0; i < count; i++) {
        a[at + i] += f.get(i);
      }
    }

    public void assign(ByteBuffer from, int at, int count) {
      from.asFloatBuffer().get(a, at, count);
    }

    public void divide(int from, int to, int n) {
      for (int i = from; i < to; i++) {
        a[i] /= n;
      }
    }
  }

  private record Doubles(double[] a) implements Elements {
    public int bytes() {
      return 8;
    }

    public int length() {
      return a.length;
    }

    public void encode(int from, int count, ByteBuffer to) {
      to.asDoubleBuffer().put(a, from, count);
    }

    public void accumulate(ByteBuffer from, int at, int count) {
      var d = from.asDoubleBuffer();
      for (int i = 0; i < count; i++) {
        a[at + i] += d.get(i);
      }
    }

    public void assign(ByteBuffer from, int at, int count) {
      from.asDoubleBuffer().get(a, at, count);
    }

    public void divide(int from, int to, int n) {
      for (int i = from; i < to; i++) {
        a[i] /= n;
      }
    }
  }

  private record Bytes(byte[] a) implements Elements {
    public int bytes() {
      return 1;
    }

    public int length() {
      return a.length;
    }

    public void encode(int from, int count, ByteBuffer to) {
      to.put(a, from, count);
    }

    public void accumulate(ByteBuffer from, int at, int count) {
      throw new UnsupportedOperationException("bytes are only broadcast");
    }

    public void assign(ByteBuffer from, int at, int count) {
      from.duplicate().get(a, at, count);
    }

    public void divide(int from, int to, int n) {
      throw new UnsupportedOperationException("bytes are only broadcast");
    }
  }
}
