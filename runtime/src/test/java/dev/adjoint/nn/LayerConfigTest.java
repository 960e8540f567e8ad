package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link LayerConfig}: building keeps order and nulls, reading converts only exactly. */
class LayerConfigTest {
  @Test
  void ofKeepsOrderAndNullsAndTurnsArraysIntoLists() {
    Map<String, Object> c = LayerConfig.of("b", 1, "a", null, "k", new int[] {3, 2},
        "d", new double[] {0.5});
    assertEquals(List.of("b", "a", "k", "d"), List.copyOf(c.keySet()));
    assertNull(c.get("a"));
    assertEquals(List.of(3, 2), c.get("k"));
    assertEquals(List.of(0.5), c.get("d"));
    assertThrows(IllegalArgumentException.class, () -> LayerConfig.of("x"));
    assertThrows(IllegalArgumentException.class, () -> LayerConfig.of(1, 2));
    assertThrows(IllegalArgumentException.class, () -> LayerConfig.of("x", 1, "x", 2));
  }

  @Test
  void readersAcceptExactConversionsOnly() {
    ReLU relu = new ReLU();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("i", 7);
    m.put("l", 7L);
    m.put("big", 1L << 40);
    m.put("f", 0.25f);
    m.put("list", List.of(1, 2));
    m.put("array", new int[] {4});
    m.put("s", "tanh");
    m.put("layers", Arrays.asList(relu, relu));
    LayerConfig c = LayerConfig.read(Conv2d.class, m);
    assertEquals(7, c.intValue("l"));
    assertEquals(7L, c.longValue("i"));
    assertEquals(0.25, c.doubleValue("f"));
    assertEquals(7.0, c.doubleValue("i"));
    assertArrayEquals(new int[] {1, 2}, c.intArray("list"));
    assertArrayEquals(new int[] {4}, c.intArray("array"));
    assertSame(relu, c.modules("layers").get(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.intValue("big"));
    assertEquals("Conv2d.fromConfig: config entry \"big\" must be an int, got a Long "
        + (1L << 40), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.booleanValue("missing"));
    assertEquals("Conv2d.fromConfig: the config has no entry \"missing\"; it has [i, l, big, f,"
        + " list, array, s, layers]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.longValue("f"));
    assertThrows(IllegalArgumentException.class, () -> c.tensor("s"));
    assertThrows(IllegalArgumentException.class, () -> c.module("s", Module.class));
    assertThrows(IllegalArgumentException.class, () -> c.modules("list"));
  }

  @Test
  void ofCopiesListsAndObjectArraysSoTheLayersOwnAreNotShared() {
    ReLU relu = new ReLU();
    Tanh tanh = new Tanh();
    List<Module> live = new ArrayList<>(List.of(relu));
    Map<String, Object> c = LayerConfig.of("list", live, "array", new Module[] {tanh, relu});
    live.add(tanh);
    assertEquals(List.of(relu), c.get("list"));
    assertEquals(List.of(tanh, relu), c.get("array"));
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) c.get("list")).clear());
  }

  @Test
  void enumsAndTypedLayerListsAreReadByNameAndType() {
    ReLU relu = new ReLU();
    Tanh tanh = new Tanh();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reduction", "SUM");
    m.put("unset", null);
    m.put("lower", "sum");
    m.put("number", 2);
    m.put("layers", List.of(relu, tanh));
    LayerConfig c = LayerConfig.read(Linear.class, m);
    assertSame(Reduction.SUM, c.enumValue("reduction", Reduction.class));
    assertNull(c.enumValue("unset", Reduction.class));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.enumValue("lower", Reduction.class));
    assertEquals("Linear.fromConfig: config entry \"lower\" must be one of [MEAN, SUM, NONE]"
        + " (Reduction), got a String sum", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.enumValue("number", Reduction.class));
    assertEquals(List.of(relu, tanh), c.modules("layers", Module.class));
    e = assertThrows(IllegalArgumentException.class, () -> c.modules("layers", ReLU.class));
    assertTrue(e.getMessage().startsWith("Linear.fromConfig: config entry \"layers\" must be a"
        + " list of dev.adjoint.nn.ReLU, got "), e.getMessage());
  }
}
