package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Exceptions from generated code name the user's source line in their stack trace. */
class SourceLineTest {
  @Test
  void stackTraceNamesTheForwardLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Mismatch().call(Tensor.ones(4, 5)));
    StackTraceElement user = null;
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().equals(Mismatch.class.getName())) {
        user = frame;
        break;
      }
    }
    // Mismatch.java line 17 is `return h.matmul(w);`, the call that fails (5 != 3).
    assertEquals(new StackTraceElement(Mismatch.class.getName(), "forward", "Mismatch.java", 17),
        user);
  }
}
