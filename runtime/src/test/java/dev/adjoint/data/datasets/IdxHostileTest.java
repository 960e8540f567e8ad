package dev.adjoint.data.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.testing.Allocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX files that lie: headers promising gigabytes, gzip trailers that do not match. Memory must
 * follow what the data delivers, and every error must name the file.
 */
class IdxHostileTest {
  @TempDir Path dir;

  private static byte[] header(int magic, int... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length).putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aGzipHeaderPromisingGigabytesAllocatesOnlyWhatDecompresses() throws IOException {
    // About 100 bytes on disk, claiming 2^31 - 9 labels (or images of that many bytes).
    for (byte[] head : new byte[][] {header(Idx.LABELS, Integer.MAX_VALUE - 8),
        header(Idx.IMAGES, 46340, 46340, 1)}) {
      Path p = IdxFiles.write(dir, "liar.gz", IdxFiles.gzip(concat(head, new byte[10])));
      assertTrue(Files.size(p) < 120);
      int magic = ByteBuffer.wrap(head).getInt();
      long allocated = Allocation.bytesDuring(() -> {
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(p, magic));
        assertTrue(e.getMessage().startsWith(p + ": truncated: the header promises "),
            e.getMessage());
        assertTrue(e.getMessage().endsWith("but the decompressed data ends after 10"),
            e.getMessage());
      });
      assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes for 10 bytes of data");
    }
  }

  @Test
  void gzipDataLargerThanTheFirstBufferIsReadExactly() throws IOException {
    // 3 MiB of labels: the buffer grows twice and ends exactly as long as the data.
    byte[] labels = new byte[3 << 20];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) (i % 10);
    }
    Path p = IdxFiles.write(dir, "big.gz", IdxFiles.gzip(concat(header(Idx.LABELS,
        labels.length), labels)));
    Idx.Array a = Idx.read(p, Idx.LABELS);
    assertArrayEquals(new int[] {labels.length}, a.dims());
    assertArrayEquals(labels, a.data());
    // And one byte short.
    Path shortFile = IdxFiles.write(dir, "short.gz", IdxFiles.gzip(concat(header(Idx.LABELS,
        labels.length), Arrays.copyOf(labels, labels.length - 1))));
    DatasetException e = assertThrows(DatasetException.class,
        () -> Idx.read(shortFile, Idx.LABELS));
    assertTrue(e.getMessage().endsWith("data ends after " + (labels.length - 1)),
        e.getMessage());
  }

  @Test
  void aWrongGzipTrailerNamesTheFile() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.labels(1, 2, 3));
    for (int at : new int[] {gz.length - 8, gz.length - 1}) { // the CRC, then the length
      byte[] bad = gz.clone();
      bad[at] ^= 1;
      Path p = IdxFiles.write(dir, "crc.gz", bad);
      DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(p, Idx.LABELS));
      assertTrue(e.getMessage().startsWith(p + ": the gzip data is corrupt ("), e.getMessage());
    }
  }

  @Test
  void aDirectoryNamesItself() throws IOException {
    Path d = Files.createDirectories(dir.resolve("train-labels-idx1-ubyte"));
    IOException e = assertThrows(IOException.class, () -> Idx.read(d, Idx.LABELS));
    assertEquals(d + ": is a directory, not an IDX file", e.getMessage());
  }
}
