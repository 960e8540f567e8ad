package dev.adjoint.testing.strict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.backend.Storage;
import dev.adjoint.nn.Conv2d;
import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Dropout;
import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MaxPool2d;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.ClipGrad;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * By the end of a training step every storage the step made is released, but what the user may
 * hold (the model's output, the loss, the total norm of the clip, the gradients that zeroGrad
 * dropped), the parameters' gradients and the optimizer's state: the
 * README's loops (MLP and CNN, CrossEntropyLoss, Dropout, clipGradNorm, SGD with momentum and
 * Adam) leave nothing to the garbage collector. The strict backend records every storage made
 * during a step; released ones refuse use, so a release too early fails the step itself.
 */
class StepLeakTest {
  @Test
  void mlpStepsLeaveNothing() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(7);
    Tensor x = Tensor.randn(g, 64, 784);
    Tensor y = Tensor.randint(g, 0, 10, 64);
    Module mlp = new Sequential(new Flatten(), new Linear(784, 256), new ReLU(),
        new Dropout(0.2), new Linear(256, 128), new ReLU(), new Linear(128, 10));
    assertEquals(List.of(), leaks(mlp, x, y, p -> SGD.builder(p).lr(0.01).momentum(0.9).build()));
    assertEquals(List.of(), leaks(mlp, x, y, p -> new Adam(p, 1e-3)));
  }

  @Test
  void cnnStepsLeaveNothing() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(8);
    Tensor x = Tensor.randn(g, 8, 1, 28, 28);
    Tensor y = Tensor.randint(g, 0, 10, 8);
    Module cnn = new Sequential(new Conv2d(1, 8, 3), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Dropout(0.25), new Linear(8 * 13 * 13, 10));
    assertEquals(List.of(), leaks(cnn, x, y, p -> new Adam(p, 1e-3)));
  }

  @Test
  void aStorageLeftBehindIsFound() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    StrictBackend.startRecording();
    Tensor.ones(4);
    Tensor.ones(5).add(1.0);
    // Made outside any forward, backward or library step: nobody releases them, and the
    // recording says so (the check the tests above rely on can fail).
    assertEquals(List.of("torch.float32[4]", "torch.float32[5]", "torch.float32[5]"),
        describeAll(StrictBackend.unreleased()));
  }

  @Test
  void inferenceLeavesOnlyTheOutput() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(9);
    Tensor x = Tensor.randn(g, 16, 784);
    Module mlp = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
    mlp.eval();
    StrictBackend.startRecording();
    Tensor out = GradMode.noGrad(() -> mlp.call(x));
    List<StrictStorage> live = StrictBackend.unreleased();
    assertEquals(List.of(describe(out.storage())), describeAll(live));
  }

  /**
   * Runs a step to create the optimizer's state, then records two more: what they made and did
   * not release, beyond their outputs and losses, the gradients and the optimizer's state.
   */
  private static List<String> leaks(Module model, Tensor x, Tensor y,
      Function<List<Tensor>, Optimizer> optimizer) {
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    Optimizer opt = optimizer.apply(model.parameters());
    model.train();
    step(model, lossFn, opt, x, y);
    // Two steps recorded: a state replaced by the second would show as the first's leak.
    StrictBackend.startRecording();
    List<Tensor> held = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      // The gradients zeroGrad drops are the user's to hold on to, as in PyTorch: they go to
      // the garbage collector, not back to the backend.
      for (Tensor p : model.parameters()) {
        if (p.grad() != null) {
          held.add(p.grad());
        }
      }
      held.addAll(List.of(step(model, lossFn, opt, x, y)));
    }
    List<StrictStorage> live = StrictBackend.unreleased();
    Set<Storage> allowed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : held) {
      allowed.add(t.storage());
    }
    for (Tensor p : model.parameters()) {
      if (p.grad() != null) {
        allowed.add(p.grad().storage());
      }
      // The optimizer's state, replaced or made during the step.
      for (Object v : opt.state(p).values()) {
        if (v instanceof Tensor t) {
          allowed.add(t.storage());
        }
      }
    }
    List<StrictStorage> leaked = new ArrayList<>();
    for (StrictStorage s : live) {
      if (!allowed.contains(s)) {
        leaked.add(s);
      }
    }
    return describeAll(leaked);
  }

  /** One step of the README's loop; returns what the user may hold after it. */
  private static Tensor[] step(Module model, CrossEntropyLoss lossFn, Optimizer opt, Tensor x,
      Tensor y) {
    opt.zeroGrad();
    Tensor out = model.call(x);
    Tensor loss = lossFn.call(out, y);
    loss.backward();
    Tensor norm = ClipGrad.clipGradNorm(model.parameters(), 1.0);
    opt.step();
    return new Tensor[] {out, loss, norm};
  }

  private static List<String> describeAll(List<? extends Storage> storages) {
    List<String> out = new ArrayList<>();
    storages.forEach(s -> out.add(describe(s)));
    return out;
  }

  private static String describe(Storage s) {
    return s.dtype() + "[" + s.size() + "]";
  }
}
