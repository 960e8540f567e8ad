package dev.adjoint.data.datasets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * MNIST handwritten digits: 70,000 grayscale 28x28 images, 60,000 for training and 10,000 for
 * testing, as torchvision's {@code MNIST} with {@code ToTensor()}:
 *
 * <pre>{@code
 * MnistDataset train = Mnist.train().normalized(Mnist.MEAN, Mnist.STD);
 * }</pre>
 *
 * <p>The four IDX files ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each raw or {@code .gz}) are
 * read from a folder you name, or else from the user cache {@code ~/.cache/adjoint/mnist}, and
 * otherwise downloaded there from torchvision's mirrors, each checked against its published MD5.
 * The checks are those of {@link FashionMnist}.
 */
public final class Mnist {
  /** The class names, indexed by label, as torchvision names them. */
  public static final List<String> CLASSES = List.of("0 - zero", "1 - one", "2 - two",
      "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine");
  /** The mean pixel of the training images in {@code [0, 1]} (for {@code normalized}). */
  public static final double MEAN = 0.1307;
  /** The standard deviation of the training pixels in {@code [0, 1]}. */
  public static final double STD = 0.3081;

  static final MnistFiles.Spec SPEC = new MnistFiles.Spec("MNIST", List.of(), "mnist",
      List.of(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
          URI.create("http://yann.lecun.com/exdb/mnist/")),
      Map.of("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
          "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
          "t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
          "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
      CLASSES, "Mnist");

  private Mnist() {}

  /** The 60,000 training images, found as described above. */
  public static MnistDataset train() throws IOException {
    return load(null, true);
  }

  /** The 10,000 test images, found as described above. */
  public static MnistDataset test() throws IOException {
    return load(null, false);
  }

  /**
   * The training ({@code train}) or test split from the IDX files in {@code root} (or in
   * torchvision's layout {@code root/MNIST/raw}); {@code null} searches the user cache, then
   * downloads.
   *
   * @throws FileNotFoundException when the files are not found (and cannot be downloaded); the
   *     message says where to put them
   * @throws DatasetException when a file is truncated, of the wrong kind, or the counts disagree
   */
  public static MnistDataset load(Path root, boolean train) throws IOException {
    return MnistFiles.load(SPEC, root, train, cacheDir());
  }

  /** Where downloads go: {@code ~/.cache/adjoint/mnist}. */
  public static Path cacheDir() {
    return Downloads.cacheRoot().resolve(SPEC.cacheFolder());
  }
}
