package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The helper every generated tracked entry point delegates to: when it records a node, what the
 * node is called and runs, and what the forward sees. The backward here is hand-written: for
 * {@code out = 3 * a + b}, {@code d_a = 3 g} and {@code d_b = g}.
 */
class TrackedCallTest {
  /** A {@code Saved} record as the processor writes one, remembering the flags it was given. */
  static final class Saved extends SavedValues {
    boolean[] needs;
    boolean gradModeInForward = true;

    Saved() {
      super("Lin.forward", "Lin.java");
    }

    @Override
    public void needInputs(boolean[] needs) {
      this.needs = needs.clone();
    }
  }

  private static Tensor forward(Saved saved, Tensor a, Tensor b) {
    saved.gradModeInForward = GradMode.isEnabled();
    return a.mul(3.0).add(b);
  }

  private static Tensor run(Saved saved, Tensor a, Tensor b) {
    return TrackedCall.function(saved, () -> forward(saved, a, b),
        g -> new Tensor[] {g.mul(3.0), g}, a, b);
  }

  @Test
  void recordsOneNamedNodeWhoseBackwardIsTheGivenOne() {
    Tensor a = Tensor.of(1.0, 2.0).requiresGrad_(true);
    Tensor b = Tensor.of(5.0, 7.0);
    Saved saved = new Saved();
    Tensor out = run(saved, a, b);
    assertFalse(saved.gradModeInForward, "the forward runs without recording");
    assertArrayEquals(new boolean[] {true, false}, saved.needs);
    assertEquals("Lin.forward", out.gradFn().name());
    assertTrue(out.gradFn().inputs()[1] == null, "b needs no gradient: no edge");
    out.sum().backward();
    assertArrayEquals(new double[] {3.0, 3.0}, a.grad().toDoubleArray(), 0.0);
  }

  @Test
  void aFunctionOfUntrackedInputsRecordsNothing() {
    Saved saved = new Saved();
    Tensor out = run(saved, Tensor.of(1.0), Tensor.of(2.0));
    assertNull(out.gradFn());
    assertArrayEquals(new boolean[] {false, false}, saved.needs);
  }

  @Test
  void nothingIsRecordedUnderNoGrad() {
    Tensor a = Tensor.of(1.0).requiresGrad_(true);
    Tensor out = GradMode.noGrad(() -> run(new Saved(), a, Tensor.of(2.0)));
    assertNull(out.gradFn());
  }

  @Test
  void aLayerRecordsForItsParametersWhenNoInputIsTracked() {
    boolean[] asked = {false};
    Saved saved = new Saved();
    Tensor a = Tensor.of(1.0);
    Tensor out = TrackedCall.layer(saved, () -> asked[0] = true, () -> forward(saved, a, a),
        g -> new Tensor[] {g}, a);
    assertTrue(asked[0]);
    assertEquals("Lin.forward", out.gradFn().name());
    assertNull(out.gradFn().inputs()[0]);

    Tensor none = TrackedCall.layer(new Saved(), () -> false, () -> a.mul(2.0),
        g -> new Tensor[] {g}, a);
    assertNull(none.gradFn());
  }

  @Test
  void aLayerWithATrackedInputDoesNotAskAboutItsParameters() {
    Tensor a = Tensor.of(1.0).requiresGrad_(true);
    Tensor out = TrackedCall.layer(new Saved(), () -> {
      throw new AssertionError("asked");
    }, () -> a.mul(2.0), g -> new Tensor[] {g.mul(2.0)}, a);
    assertEquals("Lin.forward", out.gradFn().name());
  }

  @Test
  void anInputReturnedAsItIsGetsItsOwnTensorForTheNode() {
    Tensor a = Tensor.of(1.0, 2.0).requiresGrad_(true);
    Tensor out = TrackedCall.function(new Saved(), () -> a, g -> new Tensor[] {g}, a);
    assertNotSame(a, out);
    assertNull(a.gradFn(), "the input is left as it was");
    assertSame(a, out.gradFn().inputs()[0]);
  }
}
