package dev.adjoint.spark;

import dev.adjoint.distributed.ProcessGroup;
import dev.adjoint.nn.Module;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.tensor.Tensor;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training on a Spark cluster, called from a Java driver. One call of
 * {@link #fit} runs one barrier stage with one task per partition of the examples: Spark starts
 * the tasks together, they find each other once through {@code allGather}, and each trains a
 * copy of the model on its own partition, averaging gradients with the others after every
 * backward pass over Adjoint's own ring all-reduce ({@link ProcessGroup}); Spark's RPC carries
 * no tensor. Rank 0's trained state dict and the per-epoch metrics come back to the driver.
 *
 * <pre>{@code
 * JavaRDD<Sample> data = ...;   // N partitions train as N ranks
 * TrainingResult r = SparkTrainer.<Sample>builder()
 *     .model(() -> new Mlp())
 *     .loss(CrossEntropyLoss::new)
 *     .optimizer(params -> new Adam(params, 1e-3))
 *     .collator(Sample::batch)                  // List<Sample> -> {input, target}
 *     .globalBatchSize(128).epochs(10).seed(42)
 *     .checkpointEvery(200, "/shared/run-17")   // optional: survive a failed task
 *     .build()
 *     .fit(data);
 * model.loadStateDict(r.stateDict());
 * }</pre>
 *
 * <p><b>What a step is.</b> Each rank takes {@code globalBatchSize / N} examples per step from its
 * partition, in an order drawn for each epoch from the seed, the epoch and the rank; an epoch is
 * as many steps as the smallest partition fills (a partial last batch is dropped). With a loss
 * that averages over the batch, a step equals one step of a single process on the N ranks'
 * examples together, to float rounding. Every rank starts from rank 0's weights (the model
 * factory runs under {@code Tensor.manualSeed(seed)}) and the parameters stay bit-identical on
 * every rank; at the end every rank checks that by checksum, and the run fails if one differs.
 *
 * <p><b>Faults.</b> When a task fails (an exception, a lost executor) its neighbours' collectives
 * fail at once or within the timeout, Spark fails the stage and retries it (up to
 * {@code spark.stage.maxConsecutiveAttempts}, 4 by default). With {@link Builder#checkpointEvery},
 * rank 0 writes an exact-resume {@link dev.adjoint.io.Checkpoint} every so many steps into a
 * directory every executor can read (a shared file system); a retried stage resumes from the last
 * one and ends with the parameters, bit for bit, and the metrics of an uninterrupted run. The
 * directory belongs to one run: a checkpoint of a run with another world size, batch size or seed
 * is refused. A run that finished leaves its last checkpoint, so calling {@code fit} again
 * returns the same result without training.
 *
 * <p>Limits: CPU tensors; the partitions must fit in each executor's memory (they are read into
 * a list); random draws inside the model's forward (dropout) use each JVM's default generator,
 * which checkpoints do not carry across ranks, so such models resume but not bit for bit.
 *
 * @param <T> the type of one example
 */
public final class SparkTrainer<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Makes a fresh model on each task. */
  @FunctionalInterface
  public interface ModelFactory extends Serializable {
    /** A new model; it runs under {@code Tensor.manualSeed(seed)}. */
    Module create();
  }

  /** Makes the loss on each task, e.g. {@code CrossEntropyLoss::new}. */
  @FunctionalInterface
  public interface LossFactory extends Serializable {
    /** A new loss module, called as {@code loss.call(output, target)}. */
    Module create();
  }

  /** Makes the optimizer on each task, e.g. {@code params -> new Adam(params, 1e-3)}. */
  @FunctionalInterface
  public interface OptimizerFactory extends Serializable {
    /** A new optimizer over {@code parameters}. */
    Optimizer create(List<Tensor> parameters);
  }

  /** Turns a rank's share of a batch into the model's input and the loss's target. */
  @FunctionalInterface
  public interface Collator<T> extends Serializable {
    /** {@code {input, target}} for these examples. */
    Tensor[] collate(List<T> examples);
  }

  final ModelFactory model;
  final LossFactory loss;
  final OptimizerFactory optimizer;
  final Collator<T> collator;
  final int globalBatchSize;
  final int epochs;
  final long seed;
  final long checkpointEvery;
  final String checkpointDir;
  final Duration timeout;
  final int bucketBytes;

  private SparkTrainer(Builder<T> b) {
    this.model = Objects.requireNonNull(b.model, "SparkTrainer: model factory is not set");
    this.loss = Objects.requireNonNull(b.loss, "SparkTrainer: loss factory is not set");
    this.optimizer = Objects.requireNonNull(b.optimizer,
        "SparkTrainer: optimizer factory is not set");
    this.collator = Objects.requireNonNull(b.collator, "SparkTrainer: collator is not set");
    if (b.globalBatchSize < 1) {
      throw new IllegalArgumentException("SparkTrainer: globalBatchSize must be set and >= 1, got "
          + b.globalBatchSize);
    }
    if (b.epochs < 1) {
      throw new IllegalArgumentException("SparkTrainer: epochs must be >= 1, got " + b.epochs);
    }
    this.globalBatchSize = b.globalBatchSize;
    this.epochs = b.epochs;
    this.seed = b.seed;
    this.checkpointEvery = b.checkpointEvery;
    this.checkpointDir = b.checkpointDir;
    this.timeout = b.timeout;
    this.bucketBytes = b.bucketBytes;
  }

  /** A builder; model, loss, optimizer, collator and global batch size must be set. */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * Trains on {@code examples}, one rank per partition, and returns rank 0's result. Blocks until
   * the barrier stage ends. The global batch size must be a multiple of the number of partitions,
   * and the cluster must be able to run all partitions at once (a barrier stage's rule). When the
   * stage fails for good (every retry failed) Spark's {@code SparkException} comes out of here,
   * undeclared as Scala throws it, with the failed task's exception as its message.
   *
   * @throws IllegalArgumentException when the global batch size is not a multiple of the number
   *     of partitions
   */
  public TrainingResult fit(JavaRDD<T> examples) {
    Objects.requireNonNull(examples, "SparkTrainer.fit: examples");
    int partitions = examples.getNumPartitions();
    if (globalBatchSize % partitions != 0) {
      throw new IllegalArgumentException("SparkTrainer.fit: the global batch size "
          + globalBatchSize + " is not a multiple of the " + partitions + " partitions (ranks);"
          + " repartition the data or change the batch size");
    }
    ClassTag<TrainingResult> tag = ClassTag$.MODULE$.apply(TrainingResult.class);
    RDD<TrainingResult> results = examples.rdd().barrier()
        .mapPartitions(new TrainTask<>(this), false, tag);
    // A shuffle after the barrier stage makes it a ShuffleMapStage, which Spark retries when a
    // task fails; a barrier ResultStage is aborted instead.
    List<TrainingResult> collected = new JavaRDD<>(results, tag).repartition(1).collect();
    if (collected.size() != 1) {
      throw new IllegalStateException("SparkTrainer.fit: expected one result from rank 0, got "
          + collected.size());
    }
    return collected.get(0);
  }

  /** Sets up a {@link SparkTrainer}. */
  public static final class Builder<T> {
    private ModelFactory model;
    private LossFactory loss;
    private OptimizerFactory optimizer;
    private Collator<T> collator;
    private int globalBatchSize;
    private int epochs = 1;
    private long seed;
    private long checkpointEvery;
    private String checkpointDir;
    private Duration timeout = ProcessGroup.DEFAULT_TIMEOUT;
    private int bucketBytes = ProcessGroup.DEFAULT_BUCKET_BYTES;

    private Builder() {}

    /** The model factory (serializable: a lambda or a method reference of a static method). */
    public Builder<T> model(ModelFactory model) {
      this.model = model;
      return this;
    }

    /** The loss factory, e.g. {@code MSELoss::new}. */
    public Builder<T> loss(LossFactory loss) {
      this.loss = loss;
      return this;
    }

    /** The optimizer factory, e.g. {@code params -> new SGD(params, 0.1)}. */
    public Builder<T> optimizer(OptimizerFactory optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /** How a list of examples becomes {@code {input, target}}. */
    public Builder<T> collator(Collator<T> collator) {
      this.collator = collator;
      return this;
    }

    /** The examples per optimizer step over all ranks together. */
    public Builder<T> globalBatchSize(int globalBatchSize) {
      this.globalBatchSize = globalBatchSize;
      return this;
    }

    /** Passes over the data (default 1). */
    public Builder<T> epochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    /** The seed of the model's initialisation and of each epoch's order (default 0). */
    public Builder<T> seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Rank 0 writes a checkpoint every {@code steps} steps into {@code directory}, a directory
     * every executor reads (a shared file system); a retried stage resumes from it.
     *
     * @throws IllegalArgumentException when {@code steps} is not positive
     */
    public Builder<T> checkpointEvery(long steps, String directory) {
      if (steps < 1) {
        throw new IllegalArgumentException("checkpointEvery: steps must be >= 1, got " + steps);
      }
      this.checkpointEvery = steps;
      this.checkpointDir = Objects.requireNonNull(directory, "checkpointEvery: directory");
      return this;
    }

    /** The limit of every socket operation of the collectives (default 60 s). */
    public Builder<T> timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The all-reduce bucket size (default 4 MiB). */
    public Builder<T> bucketBytes(int bucketBytes) {
      this.bucketBytes = bucketBytes;
      return this;
    }

    /**
     * The trainer.
     *
     * @throws NullPointerException naming a part that is not set
     * @throws IllegalArgumentException for a batch size or epoch count below 1
     */
    public SparkTrainer<T> build() {
      return new SparkTrainer<>(this);
    }
  }
}
