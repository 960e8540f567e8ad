package dev.adjoint.samples;

import dev.adjoint.nn.Conv2d;
import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MaxPool2d;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A small convolutional network on Fashion-MNIST: two 3x3 conv + ReLU + 2x2 max-pool blocks
 * (16 and 32 channels) and a 2-layer classifier; Adam, batches of 64. Passes 90% test accuracy
 * in 3-4 epochs.
 *
 * <p>Run: {@code mvn -q -pl samples -am compile exec:java
 * -Dsample=dev.adjoint.samples.FashionMnistCnn [-Dexec.args="epochs"]}. The first argument is
 * the number of epochs (default 5); an epoch takes minutes on a small machine (see the README's
 * Samples table), so for a quick look run one: {@code -Dexec.args=1} (about 87% test accuracy).
 */
public final class FashionMnistCnn {
  private FashionMnistCnn() {}

  /** The model. */
  static Sequential model() {
    return new Sequential(
        new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2),
        new Conv2d(16, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(32 * 7 * 7, 128), new ReLU(), new Linear(128, 10));
  }

  /** Trains for {@code args[0]} epochs (default 5), prints progress and writes the curves. */
  public static void main(String[] args) throws IOException {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    FashionMnistTrainer.runSample("Fashion-MNIST CNN", FashionMnistCnn::model, epochs,
        64, Path.of("fashion_mnist_cnn.png"));
  }
}
