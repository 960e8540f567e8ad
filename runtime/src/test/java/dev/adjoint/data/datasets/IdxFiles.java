package dev.adjoint.data.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small IDX files with known contents, written byte by byte from the format's definition. */
final class IdxFiles {
  private IdxFiles() {}

  /** The pixel of image {@code k} at row {@code r}, column {@code c} in the test files. */
  static int pixel(int k, int r, int c) {
    return (k * 31 + r * 7 + c * 3) & 0xff;
  }

  /** An image file: magic 0x00000803, count, rows, cols (big-endian), then the pixels. */
  static byte[] images(int count, int rows, int cols) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
    b.putInt(0x0803).putInt(count).putInt(rows).putInt(cols);
    for (int k = 0; k < count; k++) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          b.put((byte) pixel(k, r, c));
        }
      }
    }
    return b.array();
  }

  /** A label file: magic 0x00000801, count (big-endian), then one byte per label. */
  static byte[] labels(int... labels) {
    ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
    b.putInt(0x0801).putInt(labels.length);
    for (int label : labels) {
      b.put((byte) label);
    }
    return b.array();
  }

  static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(data);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path dir, String name, byte[] data) throws IOException {
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), data);
  }
}
