package dev.adjoint.processor;

import com.sun.source.util.Trees;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * Reaches javac's own {@link ProcessingEnvironment} behind one a build tool wraps.
 * {@link Trees#instance(ProcessingEnvironment)} accepts only javac's class, yet Gradle's
 * incremental processing hands processors a wrapper that keeps javac's environment in a field
 * named {@code delegate}, and IntelliJ's build a {@link Proxy} whose handler holds it. Only the
 * {@code Trees} come from the unwrapped environment: the filer and messager stay the wrapper's,
 * so the build tool still sees every file the processor writes.
 */
final class JavacEnvironment {
  /** Wrappers of wrappers are unwrapped up to this depth. */
  private static final int MAX_DEPTH = 8;

  private JavacEnvironment() {}

  /** The {@code Trees} of javac's environment at or behind {@code env}; empty if none is found. */
  static Optional<Trees> trees(ProcessingEnvironment env) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ProcessingEnvironment current = env;
    for (int depth = 0; current != null && depth < MAX_DEPTH && seen.add(current); depth++) {
      try {
        return Optional.of(Trees.instance(current));
      } catch (RuntimeException notJavacs) {
        // IllegalArgumentException: not javac's class; look inside it.
        current = wrapped(current);
      }
    }
    return Optional.empty();
  }

  /**
   * The environment {@code env} wraps: the one in its field named {@code delegate}, else in its
   * first field holding one (for a proxy, the fields of its invocation handler); null if none.
   */
  static ProcessingEnvironment wrapped(ProcessingEnvironment env) {
    Object holder = env;
    if (Proxy.isProxyClass(env.getClass())) {
      try {
        holder = Proxy.getInvocationHandler(env);
      } catch (RuntimeException e) {
        return null;
      }
    }
    ProcessingEnvironment first = null;
    for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())
            || !(read(f, holder) instanceof ProcessingEnvironment inner) || inner == env) {
          continue;
        }
        if (f.getName().equals("delegate")) {
          return inner;
        }
        if (first == null) {
          first = inner;
        }
      }
    }
    return first;
  }

  /** The value of {@code field} in {@code holder}, or null where reflection is refused. */
  private static Object read(Field field, Object holder) {
    try {
      field.setAccessible(true);
      return field.get(holder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // InaccessibleObjectException (a module that does not open the package) or a security
      // manager's refusal: this field cannot be the way in.
      return null;
    }
  }
}
