package dev.adjoint.data.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.data.DataLoader;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX loader on small hand-made files: raw, gzip, and broken in each way it checks. */
class MnistFilesTest {
  private static final int[] LABELS = {3, 0, 9};

  @TempDir Path dir;

  private void writeSplit(Path where, String split, boolean gzip) throws IOException {
    byte[] images = IdxFiles.images(LABELS.length, 28, 28);
    byte[] labels = IdxFiles.labels(LABELS);
    String ext = gzip ? ".gz" : "";
    IdxFiles.write(where, split + "-images-idx3-ubyte" + ext, gzip ? IdxFiles.gzip(images)
        : images);
    IdxFiles.write(where, split + "-labels-idx1-ubyte" + ext, gzip ? IdxFiles.gzip(labels)
        : labels);
  }

  private static void assertHandMadeContents(MnistDataset ds) {
    assertEquals(3, ds.size());
    assertArrayEquals(new int[] {3, 1, 28, 28}, ds.images().shape());
    assertEquals(DType.FLOAT32, ds.images().dtype());
    assertArrayEquals(new int[] {3}, ds.labels().shape());
    assertEquals(DType.INT64, ds.labels().dtype());
    assertArrayEquals(new long[] {3, 0, 9}, ds.labels().toLongArray());
    float[] px = ds.images().toFloatArray();
    for (int k = 0; k < 3; k++) {
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          float expected = IdxFiles.pixel(k, r, c) / 255f;
          assertEquals(expected, px[(k * 28 + r) * 28 + c], "image " + k + " at " + r + "," + c);
        }
      }
    }
  }

  private String error(Class<? extends IOException> type, boolean train) {
    return assertThrows(type, () -> FashionMnist.load(dir, train)).getMessage();
  }

  @Test
  void readsRawFiles() throws IOException {
    writeSplit(dir, "train", false);
    MnistDataset ds = FashionMnist.load(dir, true);
    assertHandMadeContents(ds);
    assertTrue(ds.isTrain());
    assertEquals("FashionMNIST", ds.name());
    assertEquals("Ankle boot", ds.classes().get(9));
  }

  @Test
  void readsGzipFilesTheSame() throws IOException {
    writeSplit(dir, "t10k", true);
    MnistDataset ds = FashionMnist.load(dir, false);
    assertHandMadeContents(ds);
    assertEquals(false, ds.isTrain());
  }

  @Test
  void gzipIsToldByContentNotByName() throws IOException {
    // A gzip file without .gz, and a raw file named .gz.
    IdxFiles.write(dir, "train-images-idx3-ubyte", IdxFiles.gzip(IdxFiles.images(3, 28, 28)));
    IdxFiles.write(dir, "train-labels-idx1-ubyte.gz", IdxFiles.labels(LABELS));
    assertHandMadeContents(Mnist.load(dir, true));
  }

  @Test
  void readsTorchvisionsLayout() throws IOException {
    writeSplit(dir.resolve("FashionMNIST").resolve("raw"), "train", true);
    assertHandMadeContents(FashionMnist.load(dir, true));
  }

  @Test
  void itemsAndBatchesHaveTorchvisionsShapes() throws IOException {
    writeSplit(dir, "train", false);
    MnistDataset ds = FashionMnist.load(dir, true);
    Tensor[] item = ds.get(2);
    assertArrayEquals(new int[] {1, 28, 28}, item[0].shape());
    assertEquals(9L, item[1].itemLong());
    Tensor[] batch = new DataLoader(ds, 2).iterator().next();
    assertArrayEquals(new int[] {2, 1, 28, 28}, batch[0].shape());
    assertArrayEquals(new long[] {3, 0}, batch[1].toLongArray());
  }

  @Test
  void normalizedIsTorchvisionsNormalize() throws IOException {
    writeSplit(dir, "train", false);
    MnistDataset ds = FashionMnist.load(dir, true).normalized(0.5, 0.25);
    float[] px = ds.images().toFloatArray();
    int at = (2 * 28 + 5) * 28 + 7;
    assertEquals((IdxFiles.pixel(2, 5, 7) / 255.0 - 0.5) / 0.25, px[at], 1e-6);
    assertArrayEquals(new long[] {3, 0, 9}, ds.labels().toLongArray());
    assertThrows(IllegalArgumentException.class, () -> ds.normalized(0, 0));
  }

  @Test
  void missingFilesSayWhereToPutThem() throws IOException {
    IdxFiles.write(dir, "train-images-idx3-ubyte", IdxFiles.images(3, 28, 28));
    String m = error(FileNotFoundException.class, true);
    assertTrue(m.contains("no train-labels-idx1-ubyte (raw or .gz) in " + dir), m);
    assertTrue(m.contains(dir.resolve("FashionMNIST").resolve("raw").toString()), m);
    assertTrue(m.contains("put the IDX files there"), m);
  }

  @Test
  void wrongMagicNumbers() throws IOException {
    IdxFiles.write(dir, "train-images-idx3-ubyte", IdxFiles.labels(LABELS));
    IdxFiles.write(dir, "train-labels-idx1-ubyte", IdxFiles.labels(LABELS));
    String m = error(DatasetException.class, true);
    assertEquals(dir.resolve("train-images-idx3-ubyte") + ": magic number 2049 is that of an IDX"
        + " labels file, expected 2051 (images); are the image and label files swapped?", m);

    byte[] bad = IdxFiles.images(3, 28, 28);
    bad[2] = 0x12;
    bad[3] = 0x34;
    IdxFiles.write(dir, "train-images-idx3-ubyte", bad);
    m = error(DatasetException.class, true);
    assertTrue(m.endsWith("train-images-idx3-ubyte: not an IDX file of unsigned bytes: magic"
        + " number 4660 (0x00001234), expected 2051 (images)"), m);
  }

  @Test
  void truncatedAndOverlongRawFiles() throws IOException {
    byte[] images = IdxFiles.images(3, 28, 28);
    IdxFiles.write(dir, "train-labels-idx1-ubyte", IdxFiles.labels(LABELS));
    IdxFiles.write(dir, "train-images-idx3-ubyte", Arrays.copyOf(images, images.length - 1));
    String m = error(DatasetException.class, true);
    assertEquals(dir.resolve("train-images-idx3-ubyte") + ": truncated: the header promises 3"
        + " images of 28x28 (2352 bytes after the 16-byte header, 2368 in all) but the file has"
        + " 2367 bytes", m);
    IdxFiles.write(dir, "train-images-idx3-ubyte", Arrays.copyOf(images, images.length + 5));
    m = error(DatasetException.class, true);
    assertTrue(m.contains(": too long: the header promises 3 images of 28x28"), m);
    assertTrue(m.endsWith("but the file has 2373 bytes"), m);
    IdxFiles.write(dir, "train-images-idx3-ubyte", Arrays.copyOf(images, 6));
    m = error(DatasetException.class, true);
    assertEquals(dir.resolve("train-images-idx3-ubyte") + ": truncated: the file ends inside the"
        + " IDX header, before the end of the size of dimension 0 (bytes 4 to 7)", m);
  }

  @Test
  void truncatedGzipFiles() throws IOException {
    byte[] images = IdxFiles.images(3, 28, 28);
    IdxFiles.write(dir, "train-labels-idx1-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(LABELS)));
    // A complete gzip stream whose content is short.
    IdxFiles.write(dir, "train-images-idx3-ubyte.gz",
        IdxFiles.gzip(Arrays.copyOf(images, images.length - 100)));
    String m = error(DatasetException.class, true);
    assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + ": truncated: the header promises 3"
        + " images of 28x28 (2352 bytes after the header) but the decompressed data ends after"
        + " 2252", m);
    // A gzip stream cut in the middle.
    byte[] gz = IdxFiles.gzip(images);
    IdxFiles.write(dir, "train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
    m = error(DatasetException.class, true);
    assertTrue(m.startsWith(dir.resolve("train-images-idx3-ubyte.gz")
        + ": the gzip data is corrupt or truncated"), m);
    // Content longer than the header says.
    IdxFiles.write(dir, "train-images-idx3-ubyte.gz",
        IdxFiles.gzip(Arrays.copyOf(images, images.length + 1)));
    m = error(DatasetException.class, true);
    assertTrue(m.contains(": too long: the decompressed data goes on past the 2352 bytes"), m);
    // Only the gzip magic.
    IdxFiles.write(dir, "train-images-idx3-ubyte.gz", new byte[] {0x1f, (byte) 0x8b});
    m = error(DatasetException.class, true);
    assertTrue(m.contains("starts like gzip (1f 8b) but its gzip header is corrupt or truncated"),
        m);
  }

  @Test
  void imageAndLabelCountsMustAgree() throws IOException {
    IdxFiles.write(dir, "train-images-idx3-ubyte", IdxFiles.images(3, 28, 28));
    IdxFiles.write(dir, "train-labels-idx1-ubyte", IdxFiles.labels(1, 2));
    String m = error(DatasetException.class, true);
    assertEquals(dir.resolve("train-images-idx3-ubyte") + " holds 3 images but "
        + dir.resolve("train-labels-idx1-ubyte") + " holds 2 labels; the two files must be of"
        + " the same split", m);
  }

  @Test
  void imagesMustBe28By28AndLabelsInRange() throws IOException {
    IdxFiles.write(dir, "train-images-idx3-ubyte", IdxFiles.images(3, 27, 28));
    IdxFiles.write(dir, "train-labels-idx1-ubyte", IdxFiles.labels(LABELS));
    String m = error(DatasetException.class, true);
    assertTrue(m.endsWith(": images are 27x28 pixels; FashionMNIST images are 28x28"), m);
    IdxFiles.write(dir, "train-images-idx3-ubyte", IdxFiles.images(3, 28, 28));
    IdxFiles.write(dir, "train-labels-idx1-ubyte", IdxFiles.labels(1, 10, 2));
    m = error(DatasetException.class, true);
    assertEquals(dir.resolve("train-labels-idx1-ubyte") + ": label 10 at index 1 is outside 0..9"
        + " (FashionMNIST has 10 classes)", m);
  }

  @Test
  void emptyFileIsTruncatedHeader() throws IOException {
    Files.write(dir.resolve("t10k-images-idx3-ubyte"), new byte[0]);
    IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(LABELS));
    String m = error(DatasetException.class, false);
    assertTrue(m.endsWith("t10k-images-idx3-ubyte: truncated: the file ends inside the IDX"
        + " header, before the end of the magic number (bytes 0 to 3)"), m);
  }
}
