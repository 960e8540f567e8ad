package dev.adjoint.io;

import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import dev.adjoint.io.Header.TensorInfo;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reads and writes tensors in the safetensors format, byte-compatible with Python's
 * {@code safetensors.torch.save_file} and {@code load_file}: an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. Nothing in a file is ever executed or deserialized as Java objects.
 *
 * <pre>{@code
 * SafeTensors.save(Map.of("weight", w, "bias", b), Map.of("epoch", "3"), Path.of("m.safetensors"));
 * Map<String, Tensor> state = SafeTensors.load(Path.of("m.safetensors"));
 * }</pre>
 *
 * <p>Adjoint reads and writes the dtypes it has: {@code F32}, {@code F64}, {@code I64} and
 * {@code BOOL} (one byte per element, 0 or 1). Reading checks the whole file before trusting it;
 * any file that is not valid safetensors gives a {@link SafeTensorsException} that names the file,
 * the tensor and the problem.
 *
 * <p><b>Memory.</b> Reading a file of {@code F} bytes whose header is {@code H} bytes holds at
 * most the tensors' data (Java arrays of exactly the data's {@code F - H - 8} bytes), a 1 MiB
 * read buffer, the header's text and the strings taken from it while parsing ({@code 2H} for ASCII
 * headers, at most {@code 4H}), and about 250 bytes per tensor and 150 per metadata entry. A file
 * may list at most 100,000 tensors and 10,000 metadata entries (a file over either limit is
 * refused, saying which), so the per-entry part stays under 30 MB whatever the header holds; the
 * header itself is at most 100 MB, as in the reference implementation. What stays reachable after
 * loading is the data, the metadata strings and the per-entry part: at most about 2 times the
 * file's size plus 30 MB (measured: 1.01 times for a 100 MB header of metadata, 4.2 times, 24.5
 * MB, for a 5.8 MB header of 100,000 empty tensors).
 */
public final class SafeTensors {
  /** Bytes moved per read or write call; a multiple of every element size. */
  private static final int CHUNK_BYTES = 1 << 20;

  private SafeTensors() {}

  // ================================================================== reading

  /**
   * The tensors of a safetensors file by name, in the order its header lists them: the port of
   * {@code safetensors.torch.load_file(path)}. Tensors are on the CPU, contiguous, in the file's
   * dtype. The map is unmodifiable; copy it to change it.
   *
   * @throws SafeTensorsException when the file is not valid safetensors or holds a dtype Adjoint
   *     does not support
   * @throws IOException when the file cannot be read
   */
  public static Map<String, Tensor> load(Path path) throws IOException {
    return read(path).tensors();
  }

  /**
   * The tensors and the {@code __metadata__} of a safetensors file. Tensors are on the CPU,
   * contiguous, in the file's dtype.
   *
   * @throws SafeTensorsException when the file is not valid safetensors or holds a dtype Adjoint
   *     does not support
   * @throws IOException when the file cannot be read
   */
  public static SafeTensorsFile read(Path path) throws IOException {
    return read(path, false).file();
  }

  /** What one reading found: the contents, the parsed header, and the data's CRC32C if asked. */
  record Contents(SafeTensorsFile file, Header header, int dataCrc32c) {}

  /**
   * Reads {@code path}; with {@code checksum} also computes the CRC32C of the data region as it
   * streams past (the one pass that reads it), for the formats that store one.
   */
  static Contents read(Path path, boolean checksum) throws IOException {
    Objects.requireNonNull(path, "path");
    String source = path.toString();
    try (SeekableByteChannel ch = open(path, "a safetensors file")) {
      return read(ch, source, checksum);
    } catch (SafeTensorsException e) {
      throw e;
    } catch (IOException e) {
      throw withFile(e, source);
    }
  }

  /**
   * Opens {@code path} for reading, refusing a directory up front: reading one fails later with a
   * bare "Is a directory" that names no file.
   */
  static SeekableByteChannel open(Path path, String expected) throws IOException {
    if (Files.isDirectory(path)) {
      throw new IOException(path + ": is a directory, not " + expected);
    }
    return Files.newByteChannel(path, StandardOpenOption.READ);
  }

  /**
   * {@code e} with {@code source} in its message: the JDK's messages for a failed read ("Is a
   * directory", "Input/output error") name no file. A message that names it already is kept.
   */
  static IOException withFile(IOException e, String source) {
    String message = e.getMessage();
    if (message != null && message.contains(source)) {
      return e;
    }
    return new IOException(source + ": " + (message == null ? e.getClass().getSimpleName()
        : message), e);
  }

  /**
   * Reads a whole safetensors file from {@code ch} in one sequential pass: the header length, the
   * header, then each tensor's bytes in offset order. {@code source} names the file in messages.
   */
  static SafeTensorsFile read(SeekableByteChannel ch, String source) throws IOException {
    return read(ch, source, false).file();
  }

  private static Contents read(SeekableByteChannel ch, String source, boolean checksum)
      throws IOException {
    ch.position(0);
    long size = ch.size();
    if (size < 8) {
      throw new SafeTensorsException(source + ": the file is " + size + " bytes long, too short"
          + " for the 8-byte header length that starts every safetensors file");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lengthBytes, source, "the header length");
    long headerLength = lengthBytes.getLong(0);
    // Unsigned on disk: a negative long is a length of 2^63 or more.
    if (headerLength < 0 || headerLength > Header.MAX_BYTES) {
      throw new SafeTensorsException(source + ": the header length is "
          + Long.toUnsignedString(headerLength) + " bytes, more than the " + Header.MAX_BYTES
          + " safetensors allows (is this a safetensors file?)");
    }
    if (headerLength > size - 8) {
      throw new SafeTensorsException(source + ": the header length is " + headerLength
          + " bytes but only " + (size - 8) + " bytes follow it (is the file truncated?)");
    }
    Header h = readHeader(ch, (int) headerLength, size - 8 - headerLength, source);

    // Header.parse checked that the tensors fill the data region back to back, so reading them in
    // offset order reads the rest of the file exactly once, front to back.
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, (size + 7) & ~7L))
        .order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = checksum ? new CRC32C() : null;
    List<TensorInfo> listed = h.tensors();
    Tensor[] byIndex = new Tensor[listed.size()];
    for (TensorInfo t : h.inDataOrder()) {
      byIndex[t.index()] = readTensor(ch, t, chunk, crc, source);
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (TensorInfo t : listed) {
      tensors.put(t.name(), byIndex[t.index()]);
    }
    return new Contents(new SafeTensorsFile(tensors, h.metadata()), h,
        crc == null ? 0 : (int) crc.getValue());
  }

  /**
   * Reads, checks and parses the header. The raw bytes are unreachable before parsing starts, so
   * that the bytes and their text are held together only while decoding.
   */
  private static Header readHeader(SeekableByteChannel ch, int headerLength, long dataLength,
      String source) throws IOException {
    return Header.parse(headerText(ch, headerLength, source), dataLength, source);
  }

  private static String headerText(SeekableByteChannel ch, int headerLength, String source)
      throws IOException {
    ByteBuffer headerBytes = ByteBuffer.allocate(headerLength);
    readFully(ch, headerBytes, source, "the header");
    byte[] header = headerBytes.array();
    if (header.length == 0 || header[0] != '{') {
      throw new SafeTensorsException(source + ": the header does not start with '{'"
          + " (is this a safetensors file?)");
    }
    checkUtf8(header, source);
    return new String(header, StandardCharsets.UTF_8);
  }

  private static void checkUtf8(byte[] bytes, String source) throws SafeTensorsException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // Decoded into a small window that is thrown away: this only checks the bytes, and the header
    // may be 100 MB.
    CharBuffer window = CharBuffer.allocate(4096);
    while (true) {
      CoderResult r = decoder.decode(in, window, true);
      if (r.isError()) {
        throw new SafeTensorsException(source + ": the header is not valid UTF-8 (bad byte"
            + " sequence at byte " + in.position() + " of the header)");
      }
      if (r.isUnderflow()) {
        return;
      }
      window.clear();
    }
  }

  private static Tensor readTensor(SeekableByteChannel ch, TensorInfo t, ByteBuffer chunk,
      CRC32C crc, String source) throws IOException {
    int n = t.numel();
    int perChunk = chunk.capacity() / t.dtype().byteSize();
    Object array;
    switch (t.dtype()) {
      case FLOAT32 -> {
        float[] a = new float[n];
        for (int i = 0, k; i < n; i += k) {
          k = Math.min(n - i, perChunk);
          fill(ch, chunk, k * 4, t, crc, source);
          chunk.asFloatBuffer().get(a, i, k);
        }
        array = a;
      }
      case FLOAT64 -> {
        double[] a = new double[n];
        for (int i = 0, k; i < n; i += k) {
          k = Math.min(n - i, perChunk);
          fill(ch, chunk, k * 8, t, crc, source);
          chunk.asDoubleBuffer().get(a, i, k);
        }
        array = a;
      }
      case INT64 -> {
        long[] a = new long[n];
        for (int i = 0, k; i < n; i += k) {
          k = Math.min(n - i, perChunk);
          fill(ch, chunk, k * 8, t, crc, source);
          chunk.asLongBuffer().get(a, i, k);
        }
        array = a;
      }
      case BOOL -> {
        boolean[] a = new boolean[n];
        for (int i = 0, k; i < n; i += k) {
          k = Math.min(n - i, perChunk);
          fill(ch, chunk, k, t, crc, source);
          for (int j = 0; j < k; j++) {
            byte b = chunk.get(j);
            // Any other byte is not a bool PyTorch could have written; refuse rather than guess.
            if (b != 0 && b != 1) {
              throw new SafeTensorsException(source + ": tensor "
                  + JsonReader.quoteForMessage(t.name()) + ": element " + (i + j) + " is the byte "
                  + (b & 0xff) + ", but a BOOL element must be 0 or 1");
            }
            a[i + j] = b == 1;
          }
        }
        array = a;
      }
      default -> throw new AssertionError(t.dtype());
    }
    try {
      return Tensor.wrap(Backends.of(Device.cpu()).fromHostArray(array),
          Layout.contiguous(t.shape()));
    } catch (IllegalArgumentException e) {
      // A shape Header accepted but a tensor cannot have (e.g. [2147483647, 0] where tensors
      // limit each dimension): the format's exception, naming the file and the tensor.
      throw new SafeTensorsException(source + ": tensor " + JsonReader.quoteForMessage(t.name())
          + ": " + t.dtype().safetensorsName() + " shape " + java.util.Arrays.toString(t.shape())
          + " cannot be an Adjoint tensor: " + e.getMessage(), e);
    }
  }

  /** Reads exactly {@code bytes} bytes of tensor {@code t} into {@code chunk}, ready to get. */
  private static void fill(SeekableByteChannel ch, ByteBuffer chunk, int bytes, TensorInfo t,
      CRC32C crc, String source) throws IOException {
    chunk.clear().limit(bytes);
    readFully(ch, chunk, source, "the data of tensor " + JsonReader.quoteForMessage(t.name()));
    chunk.flip();
    if (crc != null) {
      crc.update(chunk);
      chunk.flip();
    }
  }

  private static void readFully(SeekableByteChannel ch, ByteBuffer dst, String source,
      String what) throws IOException {
    while (dst.hasRemaining()) {
      if (ch.read(dst) < 0) {
        // The size was checked up front, so only a file changed while being read gets here.
        throw new SafeTensorsException(source + ": the file ended while reading " + what
            + " (was it changed while being read?)");
      }
    }
  }

  // ================================================================== writing

  /**
   * Writes {@code tensors} to a safetensors file that PyTorch's {@code safetensors.torch.load_file}
   * reads: the port of {@code save_file(tensors, path)}. Tensors may be on any device and in any
   * layout (views are written as their elements in row-major order). The file is replaced if it
   * exists.
   *
   * @throws IllegalArgumentException when a name is {@code "__metadata__"} or not valid text
   * @throws IOException when the file cannot be written
   */
  public static void save(Map<String, Tensor> tensors, Path path) throws IOException {
    save(tensors, Map.of(), path);
  }

  /**
   * Writes {@code tensors} and string {@code metadata} to a safetensors file: the port of
   * {@code save_file(tensors, path, metadata=...)}. The file is deterministic: tensors are laid out
   * sorted by name (as the Python library sorts them), metadata entries sorted by key, and the
   * {@code __metadata__} object is written only when there is metadata.
   *
   * @throws IllegalArgumentException when a name is {@code "__metadata__"} or a name, key or value
   *     is not valid text (an unpaired surrogate)
   * @throws IOException when the file cannot be written
   */
  public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path path)
      throws IOException {
    save(tensors, metadata, path, false);
  }

  /**
   * As {@link #save(Map, Map, Path)}; with {@code checksums}, also stores in the metadata the
   * CRC32C of the header and of the data (see {@link Checksums}), computed in the one pass that
   * writes them.
   */
  static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path path,
      boolean checksums) throws IOException {
    Objects.requireNonNull(tensors, "save: tensors");
    Objects.requireNonNull(metadata, "save: metadata");
    Objects.requireNonNull(path, "save: path");
    // Code point order is the byte order of the UTF-8 names, which is how the Rust writer sorts.
    TreeMap<String, Tensor> sorted = new TreeMap<>(SafeTensors::compareCodePoints);
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "save: a tensor name is null");
      if (name.equals(Header.METADATA_KEY)) {
        throw new IllegalArgumentException("save: \"" + Header.METADATA_KEY
            + "\" is reserved for the metadata and cannot name a tensor");
      }
      requireWellFormed(name, "tensor name " + JsonReader.quoteForMessage(name));
      sorted.put(name, Objects.requireNonNull(e.getValue(),
          () -> "save: tensor " + JsonReader.quoteForMessage(name) + " is null"));
    }
    TreeMap<String, String> meta = new TreeMap<>(SafeTensors::compareCodePoints);
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "save: a metadata key is null");
      String value = Objects.requireNonNull(e.getValue(),
          () -> "save: metadata value of " + JsonReader.quoteForMessage(key) + " is null");
      requireWellFormed(key, "metadata key " + JsonReader.quoteForMessage(key));
      requireWellFormed(value, "metadata value of " + JsonReader.quoteForMessage(key));
      meta.put(key, value);
    }

    List<TensorInfo> infos = new ArrayList<>(sorted.size());
    long offset = 0;
    for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
      Tensor t = e.getValue();
      long bytes = (long) t.numel() * t.dtype().byteSize();
      infos.add(new TensorInfo(e.getKey(), t.dtype(), t.shape(), offset, offset + bytes,
          infos.size()));
      offset += bytes;
    }
    if (!checksums) {
      byte[] header = Header.encode(infos, meta);
      AtomicFiles.write(path, ch -> write(ch, header, sorted.values(), null));
      return;
    }
    for (String key : Checksums.KEYS) {
      if (meta.containsKey(key)) {
        throw new IllegalArgumentException("save: the metadata key \"" + key + "\" is reserved"
            + " for the file's checksum");
      }
    }
    // The header checksum covers the header as it would be without the checksums; the data's is
    // known only after the data is written, so its place holds zeros until then.
    meta.put(Checksums.HEADER_KEY, Checksums.hex(Checksums.crc32c(Header.encode(infos, meta))));
    meta.put(Checksums.DATA_KEY, Checksums.hex(0));
    byte[] header = Header.encode(infos, meta);
    int dataCrcAt = Checksums.valuePosition(header, Checksums.DATA_KEY);
    AtomicFiles.write(path, ch -> {
      CRC32C crc = new CRC32C();
      write(ch, header, sorted.values(), crc);
      ch.write(ByteBuffer.wrap(Checksums.hex((int) crc.getValue())
          .getBytes(StandardCharsets.US_ASCII)), 8L + dataCrcAt);
    });
  }

  /** Writes the header length, the header and the tensors' bytes in the order given. */
  private static void write(WritableByteChannel ch, byte[] header, Iterable<Tensor> tensors,
      CRC32C crc) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    length.putLong(0, header.length);
    writeFully(ch, length);
    writeFully(ch, ByteBuffer.wrap(header));
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : tensors) {
      // One tensor at a time on the host, so saving from a GPU never holds two copies of a model.
      writeTensor(ch, t.cpu().contiguous(), chunk, crc);
    }
  }

  private static void writeTensor(WritableByteChannel ch, Tensor t, ByteBuffer chunk, CRC32C crc)
      throws IOException {
    // The one host copy of this tensor (an explicit transfer), written out a chunk at a time.
    Object host = switch (t.dtype()) {
      case FLOAT32 -> t.toFloatArray();
      case FLOAT64 -> t.toDoubleArray();
      case INT64 -> t.toLongArray();
      case BOOL -> t.toBooleanArray();
    };
    int n = t.numel();
    int base = 0;
    int perChunk = chunk.capacity() / t.dtype().byteSize();
    for (int i = 0, k; i < n; i += k) {
      k = Math.min(n - i, perChunk);
      chunk.clear();
      switch (t.dtype()) {
        case FLOAT32 -> chunk.asFloatBuffer().put((float[]) host, base + i, k);
        case FLOAT64 -> chunk.asDoubleBuffer().put((double[]) host, base + i, k);
        case INT64 -> chunk.asLongBuffer().put((long[]) host, base + i, k);
        case BOOL -> {
          boolean[] a = (boolean[]) host;
          for (int j = 0; j < k; j++) {
            chunk.put(j, a[base + i + j] ? (byte) 1 : (byte) 0);
          }
        }
        default -> throw new AssertionError(t.dtype());
      }
      chunk.limit(k * t.dtype().byteSize());
      if (crc != null) {
        crc.update(chunk);
        chunk.flip();
      }
      writeFully(ch, chunk);
    }
  }

  private static void writeFully(WritableByteChannel ch, ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      ch.write(src);
    }
  }

  private static void requireWellFormed(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("save: " + what + " has an unpaired surrogate U+"
            + String.format("%04X", (int) c) + " at index " + i + ", which UTF-8 cannot encode");
      }
    }
  }

  /** Orders strings by code point, which is the order of their UTF-8 bytes. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
