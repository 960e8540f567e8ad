package dev.adjoint.samples;

import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A multilayer perceptron on Fashion-MNIST: 784-256-128-10 with ReLU, Adam, batches of 128. Reaches
 * about 88-89% test accuracy in 10 epochs.
 *
 * <p>Run: {@code mvn -q -pl samples -am compile exec:java
 * -Dsample=dev.adjoint.samples.FashionMnistMlp [-Dexec.args="epochs"]}. Needs Fashion-MNIST
 * ({@code apt-get install dataset-fashion-mnist}, or the files in the loader's cache).
 */
public final class FashionMnistMlp {
  private FashionMnistMlp() {}

  /** The model. */
  static Sequential model() {
    return new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 128),
        new ReLU(), new Linear(128, 10));
  }

  /** Trains for {@code args[0]} epochs (default 10), prints progress and writes the curves. */
  public static void main(String[] args) throws IOException {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    FashionMnistTrainer.runSample("Fashion-MNIST MLP", FashionMnistMlp::model, epochs,
        128, Path.of("fashion_mnist_mlp.png"));
  }
}
