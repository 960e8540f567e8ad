package dev.adjoint.data;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Samples stored as rows of tensors that share their first dimension, as
 * {@code torch.utils.data.TensorDataset}: item {@code i} is {@code {t0[i], t1[i], ...}}.
 *
 * <pre>{@code
 * var ds = new TensorDataset(x, y);     // x [n, 8], y [n, 1]
 * Tensor[] item = ds.get(0);            // {x[0] of shape [8], y[0] of shape [1]}
 * }</pre>
 *
 * <p>Subclasses may add accessors but not change what {@link #get} returns: {@link DataLoader}
 * batches a {@code TensorDataset} (or a {@link Subset} of one) with one {@code indexSelect} per
 * tensor instead of reading items one by one.
 */
public class TensorDataset implements Dataset<Tensor[]> {
  private final Tensor[] tensors;
  private final int size;

  /**
   * A dataset over {@code tensors}, which must be at least 1-d and agree in their first
   * dimension.
   *
   * @throws IllegalArgumentException when no tensor is given, one is 0-d, or the first dimensions
   *     differ
   */
  public TensorDataset(Tensor... tensors) {
    Objects.requireNonNull(tensors, "TensorDataset: tensors");
    if (tensors.length == 0) {
      throw new IllegalArgumentException("TensorDataset: expected at least one tensor");
    }
    for (int k = 0; k < tensors.length; k++) {
      if (tensors[k] == null) {
        throw new NullPointerException("TensorDataset: tensor " + k + " is null");
      }
      if (tensors[k].dim() == 0) {
        throw new IllegalArgumentException("TensorDataset: tensor " + k
            + " is 0-d; every tensor needs a first dimension that indexes samples");
      }
    }
    int n = tensors[0].size(0);
    for (int k = 1; k < tensors.length; k++) {
      if (tensors[k].size(0) != n) {
        throw new IllegalArgumentException("TensorDataset: size mismatch between tensors: tensor 0"
            + " has " + n + " rows (shape " + Arrays.toString(tensors[0].shape()) + ") but tensor "
            + k + " has " + tensors[k].size(0) + " (shape " + Arrays.toString(tensors[k].shape())
            + ")");
      }
    }
    this.tensors = tensors.clone();
    this.size = n;
  }

  /** The number of rows shared by all tensors. */
  @Override
  public final int size() {
    return size;
  }

  /** Row {@code index} of every tensor, as views ({@code select(0, index)}). */
  @Override
  public final Tensor[] get(int index) {
    Objects.checkIndex(index, size);
    Tensor[] item = new Tensor[tensors.length];
    for (int k = 0; k < tensors.length; k++) {
      item[k] = tensors[k].select(0, index);
    }
    return item;
  }

  /** The tensors, in the order given to the constructor (a new array; the tensors are shared). */
  public final Tensor[] tensors() {
    return tensors.clone();
  }

  /** The {@code k}-th tensor. */
  public final Tensor tensor(int k) {
    Objects.checkIndex(k, tensors.length);
    return tensors[k];
  }

  /** How many tensors each item holds. */
  public final int numTensors() {
    return tensors.length;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("(size=").append(size);
    for (Tensor t : tensors) {
      sb.append(", ").append(Arrays.toString(t.shape())).append(' ').append(t.dtype());
    }
    return sb.append(')').toString();
  }
}
