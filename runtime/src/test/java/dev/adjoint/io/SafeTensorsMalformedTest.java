package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files that are not valid safetensors: each must give a {@link SafeTensorsException} whose
 * message names the file and the problem (and the tensor, where there is one), never another
 * exception.
 */
class SafeTensorsMalformedTest {
  @TempDir Path dir;

  private static byte[] lengthPrefix(long n) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A file with this header text (not padded: readers must not require padding) and data. */
  private static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return concat(lengthPrefix(h.length), h, data);
  }

  private static byte[] file(String header) {
    return file(header, new byte[0]);
  }

  /** A tensor entry. */
  private static String entry(String dtype, String shape, String offsets) {
    return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets
        + "}";
  }

  private static final String GOOD = entry("F32", "[1]", "[0,4]");

  private static Arguments bad(String why, byte[] file, String messagePart) {
    return Arguments.of(why, file, messagePart);
  }

  static Stream<Arguments> malformedFiles() {
    return Stream.of(
        bad("shorter than the length prefix", new byte[] {1, 2, 3}, "3 bytes long, too short"),
        bad("header length past the end", concat(lengthPrefix(100), "{}".getBytes()),
            "header length is 100 bytes but only 2 bytes follow it"),
        bad("header length over 100 MB", concat(lengthPrefix(200_000_000), "{}".getBytes()),
            "header length is 200000000 bytes, more than the 100000000"),
        bad("header length 2^64 - 1", concat(lengthPrefix(-1), "{}".getBytes()),
            "header length is 18446744073709551615 bytes"),
        bad("empty header", file(""), "does not start with '{'"),
        bad("header starting with a space", file(" {}"), "does not start with '{'"),
        bad("header that is an array", file("[]"), "does not start with '{'"),
        bad("invalid UTF-8", concat(lengthPrefix(8), "{\"a".getBytes(),
            new byte[] {(byte) 0xff}, "\":1}".getBytes()), "not valid UTF-8 (bad byte sequence"
            + " at byte 3 of the header)"),
        bad("overlong UTF-8", concat(lengthPrefix(6), "{\"".getBytes(),
            new byte[] {(byte) 0xc0, (byte) 0xaf}, "\"}".getBytes()), "not valid UTF-8"),
        bad("UTF-8 encoded surrogate", concat(lengthPrefix(7), "{\"".getBytes(),
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\"}".getBytes()),
            "not valid UTF-8"),
        bad("truncated JSON", file("{\"a\":{\"dtype\":\"F32\""),
            "tensor \"a\": expected ',' or '}', got the end of the text"),
        bad("text after the JSON", file("{}x"), "unexpected 'x' after the end of the JSON value"),
        bad("second object after the JSON", file("{}{}"), "unexpected an object after the end"),
        bad("NUL padding", file("{}\0\0\0\0\0\0"), "unexpected character U+0000 after the end"),
        bad("trailing comma", file("{\"a\":" + GOOD + ",}", new byte[4]),
            "header key: expected a string, got '}'"),
        bad("duplicate tensor name", file("{\"a\":" + GOOD + ",\"a\":" + GOOD + "}", new byte[4]),
            "header: duplicate key \"a\""),
        bad("duplicate field", file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\"}}"),
            "tensor \"a\": duplicate key \"dtype\""),
        bad("duplicate metadata key", file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}"),
            "__metadata__: duplicate key \"k\""),
        bad("unsupported dtype", file("{\"h\":" + entry("F16", "[2]", "[0,4]") + "}", new byte[4]),
            "tensor \"h\": dtype \"F16\" is not one Adjoint supports"),
        bad("dtype that is not a string",
            file("{\"a\":{\"dtype\":32,\"shape\":[],\"data_offsets\":[0,4]}}", new byte[4]),
            "tensor \"a\" dtype: expected a string, got the number 32"),
        bad("negative dimension", file("{\"a\":" + entry("F32", "[-1]", "[0,4]") + "}"),
            "tensor \"a\" shape: expected a non-negative integer, got -1"),
        bad("fractional dimension", file("{\"a\":" + entry("F32", "[1.5]", "[0,4]") + "}"),
            "tensor \"a\" shape: expected a non-negative integer, got 1.5"),
        bad("dimension with an exponent", file("{\"a\":" + entry("F32", "[1e2]", "[0,4]") + "}"),
            "tensor \"a\" shape: expected a non-negative integer, got 1e2"),
        bad("dimension with a leading zero", file("{\"a\":" + entry("F32", "[01]", "[0,4]") + "}"),
            "tensor \"a\" shape: invalid number (JSON numbers have no leading zeros)"),
        bad("dimension that is a string", file("{\"a\":" + entry("F32", "[\"1\"]", "[0,4]") + "}"),
            "tensor \"a\" shape: expected a non-negative integer, got a string"),
        bad("dimension over 2^31 - 1",
            file("{\"a\":" + entry("BOOL", "[3000000000]", "[0,4]") + "}"),
            "tensor \"a\" shape: dimension 0 is 3000000000, more than an Adjoint dimension can be"),
        bad("element count overflowing 64 bits",
            file("{\"a\":" + entry("F64", "[2147483647,2147483647,2147483647]", "[0,0]") + "}"),
            "tensor \"a\": shape [2147483647, 2147483647, 2147483647] has more bytes than a 64-bit"
                + " count holds"),
        bad("too many dimensions", file("{\"a\":" + entry("F32",
            "[" + "1,".repeat(64) + "1]", "[0,4]") + "}", new byte[4]),
            "tensor \"a\" shape: more than 64 dimensions"),
        bad("offsets that do not match the shape",
            file("{\"w\":" + entry("F32", "[3,3]", "[0,32]") + "}", new byte[32]),
            "tensor \"w\": data_offsets [0, 32] hold 32 bytes but F32 shape [3, 3] needs 36"
                + " (9 elements of 4 bytes)"),
        bad("offsets past the end of the data (truncated file)",
            file("{\"w\":" + entry("F32", "[2]", "[0,8]") + "}", new byte[4]),
            "tensor \"w\": data_offsets [0, 8] reach past the end of the data, which is 4 bytes"
                + " long"),
        bad("offsets that run backwards",
            file("{\"w\":" + entry("F32", "[0]", "[8,0]") + "}", new byte[8]),
            "tensor \"w\": data_offsets [8, 0] end before they begin"),
        bad("offset too large for a long",
            file("{\"w\":" + entry("F32", "[0]", "[0,99999999999999999999]") + "}"),
            "tensor \"w\" data_offsets: 99999999999999999999 is too large"),
        bad("three offsets", file("{\"w\":" + entry("F32", "[1]", "[0,4,8]") + "}", new byte[4]),
            "tensor \"w\" data_offsets: expected [begin, end], got more than two numbers"),
        bad("one offset", file("{\"w\":" + entry("F32", "[1]", "[4]") + "}", new byte[4]),
            "tensor \"w\" data_offsets: expected [begin, end], got 1 number"),
        bad("overlapping tensors", file("{\"a\":" + entry("F32", "[2]", "[0,8]") + ",\"b\":"
            + entry("F32", "[2]", "[4,12]") + "}", new byte[12]),
            "tensor \"b\": data_offsets [4, 12] overlap those of tensor \"a\", [0, 8]"),
        bad("a gap between tensors", file("{\"a\":" + entry("F32", "[1]", "[0,4]") + ",\"b\":"
            + entry("F32", "[1]", "[8,12]") + "}", new byte[12]),
            "tensor \"b\": data_offsets [8, 12] leave bytes [4, 8) of the data to no tensor"),
        bad("bytes after the last tensor", file("{\"a\":" + GOOD + "}", new byte[8]),
            "the data is 8 bytes long but the tensors fill only 4; the last 4 bytes belong to no"
                + " tensor"),
        bad("metadata value that is not a string",
            file("{\"__metadata__\":{\"seed\":7}}"),
            "__metadata__ value of \"seed\" (metadata maps strings to strings): expected a string,"
                + " got the number 7"),
        bad("metadata that is not an object", file("{\"__metadata__\":[]}"),
            "__metadata__: expected an object, got an array"),
        bad("missing field", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]),
            "tensor \"a\": the field \"data_offsets\" is missing"),
        bad("unknown field", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],"
            + "\"extra\":1}}", new byte[4]), "tensor \"a\": unknown field \"extra\""),
        bad("entry that is not an object", file("{\"a\":[1]}"),
            "tensor \"a\": expected an object, got an array"),
        bad("entry that is a number", file("{\"a\":1}"),
            "tensor \"a\": expected an object, got the number 1"),
        bad("BOOL byte other than 0 or 1",
            file("{\"m\":" + entry("BOOL", "[3]", "[0,3]") + "}", new byte[] {1, 2, 0}),
            "tensor \"m\": element 1 is the byte 2, but a BOOL element must be 0 or 1"),
        bad("unpaired surrogate escape", file("{\"\\ud800\":" + GOOD + "}", new byte[4]),
            "header key: unpaired surrogate \\uD800"),
        bad("unescaped control character", file("{\"a\u0001\":" + GOOD + "}", new byte[4]),
            "header key: control character U+0001 must be escaped in a string"),
        bad("invalid escape", file("{\"a\\x\":" + GOOD + "}", new byte[4]),
            "header key: invalid escape '\\x'"),
        bad("unterminated string", file("{\"abc"), "header key: unterminated string"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFiles")
  void malformedFileIsRejected(String why, byte[] bytes, String messagePart) throws IOException {
    Path p = dir.resolve("bad.safetensors");
    Files.write(p, bytes);
    SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
    assertTrue(e.getMessage().startsWith(p + ": "), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(messagePart),
        "expected the message to contain\n  " + messagePart + "\nbut it is\n  " + e.getMessage());
  }

  @Test
  void moreElementsThanAJavaArrayHolds() {
    // A real file of this size is 2 GiB; the header alone shows the problem.
    String json = "{\"big\":" + entry("BOOL", "[2147483647]", "[0,2147483647]") + "}";
    SafeTensorsException e = assertThrows(SafeTensorsException.class,
        () -> Header.parse(json, 2147483647L, "big.safetensors"));
    assertTrue(e.getMessage().contains("tensor \"big\": shape [2147483647] has 2147483647"
        + " elements; an Adjoint tensor holds at most 2147483639"), e.getMessage());
  }

  @Test
  void longNamesAreCutInMessages() throws IOException {
    String name = "n".repeat(10_000);
    Path p = dir.resolve("bad.safetensors");
    Files.write(p, file("{\"" + name + "\":" + entry("F16", "[1]", "[0,2]") + "}", new byte[2]));
    SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
    assertTrue(e.getMessage().length() < 400, e.getMessage());
    assertTrue(e.getMessage().contains("... (10000 characters)"), e.getMessage());
  }

  /** A valid file with every dtype, an empty tensor and metadata, as the writer makes it. */
  private byte[] validFile() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("f32", Tensor.of(new float[][] {{1, 2}, {3, 4}}));
    tensors.put("f64", Tensor.of(1.0, -2.0));
    tensors.put("i64", Tensor.scalar(7L));
    tensors.put("mask", Tensor.of(true, false, true));
    tensors.put("none", Tensor.zeros(0, 3));
    Path p = dir.resolve("valid.safetensors");
    SafeTensors.save(tensors, Map.of("k", "v"), p);
    return Files.readAllBytes(p);
  }

  @Test
  void everyTruncationIsRejected() throws IOException {
    byte[] valid = validFile();
    SafeTensors.read(new BytesChannel(valid), "valid"); // the whole file reads
    for (int n = 0; n < valid.length; n++) {
      byte[] cut = Arrays.copyOf(valid, n);
      assertThrows(SafeTensorsException.class,
          () -> SafeTensors.read(new BytesChannel(cut), "cut"), "truncated to " + n + " bytes");
    }
  }

  @Test
  void everySingleByteCorruptionIsReadOrRejectedCleanly() throws IOException {
    // Not a proof, but a cheap net under the checks: no corruption may escape as an index,
    // arithmetic, allocation or parser exception.
    byte[] valid = validFile();
    byte[] replacements = {0, 1, 2, ' ', '"', ',', '-', '0', '9', '[', ']', '{', '}', '\\',
        (byte) 0x7f, (byte) 0x80, (byte) 0xff};
    int rejected = 0;
    for (int i = 0; i < valid.length; i++) {
      for (byte r : replacements) {
        if (valid[i] == r) {
          continue;
        }
        byte[] bad = valid.clone();
        bad[i] = r;
        try {
          SafeTensors.read(new BytesChannel(bad), "corrupt");
        } catch (SafeTensorsException expected) {
          rejected++;
        } catch (RuntimeException | Error e) {
          fail("byte " + i + " set to " + (r & 0xff) + " escaped as " + e, e);
        }
      }
    }
    assertTrue(rejected > valid.length, "most corruptions are rejected, got " + rejected);
  }

  @Test
  void randomMutationsAreReadOrRejectedCleanly() throws IOException {
    // Bounded fuzzing in the normal test run: 3000 seeded mutants (overwrites, insertions,
    // deletions of 1-8 bytes, and random header lengths), each must load or be rejected with
    // SafeTensorsException, never another exception, and never allocate beyond the input's size.
    byte[] valid = validFile();
    java.util.Random rnd = new java.util.Random(20261126);
    for (int iteration = 0; iteration < 3000; iteration++) {
      byte[] bad = mutate(valid, rnd);
      try {
        Map<String, Tensor> got = SafeTensors.read(new BytesChannel(bad), "fuzz").tensors();
        long bytes = 0;
        for (Tensor t : got.values()) {
          bytes += (long) t.numel() * t.dtype().byteSize();
        }
        assertTrue(bytes <= bad.length, "loaded more data than the file holds");
      } catch (SafeTensorsException expected) {
        // rejected cleanly
      } catch (RuntimeException | Error e) {
        fail("mutant " + iteration + " escaped as " + e, e);
      }
    }
  }

  private static byte[] mutate(byte[] valid, java.util.Random rnd) {
    byte[] b = valid.clone();
    int kind = rnd.nextInt(4);
    int at = rnd.nextInt(b.length);
    int n = 1 + rnd.nextInt(8);
    switch (kind) {
      case 0 -> {
        for (int i = 0; i < n && at + i < b.length; i++) {
          b[at + i] = (byte) rnd.nextInt(256);
        }
      }
      case 1 -> {
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at);
        for (int i = 0; i < n; i++) {
          out[at + i] = (byte) rnd.nextInt(256);
        }
        System.arraycopy(b, at, out, at + n, b.length - at);
        b = out;
      }
      case 2 -> {
        int cut = Math.min(n, b.length - at);
        byte[] out = new byte[b.length - cut];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + cut, out, at, b.length - at - cut);
        b = out;
      }
      default -> {
        long len = rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt(b.length + 64);
        for (int i = 0; i < 8 && i < b.length; i++) {
          b[i] = (byte) (len >>> (8 * i));
        }
      }
    }
    return b;
  }
}
