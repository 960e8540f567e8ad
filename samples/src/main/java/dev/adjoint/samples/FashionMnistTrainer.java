package dev.adjoint.samples;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.datasets.FashionMnist;
import dev.adjoint.metrics.ConfusionMatrix;
import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Module;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.train.LineChart;
import dev.adjoint.train.ProgressBar;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop the Fashion-MNIST samples share: mini-batches from a seeded
 * {@link DataLoader}, cross-entropy, {@code train()} / {@code eval()}, test accuracy after each
 * epoch under {@code noGrad()}, a progress bar, and the curves written as a PNG.
 */
final class FashionMnistTrainer {
  /** Per-epoch history. */
  record History(List<Double> trainLoss, List<Double> testLoss, List<Double> testAccuracy,
      List<Double> epochSeconds, ConfusionMatrix lastConfusion) {
    double finalAccuracy() {
      return testAccuracy.get(testAccuracy.size() - 1);
    }
  }

  private FashionMnistTrainer() {}

  /** Trains {@code model} for {@code epochs} epochs and evaluates after each. */
  static History train(Module model, Optimizer optimizer, Dataset<Tensor[]> train,
      Dataset<Tensor[]> test, int epochs, int batchSize, long seed, PrintStream out,
      boolean interactive) {
    Device device = Device.best();
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    DataLoader loader = DataLoader.builder(train).batchSize(batchSize).shuffle(true)
        .generator(new Generator(seed)).build();
    DataLoader testLoader = new DataLoader(test, 1000);
    ProgressBar bar = new ProgressBar(epochs, loader.size(), out, interactive);
    ConfusionMatrix confusion = new ConfusionMatrix(FashionMnist.CLASSES);
    History h = new History(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>(), confusion);
    for (int epoch = 0; epoch < epochs; epoch++) {
      long start = System.nanoTime();
      bar.startEpoch(epoch + 1);
      model.train();
      for (Tensor[] batch : loader) {
        Tensor x = batch[0].to(device);
        Tensor y = batch[1].to(device);
        optimizer.zeroGrad();
        Tensor loss = lossFn.call(model.call(x), y);
        loss.backward();
        optimizer.step();
        bar.step(loss.item(), x.size(0));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] eval = evaluate(model, testLoader, lossFn, device, confusion);
      h.trainLoss().add(bar.epochLoss());
      h.testLoss().add(eval[0]);
      h.testAccuracy().add(eval[1]);
      h.epochSeconds().add(seconds);
      bar.endEpoch(java.util.Map.of("test_loss", eval[0], "test_acc", eval[1]));
    }
    return h;
  }

  /**
   * {mean loss, accuracy} over a loader, in eval mode without recording; {@code confusion} is
   * reset and then counts this pass's predictions.
   */
  static double[] evaluate(Module model, DataLoader loader, CrossEntropyLoss lossFn,
      Device device, ConfusionMatrix confusion) {
    model.eval();
    confusion.reset();
    return GradMode.noGrad(() -> {
      double lossSum = 0;
      long count = 0;
      for (Tensor[] batch : loader) {
        Tensor x = batch[0].to(device);
        Tensor y = batch[1].to(device);
        Tensor logits = model.call(x);
        lossSum += lossFn.call(logits, y).item() * x.size(0);
        confusion.update(logits, y);
        count += x.size(0);
      }
      return new double[] {lossSum / count, confusion.accuracy()};
    });
  }

  /**
   * What a sample's main does: loads Fashion-MNIST (normalised), seeds, prints the model summary,
   * trains with Adam(1e-3), reports the final accuracy and epoch times, and writes the curves to
   * {@code chartFile}.
   */
  static void runSample(String title, java.util.function.Supplier<? extends Module> build,
      int epochs, int batchSize, Path chartFile) throws IOException {
    dev.adjoint.data.datasets.MnistDataset train = dev.adjoint.data.datasets.FashionMnist.train()
        .normalized(dev.adjoint.data.datasets.FashionMnist.MEAN,
            dev.adjoint.data.datasets.FashionMnist.STD);
    dev.adjoint.data.datasets.MnistDataset test = dev.adjoint.data.datasets.FashionMnist.test()
        .normalized(dev.adjoint.data.datasets.FashionMnist.MEAN,
            dev.adjoint.data.datasets.FashionMnist.STD);
    Tensor.manualSeed(0);
    Module model = build.get();
    System.out.print(model.summary());
    History h = train(model, new dev.adjoint.optim.Adam(model.parameters(), 1e-3), train, test,
        epochs, batchSize, 0, System.out, System.console() != null);
    System.out.printf("test accuracy after %d epochs: %.2f%%  (epoch times %s s)%n", epochs,
        100 * h.finalAccuracy(), h.epochSeconds());
    System.out.println("confusion matrix of the test set after the last epoch:");
    System.out.println(h.lastConfusion());
    chart(h, title, chartFile);
    System.out.println("curves written to " + chartFile.toAbsolutePath());
  }

  /** Writes loss and accuracy curves side by side. */
  static void chart(History h, String title, Path file) throws IOException {
    LineChart loss = new LineChart(title + ": loss", "epoch", "cross-entropy")
        .addSeries("train", h.trainLoss())
        .addSeries("test", h.testLoss());
    LineChart acc = new LineChart(title + ": test accuracy", "epoch", "accuracy")
        .addSeries("test", h.testAccuracy());
    LineChart.saveRow(file, 1400, 500, loss, acc);
  }
}
