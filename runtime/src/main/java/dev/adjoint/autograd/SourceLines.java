package dev.adjoint.autograd;

import java.util.Arrays;

/**
 * Puts the user's source line into stack traces of generated code. Java has no {@code #line}
 * directive, so a generated forward or backward tracks the {@code @Forward} line it is running and,
 * when an exception passes, inserts a frame for that line just above the generated frame: the
 * trace then names {@code Mlp.forward(Mlp.java:14)} and an IDE can jump to it.
 */
public final class SourceLines {
  private SourceLines() {}

  /**
   * Adds a frame {@code owner.method(file:line)} above the first frame of {@code generatedClass}
   * and returns {@code e} for rethrowing. {@code line} 0 (not yet in the body) adds nothing.
   */
  public static RuntimeException at(RuntimeException e, Class<?> generatedClass, String owner,
      String method, String file, int line) {
    if (line <= 0) {
      return e;
    }
    StackTraceElement[] trace = e.getStackTrace();
    String generated = generatedClass.getName();
    for (int i = 0; i < trace.length; i++) {
      if (trace[i].getClassName().startsWith(generated)) {
        StackTraceElement user = new StackTraceElement(owner, method, file, line);
        if (i > 0 && user.equals(trace[i - 1])) {
          return e; // already added by an inner frame of the same call
        }
        StackTraceElement[] out = Arrays.copyOf(trace, trace.length + 1);
        System.arraycopy(trace, i, out, i + 1, trace.length - i);
        out[i] = user;
        e.setStackTrace(out);
        return e;
      }
    }
    return e;
  }
}
