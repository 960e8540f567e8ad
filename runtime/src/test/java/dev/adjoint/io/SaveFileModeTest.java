package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.nn.Linear;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.train.LineChart;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of saving (safetensors, checkpoint, whole model, PNG chart) keeps a replaced file's
 * mode, gives a new file the umask's mode as any new file gets, and works for the longest file
 * names the file system allows (the temporary name must not be longer than the target's).
 */
class SaveFileModeTest {
  @TempDir Path dir;

  /** One way of saving something to a path. */
  private interface Save {
    void to(Path path) throws IOException;
  }

  private static List<Save> saves() {
    return List.of(
        p -> SafeTensors.save(Map.of("w", Tensor.ones(3)), p),
        p -> Checkpoint.builder().model(new Linear(2, 1)).epoch(1).save(p),
        p -> ModelFiles.save(new Linear(2, 1), p),
        p -> new LineChart("t", "x", "y").addSeries("s", new double[] {1, 2, 3}).save(p, 100,
            100));
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void replacingAFileKeepsItsMode() throws IOException {
    assumeTrue(posix(), "POSIX permissions only");
    int i = 0;
    for (Save save : saves()) {
      for (String mode : List.of("rw-r--r--", "rw-rw-r--", "r--------")) {
        Path target = dir.resolve("keep" + i++);
        Files.writeString(target, "old");
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
        Files.setPosixFilePermissions(target, perms);
        save.to(target);
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(target)),
            "save " + (i - 1) + " changed the mode of the file it replaced");
        assertTrue(Files.size(target) > 3, "the file was not replaced");
      }
    }
  }

  @Test
  void aNewFileGetsTheModeOfAnyNewFile() throws IOException {
    assumeTrue(posix(), "POSIX permissions only");
    // What the umask gives: the mode of a file created the ordinary way.
    Path probe = Files.createFile(dir.resolve("probe"));
    String expected = PosixFilePermissions.toString(Files.getPosixFilePermissions(probe));
    // Under a umask of 077 this is rw-------, the temporary file's old mode, and the test checks
    // less; under the usual 022 or 002 it tells the two apart.
    int i = 0;
    for (Save save : saves()) {
      Path target = dir.resolve("new" + i++);
      save.to(target);
      assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(target)),
          "save " + (i - 1) + " gave a new file another mode than the umask's");
    }
  }

  @Test
  void theLongestLegalFileNamesWork() throws IOException {
    // 255 bytes is the limit of ext4, xfs, btrfs and tmpfs; the temporary name is short.
    int i = 0;
    for (Save save : saves()) {
      String name = String.valueOf(i++).repeat(255);
      Path target = dir.resolve(name);
      save.to(target);
      save.to(target); // and replacing it
      assertTrue(Files.size(target) > 0);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp"))
          .toList(), "temporary files left behind");
    }
  }

  @Test
  void theTemporaryFileIsInTheTargetsDirectoryUnderAShortName() throws IOException {
    Path target = dir.resolve("x".repeat(200));
    AtomicFiles.write(target, ch -> {
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> temps = files.filter(p -> !p.equals(target)).toList();
        assertEquals(1, temps.size(), "one temporary file beside the target: " + temps);
        assertTrue(temps.get(0).getFileName().toString().length() <= 32,
            "temporary name too long: " + temps.get(0).getFileName());
      }
    });
    assertTrue(Files.exists(target));
  }
}
