package dev.adjoint.data;

/**
 * A collection of samples read by index, as {@code torch.utils.data.Dataset}: {@link #size()} is
 * {@code len(dataset)} and {@link #get(int)} is {@code dataset[i]}.
 *
 * <p>Datasets of {@code Tensor[]} items (one tensor per field, e.g. {@code {x, y}}) are what
 * {@link DataLoader} batches; {@link TensorDataset} is the usual one.
 *
 * @param <T> the type of one sample
 */
public interface Dataset<T> {
  /** The number of samples ({@code len(dataset)}). */
  int size();

  /**
   * The sample at {@code index} ({@code dataset[index]}).
   *
   * @throws IndexOutOfBoundsException when {@code index} is not in {@code [0, size())}
   */
  T get(int index);
}
