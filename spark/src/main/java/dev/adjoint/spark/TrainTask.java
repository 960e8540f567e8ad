package dev.adjoint.spark;

import dev.adjoint.distributed.DistributedDataParallel;
import dev.adjoint.distributed.ProcessGroup;
import dev.adjoint.distributed.ReduceOp;
import dev.adjoint.io.Checkpoint;
import dev.adjoint.io.SafeTensors;
import dev.adjoint.nn.Module;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.apache.spark.BarrierTaskContext;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/** The body of each barrier task of {@link SparkTrainer#fit}: one rank of the run. */
final class TrainTask<T> extends AbstractFunction1<scala.collection.Iterator<T>,
    scala.collection.Iterator<TrainingResult>> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The checkpoint's file name in the checkpoint directory. */
  static final String CHECKPOINT_FILE = "adjoint-spark.ckpt";

  /**
   * Tasks that share a JVM (local mode, several cores per executor) share the default generator:
   * models are made one at a time, each right after seeding it, so each starts the same.
   */
  private static final Object INIT_LOCK = new Object();

  private static final String RUN_KEY = "adjoint.spark.run";
  private static final String LOSS_SUM_KEY = "adjoint.spark.loss_sum";
  private static final String EPOCHS_KEY = "adjoint.spark.epochs";

  private final SparkTrainer<T> config;

  TrainTask(SparkTrainer<T> config) {
    this.config = config;
  }

  @Override
  public scala.collection.Iterator<TrainingResult> apply(scala.collection.Iterator<T> partition) {
    BarrierTaskContext context = BarrierTaskContext.get();
    List<T> examples = new ArrayList<>();
    CollectionConverters.asJava(partition).forEachRemaining(examples::add);
    TrainingResult result;
    try {
      result = train(context, examples);
    } catch (IOException e) {
      throw new UncheckedIOException("adjoint-spark: partition " + context.partitionId() + ": "
          + e.getMessage(), e);
    }
    List<TrainingResult> out = result == null ? List.of() : List.of(result);
    return CollectionConverters.asScala(out.iterator());
  }

  private TrainingResult train(BarrierTaskContext context, List<T> examples) throws IOException {
    SparkRendezvous rendezvous = new SparkRendezvous(context, String.valueOf(examples.size()));
    try (ProcessGroup group = ProcessGroup.connect(rendezvous, config.timeout,
        config.bucketBytes); Watchdog watchdog = new Watchdog(context, group)) {
      int n = group.worldSize();
      int rank = group.rank();
      int local = config.globalBatchSize / n;
      int smallest = Integer.MAX_VALUE;
      int smallestRank = 0;
      for (int r = 0; r < n; r++) {
        int size = Integer.parseInt(rendezvous.payloads().get(r));
        if (size < smallest) {
          smallest = size;
          smallestRank = r;
        }
      }
      int stepsPerEpoch = smallest / local;
      if (stepsPerEpoch == 0) {
        throw new IllegalArgumentException("adjoint-spark: partition " + smallestRank + " has "
            + smallest + " examples, fewer than one rank's share of a batch (" + local
            + " = global batch " + config.globalBatchSize + " / " + n + " ranks)");
      }
      long total = (long) config.epochs * stepsPerEpoch;

      Module model;
      synchronized (INIT_LOCK) {
        Tensor.manualSeed(config.seed);
        model = config.model.create();
      }
      DistributedDataParallel ddp = new DistributedDataParallel(model, group);
      Optimizer optimizer = config.optimizer.create(model.parameters());
      Module loss = config.loss.create();
      String run = "world " + n + ", global batch " + config.globalBatchSize + ", seed "
          + config.seed + ", " + stepsPerEpoch + " steps per epoch";

      // Resume: rank 0 reads the last checkpoint and sends its bytes to everyone.
      Path file = config.checkpointDir == null ? null
          : Path.of(config.checkpointDir, CHECKPOINT_FILE);
      byte[] saved = null;
      if (rank == 0) {
        saved = file != null && Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
      }
      saved = group.broadcast(saved, 0);
      long step = 0;
      double lossSum = 0;
      List<EpochMetrics> done = new ArrayList<>();
      if (saved.length > 0) {
        Checkpoint c = load(saved);
        String theirs = c.metadata().get(RUN_KEY);
        if (!run.equals(theirs)) {
          throw new IllegalStateException("adjoint-spark: the checkpoint " + file + " belongs to"
              + " another run (" + theirs + "), this run is " + run + "; use a fresh directory");
        }
        c.restorer().model(model).optimizer(optimizer).defaultGenerator(false).restore();
        step = c.step();
        lossSum = Double.longBitsToDouble(Long.parseUnsignedLong(
            c.metadata().get(LOSS_SUM_KEY), 16));
        done.addAll(decodeEpochs(c.metadata().get(EPOCHS_KEY)));
      }
      long resumedFrom = step;

      int[] order = null;
      int orderEpoch = -1;
      double pending = 0;
      long epochStart = System.nanoTime();
      int timed = 0;
      long syncNanos = 0;
      while (step < total) {
        int epoch = (int) (step / stepsPerEpoch);
        int k = (int) (step % stepsPerEpoch);
        if (epoch != orderEpoch) {
          order = order(examples.size(), config.seed, epoch, rank);
          orderEpoch = epoch;
        }
        List<T> batch = new ArrayList<>(local);
        for (int i = 0; i < local; i++) {
          batch.add(examples.get(order[k * local + i]));
        }
        Tensor[] xy = config.collator.collate(batch);
        optimizer.zeroGrad();
        Tensor l = loss.call(ddp.call(xy[0]), xy[1]);
        l.backward();
        long syncStart = System.nanoTime();
        ddp.syncGradients();
        syncNanos += System.nanoTime() - syncStart;
        optimizer.step();
        pending += l.item();
        step++;
        timed++;
        boolean epochEnd = step % stepsPerEpoch == 0;
        boolean checkpoint = file != null && step % config.checkpointEvery == 0;
        if (epochEnd || checkpoint) {
          // The ranks' loss sums meet only here, so that a checkpoint carries the global sum.
          double[] sum = {pending};
          group.allReduce(sum, ReduceOp.SUM);
          lossSum += sum[0];
          pending = 0;
        }
        if (epochEnd) {
          double seconds = (System.nanoTime() - epochStart) / 1e9;
          done.add(new EpochMetrics(epoch, lossSum / ((double) stepsPerEpoch * n), stepsPerEpoch,
              (long) stepsPerEpoch * config.globalBatchSize, seconds, timed, syncNanos / 1e9));
          lossSum = 0;
          timed = 0;
          syncNanos = 0;
          epochStart = System.nanoTime();
        }
        if (checkpoint && rank == 0) {
          Map<String, String> metadata = new LinkedHashMap<>();
          metadata.put(RUN_KEY, run);
          metadata.put(LOSS_SUM_KEY, Long.toHexString(Double.doubleToRawLongBits(lossSum)));
          metadata.put(EPOCHS_KEY, encodeEpochs(done));
          Files.createDirectories(file.getParent());
          Checkpoint.builder().model(model).optimizer(optimizer).epoch(epoch).step(step)
              .defaultGenerator(false).metadata(metadata).save(file);
        }
      }
      checkRanksAgree(group, model);
      if (rank != 0) {
        return null;
      }
      return new TrainingResult(stateDictBytes(model), done, total, resumedFrom,
          context.stageAttemptNumber(), n);
    }
  }

  /**
   * Closes the group when Spark kills the task (another task of the stage failed, or the job was
   * cancelled): Spark only interrupts the thread, which a socket read does not notice, and the
   * ranks still waiting on this one would otherwise wait for the timeout.
   */
  private static final class Watchdog implements AutoCloseable {
    private final Thread thread;

    Watchdog(BarrierTaskContext context, ProcessGroup group) {
      thread = new Thread(() -> {
        try {
          while (!context.isInterrupted()) {
            Thread.sleep(100);
          }
          group.close();
        } catch (InterruptedException e) {
          // the task ended: nothing to watch
        }
      }, "adjoint-spark-watchdog-" + context.partitionId());
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }

  /**
   * Checks that every rank ends with rank 0's parameters, bit for bit (a CRC-32 of their bits),
   * as averaged gradients and one optimizer should make them: a rank that drifted would
   * otherwise go unnoticed, since only rank 0's state comes back.
   *
   * @throws IllegalStateException on every rank when some rank differs
   */
  private static void checkRanksAgree(ProcessGroup group, Module model) {
    CRC32 crc = new CRC32();
    for (Tensor p : model.parameters()) {
      for (double v : p.toDoubleArray()) {
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
          crc.update((int) (bits >>> (8 * i)));
        }
      }
    }
    double[] rank0 = {crc.getValue()};
    group.broadcast(rank0, 0);
    double[] differing = {rank0[0] == crc.getValue() ? 0 : 1};
    group.allReduce(differing, ReduceOp.SUM);
    if (differing[0] > 0) {
      throw new IllegalStateException("adjoint-spark: " + (int) differing[0] + " rank(s) ended"
          + " with parameters other than rank 0's (partition " + group.rank() + " is "
          + (rank0[0] == crc.getValue() ? "equal" : "one of them") + "): the model or the"
          + " optimizer draws random numbers or depends on the rank, or the executors compute"
          + " differently");
    }
  }

  /** Epoch {@code epoch}'s order of a partition of {@code size} examples on {@code rank}. */
  static int[] order(int size, long seed, int epoch, int rank) {
    Random random = new Random(seed * 0x9E37_79B9_7F4A_7C15L + epoch * 1_000_003L + rank);
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static Checkpoint load(byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile("adjoint-spark", ".ckpt");
    try {
      Files.write(tmp, bytes);
      return Checkpoint.load(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static byte[] stateDictBytes(Module model) throws IOException {
    Path tmp = Files.createTempFile("adjoint-spark", ".safetensors");
    try {
      SafeTensors.save(model.stateDict(), tmp);
      return Files.readAllBytes(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Epoch metrics as text, doubles by their bits so that they come back exactly. */
  private static String encodeEpochs(List<EpochMetrics> epochs) {
    StringBuilder sb = new StringBuilder();
    for (EpochMetrics e : epochs) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(e.epoch()).append(',').append(bits(e.meanLoss())).append(',').append(e.steps())
          .append(',').append(e.examples()).append(',').append(bits(e.seconds())).append(',')
          .append(e.timedSteps()).append(',').append(bits(e.syncSeconds()));
    }
    return sb.toString();
  }

  private static List<EpochMetrics> decodeEpochs(String text) {
    List<EpochMetrics> out = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String entry : text.split(";")) {
      String[] f = entry.split(",");
      out.add(new EpochMetrics(Integer.parseInt(f[0]), unbits(f[1]), Integer.parseInt(f[2]),
          Long.parseLong(f[3]), unbits(f[4]), Integer.parseInt(f[5]), unbits(f[6])));
    }
    return out;
  }

  private static String bits(double v) {
    return Long.toHexString(Double.doubleToRawLongBits(v));
  }

  private static double unbits(String s) {
    return Double.longBitsToDouble(Long.parseUnsignedLong(s, 16));
  }
}
