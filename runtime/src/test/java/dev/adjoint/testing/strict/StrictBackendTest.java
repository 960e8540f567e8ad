package dev.adjoint.testing.strict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.cpu.CpuStorage;
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
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.lang.StackWalker.StackFrame;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The strict backend catches what it promises to, and the README's training steps (MLP and CNN,
 * with CrossEntropyLoss, Dropout and clipGradNorm) make no host read on it but the ones listed.
 */
class StrictBackendTest {
  @Test
  void aHostReadOutsideATransferIsRefused() {
    StrictBackend strict = new StrictBackend();
    Storage s = strict.fromHostArray(new float[] {1, 2});
    HostReads.HostReadError e = assertThrows(HostReads.HostReadError.class,
        () -> strict.toHostArray(s, Layout.contiguous(2)));
    assertTrue(e.getMessage().startsWith("host read outside any transfer method of Tensor"),
        e.getMessage());
  }

  @Test
  void aLibraryReadIsRefusedAndAUserReadIsNot() throws ClassNotFoundException {
    // As if nn.LossChecks (library code, not listed) had called Tensor.toLongArray.
    List<StackFrame> library = List.of(frame("dev.adjoint.tensor.Tensor", "hostArray"),
        frame("dev.adjoint.tensor.Tensor", "toLongArray"),
        frame("dev.adjoint.nn.LossChecks", "classIndices"));
    HostReads.HostReadError e = assertThrows(HostReads.HostReadError.class,
        () -> HostReads.check(library));
    assertTrue(e.getMessage().contains("dev.adjoint.nn.LossChecks.classIndices"),
        e.getMessage());
    // Tensor's own non-transfer methods count as library code too.
    assertThrows(HostReads.HostReadError.class, () -> HostReads.check(List.of(
        frame("dev.adjoint.tensor.Tensor", "toBooleanArray"),
        frame("dev.adjoint.tensor.Tensor", "maskedFill"))));
    // The same read asked for by a test (the user) is an explicit transfer.
    HostReads.check(List.of(frame("dev.adjoint.tensor.Tensor", "hostArray"),
        frame("dev.adjoint.tensor.Tensor", "toLongArray"),
        frame(StrictBackendTest.class.getName(), "test")));
  }

  @Test
  void storageIsOpaque() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Tensor t = Tensor.ones(3);
    assertTrue(t.storage() instanceof StrictStorage, t.storage().getClass().getName());
    assertThrows(ClassCastException.class, () -> {
      CpuStorage peek = (CpuStorage) t.storage();
      peek.floats();
    });
  }

  @Test
  void mlpStepsReadNothingButAdamsCounter() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(7);
    Tensor x = Tensor.randn(g, 64, 784);
    Tensor y = Tensor.randint(g, 0, 10, 64);
    Module mlp = new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.2),
        new Linear(256, 128), new ReLU(), new Linear(128, 10));
    assertEquals(List.of(), steps(mlp, x, y, p -> SGD.builder(p).lr(0.01).momentum(0.9).build()));
    List<String> adam = steps(mlp, x, y, p -> new Adam(p, 1e-3));
    assertTrue(!adam.isEmpty()
        && adam.stream().allMatch("dev.adjoint.optim.AdamUpdate#update"::equals), adam.toString());
  }

  @Test
  void cnnStepsReadNothing() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(8);
    Tensor x = Tensor.randn(g, 8, 1, 28, 28);
    Tensor y = Tensor.randint(g, 0, 10, 8);
    Module cnn = new Sequential(new Conv2d(1, 8, 3), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Dropout(0.25), new Linear(8 * 13 * 13, 10));
    assertEquals(List.of(), steps(cnn, x, y, p -> SGD.builder(p).lr(0.01).momentum(0.9).build()));
  }

  /** Three training steps; the host reads the strict backend allowed during them. */
  private static List<String> steps(Module model, Tensor x, Tensor y,
      Function<List<Tensor>, Optimizer> optimizer) {
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    Optimizer opt = optimizer.apply(model.parameters());
    model.train();
    HostReads.startRecording();
    long released = StrictBackend.releases();
    for (int i = 0; i < 3; i++) {
      opt.zeroGrad();
      Tensor loss = lossFn.call(model.call(x), y);
      loss.backward();
      ClipGrad.clipGradNorm(model.parameters(), 1.0);
      opt.step();
    }
    List<String> reads = HostReads.recorded();
    // The engine gave back the gradients it made and no longer needed (and no later use of one
    // failed: the strict backend refuses a released storage).
    assertTrue(StrictBackend.releases() - released >= 3, "releases: "
        + (StrictBackend.releases() - released));
    assertEquals(DType.FLOAT32, model.parameters().get(0).dtype());
    assertEquals(Device.cpu(), Backends.of(Device.cpu()).device());
    return reads;
  }

  private static StackFrame frame(String className, String method) {
    Class<?> c;
    try {
      c = Class.forName(className, false, StrictBackendTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
    return new StackFrame() {
      @Override
      public String getClassName() {
        return className;
      }

      @Override
      public String getMethodName() {
        return method;
      }

      @Override
      public Class<?> getDeclaringClass() {
        return c;
      }

      @Override
      public int getByteCodeIndex() {
        return 0;
      }

      @Override
      public String getFileName() {
        return null;
      }

      @Override
      public int getLineNumber() {
        return 1;
      }

      @Override
      public boolean isNativeMethod() {
        return false;
      }

      @Override
      public StackTraceElement toStackTraceElement() {
        return new StackTraceElement(className, method, null, 1);
      }

      @Override
      public MethodType getMethodType() {
        return MethodType.methodType(void.class);
      }

      @Override
      public String getDescriptor() {
        return "()V";
      }
    };
  }
}
