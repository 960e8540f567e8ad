package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.io.SafeTensors;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stateDict()} / {@code loadStateDict()} with PyTorch's names and strictness. */
class StateDictTest {
  @TempDir Path dir;

  @Test
  void namesFollowTheRegistryAndIncludePersistentBuffers() {
    Scaled s = new Scaled();
    assertEquals(List.of("scale", "calls"), List.copyOf(s.stateDict().keySet()));
    s.call(Tensor.ones(DType.FLOAT64, 3));
    assertEquals(1, s.stateDict().get("calls").itemLong(), "buffer updated by forward");
    Stack st = new Stack(new Generator(1), 2, 2);
    assertEquals(List.of("blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias"),
        List.copyOf(st.stateDict().keySet()));
  }

  @Test
  void roundTripThroughSafetensorsCopiesInPlace() throws Exception {
    Stack a = new Stack(new Generator(1), 3, 2);
    Stack b = new Stack(new Generator(2), 3, 2);
    Path file = dir.resolve("stack.safetensors");
    SafeTensors.save(a.stateDict(), file);
    Tensor before = b.parameter("blocks.1.weight");
    Module.LoadResult r = b.loadStateDict(SafeTensors.load(file));
    assertEquals("<All keys matched successfully>", r.toString());
    assertSame(before, b.parameter("blocks.1.weight"), "the parameter object is kept");
    for (String k : a.stateDict().keySet()) {
      assertArrayEquals(a.stateDict().get(k).toDoubleArray(), b.stateDict().get(k).toDoubleArray(),
          k);
    }
    Tensor x = Tensor.randn(new Generator(3), 2, 3).toDouble();
    assertTrue(a.call(x).equal(b.call(x)));
  }

  @Test
  void strictLoadListsEveryProblemAndChangesNothing() {
    Stack s = new Stack(new Generator(1), 2, 2);
    Map<String, Tensor> before = new LinkedHashMap<>();
    s.stateDict().forEach((k, v) -> before.put(k, v.clone()));
    Map<String, Tensor> bad = new LinkedHashMap<>(s.stateDict());
    bad.remove("blocks.0.bias");
    bad.put("blocks.7.weight", Tensor.zeros(2, 2));
    bad.put("blocks.1.weight", Tensor.zeros(DType.FLOAT64, 3, 2));
    bad.put("blocks.1.bias", Tensor.zeros(DType.FLOAT32, 2));
    bad.put("blocks.0.weight", Tensor.full(7, DType.FLOAT64, 2, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.loadStateDict(bad));
    String m = e.getMessage();
    assertTrue(m.contains("Missing key(s): blocks.0.bias"), m);
    assertTrue(m.contains("Unexpected key(s): blocks.7.weight"), m);
    assertTrue(m.contains("blocks.1.weight: shape [3, 2] in the state dict, [2, 2]"), m);
    assertTrue(m.contains("blocks.1.bias: dtype torch.float32 in the state dict, torch.float64"),
        m);
    before.forEach((k, v) -> assertTrue(v.equal(s.stateDict().get(k)), k + " changed"));
  }

  @Test
  void nonStrictReportsKeysButStillRejectsShapes() {
    Stack s = new Stack(new Generator(1), 2, 2);
    Map<String, Tensor> partial = new LinkedHashMap<>();
    partial.put("blocks.0.bias", Tensor.full(5, DType.FLOAT64, 2));
    partial.put("extra", Tensor.zeros(1));
    Module.LoadResult r = s.loadStateDict(partial, false);
    assertEquals(List.of("blocks.0.weight", "blocks.1.weight", "blocks.1.bias"), r.missingKeys());
    assertEquals(List.of("extra"), r.unexpectedKeys());
    assertArrayEquals(new double[] {5, 5}, s.parameter("blocks.0.bias").toDoubleArray());
    partial.put("blocks.0.bias", Tensor.zeros(DType.FLOAT64, 3));
    assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(partial, false));
  }
}
