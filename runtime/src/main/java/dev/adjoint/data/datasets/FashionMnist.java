package dev.adjoint.data.datasets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Zalando): 70,000 grayscale 28x28 images of 10 kinds of clothing, 60,000 for
 * training and 10,000 for testing, as torchvision's {@code FashionMNIST} with
 * {@code ToTensor()}:
 *
 * <pre>{@code
 * MnistDataset train = FashionMnist.train();   // images [60000, 1, 28, 28] in [0, 1]
 * MnistDataset test = FashionMnist.test().normalized(FashionMnist.MEAN, FashionMnist.STD);
 * }</pre>
 *
 * <p>The four IDX files ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each raw or {@code .gz}) are
 * read from a folder you name, or else searched for in {@value #DEBIAN_DIR} (Debian's
 * {@code dataset-fashion-mnist} package: {@code apt-get install dataset-fashion-mnist}), then in
 * the user cache {@code ~/.cache/adjoint/fashion-mnist}, and otherwise downloaded there from the
 * original site, each checked against its published MD5. Every file's magic number, dimensions
 * and exact length are checked, and the image and label counts must agree.
 */
public final class FashionMnist {
  /** The class names, indexed by label. */
  public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
      "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  /** The mean pixel of the training images in {@code [0, 1]} (for {@code normalized}). */
  public static final double MEAN = 0.2860;
  /** The standard deviation of the training pixels in {@code [0, 1]}. */
  public static final double STD = 0.3530;
  /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
  public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

  static final MnistFiles.Spec SPEC = new MnistFiles.Spec("FashionMNIST",
      List.of(Path.of(DEBIAN_DIR)), "fashion-mnist",
      List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")),
      Map.of("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
          "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
          "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
          "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
      CLASSES, "FashionMnist");

  private FashionMnist() {}

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
   * torchvision's layout {@code root/FashionMNIST/raw}); {@code null} searches the Debian folder
   * and the user cache, then downloads.
   *
   * @throws FileNotFoundException when the files are not found (and cannot be downloaded); the
   *     message says where to put them
   * @throws DatasetException when a file is truncated, of the wrong kind, or the counts disagree
   */
  public static MnistDataset load(Path root, boolean train) throws IOException {
    return MnistFiles.load(SPEC, root, train, cacheDir());
  }

  /** Where downloads go: {@code ~/.cache/adjoint/fashion-mnist}. */
  public static Path cacheDir() {
    return Downloads.cacheRoot().resolve(SPEC.cacheFolder());
  }
}
