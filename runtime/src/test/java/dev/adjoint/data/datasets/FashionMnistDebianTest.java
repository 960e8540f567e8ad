package dev.adjoint.data.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The real Fashion-MNIST files from Debian's {@code dataset-fashion-mnist} package; skipped, with
 * a message, where it is not installed. Expected values were computed with numpy from the same
 * files.
 */
class FashionMnistDebianTest {
  private static Path requireDebianFiles() {
    Path dir = Path.of(FashionMnist.DEBIAN_DIR);
    if (!Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
        || !Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz"))) {
      Shared.announceMissing(dir + "/*.gz",
          "Fashion-MNIST, apt-get install dataset-fashion-mnist");
    }
    assumeTrue(Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
            && Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz")),
        () -> "skipped: Fashion-MNIST is not installed in " + dir
            + " (apt-get install dataset-fashion-mnist)");
    return dir;
  }

  private static long[] bincount(long[] labels) {
    long[] counts = new long[10];
    for (long label : labels) {
      assertTrue(label >= 0 && label <= 9, "label " + label + " is outside 0..9");
      counts[(int) label]++;
    }
    return counts;
  }

  @Test
  void trainSplit() throws IOException {
    Path dir = requireDebianFiles();
    MnistDataset train = FashionMnist.load(dir, true);
    assertEquals(60000, train.size());
    assertArrayEquals(new int[] {60000, 1, 28, 28}, train.images().shape());
    long[] labels = train.labels().toLongArray();
    assertArrayEquals(new long[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(labels, 10));
    long[] sixThousand = new long[10];
    Arrays.fill(sixThousand, 6000);
    assertArrayEquals(sixThousand, bincount(labels));

    float[] px = train.images().toFloatArray();
    int[] row14 = {0, 0, 1, 4, 6, 7, 2, 0, 0, 0, 0, 0, 237, 226, 217, 223, 222, 219, 222, 221,
        216, 223, 229, 215, 218, 255, 77, 0}; // image 0, row 14, as bytes
    for (int c = 0; c < 28; c++) {
      assertEquals(row14[c] / 255f, px[14 * 28 + c], "image 0, row 14, column " + c);
    }
    // The statistics behind FashionMnist.MEAN and STD (numpy: 0.2860405969887955 and
    // 0.35302424451492237 over all training pixels / 255); float32 pixels sum in float64 exactly
    // enough for 1e-7.
    double sum = 0;
    double squares = 0;
    for (float v : px) {
      sum += v;
      squares += (double) v * v;
    }
    double mean = sum / px.length;
    double std = Math.sqrt(squares / px.length - mean * mean);
    assertEquals(0.2860405969887955, mean, 1e-7);
    assertEquals(0.35302424451492237, std, 1e-7);
    assertEquals(FashionMnist.MEAN, mean, 5e-5);
    assertEquals(FashionMnist.STD, std, 5e-5);
  }

  @Test
  void testSplitFromTheDefaultSearch() throws IOException {
    requireDebianFiles();
    MnistDataset test = FashionMnist.test(); // the Debian folder comes first in the search
    assertEquals(10000, test.size());
    assertArrayEquals(new int[] {10000, 1, 28, 28}, test.images().shape());
    long[] labels = test.labels().toLongArray();
    assertArrayEquals(new long[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(labels, 10));
    long[] thousand = new long[10];
    Arrays.fill(thousand, 1000);
    assertArrayEquals(thousand, bincount(labels));
  }
}
