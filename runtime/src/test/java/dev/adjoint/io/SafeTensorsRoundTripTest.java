package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
  @TempDir Path dir;

  private SafeTensorsFile roundTrip(Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Path p = dir.resolve("t.safetensors");
    SafeTensors.save(tensors, metadata, p);
    return SafeTensors.read(p);
  }

  /** Same dtype, shape and elements, bit for bit (NaN payloads and -0.0 included). */
  private static void assertSameTensor(Tensor expected, Tensor actual) {
    assertEquals(expected.dtype(), actual.dtype());
    assertArrayEquals(expected.shape(), actual.shape());
    assertEquals(Device.cpu(), actual.device());
    // Tensor.isContiguous() says false for some empty shapes, e.g. [2, 0, 3] (PyTorch says true
    // for every empty tensor); without elements the layout does not matter.
    assertTrue(actual.isContiguous() || actual.numel() == 0, "contiguous");
    switch (expected.dtype()) {
      case FLOAT32 -> {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
          assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]),
              "element " + i);
        }
      }
      case FLOAT64 -> {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
          assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]),
              "element " + i);
        }
      }
      case INT64 -> assertArrayEquals(expected.toLongArray(), actual.toLongArray());
      case BOOL -> assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray());
    }
  }

  @Test
  void everyDtypeRoundTripsBitForBit() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("f32", Tensor.fromArray(new float[] {1.5f, -0.0f, Float.NaN,
        Float.intBitsToFloat(0x7fc01234), Float.POSITIVE_INFINITY, Float.MIN_VALUE,
        -Float.MAX_VALUE, 3e-39f}, 2, 4));
    tensors.put("f64", Tensor.fromArray(new double[] {Math.PI, -0.0, Double.NaN,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE}, 3, 1, 2));
    tensors.put("i64", Tensor.fromArray(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE,
        0x0102030405060708L}, 6));
    tensors.put("bool", Tensor.fromArray(new boolean[] {true, false, false, true}, 2, 2));
    SafeTensorsFile f = roundTrip(tensors, Map.of());
    assertEquals(List.of("bool", "f32", "f64", "i64"), List.copyOf(f.tensors().keySet()));
    for (String name : tensors.keySet()) {
      assertSameTensor(tensors.get(name), f.tensor(name));
    }
    assertTrue(f.metadata().isEmpty());
  }

  @Test
  void zeroDimensionalTensors() throws IOException {
    Map<String, Tensor> tensors = Map.of(
        "f32", Tensor.scalar(2.5),
        "f64", Tensor.scalar(-7.25, DType.FLOAT64),
        "i64", Tensor.scalar(42L),
        "bool", Tensor.scalar(true));
    SafeTensorsFile f = roundTrip(tensors, Map.of());
    for (String name : tensors.keySet()) {
      assertEquals(0, f.tensor(name).dim(), name);
      assertSameTensor(tensors.get(name), f.tensor(name));
    }
  }

  @Test
  void emptyTensors() throws IOException {
    Map<String, Tensor> tensors = Map.of(
        "f32", Tensor.zeros(0),
        "f64", Tensor.zeros(DType.FLOAT64, 2, 0, 3),
        "i64", Tensor.zeros(DType.INT64, 0, 5),
        "bool", Tensor.zeros(DType.BOOL, 0),
        "after", Tensor.of(1f, 2f));
    SafeTensorsFile f = roundTrip(tensors, Map.of());
    for (String name : tensors.keySet()) {
      assertSameTensor(tensors.get(name), f.tensor(name));
    }
    assertEquals(0, f.tensor("f64").numel());
  }

  @Test
  void noTensorsAtAll() throws IOException {
    Path p = dir.resolve("empty.safetensors");
    SafeTensors.save(Map.of(), p);
    // 8-byte length, then "{}" padded to 8 bytes.
    assertEquals(16, Files.size(p));
    assertTrue(SafeTensors.load(p).isEmpty());
  }

  @Test
  void viewsAreWrittenAsTheirElementsInRowMajorOrder() throws IOException {
    Tensor m = Tensor.of(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}});
    Tensor transposed = m.t();
    assertFalse(transposed.isContiguous());
    Tensor row = m.select(0, 1); // contiguous, but starts 4 elements into the storage
    assertEquals(4, row.storageOffset());
    Tensor expanded = Tensor.of(1L, 2L).expand(3, 2); // stride 0 along dim 0
    Tensor bools = Tensor.fromArray(new boolean[] {true, false, true, true, false, false}, 2, 3)
        .t();
    SafeTensorsFile f = roundTrip(
        Map.of("t", transposed, "row", row, "expanded", expanded, "bools", bools), Map.of());

    assertArrayEquals(new int[] {4, 3}, f.tensor("t").shape());
    assertArrayEquals(new float[] {1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12},
        f.tensor("t").toFloatArray());
    assertArrayEquals(new float[] {5, 6, 7, 8}, f.tensor("row").toFloatArray());
    assertArrayEquals(new long[] {1, 2, 1, 2, 1, 2}, f.tensor("expanded").toLongArray());
    assertArrayEquals(new boolean[] {true, true, false, false, true, false},
        f.tensor("bools").toBooleanArray());
  }

  @Test
  void tensorsLargerThanOneIoChunk() throws IOException {
    // 300k float32 values (1.2 MB) and 200k float64 values (1.6 MB) cross the 1 MiB chunk.
    Generator gen = new Generator(1);
    Tensor big32 = Tensor.randn(gen, 300, 1000);
    Tensor big64 = Tensor.randn(gen, 200_000).toDouble().mul(1e300);
    Tensor bools = Tensor.rand(gen, 1_500_000).gt(0.5);
    SafeTensorsFile f = roundTrip(Map.of("big32", big32, "big64", big64, "bools", bools),
        Map.of());
    assertSameTensor(big32, f.tensor("big32"));
    assertSameTensor(big64, f.tensor("big64"));
    assertSameTensor(bools, f.tensor("bools"));
  }

  @Test
  void metadataAndUnusualNamesRoundTrip() throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("recipe", "a \"quoted\" value\nwith a newline, a tab\t, \\ and \u0001");
    metadata.put("unicode", "caf\u00e9 \ud83d\ude00 \u4e2d");
    metadata.put("", "empty key");
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("layer.0/weight \"x\"\n", Tensor.of(1f));
    tensors.put("\ud83d\ude00", Tensor.of(2f));
    tensors.put("", Tensor.of(3f));
    SafeTensorsFile f = roundTrip(tensors, metadata);
    assertEquals(metadata, f.metadata());
    assertEquals(tensors.keySet(), f.tensors().keySet());
    for (String name : tensors.keySet()) {
      assertSameTensor(tensors.get(name), f.tensor(name));
    }
  }

  @Test
  void loadGivesTheTensorsOfRead() throws IOException {
    Path p = dir.resolve("m.safetensors");
    SafeTensors.save(Map.of("w", Tensor.eye(2), "b", Tensor.zeros(2)), p);
    Map<String, Tensor> loaded = SafeTensors.load(p);
    assertEquals(List.of("b", "w"), List.copyOf(loaded.keySet()));
    assertTrue(loaded.get("w").equal(Tensor.eye(2)));
    assertThrows(UnsupportedOperationException.class, () -> loaded.remove("w"));
  }

  @Test
  void savingReplacesALongerFile() throws IOException {
    Path p = dir.resolve("m.safetensors");
    SafeTensors.save(Map.of("big", Tensor.zeros(1000)), p);
    SafeTensors.save(Map.of("small", Tensor.ones(2)), p);
    assertTrue(SafeTensors.load(p).get("small").equal(Tensor.ones(2)));
  }

  @Test
  void saveRejectsNamesThatCannotBeWritten() {
    Path p = dir.resolve("bad.safetensors");
    IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.save(Map.of("__metadata__", Tensor.ones(1)), p));
    assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    IllegalArgumentException surrogate = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.save(Map.of("w\ud800", Tensor.ones(1)), p));
    assertTrue(surrogate.getMessage().contains("unpaired surrogate U+D800"),
        surrogate.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.save(Map.of("w", Tensor.ones(1)), Map.of("k", "\udc00"), p));
    Map<String, Tensor> withNull = new LinkedHashMap<>();
    withNull.put("w", null);
    NullPointerException npe = assertThrows(NullPointerException.class,
        () -> SafeTensors.save(withNull, p));
    assertTrue(npe.getMessage().contains("\"w\""), npe.getMessage());
    assertFalse(Files.exists(p), "nothing is written when the arguments are bad");
  }

  @Test
  void missingTensorNameListsTheNamesThereAre() throws IOException {
    SafeTensorsFile f = roundTrip(Map.of("a", Tensor.ones(1), "b", Tensor.ones(1)), Map.of());
    NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> f.tensor("c"));
    assertEquals("SafeTensorsFile.tensor: no tensor named \"c\"; the file has a, b",
        e.getMessage());
  }

  @Test
  void namesSortByCodePointLikeUtf8Bytes() {
    // U+FF21 sorts before U+1F600 by code point (and UTF-8 bytes), after it by UTF-16 units.
    assertTrue(SafeTensors.compareCodePoints("\uff21", "\ud83d\ude00") < 0);
    assertTrue("\uff21".compareTo("\ud83d\ude00") > 0);
    assertTrue(SafeTensors.compareCodePoints("a", "ab") < 0);
    assertEquals(0, SafeTensors.compareCodePoints("ab", "ab"));
  }
}
