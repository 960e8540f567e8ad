package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * In-place writes to tensors a graph saved: every such write between a forward pass and its
 * backward pass is refused at backward (PyTorch's "modified by an inplace operation"), on the
 * per-op graph, in generated layers and around optimizers, and writes that do not touch saved
 * values still work. Without the check each of these gives a silently wrong gradient.
 */
class InPlaceVersionTest {
  private final Generator gen = new Generator(7);

  private Tensor randn(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64);
  }

  private static IllegalStateException refused(Runnable backward) {
    IllegalStateException e = assertThrows(IllegalStateException.class, backward::run);
    assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
    return e;
  }

  // ------------------------------------------------------------------ the counter itself

  @Test
  void everyInPlaceWriteCountsAndViewsShareTheCount() {
    Tensor a = Tensor.zeros(2, 3);
    assertEquals(0, a.version());
    a.add_(1.0);
    a.mul_(2.0).fill_(3);
    assertEquals(3, a.version());
    Tensor row = a.select(0, 1);
    row.copy_(Tensor.ones(3));
    assertEquals(4, a.version(), "a write through a view counts for the base");
    assertEquals(4, a.t().version());
    a.detach().zero_();
    assertEquals(5, row.version(), "detach() shares the data and the count");
    Tensor c = a.clone();
    c.add_(1.0);
    assertEquals(5, a.version(), "a clone has data of its own");
    assertEquals(1, c.version());
    a.add(1.0);
    assertEquals(5, a.version(), "out-of-place ops do not count");
  }

  /**
   * Every public in-place method of {@link Tensor} (a name ending in {@code _}) counts its write:
   * a new in-place op that bypasses the counter fails here.
   */
  @Test
  void everyPublicInPlaceMethodCountsItsWrite() throws Exception {
    int checked = 0;
    for (java.lang.reflect.Method m : Tensor.class.getMethods()) {
      if (!m.getName().endsWith("_") || m.getName().equals("requiresGrad_")
          || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Tensor t = Tensor.ones(2, 3).to(DType.FLOAT64).mul(0.5);
      Object[] args = new Object[m.getParameterCount()];
      Class<?>[] types = m.getParameterTypes();
      for (int i = 0; i < args.length; i++) {
        if (types[i] == Tensor.class) {
          args[i] = Tensor.ones(2, 3).to(DType.FLOAT64);
        } else if (types[i] == double.class) {
          args[i] = i == 0 ? 0.25 : 0.75; // clamp_(min, max) needs min <= max
        } else if (types[i] == long.class) {
          args[i] = 1L;
        } else if (types[i] == int.class) {
          args[i] = 1;
        } else {
          throw new AssertionError("no sample argument of type " + types[i] + " for " + m);
        }
      }
      int before = t.version();
      m.invoke(t, args);
      assertTrue(t.version() > before, m + " wrote without counting");
      checked++;
    }
    assertTrue(checked >= 20, "only " + checked + " in-place methods found");
  }

  // ------------------------------------------------------------------ per-op graph

  /** The example: x.grad would be ten times the truth. */
  @Test
  void writeToTheOtherFactorOfAProduct() {
    Tensor x = randn(3).requiresGrad_(true);
    Tensor c = randn(3);
    Tensor y = x.mul(c);
    c.mul_(10);
    IllegalStateException e = refused(() -> y.sum().backward());
    assertTrue(e.getMessage().contains("MulBackward0"), e.getMessage());
    assertTrue(e.getMessage().contains("'other'"), e.getMessage());
    assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    assertTrue(e.getMessage().contains("version 1; expected version 0"), e.getMessage());
  }

  /** The same class through other ops, other writes and other aliases of the saved tensor. */
  @Test
  void perOpNodesCheckEverySavedInput() {
    // op(x, c) -> result; writes into c afterwards.
    Map<String, java.util.function.BiFunction<Tensor, Tensor, Tensor>> ops = Map.of(
        "mul", Tensor::mul,
        "div", Tensor::div,
        "matmul", (x, c) -> x.view(1, 3).matmul(c.view(3, 1)),
        "maximum", Tensor::maximum,
        "where", (x, c) -> Tensor.where(c.gt(0.0), x.mul(c), x));
    Map<String, Consumer<Tensor>> writes = Map.of(
        "add_", c -> c.add_(1.0),
        "copy_", c -> c.copy_(Tensor.ones(3)),
        "fill_ through a view", c -> c.narrow(0, 1, 1).fill_(5),
        "through detach()", c -> c.detach().mul_(2.0));
    for (var op : ops.entrySet()) {
      for (var write : writes.entrySet()) {
        Tensor x = randn(3).requiresGrad_(true);
        Tensor c = randn(3).abs().add(0.5);
        Tensor y = op.getValue().apply(x, c);
        write.getValue().accept(c);
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> y.sum().backward(), op.getKey() + " then " + write.getKey());
        assertTrue(e.getMessage().contains("modified by an inplace operation"),
            op.getKey() + " then " + write.getKey() + ": " + e.getMessage());
      }
    }
  }

  /** A saved output (exp saves its result) written under noGrad. */
  @Test
  void writeToASavedOutput() {
    Tensor x = randn(4).requiresGrad_(true);
    Tensor y = x.exp();
    try (GradMode.Scope off = GradMode.noGrad()) {
      y.mul_(2.0);
    }
    IllegalStateException e = refused(() -> y.sum().backward());
    assertTrue(e.getMessage().contains("ExpBackward"), e.getMessage());
  }

  /** The leaf itself, saved by pow, updated by hand under noGrad before backward. */
  @Test
  void writeToASavedLeafUnderNoGrad() {
    Tensor x = randn(4).requiresGrad_(true);
    Tensor y = x.pow(3.0);
    try (GradMode.Scope off = GradMode.noGrad()) {
      x.sub_(x.mul(0.1));
    }
    refused(() -> y.sum().backward());
  }

  /** Writes that touch nothing saved, or happen after backward, are fine. */
  @Test
  void unrelatedWritesAndWritesAfterBackwardPass() {
    Tensor x = randn(3).requiresGrad_(true);
    Tensor c = randn(3);
    Tensor unrelated = randn(3);
    Tensor y = x.add(c); // add saves no tensor
    c.mul_(3.0);
    unrelated.add_(1.0);
    y.sum().backward();
    assertEquals(3, x.grad().numel());
    Tensor z = x.mul(c);
    z.sum().backward();
    c.mul_(2.0); // after the backward pass: no gradient depends on it any more
    Tensor expected = c.div(2.0).add(1.0);
    assertTrue(x.grad().sub(expected).abs().max().item() < 1e-12);
  }

  // ------------------------------------------------------------------ generated layers

  /** Writing into the input batch after the forward would change the weight gradient. */
  @Test
  void generatedLayerRefusesAWrittenInput() {
    Mlp model = new Mlp(gen);
    Tensor x = randn(6, 4);
    Tensor y = model.call(x);
    x.mul_(2.0);
    IllegalStateException e = refused(() -> y.sum().backward());
    assertTrue(e.getMessage().contains("Mlp.forward"), e.getMessage());
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    assertTrue(e.getMessage().contains("[6, 4]"), e.getMessage());
    assertTrue(e.getMessage().contains("version 1; expected version 0"), e.getMessage());
  }

  /** An intermediate value saved inside a counted loop (on the saved stack). */
  @Test
  void generatedLoopRefusesAWrittenStepInput() {
    Recurrent model = new Recurrent(gen, 3, 4);
    Tensor x = randn(2, 4, 3);
    Tensor y = model.call(x);
    x.select(1, 2).zero_();
    refused(() -> y.sum().backward());
  }

  /** A sub-layer's saved values: the nested Saved object is checked by its own backward. */
  @Test
  void subLayersInsideSequential() {
    Linear first = new Linear(4, 5, true, gen);
    Sequential model = new Sequential(first, new ReLU(), new Linear(5, 2, true, gen));
    Tensor x = Tensor.randn(gen, 3, 4);
    Tensor loss = new MSELoss().call(model.call(x), Tensor.zeros(3, 2));
    try (GradMode.Scope off = GradMode.noGrad()) {
      first.parameters().get(0).add_(1.0);
    }
    IllegalStateException e = refused(loss::backward);
    assertTrue(e.getMessage().contains("Linear.forward at Linear.java:"), e.getMessage());
  }

  private static void trainStep(Module model, Optimizer opt, Tensor x, Tensor target) {
    opt.zeroGrad();
    Tensor loss = new MSELoss().call(model.call(x), target);
    loss.backward();
    opt.step();
  }

  /** optimizer.step() between a forward and its backward would use the new weights. */
  @Test
  void optimizerStepBetweenForwardAndBackward() {
    for (String name : List.of("SGD", "Adam")) {
      Linear model = new Linear(4, 2, true, gen);
      Optimizer opt = name.equals("SGD") ? new SGD(model.parameters(), 0.1)
          : new Adam(model.parameters(), 0.01);
      Tensor x = Tensor.randn(gen, 8, 4);
      Tensor target = Tensor.randn(gen, 8, 2);
      trainStep(model, opt, x, target); // gives every parameter a gradient
      Tensor loss = new MSELoss().call(model.call(x), target);
      opt.step();
      refused(loss::backward);
    }
  }

  /** Between two backward passes over a retained graph. */
  @Test
  void optimizerStepBetweenTwoBackwardPasses() {
    Linear model = new Linear(4, 2, true, gen);
    SGD opt = new SGD(model.parameters(), 0.1);
    Tensor x = Tensor.randn(gen, 8, 4);
    Tensor loss = new MSELoss().call(model.call(x), Tensor.zeros(8, 2));
    loss.backward(null, true);
    opt.step();
    refused(() -> loss.backward(null, true));
  }

  /** loadStateDict copies into the parameters in place, so it counts as a write too. */
  @Test
  void loadStateDictBetweenForwardAndBackward() {
    Linear model = new Linear(4, 2, true, gen);
    Map<String, Tensor> other = new Linear(4, 2, true, gen).stateDict();
    Tensor loss = model.call(Tensor.randn(gen, 3, 4)).sum();
    Tensor weight = model.parameters().get(0);
    int before = weight.version();
    model.loadStateDict(other);
    assertTrue(weight.version() > before);
    refused(loss::backward);
  }

  /**
   * setData gives a leaf other data (PyTorch's {@code param.data = ...}). A node that saved the
   * leaf itself would read the new data, so the swap counts as a write and backward is refused;
   * views of the old data keep their count.
   */
  @Test
  void setDataBetweenForwardAndBackward() {
    Tensor w = randn(2, 3).requiresGrad_(true);
    Tensor oldView = w.detach().t();
    int viewVersion = oldView.version();
    Tensor loss = randn(2, 3).mul(w).sum();
    int before = w.version();
    w.setData(randn(2, 3));
    assertTrue(w.version() > before, "setData counts as a write");
    assertEquals(viewVersion, oldView.version(), "views of the old data keep their count");
    IllegalStateException e = refused(loss::backward);
    assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    randn(2, 3).mul(w).sum().backward(); // a forward pass after the swap is fine
    assertEquals(DType.FLOAT64, w.grad().dtype());
  }

  /**
   * nn.Linear's node saves a view of the weight (its transpose), which still holds the values the
   * forward pass used: after model.to(FLOAT64) in between, the gradient is the one of those
   * values, converted, never one mixed with the new data.
   */
  @Test
  void moduleToDTypeBetweenForwardAndBackwardOfLinear() {
    Linear model = new Linear(4, 2, true, new Generator(3));
    Linear reference = new Linear(4, 2, true, new Generator(3));
    Tensor x = Tensor.randn(gen, 3, 4);
    reference.call(x).sum().backward();
    Tensor loss = model.call(x).sum();
    model.to(DType.FLOAT64);
    try {
      loss.backward();
    } catch (IllegalStateException refusedToo) {
      assertTrue(refusedToo.getMessage().contains("modified by an inplace operation"));
      return;
    }
    for (int i = 0; i < 2; i++) {
      Tensor got = model.parameters().get(i).grad();
      assertEquals(DType.FLOAT64, got.dtype());
      assertTrue(got.allClose(reference.parameters().get(i).grad().toDouble(), 0, 0),
          "parameter " + i);
    }
  }

  /** The same on a generated layer: the parameter kept on entry is the swapped one. */
  @Test
  void setDataOnAGeneratedLayerBetweenForwardAndBackward() {
    Mlp mlp = new Mlp(new Generator(5)); // float64
    Tensor loss = mlp.call(randn(2, 4)).sum();
    mlp.to(DType.FLOAT32);
    refused(loss::backward);
  }

  /** The ordinary loop (step after backward) trains, and its gradients are unaffected. */
  @Test
  void ordinaryTrainingLoopIsUnaffected() {
    Linear model = new Linear(4, 2, true, gen);
    SGD opt = new SGD(model.parameters(), 0.05);
    Tensor x = Tensor.randn(gen, 16, 4);
    Tensor target = x.matmul(Tensor.randn(gen, 4, 2));
    double first = new MSELoss().call(model.call(x), target).item();
    for (int i = 0; i < 50; i++) {
      trainStep(model, opt, x, target);
    }
    double last = new MSELoss().call(model.call(x), target).item();
    assertTrue(last < first / 2, "loss " + first + " -> " + last);
  }
}
