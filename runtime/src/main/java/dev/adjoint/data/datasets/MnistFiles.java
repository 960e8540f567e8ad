package dev.adjoint.data.datasets;

import dev.adjoint.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds, downloads, checks and reads the four IDX files of an MNIST-format data set. */
final class MnistFiles {
  /** Image side length in pixels. */
  static final int SIDE = 28;

  /**
   * What differs between MNIST-format data sets.
   *
   * @param name the display name, also torchvision's folder name ({@code root/name/raw})
   * @param systemDirs folders a system package installs the files into, searched first
   * @param cacheFolder the folder under the user cache
   * @param mirrors base URLs to download the {@code .gz} files from, tried in order
   * @param md5 the published MD5 of each {@code .gz} file, by file name
   * @param classes the class names, indexed by label
   * @param loader the public class, for messages
   */
  record Spec(String name, List<Path> systemDirs, String cacheFolder, List<URI> mirrors,
      Map<String, String> md5, List<String> classes, String loader) {}

  private MnistFiles() {}

  static String[] fileNames(boolean train) {
    String split = train ? "train" : "t10k";
    return new String[] {split + "-images-idx3-ubyte", split + "-labels-idx1-ubyte"};
  }

  /**
   * Loads a split: from {@code root} when given (nowhere else), else from the system folders,
   * then {@code cacheDir}, then a download into {@code cacheDir}.
   */
  static MnistDataset load(Spec spec, Path root, boolean train, Path cacheDir)
      throws IOException {
    String[] names = fileNames(train);
    Path[] files = new Path[2];
    if (root != null) {
      List<String> missing = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        files[k] = find(List.of(root, root.resolve(spec.name()).resolve("raw")), names[k]);
        if (files[k] == null) {
          missing.add(names[k]);
        }
      }
      if (!missing.isEmpty()) {
        throw new FileNotFoundException(spec.name() + ": no " + String.join(" or ", missing)
            + " (raw or .gz) in " + root + " or " + root.resolve(spec.name()).resolve("raw")
            + "; put the IDX files there, or call " + spec.loader() + ".load(null, " + train
            + ") to search " + where(spec, cacheDir) + " and download if need be");
      }
    } else {
      List<Path> dirs = new ArrayList<>(spec.systemDirs());
      dirs.add(cacheDir);
      for (int k = 0; k < 2; k++) {
        files[k] = find(dirs, names[k]);
        if (files[k] == null) {
          files[k] = download(spec, names[k], cacheDir);
        }
      }
    }
    return read(spec, train, files[0], files[1]);
  }

  /** The first of {@code dir/name} and {@code dir/name.gz} that is a file, over the folders. */
  private static Path find(List<Path> dirs, String name) {
    for (Path dir : dirs) {
      for (String candidate : new String[] {name, name + ".gz"}) {
        Path p = dir.resolve(candidate);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    }
    return null;
  }

  private static String where(Spec spec, Path cacheDir) {
    List<String> dirs = new ArrayList<>();
    for (Path p : spec.systemDirs()) {
      dirs.add(p.toString());
    }
    dirs.add(cacheDir.toString());
    return String.join(", ", dirs);
  }

  private static Path download(Spec spec, String name, Path cacheDir) throws IOException {
    String gz = name + ".gz";
    Path target = cacheDir.resolve(gz);
    List<String> failures = new ArrayList<>();
    for (URI mirror : spec.mirrors()) {
      URI uri = mirror.resolve(gz);
      try {
        Downloads.download(uri, target, "MD5", spec.md5().get(gz));
        return target;
      } catch (IOException e) {
        failures.add(uri + ": " + e.getMessage());
      }
    }
    FileNotFoundException missing = new FileNotFoundException(spec.name() + ": " + name
        + " (raw or .gz) is not in " + where(spec, cacheDir) + ", and downloading it failed ("
        + String.join("; ", failures) + "). Put the four IDX files (train-images-idx3-ubyte,"
        + " train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each raw"
        + " or .gz) in " + cacheDir + ", or in a folder you pass to " + spec.loader()
        + ".load(folder, train)");
    throw missing;
  }

  /** Reads and cross-checks one split's image and label files. */
  static MnistDataset read(Spec spec, boolean train, Path imageFile, Path labelFile)
      throws IOException {
    Idx.Array images = Idx.read(imageFile, Idx.IMAGES);
    int n = images.dims()[0];
    if (images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
      throw new DatasetException(imageFile + ": images are " + images.dims()[1] + "x"
          + images.dims()[2] + " pixels; " + spec.name() + " images are " + SIDE + "x" + SIDE);
    }
    Idx.Array labels = Idx.read(labelFile, Idx.LABELS);
    if (labels.dims()[0] != n) {
      throw new DatasetException(imageFile + " holds " + n + " images but " + labelFile
          + " holds " + labels.dims()[0] + " labels; the two files must be of the same split");
    }
    byte[] pixels = images.data();
    float[] x = new float[pixels.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (pixels[i] & 0xff) / 255f;
    }
    long[] y = new long[n];
    byte[] raw = labels.data();
    for (int i = 0; i < n; i++) {
      y[i] = raw[i] & 0xff;
      if (y[i] >= spec.classes().size()) {
        throw new DatasetException(labelFile + ": label " + y[i] + " at index " + i
            + " is outside 0.." + (spec.classes().size() - 1) + " (" + spec.name() + " has "
            + spec.classes().size() + " classes)");
      }
    }
    return new MnistDataset(spec.name(), train, spec.classes(),
        Tensor.fromArray(x, n, 1, SIDE, SIDE), Tensor.fromArray(y, n));
  }
}
