package dev.adjoint.data;

import dev.adjoint.backend.Philox;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Functions over datasets: {@link #randomSplit} ({@code torch.utils.data.random_split}),
 * {@link #defaultCollate} ({@code default_collate}) and {@link #toTensors}, which gathers a whole
 * dataset into tensors (e.g. the training rows to fit a {@link StandardScaler} on).
 */
public final class Data {
  /** How far fractions may sum from 1 and still count as fractions ({@code math.isclose}). */
  private static final double FRACTION_TOLERANCE = 1e-9;

  private Data() {}

  /**
   * Splits {@code dataset} into non-overlapping random subsets of the given {@code lengths},
   * which must add up to {@code dataset.size()}. The permutation comes from {@code generator}, so
   * the same seed gives the same split (though not the same one as PyTorch's, whose generator
   * differs).
   *
   * @throws IllegalArgumentException when a length is negative or they do not add up
   */
  public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, int[] lengths,
      Generator generator) {
    Objects.requireNonNull(dataset, "randomSplit: dataset");
    Objects.requireNonNull(lengths, "randomSplit: lengths");
    Objects.requireNonNull(generator, "randomSplit: generator");
    long sum = 0;
    for (int length : lengths) {
      if (length < 0) {
        throw new IllegalArgumentException("randomSplit: lengths must be non-negative, got "
            + Arrays.toString(lengths));
      }
      sum += length;
    }
    if (sum != dataset.size()) {
      throw new IllegalArgumentException("randomSplit: lengths " + Arrays.toString(lengths)
          + " add up to " + sum + " but the dataset has " + dataset.size()
          + " samples; give lengths that add up to it, or fractions that add up to 1");
    }
    int[] perm = randperm(dataset.size(), generator);
    List<Subset<T>> out = new ArrayList<>(lengths.length);
    int offset = 0;
    for (int length : lengths) {
      out.add(new Subset<>(dataset, Arrays.copyOfRange(perm, offset, offset + length)));
      offset += length;
    }
    return out;
  }

  /**
   * Splits {@code dataset} by {@code fractions} that add up to 1, as {@code random_split} does:
   * each split gets {@code floor(n * fraction)} samples and the remainder is dealt one by one to
   * the splits in order, so {@code {0.8, 0.2}} of 10 samples gives 8 and 2, and {@code {0.5, 0.5}}
   * of 11 gives 6 and 5.
   *
   * @throws IllegalArgumentException when a fraction is outside {@code [0, 1]} or they do not add
   *     up to 1
   */
  public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] fractions,
      Generator generator) {
    Objects.requireNonNull(dataset, "randomSplit: dataset");
    Objects.requireNonNull(fractions, "randomSplit: fractions");
    double sum = 0;
    for (double f : fractions) {
      if (!(f >= 0 && f <= 1)) {
        throw new IllegalArgumentException("randomSplit: fractions must be in [0, 1], got "
            + Arrays.toString(fractions));
      }
      sum += f;
    }
    if (fractions.length == 0 || Math.abs(sum - 1) > FRACTION_TOLERANCE) {
      throw new IllegalArgumentException("randomSplit: fractions " + Arrays.toString(fractions)
          + " add up to " + sum + ", not 1; give fractions that add up to 1, or lengths (int[])");
    }
    int n = dataset.size();
    int[] lengths = new int[fractions.length];
    long assigned = 0; // fractions may add up to a little over 1, and n to nearly 2^31
    for (int i = 0; i < fractions.length; i++) {
      lengths[i] = (int) Math.floor(n * fractions[i]);
      assigned += lengths[i];
    }
    for (int i = 0; i < n - assigned; i++) {
      lengths[i % lengths.length]++;
    }
    return randomSplit(dataset, lengths, generator);
  }

  /** {@link #randomSplit(Dataset, int[], Generator)} with the default generator. */
  public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, int[] lengths) {
    return randomSplit(dataset, lengths, Generator.defaultGenerator());
  }

  /** {@link #randomSplit(Dataset, double[], Generator)} with the default generator. */
  public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] fractions) {
    return randomSplit(dataset, fractions, Generator.defaultGenerator());
  }

  /**
   * Every sample of {@code dataset}, in order, collated into one batch: for a
   * {@link TensorDataset} {@code {x, y}} or a {@link Subset} of one, {@code {x[indices],
   * y[indices]}}.
   *
   * @throws IllegalArgumentException when the dataset is empty and not backed by a
   *     {@code TensorDataset} (there is nothing to take shapes from)
   */
  public static Tensor[] toTensors(Dataset<Tensor[]> dataset) {
    Objects.requireNonNull(dataset, "toTensors: dataset");
    int[] all = new int[dataset.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return batch(dataset, all);
  }

  /**
   * Stacks samples into a batch, as {@code default_collate}: field {@code k} of the result is
   * {@code stack([item[k] for item in items])}.
   *
   * @throws IllegalArgumentException when the list is empty, or the items differ in their number
   *     of fields or in the shape of a field
   */
  public static Tensor[] defaultCollate(List<Tensor[]> items) {
    Objects.requireNonNull(items, "defaultCollate: items");
    int[] positions = new int[items.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    return collate(items, positions, "item");
  }

  /** The samples of {@code dataset} at {@code indices}, collated. */
  static Tensor[] batch(Dataset<Tensor[]> dataset, int[] indices) {
    Dataset<?> base = dataset;
    int[] mapped = indices;
    while (base instanceof Subset<?> subset) {
      int[] next = new int[mapped.length];
      for (int i = 0; i < mapped.length; i++) {
        next[i] = subset.index(mapped[i]);
      }
      mapped = next;
      base = subset.dataset();
    }
    if (base instanceof TensorDataset tensors) {
      long[] rows = new long[mapped.length];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = mapped[i];
      }
      Tensor index = Tensor.fromArray(rows, rows.length);
      Tensor[] out = new Tensor[tensors.numTensors()];
      for (int k = 0; k < out.length; k++) {
        Tensor t = tensors.tensor(k);
        out[k] = t.indexSelect(0, index.to(t.device()));
      }
      return out;
    }
    List<Tensor[]> items = new ArrayList<>(indices.length);
    for (int i : indices) {
      items.add(dataset.get(i));
    }
    return collate(items, indices, "sample");
  }

  private static Tensor[] collate(List<Tensor[]> items, int[] ids, String what) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("collate: no items to collate (shapes are unknown)");
    }
    Tensor[] first = items.get(0);
    if (first == null) {
      throw new NullPointerException("collate: " + what + " " + ids[0] + " is null");
    }
    Tensor[] out = new Tensor[first.length];
    for (int k = 0; k < first.length; k++) {
      List<Tensor> field = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        Tensor[] item = items.get(i);
        if (item == null) {
          throw new NullPointerException("collate: " + what + " " + ids[i] + " is null");
        }
        if (item.length != first.length) {
          throw new IllegalArgumentException("collate: " + what + " " + ids[i] + " has "
              + item.length + " tensors but " + what + " " + ids[0] + " has " + first.length);
        }
        Tensor t = item[k];
        if (t == null) {
          throw new NullPointerException(
              "collate: tensor " + k + " of " + what + " " + ids[i] + " is null");
        }
        if (!Arrays.equals(t.shape(), first[k].shape())) {
          throw new IllegalArgumentException("collate: tensor " + k + " of " + what + " " + ids[i]
              + " has shape " + Arrays.toString(t.shape()) + " but that of " + what + " " + ids[0]
              + " has " + Arrays.toString(first[k].shape())
              + "; the samples of one batch must have equal shapes");
        }
        field.add(t);
      }
      out[k] = Tensor.stack(field);
    }
    return out;
  }

  /**
   * A uniformly random permutation of {@code 0..n-1} (Fisher-Yates): one draw of {@code n - 1}
   * values from {@code generator}'s stream, swap {@code k} (of position {@code n - 1 - k}) taking
   * value {@code k} as an integer below {@code n - k} (see {@link Philox}).
   */
  static int[] randperm(int n, Generator generator) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    if (n < 2) {
      return perm;
    }
    long seed = generator.initialSeed();
    long offset = generator.reserve(n - 1);
    long[] block = new long[2];
    for (int k = 0; k < n - 1; k++) {
      if ((k & 1) == 0) {
        Philox.block(seed, offset + (k >>> 1), block);
      }
      int i = n - 1 - k;
      int j = (int) Philox.below(block[k & 1], i + 1);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    return perm;
  }
}
