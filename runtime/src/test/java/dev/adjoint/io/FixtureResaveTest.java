package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.testing.Shared;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility with files written outside Adjoint: each ../shared fixture, read and written
 * again by Adjoint, has the same header (same entries, offsets and metadata, same padded length)
 * and byte-identical data.
 */
class FixtureResaveTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"ops", "linreg", "mlp", "cnn"})
  void resavedFixtureMatchesTheOriginal(String name) throws Exception {
    Path original = Shared.require("fixtures/" + name + ".safetensors");
    SafeTensorsFile file = SafeTensors.read(original);
    Path copy = dir.resolve(name + ".safetensors");
    SafeTensors.save(file.tensors(), file.metadata(), copy);
    byte[] a = Files.readAllBytes(original);
    byte[] b = Files.readAllBytes(copy);
    int ha = (int) ByteBuffer.wrap(a, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    int hb = (int) ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(ha, hb, "header length (padded to 8)");
    Header x = Header.parse(new String(a, 8, ha, StandardCharsets.UTF_8), a.length - 8 - ha, "a");
    Header y = Header.parse(new String(b, 8, hb, StandardCharsets.UTF_8), b.length - 8 - hb, "b");
    assertEquals(x.metadata(), y.metadata());
    assertEquals(x.tensors().size(), y.tensors().size());
    for (int i = 0; i < x.tensors().size(); i++) {
      Header.TensorInfo s = x.tensors().get(i);
      Header.TensorInfo t = y.tensors().stream().filter(u -> u.name().equals(s.name()))
          .findFirst().orElseThrow();
      assertEquals(s.dtype(), t.dtype(), s.name());
      assertArrayEquals(s.shape(), t.shape(), s.name());
      assertEquals(s.begin(), t.begin(), s.name());
      assertEquals(s.end(), t.end(), s.name());
    }
    assertArrayEquals(Arrays.copyOfRange(a, 8 + ha, a.length),
        Arrays.copyOfRange(b, 8 + hb, b.length), "data bytes");
  }
}
