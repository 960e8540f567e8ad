package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Linear;
import dev.adjoint.nn.Module;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and model files carry CRC32C checksums of their header and their tensor data: an
 * edit of either is refused on load, naming which; {@link LoadOption#SKIP_CHECKSUM} loads it
 * anyway; files without checksums (saved before they existed) still load.
 */
class ChecksumTest {
  @TempDir Path dir;

  private Path checkpoint() throws IOException {
    Path p = dir.resolve("run.ckpt");
    Linear model = new Linear(3, 2);
    Checkpoint.builder().model(model).optimizer(new SGD(model.parameters(), 0.125)).epoch(7)
        .step(1234L).loss(0.5).metadata("note", "lr sweep 3").save(p);
    return p;
  }

  /** {@code path}'s bytes with the first {@code from} replaced by {@code to} (same length). */
  private static Path replace(Path path, String from, String to) throws IOException {
    assertEquals(from.length(), to.length());
    byte[] bytes = Files.readAllBytes(path);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(from);
    assertTrue(at >= 0, from + " not in the file");
    byte[] replacement = to.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(replacement, 0, bytes, at, replacement.length);
    Path out = path.resolveSibling("edited-" + path.getFileName());
    Files.write(out, bytes);
    return out;
  }

  @Test
  void everySingleDigitEditOfTheHeaderIsRefused() throws IOException {
    // The probe that found the issue: single-digit edits of the learning rate, loss, step, ...
    Path p = checkpoint();
    assertEquals(7, Checkpoint.load(p).epoch());
    byte[] original = Files.readAllBytes(p);
    int headerEnd = 8 + (int) java.nio.ByteBuffer.wrap(original, 0, 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    Path edited = dir.resolve("digit.ckpt");
    int edits = 0;
    for (int i = 8; i < headerEnd; i++) {
      byte c = original[i];
      if (c < '0' || c > '9') {
        continue;
      }
      byte[] bytes = original.clone();
      bytes[i] = (byte) (c == '9' ? '0' : c + 1);
      Files.write(edited, bytes);
      String where = new String(original, Math.max(8, i - 20), 30, StandardCharsets.UTF_8);
      IOException e = assertThrows(IOException.class, () -> Checkpoint.load(edited),
          "an edit at byte " + i + " of ..." + where + "... loaded");
      // Offsets and shapes are checked by the format; everything else by the checksum.
      assertTrue(e instanceof SafeTensorsException
          || e.getMessage().contains("checksum"), e.getMessage());
      edits++;
    }
    assertTrue(edits > 50, "only " + edits + " digits edited");
  }

  @Test
  void anEditedStepNamesTheHeaderAndCanBeSkipped() throws IOException {
    Path edited = replace(checkpoint(), "1234", "1235");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Checkpoint.load(edited));
    String stored = SafeTensors.read(edited).metadata().get("crc32c_header");
    assertTrue(e.getMessage().startsWith(edited + ": the header does not match its checksum"
        + " (crc32c_header \"" + stored + "\" stored, "), e.getMessage());
    assertTrue(e.getMessage().endsWith("was changed after the checkpoint was saved;"
        + " Checkpoint.load(path, LoadOption.SKIP_CHECKSUM) loads it anyway"), e.getMessage());
    assertEquals(1235L, Checkpoint.load(edited, LoadOption.SKIP_CHECKSUM).step());
  }

  @Test
  void changedTensorDataNamesTheDataAndCanBeSkipped() throws IOException {
    Path p = checkpoint();
    byte[] bytes = Files.readAllBytes(p);
    bytes[bytes.length - 3] ^= 0x10; // a bit of the last tensor's last element
    Path edited = dir.resolve("flipped.ckpt");
    Files.write(edited, bytes);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Checkpoint.load(edited));
    assertTrue(e.getMessage().startsWith(edited + ": the tensor data does not match its checksum"
        + " (crc32c_data \""), e.getMessage());
    Checkpoint.load(edited, LoadOption.SKIP_CHECKSUM);
  }

  @Test
  void aModelFileIsVerifiedToo() throws IOException {
    Path p = dir.resolve("m.model");
    ModelFiles.save(new Linear(3, 2), p);
    ModelFiles.load(p);
    byte[] bytes = Files.readAllBytes(p);
    bytes[bytes.length - 1] ^= 1;
    Path data = dir.resolve("data.model");
    Files.write(data, bytes);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(data));
    assertTrue(e.getMessage().startsWith(data + ": the tensor data does not match its checksum"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("ModelFiles.load(path, LoadOption.SKIP_CHECKSUM) loads it"
        + " anyway"), e.getMessage());
    Module m = ModelFiles.load(data, LoadOption.SKIP_CHECKSUM);
    assertEquals(Linear.class, m.getClass());

    Path header = replace(p, "\"training\":\"{\\\"\\\":true}\"",
        "\"training\":\"{\\\"\\\":fals}\"");
    e = assertThrows(ModelFileException.class, () -> ModelFiles.load(header, Linear.class));
    assertTrue(e.getMessage().contains("the header does not match its checksum"),
        e.getMessage());
  }

  @Test
  void filesWithoutChecksumsStillLoad() throws IOException {
    for (Path p : new Path[] {checkpoint(), modelFile()}) {
      SafeTensorsFile f = SafeTensors.read(p);
      Map<String, String> meta = new LinkedHashMap<>(f.metadata());
      meta.remove("crc32c_header");
      meta.remove("crc32c_data");
      Path legacy = dir.resolve("legacy-" + p.getFileName());
      SafeTensors.save(f.tensors(), meta, legacy);
      if (p.toString().endsWith(".ckpt")) {
        assertEquals(7, Checkpoint.load(legacy).epoch());
      } else {
        assertEquals(Linear.class, ModelFiles.load(legacy).getClass());
      }
    }
  }

  @Test
  void halfAChecksumIsRefused() throws IOException {
    Path p = checkpoint();
    SafeTensorsFile f = SafeTensors.read(p);
    Map<String, String> meta = new LinkedHashMap<>(f.metadata());
    meta.remove("crc32c_data");
    Path half = dir.resolve("half.ckpt");
    SafeTensors.save(f.tensors(), meta, half);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(half));
    assertEquals(half + ": the checkpoint has the checksum entry \"crc32c_header\" but not"
        + " \"crc32c_data\": the metadata was edited after saving; Checkpoint.load(path,"
        + " LoadOption.SKIP_CHECKSUM) loads it anyway", e.getMessage());
  }

  @Test
  void theChecksumsAreThoseOfTheBytes() throws IOException {
    // Independent of the writer: CRC32C of the data region as it lies in the file.
    Path p = checkpoint();
    byte[] bytes = Files.readAllBytes(p);
    long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 8 + (int) headerLength, bytes.length - 8 - (int) headerLength);
    assertEquals(String.format("%08x", crc.getValue()),
        SafeTensors.read(p).metadata().get("crc32c_data"));
  }

  @Test
  void plainSafetensorsFilesMayUseTheChecksumKeysFreely()
      throws IOException {
    Path p = dir.resolve("plain.safetensors");
    SafeTensors.save(Map.of("w", Tensor.ones(2)), Map.of("crc32c_data", "user value"), p);
    assertEquals(Map.of("crc32c_data", "user value"), SafeTensors.read(p).metadata());
  }

  private Path modelFile() throws IOException {
    Path p = dir.resolve("m2.model");
    ModelFiles.save(new Linear(3, 2), p);
    return p;
  }
}
