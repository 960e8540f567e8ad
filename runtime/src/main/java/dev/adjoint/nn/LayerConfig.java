package dev.adjoint.nn;

import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds and reads the configuration maps of {@link Configurable} layers.
 *
 * <p>{@link #of} builds the map {@link Configurable#config()} returns; {@link #read} wraps the
 * map a {@code fromConfig} factory receives and reads typed values from it, with messages that
 * name the layer, the entry and the problem:
 *
 * <pre>{@code
 * public Map<String, Object> config() {
 *   return LayerConfig.of("inFeatures", inFeatures, "kernelSize", kernelSize, "bias", bias);
 * }
 *
 * public static MyConv fromConfig(Map<String, ?> config) {
 *   LayerConfig c = LayerConfig.read(MyConv.class, config);
 *   return new MyConv(c.intValue("inFeatures"), c.intArray("kernelSize"), c.booleanValue("bias"));
 * }
 * }</pre>
 *
 * <p>A loaded config holds what the file holds: whole numbers as Integers (Longs stay Longs),
 * other numbers as Doubles (Floats stay Floats), arrays as lists, nested layers already rebuilt.
 * The readers accept every value that converts exactly ({@link #longValue} an Integer,
 * {@link #doubleValue} an Integer or a Float, {@link #intArray} an {@code int[]} or a list of
 * Integers), so a factory works both on a loaded config and on the map {@code config()} returned.
 */
public final class LayerConfig {
  private final String layer;
  private final Map<String, ?> config;

  private LayerConfig(String layer, Map<String, ?> config) {
    this.layer = layer;
    this.config = config;
  }

  /**
   * An ordered config map from alternating keys and values; {@code null} values are kept,
   * primitive arrays become lists ({@code int[]} a {@code List<Integer>}, ...) so that the map
   * equals the one a loaded layer returns, and lists and arrays of objects become unmodifiable
   * copies (a layer's own list of sub-layers is not shared with its config).
   *
   * @throws IllegalArgumentException for an odd number of arguments, a key that is not a String,
   *     or a key given twice
   */
  public static Map<String, Object> of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("LayerConfig.of: expected alternating keys and values,"
          + " got " + keysAndValues.length + " arguments");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String key)) {
        throw new IllegalArgumentException("LayerConfig.of: argument " + i + " must be a String"
            + " key, got " + keysAndValues[i]);
      }
      if (out.containsKey(key)) {
        throw new IllegalArgumentException("LayerConfig.of: key \"" + key + "\" is given twice");
      }
      out.put(key, listOfArray(keysAndValues[i + 1]));
    }
    return out;
  }

  /**
   * The elements of an array or a list as a new list (primitives boxed); any other value as it
   * is.
   *
   * @return an unmodifiable list, or {@code value}
   */
  static Object listOfArray(Object value) {
    List<Object> list = new ArrayList<>();
    if (value instanceof int[] a) {
      Arrays.stream(a).forEach(list::add);
    } else if (value instanceof long[] a) {
      Arrays.stream(a).forEach(list::add);
    } else if (value instanceof double[] a) {
      Arrays.stream(a).forEach(list::add);
    } else if (value instanceof float[] a) {
      for (float f : a) {
        list.add(f);
      }
    } else if (value instanceof boolean[] a) {
      for (boolean b : a) {
        list.add(b);
      }
    } else if (value instanceof Object[] a) {
      list.addAll(Arrays.asList(a));
    } else if (value instanceof List<?> l) {
      list.addAll(l);
    } else {
      return value;
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * A reader of {@code config}, the map given to {@code layer}'s {@code fromConfig}; messages
   * name {@code layer}.
   */
  public static LayerConfig read(Class<? extends Module> layer, Map<String, ?> config) {
    return new LayerConfig(Objects.requireNonNull(layer, "layer").getSimpleName(),
        Objects.requireNonNull(config, () -> layer.getSimpleName() + ".fromConfig: config is"
            + " null"));
  }

  /** Whether the config has an entry {@code key} (possibly {@code null}). */
  public boolean has(String key) {
    return config.containsKey(key);
  }

  /** The entry {@code key}, which may be {@code null}. */
  private Object get(String key) {
    if (!config.containsKey(key)) {
      throw new IllegalArgumentException(layer + ".fromConfig: the config has no entry \"" + key
          + "\"; it has " + config.keySet());
    }
    return config.get(key);
  }

  private IllegalArgumentException wrongType(String key, String expected, Object value) {
    return new IllegalArgumentException(layer + ".fromConfig: config entry \"" + key
        + "\" must be " + expected + ", got " + describe(value));
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Tensor t) {
      return "a tensor of shape " + Arrays.toString(t.shape());
    }
    if (value instanceof Module m) {
      return "a " + m.getClass().getName();
    }
    return "a " + value.getClass().getSimpleName() + " " + value;
  }

  /**
   * The Integer entry {@code key} (a Long that fits is accepted).
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not an
   *     int
   */
  public int intValue(String key) {
    Object v = get(key);
    Integer i = toInt(v);
    if (i == null) {
      throw wrongType(key, "an int", v);
    }
    return i;
  }

  private static Integer toInt(Object v) {
    if (v instanceof Integer i) {
      return i;
    }
    if (v instanceof Long l && l == (int) (long) l) {
      return (int) (long) l;
    }
    return null;
  }

  /**
   * The Long or Integer entry {@code key}.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     whole number
   */
  public long longValue(String key) {
    Object v = get(key);
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    throw wrongType(key, "a long", v);
  }

  /**
   * The Double, Float or Integer entry {@code key}, as a double.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     number
   */
  public double doubleValue(String key) {
    Object v = get(key);
    if (v instanceof Double || v instanceof Float || v instanceof Integer) {
      return ((Number) v).doubleValue();
    }
    throw wrongType(key, "a double", v);
  }

  /**
   * The Boolean entry {@code key}.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     Boolean
   */
  public boolean booleanValue(String key) {
    Object v = get(key);
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(key, "a boolean", v);
  }

  /**
   * The String entry {@code key}, or {@code null} when it is null.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     String
   */
  public String string(String key) {
    Object v = get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw wrongType(key, "a String", v);
  }

  /**
   * The entry {@code key} as an {@code int[]}: a list of Integers or an {@code int[]}.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     list of ints
   */
  public int[] intArray(String key) {
    Object v = get(key);
    if (v instanceof int[] a) {
      return a.clone();
    }
    if (v instanceof List<?> list) {
      int[] out = new int[list.size()];
      for (int i = 0; i < out.length; i++) {
        Integer x = toInt(list.get(i));
        if (x == null) {
          throw wrongType(key, "a list of ints", v);
        }
        out[i] = x;
      }
      return out;
    }
    throw wrongType(key, "a list of ints", v);
  }

  /**
   * The tensor entry {@code key}, or {@code null} when it is null.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     tensor
   */
  public Tensor tensor(String key) {
    Object v = get(key);
    if (v == null || v instanceof Tensor) {
      return (Tensor) v;
    }
    throw wrongType(key, "a tensor", v);
  }

  /**
   * The layer entry {@code key}, which must be a {@code type}.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     {@code type}
   */
  public <M extends Module> M module(String key, Class<M> type) {
    Object v = get(key);
    if (type.isInstance(v)) {
      return type.cast(v);
    }
    throw wrongType(key, "a " + type.getName(), v);
  }

  /**
   * The String entry {@code key} as a constant of {@code type}, by its {@link Enum#name() name};
   * {@code null} when it is null.
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing, not a
   *     String, or names no constant of {@code type} (the message lists them)
   */
  public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    Object v = get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String name) {
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(name)) {
          return e;
        }
      }
    }
    throw wrongType(key, "one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name)
        .toList() + " (" + type.getSimpleName() + ")", v);
  }

  /**
   * The entry {@code key} as a list of layers that are each a {@code type} (a list or an array
   * of them).
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     list of {@code type}s
   */
  public <M extends Module> List<M> modules(String key, Class<M> type) {
    List<Module> all = modules(key);
    List<M> out = new ArrayList<>(all.size());
    for (Module m : all) {
      if (!type.isInstance(m)) {
        throw wrongType(key, "a list of " + type.getName(), config.get(key));
      }
      out.add(type.cast(m));
    }
    return out;
  }

  /**
   * The entry {@code key} as a list of layers (a list or an array of them).
   *
   * @throws IllegalArgumentException naming the layer and the entry when it is missing or not a
   *     list of layers
   */
  public List<Module> modules(String key) {
    Object v = get(key);
    List<?> list = v instanceof Module[] a ? Arrays.asList(a) : v instanceof List<?> l ? l : null;
    if (list == null) {
      throw wrongType(key, "a list of layers", v);
    }
    List<Module> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof Module m)) {
        throw wrongType(key, "a list of layers", v);
      }
      out.add(m);
    }
    return out;
  }
}
