package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The lambda forms of {@link GradMode}: mode inside, restore after return, throw and nesting. */
class GradModeTest {

  private static Tensor leaf() {
    return Tensor.ones(3).requiresGrad_(true);
  }

  @Test
  void noGradSupplierRecordsNothingAndRestores() {
    Tensor x = leaf();
    Tensor y = GradMode.noGrad(() -> x.mul(x));
    assertNull(y.gradFn(), "an op inside noGrad records no node");
    assertTrue(GradMode.isEnabled(), "recording is back on after the body");
    assertNotNull(x.mul(x).gradFn(), "and ops record again");
  }

  @Test
  void noGradRunnableTurnsRecordingOff() {
    AtomicBoolean inside = new AtomicBoolean(true);
    GradMode.noGrad(() -> {
      inside.set(GradMode.isEnabled());
    });
    assertFalse(inside.get());
    assertTrue(GradMode.isEnabled());
  }

  @Test
  void enableGradInsideNoGradRecordsAndRestoresOff() {
    Tensor x = leaf();
    Tensor[] inner = new Tensor[1];
    boolean[] after = new boolean[1];
    GradMode.noGrad(() -> {
      inner[0] = GradMode.enableGrad(() -> x.mul(x));
      GradMode.enableGrad(() -> {
        assertTrue(GradMode.isEnabled());
      });
      after[0] = GradMode.isEnabled();
    });
    assertNotNull(inner[0].gradFn(), "enableGrad records inside noGrad");
    assertFalse(after[0], "leaving enableGrad restores the enclosing noGrad");
    assertTrue(GradMode.isEnabled());
  }

  @Test
  void nestedNoGradRestoresOnlyAtTheOutermost() {
    boolean[] between = new boolean[1];
    GradMode.noGrad(() -> {
      GradMode.noGrad(() -> {
        assertFalse(GradMode.isEnabled());
      });
      between[0] = GradMode.isEnabled();
    });
    assertFalse(between[0], "the inner noGrad restores the outer one's off, not on");
    assertTrue(GradMode.isEnabled());
  }

  @Test
  void anExceptionRestoresTheMode() {
    IllegalStateException thrown = new IllegalStateException("boom");
    IllegalStateException caught = assertThrows(IllegalStateException.class,
        () -> GradMode.noGrad(() -> {
          throw thrown;
        }));
    assertSame(thrown, caught, "the body's exception passes through unchanged");
    assertTrue(GradMode.isEnabled(), "noGrad restored recording although the body threw");

    GradMode.noGrad(() -> {
      assertThrows(ArithmeticException.class, () -> GradMode.enableGrad(() -> 1 / zero()));
      assertFalse(GradMode.isEnabled(), "enableGrad restored the off mode although it threw");
    });
    assertTrue(GradMode.isEnabled());
  }

  @Test
  void scopeFormStillWorks() {
    GradMode.Scope scope = GradMode.noGrad();
    try {
      assertFalse(GradMode.isEnabled());
    } finally {
      scope.close();
    }
    assertTrue(GradMode.isEnabled());
  }

  @Test
  void nullBodyIsRejected() {
    assertThrows(NullPointerException.class,
        () -> GradMode.noGrad((java.util.function.Supplier<Tensor>) null));
    assertTrue(GradMode.isEnabled());
  }

  private static int zero() {
    return 0;
  }
}
