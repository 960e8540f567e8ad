package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A layer called on the output of a call that no gradient flows through (a parameterless layer
 * on an input that wants no gradient) is not asked for its input's gradient, even when its caller
 * flagged it ({@code dev.adjoint.autograd.GradFree}, asked and told by every generated forward):
 * through {@link DynamicCall} its backward returns null for that input; called as a typed field,
 * its saved need flag is cleared. Each case where a gradient can flow keeps it.
 */
class GradFreeCallTest {
  private final Generator g = new Generator(11);

  /**
   * The input gradient a Linear(4, 5) called after {@code first} (on a [3, 2, 2] input, flagged
   * {@code firstNeeds}) returns when its caller asks for it; {@code between} runs on
   * {@code first}'s output before the second call.
   */
  private Tensor inputGradientAfter(Module first, boolean firstNeeds,
      java.util.function.Consumer<Tensor> between) {
    Tensor x = Tensor.randn(g, 3, 2, 2);
    DynamicCall a = DynamicCall.forwardSaving(first, new boolean[] {firstNeeds}, x);
    between.accept(a.out());
    Linear linear = new Linear(4, 5, true, g);
    DynamicCall b = DynamicCall.forwardSaving(linear, new boolean[] {true}, a.out());
    return b.backward(Tensor.ones(3, 5))[0];
  }

  @Test
  void aParameterlessLayerOnAnInputThatWantsNoGradientGivesAGradientFreeOutput() {
    assertNull(inputGradientAfter(new Flatten(), false, t -> { }));
  }

  @Test
  void theGradientIsKeptWhereOneCanFlow() {
    // The first call's input wants a gradient.
    Tensor viaInput = inputGradientAfter(new Flatten(), true, t -> { });
    assertNotNull(viaInput);
    // The output was written in place after the call (it could now hold a parameter's value).
    assertNotNull(inputGradientAfter(new Flatten(), false, t -> t.mul_(2.0)));
    // The output was made a leaf that wants a gradient.
    assertNotNull(inputGradientAfter(new Flatten(), false, t -> t.requiresGrad_(true)));
    // The first layer has a parameter that requires a gradient.
    Sequential withParameters = new Sequential(new Flatten(), new Linear(4, 4, true, g));
    assertNotNull(inputGradientAfter(withParameters, false, t -> { }));
    // The gradient itself: the linear layer's weight, summed over the batch, for each input.
    Linear linear = new Linear(4, 5, true, g);
    Tensor x = Tensor.randn(g, 3, 4);
    DynamicCall a = DynamicCall.forwardSaving(new Flatten(), new boolean[] {true}, x);
    DynamicCall b = DynamicCall.forwardSaving(linear, new boolean[] {true}, a.out());
    Tensor gi = b.backward(Tensor.ones(3, 5))[0];
    Tensor want = Tensor.ones(3, 5).matmul(linear.parameter("weight").detach());
    assertEquals(0, gi.sub(want).abs().max().item(), 1e-6);
  }

  @Test
  void frozenParametersLetNoGradientThrough() {
    Linear frozen = new Linear(4, 4, true, g);
    frozen.parameter("weight").requiresGrad_(false);
    frozen.parameter("bias").requiresGrad_(false);
    Sequential first = new Sequential(new Flatten(), frozen);
    assertNull(inputGradientAfter(first, false, t -> { }));
  }

  /**
   * End to end: Sequential(Flatten, Linear, ...) on an input without a gradient gives the
   * parameters the gradients of the same ops recorded one by one.
   */
  @Test
  void sequentialAfterFlattenKeepsItsParameterGradients() {
    Linear l1 = new Linear(4, 3, true, g);
    Linear l2 = new Linear(3, 2, true, g);
    Sequential model = new Sequential(new Flatten(), l1, new ReLU(), l2);
    Tensor x = Tensor.randn(g, 5, 2, 2);
    model.call(x).sum().backward();

    Tensor w1 = l1.parameter("weight").detach().clone().requiresGrad_(true);
    Tensor b1 = l1.parameter("bias").detach().clone().requiresGrad_(true);
    Tensor w2 = l2.parameter("weight").detach().clone().requiresGrad_(true);
    Tensor b2 = l2.parameter("bias").detach().clone().requiresGrad_(true);
    x.reshape(5, 4).matmul(w1.t()).add(b1).relu().matmul(w2.t()).add(b2).sum().backward();
    assertEquals(0, w1.grad().sub(l1.parameter("weight").grad()).abs().max().item(), 1e-6);
    assertEquals(0, b1.grad().sub(l1.parameter("bias").grad()).abs().max().item(), 1e-6);
    assertEquals(0, w2.grad().sub(l2.parameter("weight").grad()).abs().max().item(), 1e-6);
    assertEquals(0, b2.grad().sub(l2.parameter("bias").grad()).abs().max().item(), 1e-6);
    assertNull(x.grad());
  }

  /** The same through typed sub-layer fields: the generated forward clears the need flag. */
  @Test
  void typedSubLayersAskTheSame() {
    Linear linear = new Linear(4, 5, true, g);
    Flatten flatten = new Flatten();
    Tensor x = Tensor.randn(g, 3, 2, 2);
    Flatten_Adjoint.ForwardSaved first = new Flatten_Adjoint.ForwardSaved();
    first.need_input = false;
    Tensor h = Flatten_Adjoint.forwardSaving(flatten, x, first);
    Linear_Adjoint.ForwardSaved second = new Linear_Adjoint.ForwardSaved();
    Linear_Adjoint.forwardSaving(linear, h, second);
    assertEquals(false, second.need_input);
    // Linear has parameters: its output is not gradient-free.
    Linear_Adjoint.ForwardSaved third = new Linear_Adjoint.ForwardSaved();
    Tensor y = Linear_Adjoint.forwardSaving(new Linear(5, 2, true, g),
        Linear_Adjoint.forwardSaving(linear, h, new Linear_Adjoint.ForwardSaved()), third);
    assertEquals(true, third.need_input);
    assertNotNull(y);

    // End to end through a layer with typed fields: the parameters' gradients are those of the
    // same ops recorded one by one.
    FlattenedLinear model = new FlattenedLinear(g);
    model.call(x).sum().backward();
    Tensor w = model.fc.parameter("weight").detach().clone().requiresGrad_(true);
    Tensor b = model.fc.parameter("bias").detach().clone().requiresGrad_(true);
    x.reshape(3, 4).matmul(w.t()).add(b).sum().backward();
    assertEquals(0, w.grad().sub(model.fc.parameter("weight").grad()).abs().max().item(), 1e-6);
    assertEquals(0, b.grad().sub(model.fc.parameter("bias").grad()).abs().max().item(), 1e-6);
  }
}
