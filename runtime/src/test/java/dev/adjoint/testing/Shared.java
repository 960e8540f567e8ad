package dev.adjoint.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files from {@code ../shared} (fixtures and data sets), which are never committed. The build
 * passes the folder as the system property {@code adjoint.shared}; a test that needs a missing
 * file is skipped and says which file it lacks.
 */
public final class Shared {
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
    assumeTrue(Files.isRegularFile(p), () -> "skipped: needs " + p.toAbsolutePath().normalize()
        + " (../shared/" + relative + ") which is not present");
    return p;
  }
}
