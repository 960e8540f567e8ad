package dev.adjoint.data.datasets;

import dev.adjoint.data.TensorDataset;
import dev.adjoint.tensor.Tensor;
import java.util.List;

/**
 * An MNIST-format image classification split (from {@link Mnist} or {@link FashionMnist}): item
 * {@code i} is {@code {image, label}}, the image float32 {@code [1, 28, 28]} and the label an int64
 * scalar, as torchvision's datasets with {@code ToTensor()} give them. A {@link TensorDataset}, so
 * a {@code DataLoader} batches it with one {@code indexSelect} per tensor.
 */
public final class MnistDataset extends TensorDataset {
  private final String name;
  private final boolean train;
  private final List<String> classes;

  MnistDataset(String name, boolean train, List<String> classes, Tensor images, Tensor labels) {
    super(images, labels);
    this.name = name;
    this.train = train;
    this.classes = List.copyOf(classes);
  }

  /** All images, float32 {@code [N, 1, 28, 28]}, in {@code [0, 1]} unless {@link #normalized}. */
  public Tensor images() {
    return tensor(0);
  }

  /** All labels, int64 {@code [N]}, each an index into {@link #classes()}. */
  public Tensor labels() {
    return tensor(1);
  }

  /** The class names, indexed by label (e.g. {@code "Ankle boot"} for 9 in Fashion-MNIST). */
  public List<String> classes() {
    return classes;
  }

  /** The data set's name, e.g. {@code FashionMNIST}. */
  public String name() {
    return name;
  }

  /** Whether this is the training split (else the test split). */
  public boolean isTrain() {
    return train;
  }

  /**
   * The same split with images {@code (x - mean) / std}, as torchvision's
   * {@code Normalize((mean,), (std,))}, e.g. {@code normalized(FashionMnist.MEAN,
   * FashionMnist.STD)}.
   *
   * @throws IllegalArgumentException when {@code std} is not positive or a value is not finite
   */
  public MnistDataset normalized(double mean, double std) {
    if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
      throw new IllegalArgumentException("normalized: std must be positive and both finite, got"
          + " mean " + mean + ", std " + std);
    }
    return new MnistDataset(name, train, classes, images().sub(mean).div(std), labels());
  }

  @Override
  public String toString() {
    return name + "(split=" + (train ? "train" : "test") + ", size=" + size() + ")";
  }
}
