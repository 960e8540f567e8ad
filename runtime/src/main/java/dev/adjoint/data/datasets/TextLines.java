package dev.adjoint.data.datasets;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The lines of a UTF-8 text file, read with a bound on each line's length and a check of the
 * encoding that names the line: a 1 GiB line is refused after {@code maxLineBytes}, not read into
 * memory, and a file in Latin-1 or UTF-16 is refused with its file, line and byte, not a bare
 * {@code MalformedInputException}. Lines end with {@code \n} or {@code \r\n}; a leading UTF-8
 * byte-order mark is skipped.
 */
final class TextLines implements Closeable {
  /** Characters of input quoted in a message before it is cut. */
  static final int EXCERPT = 80;

  private final Path file;
  private final InputStream in;
  private final int maxLineBytes;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] line = new byte[256];
  private int lineNumber;

  TextLines(Path file, int maxLineBytes) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not a text file");
    }
    this.file = file;
    this.maxLineBytes = maxLineBytes;
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  /** The number of the line {@link #next()} returned last, from 1. */
  int lineNumber() {
    return lineNumber;
  }

  /**
   * The next line without its line end, or null at the end of the file.
   *
   * @throws DatasetException when the line is longer than the bound or not UTF-8
   */
  String next() throws IOException {
    int n = 0;
    int b = in.read();
    if (b < 0) {
      return null;
    }
    lineNumber++;
    while (b >= 0 && b != '\n') {
      if (n == maxLineBytes) {
        throw new DatasetException(file + ":" + lineNumber + ": the line is longer than "
            + maxLineBytes + " bytes, more than any line of this file can be (is this the right"
            + " file?)");
      }
      if (n == line.length) {
        line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, 2L * n));
      }
      line[n++] = (byte) b;
      b = in.read();
    }
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    int start = 0;
    if (lineNumber == 1) {
      checkNotUtf16(n);
      if (n >= 3 && (line[0] & 0xff) == 0xef && (line[1] & 0xff) == 0xbb
          && (line[2] & 0xff) == 0xbf) {
        start = 3;
      }
    }
    return decode(start, n);
  }

  private void checkNotUtf16(int n) throws DatasetException {
    boolean bom = n >= 2 && ((line[0] & 0xff) == 0xfe && (line[1] & 0xff) == 0xff
        || (line[0] & 0xff) == 0xff && (line[1] & 0xff) == 0xfe);
    boolean zeros = false;
    for (int i = 0; i < n && !zeros; i++) {
      zeros = line[i] == 0;
    }
    if (bom || zeros) {
      throw new DatasetException(file + ":1: the file looks like UTF-16 text ("
          + (bom ? "it starts with a UTF-16 byte-order mark" : "its first line has zero bytes")
          + "); expected UTF-8: save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)");
    }
  }

  private String decode(int start, int end) throws DatasetException {
    ByteBuffer bytes = ByteBuffer.wrap(line, start, end - start);
    try {
      CharBuffer chars = decoder.reset().decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      int at = firstBadByte(start, end);
      throw new DatasetException(file + ":" + lineNumber + ": byte " + (at + 1) + " of the line (0x"
          + String.format("%02X", line[start + at] & 0xff) + ") is not valid UTF-8; expected a"
          + " UTF-8 file: was it saved as Latin-1 or Windows-1252? Save it as UTF-8 (e.g. iconv"
          + " -f LATIN1 -t UTF-8)", e);
    }
  }

  /** The offset in the line of the first byte that does not decode. */
  private int firstBadByte(int start, int end) {
    ByteBuffer bytes = ByteBuffer.wrap(line, start, end - start);
    CharBuffer out = CharBuffer.allocate(end - start + 1);
    decoder.reset().decode(bytes, out, true);
    return bytes.position() - start;
  }

  /**
   * {@code s} cut to {@link #EXCERPT} characters for a message, saying how long it was: input
   * quoted in an error must not make the error as large as the input.
   */
  static String excerpt(String s) {
    if (s.length() <= EXCERPT) {
      return s;
    }
    int n = EXCERPT;
    if (Character.isHighSurrogate(s.charAt(n - 1))) {
      n--;
    }
    return s.substring(0, n) + "... (" + s.length() + " characters)";
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
