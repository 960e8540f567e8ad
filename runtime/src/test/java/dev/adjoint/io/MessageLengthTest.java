package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Linear;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors about hostile files stay readable: however much of the file a message quotes, it is cut
 * to 2,000 characters, keeping its start (file and problem) and its end (advice).
 */
class MessageLengthTest {
  @TempDir Path dir;

  @Test
  void longMessagesAreCutInTheMiddleSayingHowMuch() {
    String message = "f: " + "x".repeat(10_000) + " advice";
    for (IOException e : new IOException[] {new SafeTensorsException(message),
        new CheckpointException(message), new ModelFileException(message),
        new dev.adjoint.data.datasets.DatasetException(message)}) {
      assertTrue(e.getMessage().length() <= 2000, e.getClass() + ": " + e.getMessage().length());
      assertTrue(e.getMessage().startsWith("f: xxx"), e.getMessage());
      assertTrue(e.getMessage().endsWith("x advice"), e.getMessage());
      assertTrue(e.getMessage().contains(" [... 8110 characters cut ...] "), e.getMessage());
    }
    assertEquals("short", new SafeTensorsException("short").getMessage());
  }

  @Test
  void aModelFileNamingAHugeClassGivesAShortMessage() throws IOException {
    Path p = dir.resolve("m.model");
    ModelFiles.save(new Linear(2, 1), p);
    SafeTensorsFile f = SafeTensors.read(p);
    Map<String, String> meta = new LinkedHashMap<>(f.metadata());
    meta.remove("crc32c_header");
    meta.remove("crc32c_data");
    String huge = "a".repeat(5_000_000);
    meta.put("model", meta.get("model").replace("dev.adjoint.nn.Linear", huge));
    Path edited = dir.resolve("huge.model");
    SafeTensors.save(f.tensors(), meta, edited);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertTrue(e.getMessage().length() <= 2000, e.getMessage().length() + " characters");
    assertTrue(e.getMessage().startsWith(edited + ": model is a aaaa"), e.getMessage());
    assertTrue(e.getMessage().endsWith("or load only the state dict into a model you build"),
        e.getMessage());
  }
}
