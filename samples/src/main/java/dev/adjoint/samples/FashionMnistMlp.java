package dev.adjoint.samples;

import dev.adjoint.data.datasets.FashionMnist;
import dev.adjoint.data.datasets.MnistDataset;
import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.tensor.Tensor;
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
    MnistDataset train = FashionMnist.train().normalized(FashionMnist.MEAN, FashionMnist.STD);
    MnistDataset test = FashionMnist.test().normalized(FashionMnist.MEAN, FashionMnist.STD);
    Tensor.manualSeed(0);
    Sequential model = model();
    System.out.print(model.summary());
    FashionMnistTrainer.History h = FashionMnistTrainer.train(model,
        new Adam(model.parameters(), 1e-3), train, test, epochs, 128, 0, System.out,
        System.console() != null);
    System.out.printf("test accuracy after %d epochs: %.2f%%  (epoch times %s s)%n", epochs,
        100 * h.finalAccuracy(), h.epochSeconds());
    Path chart = Path.of("fashion_mnist_mlp.png");
    FashionMnistTrainer.chart(h, "Fashion-MNIST MLP", chart);
    System.out.println("curves written to " + chart.toAbsolutePath());
  }
}
