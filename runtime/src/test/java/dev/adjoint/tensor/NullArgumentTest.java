package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.backend.Backends;
import dev.adjoint.nn.Functional;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A null argument to any public method of {@link Tensor} or {@link Functional} is refused by the
 * method the user called, named in the message ({@code "mm: other"}), never a bare
 * NullPointerException from deep inside. The walk passes null in each reference parameter in
 * turn, with valid values elsewhere; a new method is covered without being listed. Parameters
 * where null means something (documented) are listed in {@link #NULL_MEANS_SOMETHING}.
 */
class NullArgumentTest {
  /** {@code Class.method#parameter}: null is documented to mean a default. */
  private static final Set<String> NULL_MEANS_SOMETHING = Set.of(
      "Tensor.sum#0", "Tensor.mean#0", "Tensor.var#0", "Tensor.std#0", "Tensor.logsumexp#0",
      "Tensor.slice#1", "Tensor.slice#2", // dims: all; start, stop: the ends
      "Tensor.backward#0", // the implicit gradient of a one-element output
      "Tensor.setGrad#0", "Tensor.setGradFn#0", // clearing
      "Functional.dropout#3", "Functional.dropoutMask#2"); // the default generator

  private static Object valid(Class<?> c) {
    if (c == Tensor.class) {
      return Tensor.ones(DType.FLOAT64, 2, 2);
    }
    if (c == Tensor[].class) {
      return new Tensor[] {Tensor.ones(DType.FLOAT64, 2, 2)};
    }
    if (c == List.class) {
      return List.of(Tensor.ones(DType.FLOAT64, 2, 2));
    }
    if (c == int[].class) {
      return new int[] {1};
    }
    if (c == Integer.class) {
      return 1;
    }
    if (c == String.class) {
      return "0";
    }
    if (c == DType.class) {
      return DType.FLOAT64;
    }
    if (c == Device.class) {
      return Device.cpu();
    }
    if (c == Generator.class) {
      return new Generator(1);
    }
    if (c == Object.class) {
      return new float[] {1f};
    }
    if (c == dev.adjoint.backend.Layout.class) {
      return dev.adjoint.backend.Layout.contiguous(1);
    }
    if (c == dev.adjoint.backend.Storage.class) {
      return Backends.of(Device.cpu()).allocate(DType.FLOAT32, 1);
    }
    if (c.isArray() && c.getComponentType().isPrimitive()) {
      return java.lang.reflect.Array.newInstance(c.getComponentType(), 1);
    }
    if (c.isArray()) {
      return java.lang.reflect.Array.newInstance(c.getComponentType(), 0);
    }
    if (c == int.class) {
      return 0;
    }
    if (c == long.class) {
      return 0L;
    }
    if (c == double.class) {
      return 0.0;
    }
    if (c == float.class) {
      return 0f;
    }
    if (c == boolean.class) {
      return false;
    }
    return null;
  }

  @Test
  void everyNullArgumentIsRefusedByName() throws Exception {
    List<String> bad = new ArrayList<>();
    int checked = 0;
    for (Class<?> k : List.of(Tensor.class, Functional.class)) {
      for (Method m : k.getMethods()) {
        if (m.getDeclaringClass() != k) {
          continue;
        }
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
          String key = k.getSimpleName() + "." + m.getName() + "#" + i;
          if (types[i].isPrimitive() || NULL_MEANS_SOMETHING.contains(key)) {
            continue;
          }
          Object[] args = new Object[types.length];
          for (int j = 0; j < types.length; j++) {
            args[j] = j == i ? null : valid(types[j]);
            if (j != i && args[j] == null) {
              fail("no valid value of " + types[j] + " for " + m + ": add one to valid()");
            }
          }
          Object receiver = Modifier.isStatic(m.getModifiers()) ? null
              : Tensor.ones(DType.FLOAT64, 2, 2);
          checked++;
          String call = k.getSimpleName() + "." + m.getName() + " with null argument " + i
              + " (" + types[i].getSimpleName() + ")";
          try {
            m.invoke(receiver, args);
            bad.add(call + ": accepted");
          } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            String msg = String.valueOf(t.getMessage());
            String name = m.getName();
            boolean named = msg.startsWith(name + ":") || msg.startsWith(name + " ");
            if (!(t instanceof RuntimeException) || !named) {
              bad.add(call + ": " + t);
            }
          }
        }
      }
    }
    assertTrue(checked > 100, "only " + checked + " null arguments tried");
    assertTrue(bad.isEmpty(), bad.size() + " of " + checked + " null arguments not refused by"
        + " name:\n  " + String.join("\n  ", bad));
  }
}
