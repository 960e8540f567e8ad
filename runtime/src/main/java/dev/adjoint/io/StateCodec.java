package dev.adjoint.io;

import dev.adjoint.io.JsonReader.JsonException;
import dev.adjoint.io.JsonReader.Kind;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Stores state trees (what {@code state_dict()} methods return) in one safetensors file and reads
 * them back exactly. A state tree is a {@link Map} or {@link List} nesting {@link Tensor},
 * {@link String}, {@link Boolean}, {@link Integer}, {@link Long}, {@link Float}, {@link Double}
 * and {@code null}; map keys are Strings, Integers, Longs, Floats, Doubles or Booleans (an
 * optimizer's {@code "state"} is keyed by Integer parameter indices).
 *
 * <p>Each entry of the root map becomes one {@code __metadata__} string, named by the entry's key,
 * holding the entry's value as JSON; each tensor becomes a tensor entry of the file named by its
 * path ({@code optimizer.state.0.exp_avg}), and the JSON holds a marker in its place. JSON has
 * only one kind of number and no NaN, so values JSON cannot type by itself are marked too:
 *
 * <table>
 *   <caption>How values are written</caption>
 *   <tr><th>value</th><th>JSON</th></tr>
 *   <tr><td>String, Boolean, null</td><td>{@code "text"}, {@code true}, {@code null}</td></tr>
 *   <tr><td>Integer</td><td>{@code 3} (a number without fraction or exponent)</td></tr>
 *   <tr><td>finite Double</td><td>{@code 0.5}, {@code -0.0}, {@code 1.0E-8} (always with a
 *       fraction or an exponent)</td></tr>
 *   <tr><td>other Double</td><td><code>{"__double__": "NaN"}</code>, {@code "Infinity"},
 *       {@code "-Infinity"}, or the raw bits of a NaN with another payload,
 *       {@code "0x7ff8000000000001"}</td></tr>
 *   <tr><td>Long</td><td><code>{"__long__": 123}</code></td></tr>
 *   <tr><td>Float</td><td><code>{"__float__": 0.5}</code>, or a string as for Double
 *       ({@code "0x7fc00001"})</td></tr>
 *   <tr><td>Tensor</td><td><code>{"__tensor__": "optimizer.state.0.exp_avg"}</code>, the name of
 *       its entry</td></tr>
 *   <tr><td>List</td><td>an array</td></tr>
 *   <tr><td>Map with String keys</td><td>an object</td></tr>
 *   <tr><td>other Map</td><td><code>{"__map__": [[0, value], [1, value]]}</code>, keys written as
 *       values</td></tr>
 * </table>
 *
 * <p>An object whose first key looks like a marker ({@code __name__}) is a marker and has that one
 * key; so a String-keyed map with such a key is written in the {@code __map__} form, which keeps
 * every tree expressible. Decoding is strict: it accepts what encoding writes and refuses anything
 * else (an unknown marker, a reference to a missing tensor entry, a tensor entry nothing refers to
 * or two references to one, an Integer that does not fit, a number that overflows) with a message
 * naming the entry and the path in the tree. Decoded maps and lists are unmodifiable and keep their
 * order (the root entries come in the file's metadata order, which safetensors sorts by key);
 * tensors are those of the file.
 */
final class StateCodec {
  /** Deepest nesting of maps and lists accepted, either way; real state trees have a handful. */
  static final int MAX_DEPTH = 64;

  static final String TENSOR = "__tensor__";
  static final String LONG = "__long__";
  static final String FLOAT = "__float__";
  static final String DOUBLE = "__double__";
  static final String MAP = "__map__";
  private static final List<String> MARKERS = List.of(TENSOR, LONG, FLOAT, DOUBLE, MAP);

  private static final long CANONICAL_DOUBLE_NAN = Double.doubleToRawLongBits(Double.NaN);
  private static final int CANONICAL_FLOAT_NAN = Float.floatToRawIntBits(Float.NaN);

  private StateCodec() {}

  /** The tensor entries and metadata strings that hold a state tree. */
  record Encoded(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  /** Whether {@code key} has the shape of a marker, {@code __name__}. */
  static boolean looksLikeMarker(String key) {
    return key.length() > 4 && key.startsWith("__") && key.endsWith("__");
  }

  // ================================================================== encoding

  /**
   * Encodes each entry of {@code root} as the metadata string of the same name and its tensors as
   * entries named by their paths.
   *
   * @throws IllegalArgumentException naming the path of a value that is not part of a state tree
   *     (an unsupported type, a null key, a cycle, nesting deeper than {@link #MAX_DEPTH}, a
   *     string with an unpaired surrogate)
   */
  static Encoded encode(Map<String, ?> root) {
    Encoder e = new Encoder();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, ?> entry : root.entrySet()) {
      String key = entry.getKey();
      if (key == null) {
        throw new IllegalArgumentException("state tree: a root key is null");
      }
      StringBuilder json = new StringBuilder();
      e.value(entry.getValue(), key, json, 0);
      metadata.put(key, json.toString());
    }
    return new Encoded(e.tensors, metadata);
  }

  private static final class Encoder {
    final Map<String, Tensor> tensors = new LinkedHashMap<>();
    /** The maps and lists on the path being written, to refuse cycles. */
    final Map<Object, Boolean> open = new IdentityHashMap<>();

    void value(Object v, String path, StringBuilder out, int depth) {
      if (v == null) {
        out.append("null");
      } else if (v instanceof String s) {
        requireWellFormed(s, path);
        out.append(JsonWriter.quote(s));
      } else if (v instanceof Boolean b) {
        out.append(b.booleanValue());
      } else if (v instanceof Integer i) {
        out.append(i.intValue());
      } else if (v instanceof Long l) {
        marker(out, LONG).append(l.longValue()).append('}');
      } else if (v instanceof Double d) {
        writeDouble(d, out);
      } else if (v instanceof Float f) {
        marker(out, FLOAT);
        float x = f;
        if (Float.isFinite(x)) {
          out.append(Float.toString(x));
        } else {
          out.append('"').append(nonFinite(Float.floatToRawIntBits(x))).append('"');
        }
        out.append('}');
      } else if (v instanceof Tensor t) {
        String name = unusedName(path);
        tensors.put(name, t);
        marker(out, TENSOR).append(JsonWriter.quote(name)).append('}');
      } else if (v instanceof Map<?, ?> m) {
        enter(m, path, depth);
        writeMap(m, path, out, depth);
        open.remove(m);
      } else if (v instanceof List<?> l) {
        enter(l, path, depth);
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
          out.append(i == 0 ? "" : ",");
          value(l.get(i), path + "." + i, out, depth + 1);
        }
        out.append(']');
        open.remove(l);
      } else {
        throw new IllegalArgumentException("state tree: " + path + " is a "
            + v.getClass().getName() + "; a state tree holds only Tensor, String, Boolean,"
            + " Integer, Long, Float, Double, null, Map and List");
      }
    }

    private void writeDouble(double d, StringBuilder out) {
      if (Double.isFinite(d)) {
        // Double.toString always has a '.' or an 'E' (so it reads back as a Double, not an
        // Integer), is valid JSON, and Double.parseDouble returns exactly d from it.
        out.append(Double.toString(d));
      } else {
        marker(out, DOUBLE).append('"').append(nonFinite(Double.doubleToRawLongBits(d)))
            .append("\"}");
      }
    }

    private void writeMap(Map<?, ?> m, String path, StringBuilder out, int depth) {
      boolean plain = true;
      for (Object k : m.keySet()) {
        if (k == null) {
          throw new IllegalArgumentException("state tree: " + path + " has a null key");
        }
        if (!(k instanceof String s) || looksLikeMarker(s)) {
          plain = false;
        }
      }
      if (plain) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          String k = (String) e.getKey();
          requireWellFormed(k, path + " key");
          out.append(first ? "" : ",").append(JsonWriter.quote(k)).append(':');
          value(e.getValue(), path + "." + k, out, depth + 1);
          first = false;
        }
        out.append('}');
        return;
      }
      marker(out, MAP).append('[');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object k = e.getKey();
        if (!isKeyType(k)) {
          throw new IllegalArgumentException("state tree: " + path + " has a key of type "
              + k.getClass().getName() + "; keys are String, Integer, Long, Float, Double or"
              + " Boolean");
        }
        String segment = k instanceof String s ? s : String.valueOf(k);
        out.append(first ? "[" : ",[");
        value(k, path + " key " + segment, out, depth + 1);
        out.append(',');
        value(e.getValue(), path + "." + segment, out, depth + 1);
        out.append(']');
        first = false;
      }
      out.append("]}");
    }

    private void enter(Object container, String path, int depth) {
      if (depth >= MAX_DEPTH) {
        throw new IllegalArgumentException("state tree: " + path + " is nested more than "
            + MAX_DEPTH + " maps and lists deep");
      }
      if (open.put(container, Boolean.TRUE) != null) {
        throw new IllegalArgumentException("state tree: " + path + " contains itself (a cycle)");
      }
    }

    /** {@code path}, or {@code path#2}, {@code path#3}... when an entry already has that name. */
    private String unusedName(String path) {
      String name = path;
      // "__metadata__" is the one name safetensors reserves.
      for (int n = 2; tensors.containsKey(name) || name.equals(Header.METADATA_KEY); n++) {
        name = path + "#" + n;
      }
      return name;
    }
  }

  private static StringBuilder marker(StringBuilder out, String marker) {
    return out.append("{\"").append(marker).append("\":");
  }

  private static String nonFinite(long bits) {
    double d = Double.longBitsToDouble(bits);
    if (d == Double.POSITIVE_INFINITY) {
      return "Infinity";
    }
    if (d == Double.NEGATIVE_INFINITY) {
      return "-Infinity";
    }
    return bits == CANONICAL_DOUBLE_NAN ? "NaN" : String.format("0x%016x", bits);
  }

  private static String nonFinite(int bits) {
    float f = Float.intBitsToFloat(bits);
    if (f == Float.POSITIVE_INFINITY) {
      return "Infinity";
    }
    if (f == Float.NEGATIVE_INFINITY) {
      return "-Infinity";
    }
    return bits == CANONICAL_FLOAT_NAN ? "NaN" : String.format("0x%08x", bits);
  }

  private static boolean isKeyType(Object k) {
    return k instanceof String || k instanceof Integer || k instanceof Long || k instanceof Float
        || k instanceof Double || k instanceof Boolean;
  }

  private static void requireWellFormed(String s, String path) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("state tree: the string at " + path
            + " has an unpaired surrogate U+" + String.format("%04X", (int) c) + " at index " + i
            + ", which UTF-8 cannot encode");
      }
    }
  }

  // ================================================================== decoding

  /**
   * Decodes every metadata entry except those in {@code plain} as a state tree, taking its
   * tensors from {@code tensors}; every tensor must be referenced exactly once.
   *
   * @param source the file, for messages
   * @return the decoded entries by metadata key, in the metadata's order (unmodifiable)
   * @throws CheckpointException naming the file, the entry, the path and the problem
   */
  static Map<String, Object> decode(Map<String, Tensor> tensors, Map<String, String> metadata,
      Collection<String> plain, String source) throws CheckpointException {
    Decoder d = new Decoder(tensors);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (plain.contains(e.getKey())) {
        continue;
      }
      String key = e.getKey();
      JsonReader r = new JsonReader(e.getValue());
      try {
        Object v = d.value(r, key, 0);
        r.endDocument();
        out.put(key, v);
      } catch (JsonException x) {
        throw new CheckpointException(source + ": metadata entry "
            + JsonReader.quoteForMessage(key) + ": " + x.getMessage(), x);
      }
    }
    for (String name : tensors.keySet()) {
      if (!d.used.contains(name)) {
        throw new CheckpointException(source + ": tensor entry "
            + JsonReader.quoteForMessage(name) + " is not referenced by any metadata entry"
            + " (each tensor of a state file is the value of one " + TENSOR + " marker)");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static final class Decoder {
    final Map<String, Tensor> tensors;
    final Set<String> used = new HashSet<>();

    Decoder(Map<String, Tensor> tensors) {
      this.tensors = tensors;
    }

    Object value(JsonReader r, String path, int depth) throws JsonException {
      switch (r.peek(path)) {
        case NULL -> {
          r.nextIsNull();
          return null;
        }
        case BOOLEAN -> {
          return r.nextBoolean(path);
        }
        case STRING -> {
          return r.nextString(path);
        }
        case NUMBER -> {
          int at = r.position();
          return plainNumber(r.nextNumber(path), path, at);
        }
        case ARRAY -> {
          enter(r, path, depth);
          r.beginArray(path);
          List<Object> list = new ArrayList<>();
          while (r.hasNext()) {
            list.add(value(r, path + "." + list.size(), depth + 1));
          }
          r.endArray();
          return Collections.unmodifiableList(list);
        }
        case OBJECT -> {
          enter(r, path, depth);
          return object(r, path, depth);
        }
        default -> throw new AssertionError();
      }
    }

    private static void enter(JsonReader r, String path, int depth) throws JsonException {
      if (depth >= MAX_DEPTH) {
        throw new JsonException(path + ": nested more than " + MAX_DEPTH
            + " maps and lists deep", r.position());
      }
    }

    private Object object(JsonReader r, String path, int depth) throws JsonException {
      r.beginObject(path);
      Map<Object, Object> map = new LinkedHashMap<>();
      if (r.hasNext()) {
        int at = r.position();
        String first = r.nextName();
        if (looksLikeMarker(first)) {
          Object v = marker(first, r, path, depth, at);
          if (r.hasNext()) {
            throw new JsonException(path + ": a " + first + " marker object must have no other"
                + " key", r.position());
          }
          r.endObject();
          return v;
        }
        map.put(first, value(r, path + "." + first, depth + 1));
        while (r.hasNext()) {
          at = r.position();
          String name = r.nextName();
          if (looksLikeMarker(name)) {
            throw new JsonException(path + ": key " + JsonReader.quoteForMessage(name)
                + " looks like a marker but is not the only key of its object (a map with such"
                + " a key is written as " + MAP + ")", at);
          }
          map.put(name, value(r, path + "." + name, depth + 1));
        }
      }
      r.endObject();
      return Collections.unmodifiableMap(map);
    }

    private Object marker(String marker, JsonReader r, String path, int depth, int at)
        throws JsonException {
      switch (marker) {
        case TENSOR -> {
          String name = r.nextString(path + " " + TENSOR);
          Tensor t = tensors.get(name);
          if (t == null) {
            throw new JsonException(path + ": refers to tensor entry "
                + JsonReader.quoteForMessage(name) + ", which the file does not have", at);
          }
          if (!used.add(name)) {
            throw new JsonException(path + ": tensor entry " + JsonReader.quoteForMessage(name)
                + " is referred to twice", at);
          }
          return t;
        }
        case LONG -> {
          int start = r.position();
          String text = integerText(r.nextNumber(path + " " + LONG), path, start);
          try {
            return Long.parseLong(text);
          } catch (NumberFormatException e) {
            throw new JsonException(path + ": " + text + " does not fit a Long", start);
          }
        }
        case DOUBLE -> {
          int start = r.position();
          String text = r.nextString(path + " " + DOUBLE);
          long bits = nonFiniteBits(text, 16, path, start);
          if (Double.isFinite(Double.longBitsToDouble(bits))) {
            throw new JsonException(path + ": " + DOUBLE + " \"" + text + "\" is finite;"
                + " finite doubles are written as plain numbers", start);
          }
          return Double.longBitsToDouble(bits);
        }
        case FLOAT -> {
          int start = r.position();
          if (r.peek(path + " " + FLOAT) == Kind.STRING) {
            String text = r.nextString(path + " " + FLOAT);
            long bits = nonFiniteBits(text, 8, path, start);
            if (Float.isFinite(Float.intBitsToFloat((int) bits))) {
              throw new JsonException(path + ": " + FLOAT + " \"" + text + "\" is finite;"
                  + " finite floats are written as numbers", start);
            }
            return Float.intBitsToFloat((int) bits);
          }
          String text = r.nextNumber(path + " " + FLOAT);
          float f = Float.parseFloat(text);
          checkRange(Float.isInfinite(f), f == 0, text, "a Float", path, start);
          return f;
        }
        case MAP -> {
          return entries(r, path, depth);
        }
        default -> throw new JsonException(path + ": unknown marker "
            + JsonReader.quoteForMessage(marker) + " (known: " + String.join(", ", MARKERS)
            + ")", at);
      }
    }

    private Map<Object, Object> entries(JsonReader r, String path, int depth)
        throws JsonException {
      String what = path + " " + MAP;
      r.beginArray(what);
      Map<Object, Object> map = new LinkedHashMap<>();
      while (r.hasNext()) {
        int at = r.position();
        r.beginArray(what + " entry " + map.size());
        if (!r.hasNext()) {
          throw new JsonException(what + ": an entry must be [key, value], got []", at);
        }
        Kind kind = r.peek(what);
        if (kind == Kind.ARRAY || kind == Kind.NULL) {
          throw new JsonException(what + ": a key must be a String, Integer, Long, Float,"
              + " Double or Boolean, got " + kind.name().toLowerCase(Locale.ROOT),
              r.position());
        }
        int keyAt = r.position();
        Object key = value(r, path + " key", depth + 1);
        if (!isKeyType(key)) {
          throw new JsonException(what + ": a key must be a String, Integer, Long, Float,"
              + " Double or Boolean, got " + typeName(key), keyAt);
        }
        if (map.containsKey(key)) {
          throw new JsonException(what + ": duplicate key " + describeKey(key), keyAt);
        }
        if (!r.hasNext()) {
          throw new JsonException(what + ": an entry must be [key, value], got only the key",
              r.position());
        }
        String segment = key instanceof String s ? s : String.valueOf(key);
        map.put(key, value(r, path + "." + segment, depth + 1));
        if (r.hasNext()) {
          throw new JsonException(what + ": an entry must be [key, value], got more",
              r.position());
        }
        r.endArray();
      }
      r.endArray();
      return Collections.unmodifiableMap(map);
    }
  }

  private static String typeName(Object v) {
    if (v instanceof Map) {
      return "a map";
    }
    if (v instanceof List) {
      return "a list";
    }
    return v instanceof Tensor ? "a tensor" : "a " + v.getClass().getSimpleName();
  }

  private static String describeKey(Object key) {
    return key instanceof String s
        ? JsonReader.quoteForMessage(s)
        : key.getClass().getSimpleName() + " " + key;
  }

  /** A plain JSON number: an Integer without fraction or exponent, else a Double. */
  private static Object plainNumber(String text, String path, int at) throws JsonException {
    if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
      integerText(text, path, at);
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new JsonException(path + ": " + text + " does not fit an Integer (a Long is"
            + " written as {\"" + LONG + "\": " + text + "})", at);
      }
    }
    double d = Double.parseDouble(text);
    checkRange(Double.isInfinite(d), d == 0, text, "a Double", path, at);
    return d;
  }

  private static String integerText(String text, String path, int at) throws JsonException {
    if (text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
      throw new JsonException(path + ": expected an integer, got " + text, at);
    }
    if (text.equals("-0")) {
      throw new JsonException(path + ": -0 is not an integer this format writes (0 is)", at);
    }
    return text;
  }

  /** Refuses a decimal that overflows, or that is not zero but rounds to zero. */
  private static void checkRange(boolean infinite, boolean zero, String text, String type,
      String path, int at) throws JsonException {
    if (infinite) {
      throw new JsonException(path + ": " + text + " is too large for " + type, at);
    }
    if (zero) {
      int end = text.indexOf('e') >= 0 ? text.indexOf('e') : text.indexOf('E');
      String mantissa = end >= 0 ? text.substring(0, end) : text;
      if (mantissa.chars().anyMatch(c -> c >= '1' && c <= '9')) {
        throw new JsonException(path + ": " + text + " is too small for " + type
            + " (it would read as zero)", at);
      }
    }
  }

  /**
   * The bits of a non-finite value written as a string: {@code "NaN"}, {@code "Infinity"},
   * {@code "-Infinity"} or {@code "0x"} and {@code digits} lowercase hex digits.
   */
  private static long nonFiniteBits(String text, int digits, String path, int at)
      throws JsonException {
    boolean wide = digits == 16;
    switch (text) {
      case "NaN":
        return wide ? CANONICAL_DOUBLE_NAN : CANONICAL_FLOAT_NAN;
      case "Infinity":
        return wide ? Double.doubleToRawLongBits(Double.POSITIVE_INFINITY)
            : Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
      case "-Infinity":
        return wide ? Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)
            : Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);
      default:
        break;
    }
    if (text.length() == 2 + digits && text.startsWith("0x")
        && text.substring(2).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a'
            && c <= 'f'))) {
      return Long.parseUnsignedLong(text.substring(2), 16);
    }
    throw new JsonException(path + ": \"" + text + "\" is not \"NaN\", \"Infinity\","
        + " \"-Infinity\" or the bits of a non-finite value as 0x and " + digits
        + " lowercase hex digits", at);
  }
}
