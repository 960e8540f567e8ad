package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A tracked call releases its forward's temporaries (at once when garbage, after the node's
 * backward when the backward needs them) and never what escapes the call: its result, a field's
 * new value, what user code made or was given. A released storage refuses every use, so a
 * release too early fails here with {@code IllegalStateException} instead of passing.
 */
class ForwardTemporariesTest {
  @Test
  void whatEscapesTheCallStaysUsable() {
    Stashing.Keeper.cached = null;
    Stashing.Keeper.kept.clear();
    Stashing layer = new Stashing(new Generator(3));
    Tensor x = Tensor.of(new double[][] {{0.1, -0.2, 0.3}, {0.5, 0.4, -0.6}}).toFloat();
    for (int call = 0; call < 2; call++) {
      Tensor out = layer.call(x);
      out.backward();
      float[] hidden = x.matmul(layer.weight).tanh().toFloatArray();
      float[] twice = new float[hidden.length];
      float[] plusOne = new float[hidden.length];
      float[] negated = new float[hidden.length];
      float sum = 0;
      for (int i = 0; i < hidden.length; i++) {
        twice[i] = hidden[i] * 2;
        plusOne[i] = hidden[i] + 1;
        negated[i] = -hidden[i];
        sum += hidden[i] * 0.5f;
      }
      // A field's new value, a list in a field, a helper's list and a helper's cache.
      assertArrayEquals(twice, layer.lastHidden.toFloatArray(), 1e-6f);
      assertArrayEquals(plusOne, layer.history.get(call).toFloatArray(), 1e-6f);
      assertArrayEquals(negated, Stashing.Keeper.kept.get(call).toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, Stashing.Keeper.cached.toFloatArray());
      assertEquals(sum, out.item(), 1e-5);
      // d(sum(0.5 tanh(xW)))/dW = x^T (0.5 (1 - h^2)), accumulated over the calls so far.
      float[] gw = new float[9];
      float[] xs = x.toFloatArray();
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          for (int n = 0; n < 2; n++) {
            float h = hidden[n * 3 + j];
            gw[i * 3 + j] += (call + 1) * xs[n * 3 + i] * 0.5f * (1 - h * h);
          }
        }
      }
      assertArrayEquals(gw, layer.weight.grad().toFloatArray(), 1e-5f);
    }
    // The result of the call is the caller's.
    Tensor out = GradMode.noGrad(() -> layer.call(x));
    assertFalse(out.storage().isReleased());
  }

  @Test
  void savedValuesAreReleasedOnceTheBackwardRan() {
    Gated.Silu layer = new Gated.Silu(new Generator(4), 3, 4);
    Tensor x = Tensor.randn(new Generator(5), 2, 3).requiresGrad_(true);
    Tensor out = layer.call(x);
    Tensor loss = out.sum();
    loss.backward(null, true);
    // Retained: a second backward works and gives the same gradient again.
    float[] first = x.grad().toFloatArray();
    x.setGrad(null);
    loss.backward();
    assertArrayEquals(first, x.grad().toFloatArray());
    // Not retained: the saved values are gone, and PyTorch's message says so.
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("second time"), e.getMessage());
    // What the caller holds is untouched.
    assertFalse(out.storage().isReleased());
    assertFalse(x.grad().storage().isReleased());
  }
}
