package dev.adjoint.io;

import dev.adjoint.nn.Configurable;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a model file's configuration against its saved state before {@link ModelFiles} builds
 * anything, using the state shapes that layers declare from their configuration without building
 * (a {@code stateShapes} factory beside {@code fromConfig}; see {@link Configurable}).
 *
 * <p>When every layer of the model declares its shapes, the names and shapes the configuration
 * implies must be exactly those saved. When some layer does not (a user layer without
 * {@code stateShapes}), the layers that do, taken together, must not imply more elements than
 * the file saved in all: their parameters must each be loaded from a saved entry of their own, so
 * a configuration asking for more than the file holds is refused. Either way, a 472-byte file
 * whose configuration says {@code Linear(46340, 46340)} is refused at once, not after building
 * 8 GiB of weights.
 */
final class StatePlan {
  private static final String FACTORY = "stateShapes";
  /** Differences listed in a message before "... and n more". */
  private static final int SHOWN = 8;

  private final ModelFiles.Rebuilder rebuilder;
  private final String source;
  /** Shapes of layers that declare them under a parent that does not, with their paths. */
  private final List<Map.Entry<String, Map<String, int[]>>> orphans = new ArrayList<>();

  StatePlan(ModelFiles.Rebuilder rebuilder, String source) {
    this.rebuilder = rebuilder;
    this.source = source;
  }

  /** Refuses {@code description} when its configuration cannot fit {@code saved}. */
  void check(Object description, Map<String, Tensor> saved) throws ModelFileException {
    Map<String, int[]> declared = shapes(description, ModelFiles.MODEL);
    if (declared != null) {
      compare(declared, saved);
      return;
    }
    long savedElements = 0;
    for (Tensor t : saved.values()) {
      savedElements += t.numel();
    }
    long implied = 0;
    StringBuilder which = new StringBuilder();
    for (Map.Entry<String, Map<String, int[]>> e : orphans) {
      long n = elements(e.getValue(), e.getKey());
      implied = saturatingAdd(implied, n);
      if (which.length() < 400) {
        which.append(which.length() == 0 ? "" : ", ").append(e.getKey()).append(" ").append(n);
      }
    }
    if (implied > savedElements) {
      throw new ModelFileException(source + ": the configuration implies at least " + implied
          + " elements of state (" + which + ") but the file saved " + savedElements
          + " in all, so the model was not built (was the configuration edited?)");
    }
  }

  /**
   * The state shapes of the layer {@code description} describes, by name relative to it, or null
   * when it or one of its sub-layers declares none.
   */
  private Map<String, int[]> shapes(Object description, String path) throws ModelFileException {
    Class<? extends Module> cls = rebuilder.layerClass(description, path);
    Map<?, ?> saved = (Map<?, ?>) ((Map<?, ?>) description).get(ModelFiles.CONFIG);
    Map<String, Object> config = new LinkedHashMap<>();
    List<Map.Entry<String, Map<String, int[]>>> children = new ArrayList<>();
    boolean complete = true;
    for (Map.Entry<?, ?> e : saved.entrySet()) {
      String at = path + "." + ModelFiles.CONFIG + "." + e.getKey();
      Object v = value(e.getValue(), at, children);
      complete &= v != UNKNOWN;
      config.put((String) e.getKey(), v);
    }
    Method factory = complete ? factory(cls) : null;
    if (factory == null) {
      orphans.addAll(children);
      return null;
    }
    Object result;
    try {
      result = factory.invoke(null, java.util.Collections.unmodifiableMap(config));
    } catch (InvocationTargetException e) {
      // An invalid configuration: fromConfig, which checks the same arguments before it
      // allocates, reports it in its own words when the layer is built.
      orphans.addAll(children);
      return null;
    } catch (IllegalAccessException e) {
      throw new ModelFileException(source + ": " + path + ": " + cls.getName() + "." + FACTORY
          + " is not accessible: " + e, e);
    }
    if (!(result instanceof Map<?, ?> map)) {
      throw new ModelFileException(source + ": " + path + ": " + cls.getName() + "." + FACTORY
          + " returned " + result + ", not a map of names to shapes");
    }
    Map<String, int[]> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof int[] shape)) {
        throw new ModelFileException(source + ": " + path + ": " + cls.getName() + "."
            + FACTORY + " returned an entry " + e.getKey() + " that is not a name and an int[]");
      }
      out.put(name, shape);
    }
    return out;
  }

  /** Marks a config value holding a layer whose shapes are unknown. */
  private static final Object UNKNOWN = new Object();

  /**
   * A config value as {@code stateShapes} receives it: sub-layers replaced by their shapes; or
   * {@link #UNKNOWN} when a sub-layer in it declares none (its declared parts are recorded in
   * {@code children}, in case the parent cannot use them).
   */
  private Object value(Object v, String path,
      List<Map.Entry<String, Map<String, int[]>>> children) throws ModelFileException {
    if (v instanceof Map<?, ?>) {
      Map<String, int[]> s = shapes(v, path);
      if (s != null) {
        children.add(Map.entry(path, s));
        return s;
      }
      return UNKNOWN;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      boolean complete = true;
      for (int i = 0; i < list.size(); i++) {
        Object x = value(list.get(i), path + "." + i, children);
        complete &= x != UNKNOWN;
        out.add(x);
      }
      return complete ? java.util.Collections.unmodifiableList(out) : UNKNOWN;
    }
    return v;
  }

  /** The class's own public static {@code stateShapes(Map)}, or null. */
  private static Method factory(Class<?> cls) {
    try {
      Method m = cls.getDeclaredMethod(FACTORY, Map.class);
      int mod = m.getModifiers();
      if (!Modifier.isStatic(mod) || !Modifier.isPublic(mod)
          || !Map.class.isAssignableFrom(m.getReturnType())) {
        return null;
      }
      return m.canAccess(null) || m.trySetAccessible() ? m : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private void compare(Map<String, int[]> declared, Map<String, Tensor> saved)
      throws ModelFileException {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, int[]> e : declared.entrySet()) {
      Tensor t = saved.get(e.getKey());
      if (t == null) {
        problems.add(e.getKey() + " " + Arrays.toString(e.getValue()) + " is not saved");
      } else if (!Arrays.equals(t.shape(), e.getValue())) {
        problems.add(e.getKey() + " is " + Arrays.toString(e.getValue()) + " by the"
            + " configuration but " + Arrays.toString(t.shape()) + " saved");
      }
    }
    for (String name : saved.keySet()) {
      if (!declared.containsKey(name)) {
        problems.add(name + " is saved but the configuration has no such entry");
      }
    }
    if (!problems.isEmpty()) {
      String shown = String.join("; ", problems.subList(0, Math.min(SHOWN, problems.size())));
      throw new ModelFileException(source + ": the model's configuration does not match the"
          + " saved state, so the model was not built (was the file edited, or has a class"
          + " changed since it was written?): " + shown + (problems.size() > SHOWN
              ? "; ... and " + (problems.size() - SHOWN) + " more" : ""));
    }
  }

  private long elements(Map<String, int[]> shapes, String path) throws ModelFileException {
    long total = 0;
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      long n = 1;
      for (int d : e.getValue()) {
        if (d < 0) {
          throw new ModelFileException(source + ": " + path + ": the configuration implies"
              + " the shape " + Arrays.toString(e.getValue()) + " for " + e.getKey()
              + ", which has a negative dimension");
        }
        n = saturatingMultiply(n, d);
      }
      total = saturatingAdd(total, n);
    }
    return total;
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  private static long saturatingMultiply(long a, long b) {
    return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }
}
