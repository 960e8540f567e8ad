package dev.adjoint.samples;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console line a skipped test prints when files it needs are absent ({@code ../shared} or a
 * Debian data set), once per group of files and test JVM, as the runtime's tests do.
 */
final class MissingFiles {
  private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

  private MissingFiles() {}

  /** Prints {@code skipped: <group> absent (<purpose>)} the first time for {@code group}. */
  static void announce(String group, String purpose) {
    if (ANNOUNCED.add(group)) {
      System.out.println("skipped: " + group + " absent (" + purpose + "); the tests that need"
          + " it are skipped");
    }
  }
}
