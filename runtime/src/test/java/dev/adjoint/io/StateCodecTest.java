package dev.adjoint.io;

import static dev.adjoint.io.StateTreeAssertions.assertTreeEquals;
import static dev.adjoint.io.StateTreeAssertions.assertTreeEqualsAnyRootOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link StateCodec}: state trees survive a trip through a safetensors file exactly (value classes,
 * bits, key classes, order, nulls), and malformed files are refused with a message naming the
 * file, the entry, the path and the problem.
 */
class StateCodecTest {
  @TempDir Path dir;

  /** Encodes, writes with SafeTensors, reads back and decodes. */
  private Map<String, Object> roundTrip(Map<String, ?> root) throws Exception {
    StateCodec.Encoded e = StateCodec.encode(root);
    Path p = dir.resolve("tree.safetensors");
    SafeTensors.save(e.tensors(), e.metadata(), p);
    SafeTensorsFile f = SafeTensors.read(p);
    return StateCodec.decode(f.tensors(), f.metadata(), Set.of(), p.toString());
  }

  private void assertRoundTrips(Map<String, ?> root) throws Exception {
    assertTreeEqualsAnyRootOrder(root, roundTrip(root));
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void everyScalarTypeKeepsItsClassAndBits() throws Exception {
    List<Object> values = new ArrayList<>(Arrays.asList(
        0, -1, 7, Integer.MIN_VALUE, Integer.MAX_VALUE,
        0L, -1L, 7L, Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1,
        0.0, -0.0, 1.0, 0.1, 1e-8, -2.5e300, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.MIN_NORMAL, 1.0 / 3, 2.0e-3, 123456789.0,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        0.0f, -0.0f, 1.0f, 0.1f, 1e-8f, Float.MIN_VALUE, Float.MAX_VALUE, 16777217.0f,
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        true, false, "", "plain", "quote \" backslash \\ slash /", "tab\tnewline\ncontrol\u0001",
        "\u00e9t\u00e9 \u4e2d\u6587 \ud83d\ude00", "__tensor__", "{\"__long__\": 1}"));
    values.add(null);
    Map<String, Object> root = map("values", values);
    Map<String, Object> back = roundTrip(root);
    assertTreeEqualsAnyRootOrder(root, back);
    // The assertion compares classes; check the distinctions the issue names directly too.
    List<?> list = (List<?>) back.get("values");
    assertEquals(Integer.class, list.get(2).getClass());
    assertEquals(Long.class, list.get(7).getClass());
    assertEquals(Double.class, list.get(13).getClass());
    assertEquals(Float.class, list.get(28).getClass());
  }

  @Test
  void sameNumberAsIntegerLongFloatAndDoubleStaysApart() throws Exception {
    Map<String, Object> root = map("n", map("i", 1, "l", 1L, "f", 1.0f, "d", 1.0));
    Map<?, ?> back = (Map<?, ?>) roundTrip(root).get("n");
    assertEquals(List.of(Integer.class, Long.class, Float.class, Double.class),
        back.values().stream().map(Object::getClass).toList());
    assertEquals(1, back.get("i"));
    assertEquals(1L, back.get("l"));
  }

  @Test
  void nanPayloadsAndSignsSurviveBitForBit() throws Exception {
    long[] doubleBits = {0x7ff8000000000000L, 0x7ff8000000000123L, 0xfff8000000000000L,
        0x7ff0000000000001L, 0xffffffffffffffffL, 0x8000000000000000L};
    int[] floatBits = {0x7fc00000, 0x7fc00001, 0xffc00000, 0x7f800001, 0xffffffff, 0x80000000};
    List<Object> values = new ArrayList<>();
    for (long b : doubleBits) {
      values.add(Double.longBitsToDouble(b));
    }
    for (int b : floatBits) {
      values.add(Float.intBitsToFloat(b));
    }
    List<?> back = (List<?>) roundTrip(map("x", values)).get("x");
    for (int i = 0; i < doubleBits.length; i++) {
      assertEquals(doubleBits[i], Double.doubleToRawLongBits((Double) back.get(i)),
          "double " + Long.toHexString(doubleBits[i]));
    }
    for (int i = 0; i < floatBits.length; i++) {
      assertEquals(floatBits[i], Float.floatToRawIntBits((Float) back.get(doubleBits.length + i)),
          "float " + Integer.toHexString(floatBits[i]));
    }
  }

  @Test
  void nestingEmptyContainersKeyTypesAndOrder() throws Exception {
    Map<Object, Object> intKeyed = new LinkedHashMap<>();
    intKeyed.put(3, "three");
    intKeyed.put(0, map("deep", List.of(List.of(), map(), List.of(List.of(1, 2L)))));
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put("1", "string one");
    mixed.put(1, "integer one");
    mixed.put(1L, "long one");
    mixed.put(1.0, "double one");
    mixed.put(1.0f, "float one");
    mixed.put(true, "true");
    mixed.put(Double.NaN, "nan");
    Map<Object, Object> markerKeys = new LinkedHashMap<>();
    markerKeys.put("__tensor__", "not a tensor");
    Map<Object, Object> markerKeysAmongOthers = new LinkedHashMap<>();
    markerKeysAmongOthers.put("a", 1);
    markerKeysAmongOthers.put("__map__", List.of());
    Map<String, Object> descending = new LinkedHashMap<>();
    for (String k : List.of("z", "m", "a", "b")) {
      descending.put(k, k.length());
    }
    Map<String, Object> withNulls = new HashMap<>();
    withNulls.put("none", null);
    List<Object> nullList = new ArrayList<>();
    nullList.add(null);
    nullList.add(null);
    assertRoundTrips(map(
        "intKeyed", intKeyed, "mixed", mixed, "markerKeys", markerKeys,
        "markerKeysAmongOthers", markerKeysAmongOthers, "descending", descending,
        "withNulls", withNulls, "nullList", nullList, "emptyMap", map(), "emptyList", List.of(),
        "nullRoot", null, "number", 5, "sorted", new TreeMap<>(Map.of("b", 2, "a", 1))));
  }

  @Test
  void tensorsOfEveryDtypeAreEntriesNamedByTheirPath() throws Exception {
    Tensor f32 = Tensor.fromArray(new float[] {1.5f, -0.0f, Float.intBitsToFloat(0x7fc00123),
        Float.POSITIVE_INFINITY, 3, 4}, 2, 3);
    Tensor f64 = Tensor.fromArray(new double[] {0.1, Double.longBitsToDouble(0xfff8000000000007L)},
        2);
    Tensor i64 = Tensor.fromArray(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3);
    Tensor bool = Tensor.fromArray(new boolean[] {true, false}, 1, 2);
    Tensor scalar = Tensor.scalar(4.0);
    Tensor empty = Tensor.zeros(0, 3);
    Map<Object, Object> state = new LinkedHashMap<>();
    state.put(0, map("exp_avg", f32, "step", scalar));
    state.put(1, map("exp_avg", f64, "flags", bool));
    Map<String, Object> root = map(
        "optimizer", map("state", state, "param_groups", List.of(map("params", List.of(0, 1)))),
        "rng", i64, "list", Arrays.asList(empty, null, i64));
    StateCodec.Encoded e = StateCodec.encode(root);
    assertEquals(Set.of("optimizer.state.0.exp_avg", "optimizer.state.0.step",
        "optimizer.state.1.exp_avg", "optimizer.state.1.flags", "rng", "list.0", "list.2"),
        e.tensors().keySet());
    assertRoundTrips(root);
  }

  @Test
  void pathsThatCollideGetDistinctNames() throws Exception {
    Tensor a = Tensor.ones(1);
    Tensor b = Tensor.zeros(1);
    Tensor c = Tensor.full(2.0, DType.FLOAT32);
    Map<Object, Object> numbered = new LinkedHashMap<>();
    numbered.put(5, c);
    numbered.put("5", a);
    Map<String, Object> root = map("x", map("a.b", a, "a", map("b", b)), "n", numbered,
        "__metadata__", a);
    StateCodec.Encoded e = StateCodec.encode(root);
    assertEquals(Set.of("x.a.b", "x.a.b#2", "n.5", "n.5#2", "__metadata__#2"),
        e.tensors().keySet());
    assertRoundTrips(root);
  }

  @Test
  void theSameTensorTwiceIsStoredTwice() throws Exception {
    Tensor t = Tensor.arange(4);
    Map<String, Object> root = map("a", t, "b", List.of(t));
    assertEquals(2, StateCodec.encode(root).tensors().size());
    assertRoundTrips(root);
  }

  @Test
  void whatIsNotAStateTreeIsRefusedWithItsPath() {
    Map<String, Object> cyclic = new LinkedHashMap<>();
    cyclic.put("self", cyclic);
    Object deep = 1;
    for (int i = 0; i < StateCodec.MAX_DEPTH + 1; i++) {
      deep = List.of(deep);
    }
    Map<Object, Object> nullKey = new HashMap<>();
    nullKey.put(null, 1);
    Map<Object, Object> listKey = new HashMap<>();
    listKey.put(List.of(1), 1);
    Object[][] cases = {
        {map("a", map("b", new int[] {1})), "state tree: a.b is a [I; a state tree holds only"},
        {map("a", List.of((short) 1)), "state tree: a.0 is a java.lang.Short"},
        {map("a", DType.FLOAT32), "state tree: a is a dev.adjoint.tensor.DType"},
        {map("a", nullKey), "state tree: a has a null key"},
        {map("a", listKey), "state tree: a has a key of type"},
        {map("c", cyclic), "state tree: c.self contains itself (a cycle)"},
        {map("d", deep), "is nested more than 64 maps and lists deep"},
        {map("s", List.of("ok", "bad \ud800")), "state tree: the string at s.1 has an unpaired"
            + " surrogate U+D800 at index 4"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, ?> root = (Map<String, ?>) c[0];
      String message = assertThrows(IllegalArgumentException.class,
          () -> StateCodec.encode(root)).getMessage();
      assertTrue(message.contains((String) c[1]), message);
    }
  }

  // ================================================================== malformed input

  private static String decodeError(Map<String, Tensor> tensors, String json) {
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> StateCodec.decode(tensors, Map.of("e", json), Set.of(), "f.safetensors"));
    return e.getMessage();
  }

  /** One JSON value that must be refused, and a piece of the message that says why. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      // JSON syntax
      "`` | expected a value, got the end of the text",
      "`nul` | expected a value, got 'n'",
      "`1 2` | unexpected the number 2 after the end",
      "`[1,]` | expected a value, got ']'",
      "`{\"a\":1,\"a\":2}` | duplicate key \"a\"",
      "`{\"a\":1` | expected ',' or '}'",
      "`\"\\ud800\"` | unpaired surrogate",
      "`01` | no leading zeros",
      // plain numbers
      "`2147483648` | 2147483648 does not fit an Integer (a Long is written",
      "`-0` | -0 is not an integer this format writes",
      "`1e400` | 1e400 is too large for a Double",
      "`1e-400` | 1e-400 is too small for a Double (it would read as zero)",
      // markers
      "`{\"__tensr__\":\"t\"}` | unknown marker \"__tensr__\" (known: __tensor__,",
      "`{\"__long__\":1,\"x\":2}` | a __long__ marker object must have no other key",
      "`{\"a\":1,\"__long__\":2}` | key \"__long__\" looks like a marker but is not the only key",
      "`{\"__long__\":1.5}` | expected an integer, got 1.5",
      "`{\"__long__\":\"1\"}` | expected a number, got a string",
      "`{\"__long__\":9223372036854775808}` | 9223372036854775808 does not fit a Long",
      "`{\"__double__\":1.5}` | expected a string, got the number 1.5",
      "`{\"__double__\":\"nan\"}` | \"nan\" is not \"NaN\", \"Infinity\", \"-Infinity\" or the",
      "`{\"__double__\":\"0x3ff0000000000000\"}` | is finite; finite doubles are written as plain",
      "`{\"__double__\":\"0x7FF8000000000000\"}` | lowercase hex digits",
      "`{\"__float__\":\"0x3f800000\"}` | is finite; finite floats are written as numbers",
      "`{\"__float__\":\"0x7ff8000000000000\"}` | or the bits of a non-finite value as 0x and 8",
      "`{\"__float__\":1e39}` | 1e39 is too large for a Float",
      "`{\"__float__\":1e-50}` | 1e-50 is too small for a Float",
      "`{\"__float__\":true}` | expected a number, got a boolean",
      "`{\"__tensor__\":7}` | expected a string, got the number 7",
      "`{\"__tensor__\":\"nope\"}` | refers to tensor entry \"nope\", which the file does not have",
      "`[{\"__tensor__\":\"t\"},{\"__tensor__\":\"t\"}]` | e.1: tensor entry \"t\" is referred to",
      "`{\"__map__\":{}}` | expected an array, got an object",
      "`{\"__map__\":[[]]}` | an entry must be [key, value], got []",
      "`{\"__map__\":[[1]]}` | an entry must be [key, value], got only the key",
      "`{\"__map__\":[[1,2,3]]}` | an entry must be [key, value], got more",
      "`{\"__map__\":[[1,\"a\"],[1,\"b\"]]}` | duplicate key Integer 1",
      "`{\"__map__\":[[null,1]]}` | a key must be a String, Integer, Long, Float, Double or"
          + " Boolean, got null",
      "`{\"__map__\":[[[1],1]]}` | Float, Double or Boolean, got array",
      "`{\"__map__\":[[{\"a\":1},1]]}` | got a map",
      "`{\"__map__\":[[{\"__tensor__\":\"t\"},1]]}` | got a tensor",
      "`{\"__map__\":[1]}` | expected an array, got the number 1",
  })
  void malformedValuesAreRefused(String json, String expected) {
    Map<String, Tensor> tensors = Map.of("t", Tensor.ones(1));
    String message = decodeError(tensors, json);
    assertTrue(message.startsWith("f.safetensors: metadata entry \"e\": "), message);
    assertTrue(message.contains(expected.strip()), message);
  }

  @Test
  void tooDeepNestingIsRefusedWithoutOverflowingTheStack() {
    String json = "[".repeat(100_000) + "]".repeat(100_000);
    assertTrue(decodeError(Map.of(), json).contains("nested more than 64 maps and lists deep"));
  }

  @Test
  void everyTensorEntryMustBeReferenced() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a", Tensor.ones(1));
    tensors.put("stray", Tensor.ones(2));
    CheckpointException e = assertThrows(CheckpointException.class, () -> StateCodec.decode(
        tensors, Map.of("e", "{\"__tensor__\":\"a\"}"), Set.of(), "f.safetensors"));
    assertEquals("f.safetensors: tensor entry \"stray\" is not referenced by any metadata entry"
        + " (each tensor of a state file is the value of one __tensor__ marker)", e.getMessage());
  }

  @Test
  void plainEntriesAreLeftAlone() throws Exception {
    Map<String, Object> out = StateCodec.decode(Map.of(),
        Map.of("format", "not json", "e", "[1]"), Set.of("format"), "f");
    assertEquals(Map.of("e", List.of(1)), out);
    assertTreeEquals(List.of(1), out.get("e"));
  }

  @Test
  void decodedTreesAreUnmodifiable() throws Exception {
    Map<String, Object> out = roundTrip(map("m", map("a", List.of(1))));
    Map<?, ?> m = (Map<?, ?>) out.get("m");
    assertThrows(UnsupportedOperationException.class, () -> out.put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> m.clear());
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("a")).clear());
  }

  @Test
  void theJsonIsReadable() {
    Map<Object, Object> state = new LinkedHashMap<>();
    state.put(0, map("momentum_buffer", Tensor.ones(1)));
    StateCodec.Encoded e = StateCodec.encode(map("optimizer", map("state", state,
        "param_groups", List.of(map("lr", 0.1, "nesterov", false, "betas", List.of(0.9, 0.999),
            "params", List.of(0))), "best", Double.POSITIVE_INFINITY, "seed", 5L, "f", 0.5f)));
    assertEquals("{\"state\":{\"__map__\":[[0,{\"momentum_buffer\":{\"__tensor__\":"
        + "\"optimizer.state.0.momentum_buffer\"}}]]},\"param_groups\":[{\"lr\":0.1,"
        + "\"nesterov\":false,\"betas\":[0.9,0.999],\"params\":[0]}],"
        + "\"best\":{\"__double__\":\"Infinity\"},\"seed\":{\"__long__\":5},"
        + "\"f\":{\"__float__\":0.5}}", e.metadata().get("optimizer"));
  }
}
