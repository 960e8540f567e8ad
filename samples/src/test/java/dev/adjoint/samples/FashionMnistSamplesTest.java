package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.data.Subset;
import dev.adjoint.data.datasets.FashionMnist;
import dev.adjoint.data.datasets.MnistDataset;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fashion-MNIST samples' models and training loop, run briefly on a slice of the data: the
 * full runs (10 epochs MLP, CNN to 90%) are in the samples' main methods and the note.
 */
class FashionMnistSamplesTest {
  private static MnistDataset train;
  private static MnistDataset test;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws Exception {
    if (!Files.isDirectory(Path.of(FashionMnist.DEBIAN_DIR))) {
      MissingFiles.announce(FashionMnist.DEBIAN_DIR + "/*.gz",
          "Fashion-MNIST, apt-get install dataset-fashion-mnist");
    }
    assumeTrue(Files.isDirectory(Path.of(FashionMnist.DEBIAN_DIR)),
        "skipped: needs Fashion-MNIST in " + FashionMnist.DEBIAN_DIR
            + " (apt-get install dataset-fashion-mnist)");
    train = FashionMnist.train().normalized(FashionMnist.MEAN, FashionMnist.STD);
    test = FashionMnist.test().normalized(FashionMnist.MEAN, FashionMnist.STD);
  }

  private static Subset<Tensor[]> first(MnistDataset d, int n) {
    return new Subset<>(d, IntStream.range(0, n).toArray());
  }

  private FashionMnistTrainer.History run(Sequential model, int n, int epochs) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    FashionMnistTrainer.History h = FashionMnistTrainer.train(model,
        new Adam(model.parameters(), 1e-3), first(train, n), first(test, 1000), epochs, 64, 0,
        new PrintStream(log, true, StandardCharsets.UTF_8), false);
    String out = log.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("samples/s"), "the progress bar reports throughput: " + out);
    assertTrue(out.startsWith("epoch 1/" + epochs), "epochs count from 1: " + out);
    return h;
  }

  @Test
  void mlpLearns() throws Exception {
    Tensor.manualSeed(0);
    FashionMnistTrainer.History h = run(FashionMnistMlp.model(), 3000, 2);
    // Ten balanced classes: chance is 10%. 3000 images for 2 epochs reach about 78%; 70% is a
    // margin for seeds, far above anything an untrained or broken model gets.
    assertTrue(h.finalAccuracy() > 0.70, "accuracy " + h.testAccuracy());
    assertTrue(h.trainLoss().get(1) < h.trainLoss().get(0), "loss decreases " + h.trainLoss());
    // The confusion matrix of the last evaluation counts the 1000 test images and agrees with
    // the accuracy reported for that epoch.
    assertEquals(1000, h.lastConfusion().total());
    assertEquals(h.finalAccuracy(), h.lastConfusion().accuracy(), 0);
    String table = h.lastConfusion().toString();
    assertTrue(table.startsWith("true \\ predicted") && table.contains("9 Ankle boot"), table);
    Path png = dir.resolve("mlp.png");
    FashionMnistTrainer.chart(h, "test", png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1400, img.getWidth());
    assertEquals(500, img.getHeight());
  }

  @Test
  void cnnLearns() {
    Tensor.manualSeed(0);
    FashionMnistTrainer.History h = run(FashionMnistCnn.model(), 1500, 1);
    assertTrue(h.finalAccuracy() > 0.60, "accuracy " + h.testAccuracy());
  }
}
