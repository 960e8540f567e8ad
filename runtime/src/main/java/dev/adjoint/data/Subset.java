package dev.adjoint.data;

import java.util.Objects;

/**
 * The samples of {@code dataset} at {@code indices}, in that order, as
 * {@code torch.utils.data.Subset}. A view: nothing is copied, and item {@code i} is
 * {@code dataset.get(indices[i])}. {@link Data#randomSplit} returns these.
 *
 * @param <T> the type of one sample
 */
public final class Subset<T> implements Dataset<T> {
  private final Dataset<T> dataset;
  private final int[] indices;

  /**
   * A view of {@code dataset} through {@code indices} (copied), each in {@code [0,
   * dataset.size())}.
   *
   * @throws IndexOutOfBoundsException when an index is out of range
   */
  public Subset(Dataset<T> dataset, int[] indices) {
    this.dataset = Objects.requireNonNull(dataset, "Subset: dataset");
    this.indices = Objects.requireNonNull(indices, "Subset: indices").clone();
    int n = dataset.size();
    for (int i = 0; i < this.indices.length; i++) {
      if (this.indices[i] < 0 || this.indices[i] >= n) {
        throw new IndexOutOfBoundsException("Subset: indices[" + i + "] = " + this.indices[i]
            + " is out of range for a dataset of size " + n);
      }
    }
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public T get(int index) {
    return dataset.get(indices[Objects.checkIndex(index, indices.length)]);
  }

  /** The underlying dataset. */
  public Dataset<T> dataset() {
    return dataset;
  }

  /** The indices into {@link #dataset()} (a copy). */
  public int[] indices() {
    return indices.clone();
  }

  /** {@code indices[i]} without copying the array. */
  int index(int i) {
    return indices[i];
  }

  @Override
  public String toString() {
    return "Subset(size=" + indices.length + " of " + dataset + ")";
  }
}
