package dev.adjoint.io;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * A strict pull parser for one JSON text (RFC 8259), driven by a caller that knows the schema it
 * expects. Nothing is built that the caller does not ask for, so memory stays proportional to
 * what the caller keeps, and nesting never recurses: both matter because the text comes from an
 * untrusted file.
 *
 * <p>Strict means: duplicate keys in an object, trailing commas, leading zeros, unescaped control
 * characters, unpaired surrogate escapes and text after the value are all errors. The caller names
 * what it is reading ({@code what}) so that every error says which part of the document is wrong.
 */
final class JsonReader {
  /** A syntax error, or a value of the wrong kind, at a character position of the text. */
  static final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonException(String message, int position) {
      super(message + " (at character " + position + ")");
    }
  }

  /** Longest excerpt of the text quoted in an error message. */
  private static final int EXCERPT = 40;

  /** An open object or array. */
  private static final class Frame {
    /** What the caller said this object or array is, for messages. */
    final String what;
    final char close;
    /** Keys seen so far; null for an array. */
    final Set<String> keys;
    /** No element has been started yet, so no comma is due. */
    boolean first = true;
    /** {@link #hasNext()} has already moved past the comma to the next element. */
    boolean ready;

    Frame(String what, boolean object) {
      this.what = what;
      this.close = object ? '}' : ']';
      this.keys = object ? new HashSet<>() : null;
    }
  }

  private final String text;
  private final ArrayDeque<Frame> open = new ArrayDeque<>();
  private int pos;

  JsonReader(String text) {
    this.text = text;
  }

  /** Consumes <code>{</code>; {@code what} names the object in later messages. */
  void beginObject(String what) throws JsonException {
    begin(what, '{', "an object");
    open.push(new Frame(what, true));
  }

  /** Consumes {@code [}; {@code what} names the array in later messages. */
  void beginArray(String what) throws JsonException {
    begin(what, '[', "an array");
    open.push(new Frame(what, false));
  }

  private void begin(String what, char c, String kind) throws JsonException {
    skipWhitespace();
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw new JsonException(what + ": expected " + kind + ", got " + describeNext(), pos);
    }
    pos++;
    elementConsumed();
  }

  /**
   * Whether the innermost object or array has another element; when it does, moves past the
   * separating comma. Idempotent until the element is read.
   */
  boolean hasNext() throws JsonException {
    Frame f = open.peek();
    skipWhitespace();
    if (f.ready) {
      return true;
    }
    if (pos < text.length() && text.charAt(pos) == f.close) {
      return false;
    }
    if (!f.first) {
      if (pos >= text.length() || text.charAt(pos) != ',') {
        throw new JsonException(
            f.what + ": expected ',' or '" + f.close + "', got " + describeNext(), pos);
      }
      pos++;
      skipWhitespace();
    }
    f.first = false;
    f.ready = true;
    return true;
  }

  /** Consumes <code>}</code>, which {@link #hasNext()} has just found. */
  void endObject() throws JsonException {
    end();
  }

  /** Consumes {@code ]}, which {@link #hasNext()} has just found. */
  void endArray() throws JsonException {
    end();
  }

  private void end() throws JsonException {
    Frame f = open.peek();
    skipWhitespace();
    if (f.ready || pos >= text.length() || text.charAt(pos) != f.close) {
      throw new JsonException(f.what + ": expected '" + f.close + "', got " + describeNext(), pos);
    }
    pos++;
    open.pop();
  }

  /**
   * Reads the next key of the innermost object and the colon after it.
   *
   * @throws JsonException when the key is not a string or repeats an earlier key of this object
   */
  String nextName() throws JsonException {
    Frame f = open.peek();
    String what = f.what;
    int start = skipWhitespace();
    String name = nextString(what + " key");
    if (!f.keys.add(name)) {
      throw new JsonException(what + ": duplicate key " + quoteForMessage(name), start);
    }
    skipWhitespace();
    if (pos >= text.length() || text.charAt(pos) != ':') {
      throw new JsonException(what + ": expected ':' after key " + quoteForMessage(name)
          + ", got " + describeNext(), pos);
    }
    pos++;
    return name;
  }

  /** The kinds of JSON value, as {@link #peek} reports them. */
  enum Kind {
    OBJECT,
    ARRAY,
    STRING,
    NUMBER,
    BOOLEAN,
    NULL
  }

  /**
   * The kind of the next value; consumes nothing.
   *
   * @throws JsonException when no value starts there
   */
  Kind peek(String what) throws JsonException {
    skipWhitespace();
    if (pos < text.length()) {
      char c = text.charAt(pos);
      switch (c) {
        case '{':
          return Kind.OBJECT;
        case '[':
          return Kind.ARRAY;
        case '"':
          return Kind.STRING;
        case 't':
        case 'f':
          if (text.startsWith("true", pos) || text.startsWith("false", pos)) {
            return Kind.BOOLEAN;
          }
          break;
        case 'n':
          if (text.startsWith("null", pos)) {
            return Kind.NULL;
          }
          break;
        default:
          if (c == '-' || isDigit(c)) {
            return Kind.NUMBER;
          }
      }
    }
    throw new JsonException(what + ": expected a value, got " + describeNext(), pos);
  }

  /** Reads {@code true} or {@code false}. */
  boolean nextBoolean(String what) throws JsonException {
    skipWhitespace();
    boolean value;
    if (text.startsWith("true", pos)) {
      pos += 4;
      value = true;
    } else if (text.startsWith("false", pos)) {
      pos += 5;
      value = false;
    } else {
      throw new JsonException(what + ": expected a boolean, got " + describeNext(), pos);
    }
    elementConsumed();
    return value;
  }

  /**
   * Reads a number and returns its text exactly as written (checked against JSON's grammar), so
   * that the caller decides how to convert it without a detour through {@code double}.
   */
  String nextNumber(String what) throws JsonException {
    skipWhitespace();
    if (pos >= text.length() || !(text.charAt(pos) == '-' || isDigit(text.charAt(pos)))) {
      throw new JsonException(what + ": expected a number, got " + describeNext(), pos);
    }
    String number = scanNumber(what);
    elementConsumed();
    return number;
  }

  /** The position of the next character to read, for messages about what was just read. */
  int position() {
    return pos;
  }

  /** Whether the next value is {@code null}; consumes it when it is. */
  boolean nextIsNull() throws JsonException {
    skipWhitespace();
    if (text.startsWith("null", pos)) {
      pos += 4;
      elementConsumed();
      return true;
    }
    return false;
  }

  /** Reads a string value. */
  String nextString(String what) throws JsonException {
    skipWhitespace();
    if (pos >= text.length() || text.charAt(pos) != '"') {
      throw new JsonException(what + ": expected a string, got " + describeNext(), pos);
    }
    int start = pos++;
    StringBuilder sb = null;
    int runStart = pos;
    while (true) {
      if (pos >= text.length()) {
        throw new JsonException(what + ": unterminated string", start);
      }
      char c = text.charAt(pos);
      if (c == '"') {
        break;
      }
      if (c < 0x20) {
        throw new JsonException(
            what + ": control character U+" + hex4(c) + " must be escaped in a string", pos);
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append(text, runStart, pos);
      sb.append(escape(what));
      runStart = pos;
    }
    String s = sb == null
        ? text.substring(runStart, pos)
        : sb.append(text, runStart, pos).toString();
    pos++;
    elementConsumed();
    return s;
  }

  /** Decodes the escape at {@code pos} (a backslash) and moves past it. */
  private String escape(String what) throws JsonException {
    int start = pos;
    if (pos + 1 >= text.length()) {
      throw new JsonException(what + ": unterminated string", start);
    }
    char e = text.charAt(pos + 1);
    pos += 2;
    if (e != 'u') {
      return switch (e) {
        case '"' -> "\"";
        case '\\' -> "\\";
        case '/' -> "/";
        case 'b' -> "\b";
        case 'f' -> "\f";
        case 'n' -> "\n";
        case 'r' -> "\r";
        case 't' -> "\t";
        default -> throw new JsonException(what + ": invalid escape '\\" + e + "'", start);
      };
    }
    char c = hexUnit(what, start);
    if (Character.isLowSurrogate(c)) {
      throw new JsonException(what + ": unpaired surrogate \\u" + hex4(c), start);
    }
    if (!Character.isHighSurrogate(c)) {
      return String.valueOf(c);
    }
    // A character outside the BMP is escaped as a pair; half a pair is not text (no UTF-8 form).
    if (!text.startsWith("\\u", pos)) {
      throw new JsonException(what + ": unpaired surrogate \\u" + hex4(c), start);
    }
    pos += 2;
    char low = hexUnit(what, start);
    if (!Character.isLowSurrogate(low)) {
      throw new JsonException(what + ": unpaired surrogate \\u" + hex4(c), start);
    }
    return new String(new char[] {c, low});
  }

  /** Reads the four hex digits of a {@code \\u} escape. */
  private char hexUnit(String what, int escapeStart) throws JsonException {
    if (pos + 4 > text.length()) {
      throw new JsonException(what + ": incomplete \\u escape", escapeStart);
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      char h = text.charAt(pos + i);
      int d;
      // Character.digit would also accept non-ASCII digits, which JSON does not.
      if (h >= '0' && h <= '9') {
        d = h - '0';
      } else if (h >= 'a' && h <= 'f') {
        d = h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        d = h - 'A' + 10;
      } else {
        throw new JsonException(what + ": invalid \\u escape", escapeStart);
      }
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v;
  }

  /**
   * Reads a number that must be a non-negative integer ({@code 0} or digits without a leading
   * zero) and fit in a {@code long}.
   */
  long nextNonNegativeLong(String what) throws JsonException {
    skipWhitespace();
    int start = pos;
    if (pos >= text.length() || !(text.charAt(pos) == '-' || isDigit(text.charAt(pos)))) {
      throw new JsonException(what + ": expected a non-negative integer, got " + describeNext(),
          pos);
    }
    String number = scanNumber(what);
    if (number.charAt(0) == '-' || number.indexOf('.') >= 0 || number.indexOf('e') >= 0
        || number.indexOf('E') >= 0) {
      throw new JsonException(
          what + ": expected a non-negative integer, got " + excerpt(number), start);
    }
    try {
      long v = Long.parseLong(number);
      elementConsumed();
      return v;
    } catch (NumberFormatException e) {
      throw new JsonException(what + ": " + excerpt(number) + " is too large (more than "
          + Long.MAX_VALUE + ")", start);
    }
  }

  /** Consumes one number with JSON's grammar and returns its text. */
  private String scanNumber(String what) throws JsonException {
    int start = pos;
    if (text.charAt(pos) == '-') {
      pos++;
    }
    if (pos >= text.length() || !isDigit(text.charAt(pos))) {
      throw new JsonException(what + ": invalid number", start);
    }
    if (text.charAt(pos) == '0' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
      throw new JsonException(what + ": invalid number (JSON numbers have no leading zeros)",
          start);
    }
    pos = skipDigits(pos);
    if (pos < text.length() && text.charAt(pos) == '.') {
      int digits = ++pos;
      pos = skipDigits(pos);
      if (pos == digits) {
        throw new JsonException(what + ": invalid number (no digits after '.')", start);
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      int digits = pos;
      pos = skipDigits(pos);
      if (pos == digits) {
        throw new JsonException(what + ": invalid number (no digits in the exponent)", start);
      }
    }
    return text.substring(start, pos);
  }

  /** Requires that only whitespace follows the value just read. */
  void endDocument() throws JsonException {
    skipWhitespace();
    if (pos < text.length()) {
      throw new JsonException("unexpected " + describeNext() + " after the end of the JSON value",
          pos);
    }
  }

  /** What the next value is, in words, for an error message; consumes nothing. */
  private String describeNext() {
    if (pos >= text.length()) {
      return "the end of the text";
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> "an object";
      case '[' -> "an array";
      case '"' -> "a string";
      case 't', 'f' -> text.startsWith("true", pos) || text.startsWith("false", pos)
          ? "a boolean" : "'" + c + "'";
      case 'n' -> text.startsWith("null", pos) ? "null" : "'n'";
      default -> {
        if (c == '-' || isDigit(c)) {
          int end = pos + 1;
          while (end < text.length() && "0123456789.eE+-".indexOf(text.charAt(end)) >= 0) {
            end++;
          }
          yield "the number " + excerpt(text.substring(pos, end));
        }
        yield c < 0x20 || c > 0x7e ? "character U+" + hex4(c) : "'" + c + "'";
      }
    };
  }

  /** Marks the innermost array's pending element as read (an object's key already did so). */
  private void elementConsumed() {
    Frame f = open.peek();
    if (f != null) {
      f.ready = false;
    }
  }

  /** Skips JSON whitespace (space, tab, newline, carriage return) and returns the new position. */
  private int skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      pos++;
    }
    return pos;
  }

  private int skipDigits(int p) {
    while (p < text.length() && isDigit(text.charAt(p))) {
      p++;
    }
    return p;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String hex4(char c) {
    return String.format("%04X", (int) c);
  }

  private static String excerpt(String s) {
    return s.length() <= EXCERPT ? s : s.substring(0, EXCERPT) + "...";
  }

  /**
   * {@code s} as a JSON string literal cut to a readable length: keys come from untrusted files
   * and may hold newlines or megabytes.
   */
  static String quoteForMessage(String s) {
    int n = Math.min(s.length(), 2 * EXCERPT);
    if (n < s.length() && Character.isHighSurrogate(s.charAt(n - 1))) {
      n--; // never cut a character in half
    }
    String cut = s.substring(0, n);
    String quoted = JsonWriter.quote(cut);
    return cut.length() == s.length() ? quoted : quoted + "... (" + s.length() + " characters)";
  }
}
