package dev.adjoint.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes a file so that readers see either the old content or the complete new one: the bytes go
 * to a temporary file in the same directory, are forced to disk, and the temporary file is then
 * renamed over the target (an atomic rename on POSIX file systems); the directory is synced so the
 * rename itself survives a crash. A failed or interrupted write leaves the previous file intact and
 * no temporary file behind (unless the process is killed, when a {@code .adj-*.tmp} file may
 * remain).
 *
 * <p><b>Permissions</b> are those {@code cp} and {@code torch.save} give: a file that replaces
 * another keeps the replaced file's POSIX permissions; a new file gets the permissions of any
 * newly created file (0666 less the process's umask). The temporary file's name is short
 * ({@code .adj-} and 16 hex digits, {@code .tmp}) whatever the target's name, so every name the
 * file system allows for the target works.
 */
public final class AtomicFiles {
  /** Writes the content into an open channel. */
  @FunctionalInterface
  public interface Writer {
    /** Writes everything; the channel is positioned at 0 and empty. */
    void write(FileChannel channel) throws IOException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Replaces {@code target} atomically with what {@code writer} writes. */
  public static void write(Path target, Writer writer) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Set<PosixFilePermission> keep = existingPermissions(absolute);
    boolean done = false;
    Path tmp = null;
    try {
      FileChannel ch = null;
      // CREATE_NEW with no explicit attributes: the OS applies the umask, as for any new file
      // (Files.createTempFile would force rw-------).
      for (int attempt = 0; ch == null; attempt++) {
        tmp = dir.resolve(tempName());
        try {
          ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
          tmp = null;
          if (attempt == 100) {
            throw e;
          }
        }
      }
      try (FileChannel open = ch) {
        if (keep != null) {
          Files.setPosixFilePermissions(tmp, keep);
        }
        writer.write(open);
        open.force(true);
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
      if (!done && tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** A fresh short name: 64 random bits make a collision with a concurrent writer negligible. */
  private static String tempName() {
    byte[] bits = new byte[8];
    RANDOM.nextBytes(bits);
    return ".adj-" + HexFormat.of().formatHex(bits) + ".tmp";
  }

  /**
   * The POSIX permissions of the file that {@code target} replaces (following a symbolic link, as
   * the rename replaces the link itself but {@code cp} would keep the file's mode), or null when
   * there is none or the file system has no POSIX permissions.
   */
  private static Set<PosixFilePermission> existingPermissions(Path target) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(target,
        PosixFileAttributeView.class);
    if (view == null) {
      return null;
    }
    try {
      return view.readAttributes().permissions();
    } catch (NoSuchFileException e) {
      return null;
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
