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
      throw new IllegalStateException(missing(type));
    }
    return (LayerBinding<L>) b;
  }

  /** What to do when a layer has no binding: almost always, the processor did not run. */
  static String missing(Class<?> type) {
    String name = type.getName();
    return "No generated code for layer " + name + " (no " + name + "_Adjoint registered): the"
        + " Adjoint annotation processor did not run when " + type.getSimpleName() + " was"
        + " compiled, or the class is not annotated @Layer. Annotate it @Layer and configure the"
        + " processor explicitly (JDK 23 and later no longer run processors found on the class"
        + " path): in Maven, list dev.adjoint:adjoint-processor under the maven-compiler-plugin's"
        + " <annotationProcessorPaths>; in Gradle, add it to the annotationProcessor"
        + " configuration (annotationProcessor 'dev.adjoint:adjoint-processor:<version>'). The"
        + " README's \"Use Adjoint in your project\" shows both.";
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
