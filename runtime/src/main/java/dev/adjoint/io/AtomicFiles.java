package dev.adjoint.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new one: the bytes go
 * to a temporary file in the same directory, are forced to disk, and the temporary file is then
 * renamed over the target (an atomic rename on POSIX file systems); the directory is synced so the
 * rename itself survives a crash. A failed or interrupted write leaves the previous file intact and
 * no temporary file behind (unless the process is killed, when a {@code .tmp} file may remain).
 */
public final class AtomicFiles {
  /** Writes the content into an open channel. */
  @FunctionalInterface
  public interface Writer {
    /** Writes everything; the channel is positioned at 0 and empty. */
    void write(FileChannel channel) throws IOException;
  }

  private AtomicFiles() {}

  /** Replaces {@code target} atomically with what {@code writer} writes. */
  public static void write(Path target, Writer writer) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writer.write(ch);
        ch.force(true);
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + absolute + " atomically on this file system",
            e);
      }
      done = true;
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void syncDirectory(Path dir) {
    // Not every platform lets a directory be opened for fsync (Windows does not); the rename is
    // then as durable as the OS makes it.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }
}
