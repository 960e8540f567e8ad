package dev.adjoint.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files from {@code ../shared} (the PyTorch reference fixtures and data sets, a folder beside the
 * checkout that is never committed) and from Debian's data-set packages. The build passes the
 * folder as the system property {@code adjoint.shared}. A test that needs a missing file is
 * skipped and says which file it lacks; the first skip of each group of files also prints one
 * line on the console, so a run without {@code ../shared} says what it did not test.
 */
public final class Shared {
  private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

  private Shared() {}

  /** The shared folder: {@code -Dadjoint.shared=...}, else {@code ../shared}. */
  public static Path root() {
    return Path.of(System.getProperty("adjoint.shared", "../shared"));
  }

  /**
   * {@code relative} under the shared folder; skips the calling test when it does not exist.
   */
  public static Path require(String relative) {
    Path p = root().resolve(relative);
    if (!Files.isRegularFile(p)) {
      announceMissing(group(relative), purpose(relative));
    }
    assumeTrue(Files.isRegularFile(p), () -> "skipped: needs " + p.toAbsolutePath().normalize()
        + " (../shared/" + relative + ") which is not present");
    return p;
  }

  /**
   * Prints {@code skipped: <group> absent (<purpose>)} once per group and test JVM: the console
   * line that a run without the files shows.
   */
  public static void announceMissing(String group, String purpose) {
    if (ANNOUNCED.add(group)) {
      System.out.println("skipped: " + group + " absent (" + purpose + "); the tests that need"
          + " it are skipped");
    }
  }

  /** {@code ../shared/fixtures/*.safetensors} for {@code fixtures/ops.safetensors}. */
  static String group(String relative) {
    int slash = relative.lastIndexOf('/');
    int dot = relative.lastIndexOf('.');
    String dir = slash < 0 ? "" : relative.substring(0, slash + 1);
    String ext = dot > slash ? relative.substring(dot) : "";
    return "../shared/" + dir + "*" + ext;
  }

  private static String purpose(String relative) {
    if (relative.startsWith("fixtures/")) {
      return "PyTorch reference values";
    }
    if (relative.startsWith("data/")) {
      return "data sets";
    }
    return "shared test files";
  }
}
