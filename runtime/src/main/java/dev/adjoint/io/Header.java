package dev.adjoint.io;

import dev.adjoint.io.JsonReader.JsonException;
import dev.adjoint.tensor.DType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: one entry per tensor ({@code dtype}, {@code shape},
 * {@code data_offsets}) and an optional {@code __metadata__} object of strings. This class is the
 * one place that knows the header's schema and its rules, in both directions.
 *
 * <p>The rules are those of the reference implementation (the Rust {@code safetensors} crate),
 * which every file PyTorch writes obeys: tensors lie back to back from offset 0 with no gaps and
 * no overlaps and fill the data region exactly, and each one's byte length is its element count
 * times its dtype's size. Adjoint adds its own limits (dtypes it supports, element counts that fit
 * a Java array), each reported as such.
 */
final class Header {
  /** The largest header the reference implementation accepts: 100 MB. */
  static final long MAX_BYTES = 100_000_000L;

  /** The key of the metadata object, which never names a tensor. */
  static final String METADATA_KEY = "__metadata__";

  /** The most elements one tensor can hold: Java arrays are int-indexed (see {@code Tensor}). */
  static final long MAX_NUMEL = Integer.MAX_VALUE - 8;

  /**
   * The most dimensions a shape may have. Real tensors have a handful; the limit keeps a hostile
   * header from making the reader build a shape array of millions of ones.
   */
  static final int MAX_RANK = 64;

  /**
   * The most tensors one file may list. Each costs a few hundred bytes of Java objects however
   * few bytes of header and data it takes, so without a limit a 100 MB header of empty tensors
   * needs gigabytes; real files list a few thousand at most (a 70B-parameter model's shards
   * hundreds each).
   */
  static final int MAX_TENSORS = 100_000;

  /** The most {@code __metadata__} entries one file may have; real files have a handful. */
  static final int MAX_METADATA_ENTRIES = 10_000;

  /**
   * One tensor: its dtype, its shape, its bytes {@code [begin, end)} in the data region, and its
   * place in the header's list.
   */
  record TensorInfo(String name, DType dtype, int[] shape, long begin, long end, int index) {
    /** Number of elements (checked to fit an int when the header was read). */
    int numel() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return (int) n;
    }
  }

  private final List<TensorInfo> tensors;
  private final List<TensorInfo> inDataOrder;
  private final Map<String, String> metadata;

  private Header(List<TensorInfo> tensors, List<TensorInfo> inDataOrder,
      Map<String, String> metadata) {
    this.tensors = Collections.unmodifiableList(tensors);
    this.inDataOrder = Collections.unmodifiableList(inDataOrder);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /** The tensors in the order the header lists them. */
  List<TensorInfo> tensors() {
    return tensors;
  }

  /** The tensors in the order of their data, so that reading them is one sequential pass. */
  List<TensorInfo> inDataOrder() {
    return inDataOrder;
  }

  /** The {@code __metadata__} entries in header order; empty when there are none. */
  Map<String, String> metadata() {
    return metadata;
  }

  // ================================================================== reading

  /**
   * Parses and validates a header.
   *
   * @param json the header text (already checked to be UTF-8)
   * @param dataLength the number of bytes after the header, which the tensors must fill exactly
   * @param source the file, for messages
   * @throws SafeTensorsException naming the tensor and the problem, for any header Adjoint cannot
   *     read
   */
  static Header parse(String json, long dataLength, String source) throws SafeTensorsException {
    JsonReader r = new JsonReader(json);
    List<TensorInfo> tensors = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    try {
      r.beginObject("header");
      while (r.hasNext()) {
        String name = r.nextName();
        if (name.equals(METADATA_KEY)) {
          readMetadata(r, metadata, source);
        } else {
          if (tensors.size() == MAX_TENSORS) {
            throw fail(source, "the header lists more than " + MAX_TENSORS + " tensors, the"
                + " most Adjoint reads from one file (each costs memory however small it is);"
                + " split the tensors over several files");
          }
          tensors.add(readTensor(r, name, tensors.size(), dataLength, source));
        }
      }
      r.endObject();
      r.endDocument();
    } catch (JsonException e) {
      throw new SafeTensorsException(source + ": " + e.getMessage(), e);
    }
    List<TensorInfo> inDataOrder = new ArrayList<>(tensors);
    // Empty tensors share an offset; among them, name order is the order the writer laid them
    // out in, which the header checksum relies on.
    inDataOrder.sort(Comparator.comparingLong(TensorInfo::begin)
        .thenComparingLong(TensorInfo::end)
        .thenComparing(TensorInfo::name, SafeTensors::compareCodePoints));
    checkLayout(inDataOrder, dataLength, source);
    return new Header(tensors, inDataOrder, metadata);
  }

  private static void readMetadata(JsonReader r, Map<String, String> metadata, String source)
      throws JsonException, SafeTensorsException {
    // The reference reader takes null as "no metadata", so a file it accepts is not refused here.
    if (r.nextIsNull()) {
      return;
    }
    r.beginObject(METADATA_KEY);
    while (r.hasNext()) {
      if (metadata.size() == MAX_METADATA_ENTRIES) {
        throw fail(source, METADATA_KEY + " has more than " + MAX_METADATA_ENTRIES + " entries,"
            + " the most Adjoint reads (real files have a handful)");
      }
      String key = r.nextName();
      metadata.put(key, r.nextString(METADATA_KEY + " value of " + JsonReader.quoteForMessage(key)
          + " (metadata maps strings to strings)"));
    }
    r.endObject();
  }

  private static TensorInfo readTensor(JsonReader r, String name, int index, long dataLength,
      String source) throws JsonException, SafeTensorsException {
    String what = "tensor " + JsonReader.quoteForMessage(name);
    DType dtype = null;
    int[] shape = null;
    long[] offsets = null;
    r.beginObject(what);
    while (r.hasNext()) {
      String field = r.nextName();
      switch (field) {
        case "dtype" -> {
          String s = r.nextString(what + " dtype");
          dtype = DType.fromSafetensorsName(s);
          if (dtype == null) {
            throw fail(source, what + ": dtype " + JsonReader.quoteForMessage(s)
                + " is not one Adjoint supports (F32, F64, I64 or BOOL)");
          }
        }
        case "shape" -> shape = readShape(r, what + " shape", source);
        case "data_offsets" -> offsets = readOffsets(r, what + " data_offsets", source);
        default -> throw fail(source, what + ": unknown field " + JsonReader.quoteForMessage(field)
            + " (a tensor has exactly dtype, shape and data_offsets)");
      }
    }
    r.endObject();
    if (dtype == null || shape == null || offsets == null) {
      String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
      throw fail(source, what + ": the field \"" + missing + "\" is missing");
    }
    return check(new TensorInfo(name, dtype, shape, offsets[0], offsets[1], index), what,
        dataLength, source);
  }

  private static int[] readShape(JsonReader r, String what, String source)
      throws JsonException, SafeTensorsException {
    r.beginArray(what);
    int[] dims = new int[4];
    int rank = 0;
    while (r.hasNext()) {
      long d = r.nextNonNegativeLong(what);
      if (rank == MAX_RANK) {
        throw fail(source, what + ": more than " + MAX_RANK + " dimensions");
      }
      if (d > Integer.MAX_VALUE) {
        throw fail(source, what + ": dimension " + rank + " is " + d
            + ", more than an Adjoint dimension can be (" + Integer.MAX_VALUE + ")");
      }
      if (rank == dims.length) {
        dims = Arrays.copyOf(dims, 2 * rank);
      }
      dims[rank++] = (int) d;
    }
    r.endArray();
    return Arrays.copyOf(dims, rank);
  }

  private static long[] readOffsets(JsonReader r, String what, String source)
      throws JsonException, SafeTensorsException {
    r.beginArray(what);
    long[] offsets = new long[2];
    for (int i = 0; i < 2; i++) {
      if (!r.hasNext()) {
        throw fail(source, what + ": expected [begin, end], got " + i + " number"
            + (i == 1 ? "" : "s"));
      }
      offsets[i] = r.nextNonNegativeLong(what);
    }
    if (r.hasNext()) {
      throw fail(source, what + ": expected [begin, end], got more than two numbers");
    }
    r.endArray();
    return offsets;
  }

  /** The checks on one tensor by itself; {@link #checkLayout} relates the tensors. */
  private static TensorInfo check(TensorInfo t, String what, long dataLength, String source)
      throws SafeTensorsException {
    String shape = shapeString(t.shape());
    long numel = 1;
    long bytes;
    try {
      for (int d : t.shape()) {
        numel = Math.multiplyExact(numel, d);
      }
      bytes = Math.multiplyExact(numel, t.dtype().byteSize());
    } catch (ArithmeticException e) {
      throw fail(source, what + ": shape " + shape + " has more bytes than a 64-bit count holds");
    }
    String range = offsetsString(t);
    if (t.end() < t.begin()) {
      throw fail(source, what + ": data_offsets " + range + " end before they begin");
    }
    if (t.end() > dataLength) {
      throw fail(source, what + ": data_offsets " + range + " reach past the end of the data,"
          + " which is " + dataLength + " bytes long (is the file truncated?)");
    }
    if (t.end() - t.begin() != bytes) {
      throw fail(source, what + ": data_offsets " + range + " hold " + (t.end() - t.begin())
          + " bytes but " + t.dtype().safetensorsName() + " shape " + shape + " needs " + bytes
          + " (" + numel + " elements of " + t.dtype().byteSize() + " bytes)");
    }
    if (numel > MAX_NUMEL) {
      throw fail(source, what + ": shape " + shape + " has " + numel + " elements; an Adjoint"
          + " tensor holds at most " + MAX_NUMEL + " (Java arrays are int-indexed)");
    }
    return t;
  }

  /** Requires the tensors, sorted by offset, to fill {@code [0, dataLength)} back to back. */
  private static void checkLayout(List<TensorInfo> inDataOrder, long dataLength, String source)
      throws SafeTensorsException {
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : inDataOrder) {
      if (t.begin() < expected) {
        throw fail(source, "tensor " + JsonReader.quoteForMessage(t.name()) + ": data_offsets "
            + offsetsString(t) + " overlap those of tensor "
            + JsonReader.quoteForMessage(previous.name()) + ", " + offsetsString(previous));
      }
      if (t.begin() > expected) {
        throw fail(source, "tensor " + JsonReader.quoteForMessage(t.name()) + ": data_offsets "
            + offsetsString(t) + " leave bytes [" + expected + ", " + t.begin()
            + ") of the data to no tensor (safetensors stores tensors back to back from 0)");
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataLength) {
      throw fail(source, "the data is " + dataLength + " bytes long but the tensors fill only "
          + expected + "; the last " + (dataLength - expected) + " bytes belong to no tensor");
    }
  }

  private static String offsetsString(TensorInfo t) {
    return "[" + t.begin() + ", " + t.end() + "]";
  }

  private static String shapeString(int[] shape) {
    return Arrays.toString(shape);
  }

  private static SafeTensorsException fail(String source, String message) {
    return new SafeTensorsException(source + ": " + message);
  }

  // ================================================================== writing

  /**
   * The header bytes for {@code tensors} (in data order, offsets filled in) and {@code metadata},
   * as the reference writer lays them out: compact JSON with {@code __metadata__} first (only when
   * there is some), then each tensor's {@code dtype}, {@code shape} and {@code data_offsets},
   * padded with spaces to a multiple of 8 bytes so that the data after it starts 8-byte aligned.
   *
   * <p>Every string must be well-formed UTF-16 (no unpaired surrogates); the caller checks.
   */
  static byte[] encode(List<TensorInfo> tensors, Map<String, String> metadata) {
    StringBuilder sb = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      sb.append(JsonWriter.quote(METADATA_KEY)).append(":{");
      String sep = "";
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        sb.append(sep).append(JsonWriter.quote(e.getKey())).append(':')
            .append(JsonWriter.quote(e.getValue()));
        sep = ",";
      }
      sb.append('}');
    }
    for (TensorInfo t : tensors) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(JsonWriter.quote(t.name())).append(":{\"dtype\":")
          .append(JsonWriter.quote(t.dtype().safetensorsName())).append(",\"shape\":[");
      for (int d = 0; d < t.shape().length; d++) {
        sb.append(d == 0 ? "" : ",").append(t.shape()[d]);
      }
      sb.append("],\"data_offsets\":[").append(t.begin()).append(',').append(t.end())
          .append("]}");
    }
    byte[] json = sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    if (json.length > MAX_BYTES) {
      throw new IllegalArgumentException("save: the header would be " + json.length
          + " bytes, more than the " + MAX_BYTES + " that safetensors readers accept");
    }
    byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    return padded;
  }
}
