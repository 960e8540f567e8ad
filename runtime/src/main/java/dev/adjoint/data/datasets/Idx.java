package dev.adjoint.data.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (the MNIST format), raw or gzip-compressed: gzip is told by
 * its magic bytes {@code 1f 8b}, not by the file name. The header is a big-endian magic number
 * {@code 0x0000_08_nn} (type {@code 08} = unsigned byte, {@code nn} dimensions) followed by one
 * big-endian int per dimension; the data must have exactly the number of bytes the dimensions
 * give.
 */
final class Idx {
  /** The magic number of a label file: unsigned bytes, 1 dimension. */
  static final int LABELS = 0x0000_0801;
  /** The magic number of an image file: unsigned bytes, 3 dimensions. */
  static final int IMAGES = 0x0000_0803;

  /** The contents of an IDX file: its dimensions and its bytes in row-major order. */
  record Array(int[] dims, byte[] data) {}

  private Idx() {}

  /**
   * Reads {@code file}, which must have the magic number {@code expectedMagic}.
   *
   * @throws DatasetException when the file is not such an IDX file, or is truncated or too long
   */
  static Array read(Path file, int expectedMagic) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not an IDX file");
    }
    try {
      return readFile(file, expectedMagic);
    } catch (DatasetException e) {
      throw e;
    } catch (ZipException | EOFException e) {
      // A gzip trailer that does not match (wrong CRC or length) is found only at the end.
      throw new DatasetException(file + ": the gzip data is corrupt (" + e.getMessage() + ")",
          e);
    } catch (IOException e) {
      String message = e.getMessage();
      throw message != null && message.contains(file.toString()) ? e
          : new IOException(file + ": " + (message == null ? e.toString() : message), e);
    }
  }

  /**
   * Bytes of decompressed data read before the buffer grows: a gzip header promising 2^31
   * bytes allocates only what the data delivers, never more than twice that.
   */
  private static final int FIRST_CHUNK = 1 << 20;

  private static Array readFile(Path file, int expectedMagic) throws IOException {
    boolean gzip = isGzip(file);
    long fileSize = Files.size(file);
    try (DataInputStream in = new DataInputStream(open(file, gzip))) {
      int magic = header(in, file, 0, "magic number");
      if (magic != expectedMagic) {
        throw new DatasetException(file + ": " + describeMagic(magic) + ", expected "
            + expectedMagic + " (" + kind(expectedMagic) + ")"
            + (magic == LABELS || magic == IMAGES ? "; are the image and label files swapped?"
            : ""));
      }
      int[] dims = new int[magic & 0xff];
      long count = 1;
      for (int d = 0; d < dims.length; d++) {
        dims[d] = header(in, file, 4 + 4L * d, "size of dimension " + d);
        if (dims[d] < 0) {
          throw new DatasetException(file + ": dimension " + d + " has size "
              + Integer.toUnsignedString(dims[d]) + ", too large to be an IDX file of this kind");
        }
        count *= dims[d];
      }
      long headerBytes = 4 + 4L * dims.length;
      if (count > Integer.MAX_VALUE - 8) {
        throw new DatasetException(file + ": the header promises " + shape(dims) + " = " + count
            + " bytes, more than a Java array holds");
      }
      if (!gzip && fileSize != headerBytes + count) {
        throw new DatasetException(file + ": " + (fileSize < headerBytes + count ? "truncated"
            : "too long") + ": the header promises " + shape(dims) + " (" + count
            + " bytes after the " + headerBytes + "-byte header, " + (headerBytes + count)
            + " in all) but the file has " + fileSize + " bytes");
      }
      byte[] data;
      int got;
      try {
        if (gzip) {
          data = readGrowing(in, (int) count);
          got = data.length;
        } else {
          data = new byte[(int) count];
          got = in.readNBytes(data, 0, data.length);
        }
      } catch (EOFException | ZipException e) {
        throw new DatasetException(file + ": the gzip data is corrupt or truncated ("
            + e.getMessage() + ") before the " + count + " bytes the header promises for "
            + shape(dims), e);
      }
      if (got < count) {
        throw new DatasetException(file + ": truncated: the header promises " + shape(dims)
            + " (" + count + " bytes after the header) but the "
            + (gzip ? "decompressed " : "") + "data ends after " + got);
      }
      if (gzip && in.read() != -1) {
        throw new DatasetException(file + ": too long: the decompressed data goes on past the "
            + count + " bytes the header promises for " + shape(dims));
      }
      return new Array(dims, data);
    }
  }

  /**
   * Up to {@code count} bytes of {@code in}, in an array that doubles as the data arrives (so
   * memory follows what actually decompresses, not what the header claims) and ends exactly
   * {@code count} long when the data is complete; shorter when the data ends early.
   */
  private static byte[] readGrowing(InputStream in, int count) throws IOException {
    byte[] buf = new byte[Math.min(count, FIRST_CHUNK)];
    int got = 0;
    while (true) {
      int n = in.readNBytes(buf, got, buf.length - got);
      got += n;
      if (got < buf.length) {
        return java.util.Arrays.copyOf(buf, got); // the data ended early
      }
      if (got == count) {
        return buf;
      }
      buf = java.util.Arrays.copyOf(buf, (int) Math.min(count, 2L * buf.length));
    }
  }

  private static InputStream open(Path file, boolean gzip) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (!gzip) {
      return raw;
    }
    try {
      return new GZIPInputStream(raw, 1 << 16);
    } catch (EOFException | ZipException e) {
      raw.close();
      throw new DatasetException(file + ": starts like gzip (1f 8b) but its gzip header is"
          + " corrupt or truncated (" + e.getMessage() + ")", e);
    }
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static int header(DataInputStream in, Path file, long offset, String what)
      throws IOException {
    try {
      return in.readInt();
    } catch (EOFException | ZipException e) {
      throw new DatasetException(file + ": truncated: the file ends inside the IDX header,"
          + " before the end of the " + what + " (bytes " + offset + " to " + (offset + 3) + ")",
          e);
    }
  }

  private static String describeMagic(int magic) {
    if (magic == LABELS || magic == IMAGES) {
      return "magic number " + magic + " is that of an IDX " + kind(magic) + " file";
    }
    return "not an IDX file of unsigned bytes: magic number " + magic + String.format(
        " (0x%08x)", magic);
  }

  private static String kind(int magic) {
    return magic == LABELS ? "labels" : magic == IMAGES ? "images" : "unknown";
  }

  private static String shape(int[] dims) {
    if (dims.length == 3) {
      return dims[0] + " images of " + dims[1] + "x" + dims[2];
    }
    if (dims.length == 1) {
      return dims[0] + " labels";
    }
    return java.util.Arrays.toString(dims);
  }
}
