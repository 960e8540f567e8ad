package dev.adjoint.data;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Batches of a dataset, as {@code torch.utils.data.DataLoader}:
 *
 * <pre>{@code
 * var loader = new DataLoader(new TensorDataset(x, y), 64, true);   // batch size 64, shuffled
 * for (int epoch = 0; epoch < 10; epoch++) {
 *   for (Tensor[] batch : loader) {          // batch[0] is [64, ...] x, batch[1] is [64, ...] y
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Every {@link #iterator()} is one epoch. With {@code shuffle}, each epoch draws a new
 * permutation from the loader's {@link Generator} (the default generator unless one is given), so
 * epochs differ from each other and a seeded generator makes the whole sequence reproducible.
 * Items are {@code Tensor[]} fields collated by stacking ({@link Data#defaultCollate}); a
 * {@link TensorDataset}, or a {@link Subset} of one, is batched with one {@code indexSelect} per
 * tensor instead. The last batch is smaller when the batch size does not divide the dataset,
 * unless {@code dropLast} drops it. Batches are made on the calling thread, one at a time.
 */
public final class DataLoader implements Iterable<Tensor[]> {
  private final Dataset<Tensor[]> dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final Generator generator;

  /** A loader of {@code batchSize} samples a batch, in order ({@code shuffle=False}). */
  public DataLoader(Dataset<Tensor[]> dataset, int batchSize) {
    this(dataset, batchSize, false);
  }

  /**
   * A loader of {@code batchSize} samples a batch, reshuffled every epoch with the default
   * generator when {@code shuffle} is true ({@link #builder} takes a generator and
   * {@code dropLast}).
   */
  public DataLoader(Dataset<Tensor[]> dataset, int batchSize, boolean shuffle) {
    this(dataset, batchSize, shuffle, false, null);
  }

  private DataLoader(Dataset<Tensor[]> dataset, int batchSize, boolean shuffle, boolean dropLast,
      Generator generator) {
    this.dataset = Objects.requireNonNull(dataset, "DataLoader: dataset");
    if (batchSize <= 0) {
      throw new IllegalArgumentException(
          "DataLoader: batchSize should be a positive integer, got " + batchSize);
    }
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
  }

  /** A builder with PyTorch's defaults: batch size 1, no shuffling, last batch kept. */
  public static Builder builder(Dataset<Tensor[]> dataset) {
    return new Builder(dataset);
  }

  /** The options of a {@link DataLoader}, named as {@code DataLoader}'s keyword arguments. */
  public static final class Builder {
    private final Dataset<Tensor[]> dataset;
    private int batchSize = 1;
    private boolean shuffle;
    private boolean dropLast;
    private Generator generator;

    private Builder(Dataset<Tensor[]> dataset) {
      this.dataset = Objects.requireNonNull(dataset, "DataLoader: dataset");
    }

    /** Samples per batch ({@code batch_size}, default 1). */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Whether each epoch visits the samples in a new random order ({@code shuffle}). */
    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** Whether to drop the last, smaller batch ({@code drop_last}). */
    public Builder dropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    /** Where shuffling draws its permutations ({@code generator}; default: the default one). */
    public Builder generator(Generator generator) {
      this.generator = Objects.requireNonNull(generator, "DataLoader: generator");
      return this;
    }

    /**
     * The loader.
     *
     * @throws IllegalArgumentException when the batch size is not positive
     */
    public DataLoader build() {
      return new DataLoader(dataset, batchSize, shuffle, dropLast, generator);
    }
  }

  /** One batch and its position in the epoch, from {@link #batches()}. */
  public record Batch(int index, Tensor[] tensors) {
    /** Field {@code k} of the batch, e.g. {@code get(0)} for the inputs, {@code get(1)} targets. */
    public Tensor get(int k) {
      return tensors[Objects.checkIndex(k, tensors.length)];
    }

    /** The number of samples in this batch (the last one may hold fewer than the batch size). */
    public int size() {
      return tensors.length == 0 ? 0 : tensors[0].size(0);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("Batch(index=").append(index);
      for (Tensor t : tensors) {
        sb.append(", ").append(Arrays.toString(t.shape()));
      }
      return sb.append(')').toString();
    }
  }

  /** The dataset batched. */
  public Dataset<Tensor[]> dataset() {
    return dataset;
  }

  /** Samples per batch. */
  public int batchSize() {
    return batchSize;
  }

  /** Whether every epoch is reshuffled. */
  public boolean shuffle() {
    return shuffle;
  }

  /** Whether the last, smaller batch is dropped. */
  public boolean dropLast() {
    return dropLast;
  }

  /**
   * The number of batches in an epoch ({@code len(loader)}): {@code ceil(n / batchSize)}, or
   * {@code floor(n / batchSize)} with {@code dropLast}.
   */
  public int size() {
    int n = dataset.size();
    // Not (n + batchSize - 1) / batchSize, which overflows for batch sizes near 2^31.
    return n / batchSize + (dropLast || n % batchSize == 0 ? 0 : 1);
  }

  /** Starts an epoch: draws its order now (when shuffling) and makes each batch on demand. */
  @Override
  public Iterator<Tensor[]> iterator() {
    Iterator<Batch> batches = batches().iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return batches.hasNext();
      }

      @Override
      public Tensor[] next() {
        return batches.next().tensors();
      }
    };
  }

  /**
   * One epoch as {@link Batch} records, which carry the batch's index in the epoch:
   * {@code for (var b : loader.batches()) { progress.step(...); }}. Each call is a new epoch.
   */
  public Iterable<Batch> batches() {
    return () -> new Epoch(order());
  }

  private int[] order() {
    int n = dataset.size();
    if (shuffle) {
      return Data.randperm(n, generator != null ? generator : Generator.defaultGenerator());
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  private final class Epoch implements Iterator<Batch> {
    private final int[] order;
    private final int count = size();
    private int next;

    Epoch(int[] order) {
      this.order = order;
    }

    @Override
    public boolean hasNext() {
      return next < count;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException("DataLoader: the epoch has ended after " + count
            + " batches; call iterator() again for the next epoch");
      }
      // next < count, so from <= n fits an int; from + batchSize may not.
      int from = next * batchSize;
      int to = from + Math.min(batchSize, order.length - from);
      Batch batch = new Batch(next, Data.batch(dataset, Arrays.copyOfRange(order, from, to)));
      next++;
      return batch;
    }
  }

  @Override
  public String toString() {
    return "DataLoader(batchSize=" + batchSize + ", shuffle=" + shuffle + ", dropLast=" + dropLast
        + ", batches=" + size() + ", dataset=" + dataset + ")";
  }
}
