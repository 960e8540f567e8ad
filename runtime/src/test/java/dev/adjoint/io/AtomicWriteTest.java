package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving is atomic: a writer killed mid-write leaves the previous file intact. */
class AtomicWriteTest {
  @TempDir Path dir;

  @Test
  void killedWriterLeavesThePreviousFile() throws Exception {
    Path target = dir.resolve("model.safetensors");
    SafeTensors.save(Map.of("w", Tensor.full(1.0, 4)), target);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SlowWriterMain.class.getName(), target.toString(), "2")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!tempFileExists() && System.nanoTime() < deadline) {
        assertTrue(child.isAlive(), "the writer died before writing");
        Thread.sleep(1);
      }
      assertTrue(tempFileExists(), "the writer never started a write");
    } finally {
      child.destroyForcibly().waitFor();
    }
    // Either the old 4-element file or a complete new 16 Mi-element one; never a torn file.
    Tensor w = SafeTensors.load(target).get("w");
    if (w.numel() == 4) {
      assertEquals(1.0, w.max().item());
    } else {
      assertEquals(16 * 1024 * 1024, w.numel());
      assertEquals(2.0, w.min().item());
      assertEquals(2.0, w.max().item());
    }
  }

  @Test
  void failedWriteLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("x.safetensors");
    SafeTensors.save(Map.of("a", Tensor.ones(2)), target);
    try {
      AtomicFiles.write(target, ch -> {
        throw new IOException("disk full (simulated)");
      });
    } catch (IOException expected) {
      assertEquals("disk full (simulated)", expected.getMessage());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "only the target remains");
    }
    assertEquals(2, SafeTensors.load(target).get("a").numel());
  }

  private boolean tempFileExists() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
    }
  }
}
