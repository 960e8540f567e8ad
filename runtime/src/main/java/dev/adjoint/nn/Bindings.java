package dev.adjoint.nn;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds the generated {@link LayerBinding} of a layer class. */
final class Bindings {
  private static volatile Map<Class<?>, LayerBinding<?>> byType;

  private Bindings() {}

  @SuppressWarnings("unchecked")
  static <L extends Module> LayerBinding<L> of(Class<L> type) {
    Map<Class<?>, LayerBinding<?>> map = byType;
    if (map == null || !map.containsKey(type)) {
      map = load(type.getClassLoader());
    }
    LayerBinding<?> b = map.get(type);
    if (b == null) {
      throw new IllegalStateException("No generated code for layer " + type.getName()
          + ": annotate it @Layer and put the Adjoint processor (dev.adjoint:adjoint-processor) on"
          + " the annotation processor path of the module that compiles it");
    }
    return (LayerBinding<L>) b;
  }

  private static synchronized Map<Class<?>, LayerBinding<?>> load(ClassLoader loader) {
    Map<Class<?>, LayerBinding<?>> map = byType == null ? new HashMap<>() : new HashMap<>(byType);
    for (ClassLoader cl : new ClassLoader[] {loader, Bindings.class.getClassLoader(),
        Thread.currentThread().getContextClassLoader()}) {
      if (cl == null) {
        continue;
      }
      for (LayerBinding<?> b : ServiceLoader.load(LayerBinding.class, cl)) {
        map.putIfAbsent(b.layerType(), b);
      }
    }
    byType = map;
    return map;
  }
}
