package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.io.JsonReader.JsonException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
  /** Reads a JSON array of non-negative integers. */
  private static List<Long> integers(String json) throws JsonException {
    JsonReader r = new JsonReader(json);
    List<Long> out = new ArrayList<>();
    r.beginArray("xs");
    while (r.hasNext()) {
      out.add(r.nextNonNegativeLong("xs"));
    }
    r.endArray();
    r.endDocument();
    return out;
  }

  /** Reads a JSON array of strings. */
  private static List<String> strings(String json) throws JsonException {
    JsonReader r = new JsonReader(json);
    List<String> out = new ArrayList<>();
    r.beginArray("ss");
    while (r.hasNext()) {
      out.add(r.nextString("ss"));
    }
    r.endArray();
    r.endDocument();
    return out;
  }

  private static String error(String json) {
    return assertThrows(JsonException.class, () -> integers(json)).getMessage();
  }

  @Test
  void integersWithAnyWhitespace() throws JsonException {
    assertEquals(List.of(0L, 7L, 9223372036854775807L),
        integers(" [ 0 ,\t7,\r\n9223372036854775807 ] \n"));
    assertEquals(List.of(), integers("[]"));
  }

  @Test
  void onlyNonNegativeIntegersAreIntegers() {
    assertTrue(error("[-1]").contains("xs: expected a non-negative integer, got -1"));
    assertTrue(error("[-0]").contains("got -0"));
    assertTrue(error("[2.0]").contains("got 2.0"));
    assertTrue(error("[2E3]").contains("got 2E3"));
    assertTrue(error("[007]").contains("no leading zeros"));
    assertTrue(error("[1.]").contains("no digits after '.'"));
    assertTrue(error("[1e]").contains("no digits in the exponent"));
    assertTrue(error("[-]").contains("invalid number"));
    assertTrue(error("[9223372036854775808]").contains("is too large"));
    assertTrue(error("[true]").contains("got a boolean"));
    assertTrue(error("[null]").contains("got null"));
    // Non-ASCII digits are not JSON digits.
    assertTrue(error("[\u0661]").contains("got character U+0661"));
  }

  @Test
  void structuralErrorsSayWhereAndWhat() {
    assertEquals("xs: expected ',' or ']', got the number 2 (at character 3)", error("[1 2]"));
    assertTrue(error("[1,]").contains("xs: expected a non-negative integer, got ']'"));
    assertTrue(error("[1").contains("xs: expected ',' or ']', got the end of the text"));
    assertTrue(error("[1] 2").contains("unexpected the number 2 after the end of the JSON value"));
    assertTrue(error("{}").contains("xs: expected an array, got an object"));
  }

  @Test
  void stringEscapesDecode() throws JsonException {
    assertEquals(List.of("a\"b\\c/d\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude00", "", "plain"),
        strings("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00E9\\u4e2d\", \"\\ud83d\\ude00\","
            + " \"\", \"plain\"]"));
  }

  @Test
  void badStringsAreRejected() {
    for (String bad : List.of("[\"\\ud83d\"]", "[\"\\ude00\"]", "[\"\\ud83d\\u0041\"]",
        "[\"\\u12\"]", "[\"\\u12G4\"]", "[\"\\q\"]", "[\"a\u0000\"]", "[\"abc]", "[\"abc\\")) {
      assertThrows(JsonException.class, () -> strings(bad), bad);
    }
  }

  @Test
  void duplicateKeysAreRejectedPerObject() throws JsonException {
    JsonReader r = new JsonReader("{\"a\":{\"a\":\"x\"},\"b\":\"y\",\"a\":\"z\"}");
    r.beginObject("top");
    assertTrue(r.hasNext());
    assertEquals("a", r.nextName());
    r.beginObject("inner");
    assertTrue(r.hasNext());
    assertEquals("a", r.nextName()); // the same key in another object is fine
    assertEquals("x", r.nextString("v"));
    assertFalse(r.hasNext());
    r.endObject();
    assertTrue(r.hasNext());
    assertEquals("b", r.nextName());
    assertFalse(r.nextIsNull());
    assertEquals("y", r.nextString("v"));
    assertTrue(r.hasNext());
    assertTrue(r.hasNext(), "hasNext is idempotent");
    JsonException e = assertThrows(JsonException.class, r::nextName);
    assertEquals("top: duplicate key \"a\" (at character 23)", e.getMessage());
  }

  @Test
  void quoteRoundTripsEveryCharacterItEscapes() throws JsonException {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      all.append(c);
    }
    all.append("\u00e9\u2028\ud83d\ude00");
    String quoted = JsonWriter.quote(all.toString());
    assertEquals(List.of(all.toString()), strings("[" + quoted + "]"));
    assertEquals("\"\\u0000\\u001f\\b\\\"\\\\/\u007f\"", JsonWriter.quote("\0\u001f\b\"\\/\u007f"));
  }
}
