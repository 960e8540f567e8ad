package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact bytes the writer produces, against layouts written out by hand. */
class SafeTensorsFormatTest {
  @TempDir Path dir;

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  private static String dump(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").formatHex(bytes);
  }

  private byte[] written(Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Path p = dir.resolve("t.safetensors");
    SafeTensors.save(tensors, metadata, p);
    return Files.readAllBytes(p);
  }

  @Test
  void smallFileMatchesTheHandWrittenLayout() throws IOException {
    // Inserted out of order: the writer lays tensors out sorted by name.
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("c", Tensor.scalar(258L));
    tensors.put("a", Tensor.of(1f, -2f));
    tensors.put("b", Tensor.of(true, false, true));

    String json = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[8,11]},"
        + "\"c\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[11,19]}}";
    assertEquals(194, json.length());
    byte[] expected = concat(
        hex("c8 00 00 00 00 00 00 00"), // header length 200 = 194 bytes of JSON + 6 spaces
        json.getBytes(StandardCharsets.US_ASCII),
        "      ".getBytes(StandardCharsets.US_ASCII),
        hex("00 00 80 3f  00 00 00 c0"), // a: 1.0f, -2.0f little-endian
        hex("01 00 01"), // b: true, false, true, one byte each
        hex("02 01 00 00 00 00 00 00")); // c: 258 = 0x0102 little-endian

    byte[] actual = written(tensors, Map.of("format", "pt"));
    assertArrayEquals(expected, actual, () -> "wrote " + dump(actual));
  }

  @Test
  void noMetadataObjectWhenThereIsNoMetadata() throws IOException {
    String json = "{\"x\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}}";
    assertEquals(56, json.length()); // already a multiple of 8: no padding
    byte[] expected = concat(
        hex("38 00 00 00 00 00 00 00"),
        json.getBytes(StandardCharsets.US_ASCII),
        hex("00 00 00 00 00 00 f0 bf")); // -1.0 as a little-endian double

    byte[] actual = written(Map.of("x", Tensor.of(new double[][] {{-1}})), Map.of());
    assertArrayEquals(expected, actual, () -> "wrote " + dump(actual));
  }

  @Test
  void stringsAreEscapedAsSerdeJsonDoes() throws IOException {
    // Quote, backslash and control characters escaped (short forms where JSON has one), non-ASCII
    // written as UTF-8, '/' left alone; metadata sorted by key.
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("z", "caf\u00e9/\u0001");
    metadata.put("k", "a\"b\\c\n\td");
    String json = "{\"__metadata__\":{\"k\":\"a\\\"b\\\\c\\n\\td\",\"z\":\"caf\u00e9/\\u0001\"},"
        + "\"q\\r\":{\"dtype\":\"I64\",\"shape\":[0],\"data_offsets\":[0,0]}}";
    byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
    assertEquals(111, jsonBytes.length); // padded to 112
    byte[] expected = concat(
        hex("70 00 00 00 00 00 00 00"),
        jsonBytes,
        " ".getBytes(StandardCharsets.US_ASCII));

    byte[] actual = written(Map.of("q\r", Tensor.of(new long[0])), metadata);
    assertArrayEquals(expected, actual, () -> "wrote " + dump(actual));
    assertTrue(dump(actual).contains("63 61 66 c3 a9"), "\u00e9 is the UTF-8 bytes c3 a9");
  }
}
