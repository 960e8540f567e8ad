package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Linear;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile safetensors files that are valid, or nearly: too many entries for the memory a file of
 * that size may cost, shapes a tensor cannot have, and paths that are not files. Each is refused
 * with the format's exception or an I/O exception naming the file, never anything else.
 */
class SafeTensorsLimitsTest {
  @TempDir Path dir;

  private static byte[] file(String header) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length).put(h).array();
  }

  private Path write(String name, String header) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, file(header));
    return p;
  }

  private static String emptyTensors(int n) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append("\"t").append(i)
          .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
    }
    return sb.append('}').toString();
  }

  private static String metadataEntries(int n) {
    StringBuilder sb = new StringBuilder("{\"__metadata__\":{");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return sb.append("}}").toString();
  }

  @Test
  void tooManyTensorsAreRefusedSayingWhichLimit() throws IOException {
    Path ok = write("ok.safetensors", emptyTensors(Header.MAX_TENSORS));
    assertEquals(Header.MAX_TENSORS, SafeTensors.load(ok).size());
    Path p = write("many.safetensors", emptyTensors(Header.MAX_TENSORS + 1));
    SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
    assertEquals(p + ": the header lists more than 100000 tensors, the most Adjoint reads from"
        + " one file (each costs memory however small it is); split the tensors over several"
        + " files", e.getMessage());
  }

  @Test
  void tooManyMetadataEntriesAreRefusedSayingWhichLimit() throws IOException {
    Path ok = write("ok.safetensors", metadataEntries(Header.MAX_METADATA_ENTRIES));
    assertEquals(Header.MAX_METADATA_ENTRIES, SafeTensors.read(ok).metadata().size());
    Path p = write("meta.safetensors", metadataEntries(Header.MAX_METADATA_ENTRIES + 1));
    SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
    assertEquals(p + ": __metadata__ has more than 10000 entries, the most Adjoint reads (real"
        + " files have a handful)", e.getMessage());
  }

  @Test
  void emptyTensorsWithHugeDimensionsAreReadOrRefusedAsTheFormatsError() throws IOException {
    for (String shape : List.of("[2147483647,0]", "[0,2147483647]", "[0,2147483647,2147483647]",
        "[65536,65536,0]")) {
      Path p = write("empty.safetensors",
          "{\"e\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,0]}}");
      Tensor t;
      try {
        t = SafeTensors.load(p).get("e");
      } catch (SafeTensorsException e) {
        // Tensors may limit each dimension; the file's exception must then name file and tensor.
        assertTrue(e.getMessage().startsWith(p + ": tensor \"e\": F32 shape "), e.getMessage());
        continue;
      }
      assertEquals(0, t.numel(), shape);
      assertEquals(shape.replace(",", ", "), java.util.Arrays.toString(t.shape()));
    }
  }

  @Test
  void aDirectoryIsRefusedNamingIt() throws IOException {
    Path d = Files.createDirectory(dir.resolve("model.safetensors"));
    IOException e = assertThrows(IOException.class, () -> SafeTensors.load(d));
    assertEquals(d + ": is a directory, not a safetensors file", e.getMessage());
    e = assertThrows(IOException.class, () -> Checkpoint.load(d));
    assertTrue(e.getMessage().startsWith(d + ": is a directory"), e.getMessage());
    e = assertThrows(IOException.class, () -> ModelFiles.load(d));
    assertTrue(e.getMessage().startsWith(d + ": is a directory"), e.getMessage());
  }

  @Test
  void aMissingFileIsNamed() {
    Path p = dir.resolve("missing.safetensors");
    for (Class<?> reader : List.of(SafeTensors.class, Checkpoint.class, ModelFiles.class)) {
      IOException e = assertThrows(IOException.class, () -> {
        if (reader == SafeTensors.class) {
          SafeTensors.load(p);
        } else if (reader == Checkpoint.class) {
          Checkpoint.load(p);
        } else {
          ModelFiles.load(p);
        }
      });
      assertTrue(e.getMessage().contains(p.toString()), reader + ": " + e.getMessage());
    }
  }

  @Test
  void readingKeepsTheHeadersOrderAndEveryTensor() throws IOException {
    // Reading fills tensors by their place in the header; names sorted against data order here.
    Path p = dir.resolve("order.safetensors");
    Files.write(p, file("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"));
    byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f)
        .array();
    Files.write(p, data, java.nio.file.StandardOpenOption.APPEND);
    Map<String, Tensor> t = SafeTensors.load(p);
    assertEquals(List.of("b", "e", "a"), List.copyOf(t.keySet()));
    assertArrayEquals(new float[] {2f}, t.get("b").toFloatArray());
    assertArrayEquals(new float[] {1f}, t.get("a").toFloatArray());
    assertEquals(0, t.get("e").numel());
  }

  @Test
  void aModelFileIsStillPlainSafetensors() throws IOException {
    Path p = dir.resolve("m.model");
    ModelFiles.save(new Linear(2, 1), p);
    SafeTensorsFile f = SafeTensors.read(p);
    assertTrue(f.metadata().get("crc32c_header").matches("[0-9a-f]{8}"), f.metadata().toString());
    assertTrue(f.metadata().get("crc32c_data").matches("[0-9a-f]{8}"), f.metadata().toString());
  }
}
