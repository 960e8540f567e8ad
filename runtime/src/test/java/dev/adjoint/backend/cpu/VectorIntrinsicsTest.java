package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.nn.Conv2d;
import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MaxPool2d;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.ChildJvm;
import dev.adjoint.testing.strict.StrictBackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Vector API call in the CPU kernels that C2 compiles becomes a vector instruction. Where C2
 * cannot turn one into its intrinsic (its budget for a method spent, or a vector's class not a
 * constant at that point), the call stays a Java call on boxed vectors: correct, but about 100
 * times slower and allocating, and the allocation checks of single kernels do not see it when
 * only a larger program's profile brings it on. Two were found that way: the GEMM kernels' last
 * store (in about one JVM in four of the MLP benchmark at batch 512) and exp's store.
 *
 * <p>This runs a training program over the kernels (MLP steps at batch 512, 32 and 1, inference,
 * a small CNN step, exp, tanh, sigmoid, arithmetic, sums, matrix products of every layout) in a
 * child JVM until C2 has compiled them, with C2's inlining report for Adjoint's own methods, and
 * fails on any vector intrinsic it reports as failed, naming the compiled method.
 */
class VectorIntrinsicsTest {
  /** PrintCompilation's line for a C2 compile: time, id, flags (% for OSR), tier 4, method. */
  private static final Pattern C2_COMPILE =
      Pattern.compile("\\s*\\d+\\s+(\\d+)\\s+([%sbn! ]*)4\\s+(\\S+::.*)");

  /** The child: 5.5 seconds of kernels or more, until C2 has compiled all of them. */
  static final class Program {
    public static void main(String[] args) {
      Generator g = new Generator(3);
      Sequential model = new Sequential(new Linear(784, 256, true, g), new ReLU(),
          new Linear(256, 128, true, g), new ReLU(), new Linear(128, 10, true, g));
      Adam opt = new Adam(model.parameters(), 1e-3);
      CrossEntropyLoss loss = new CrossEntropyLoss();
      Tensor[] xs = {Tensor.randn(g, 512, 784), Tensor.randn(g, 32, 784),
          Tensor.randn(g, 1, 784)};
      Tensor[] ys = {Tensor.randint(g, 0, 10, 512), Tensor.randint(g, 0, 10, 32),
          Tensor.randint(g, 0, 10, 1)};
      Sequential cnn = new Sequential(new Conv2d(1, 8, 3, 1, 1), new ReLU(), new MaxPool2d(2),
          new Flatten(), new Linear(8 * 14 * 14, 10));
      Adam cnnOpt = new Adam(cnn.parameters(), 1e-3);
      Tensor images = Tensor.randn(g, 16, 1, 28, 28);
      Tensor big = Tensor.randn(g, 1 << 18);
      Tensor wide = Tensor.randn(g, 64, 4096);
      Tensor a = Tensor.randn(g, 100, 70);
      Tensor b = Tensor.randn(g, 70, 90);
      // A linear regression's products: rows of 8 and of 4 back to back, and X^T g.
      Tensor x8 = Tensor.randn(g, 4099, 8);
      Tensor x4 = Tensor.randn(g, 4099, 4);
      Tensor w8 = Tensor.randn(g, 1, 8);
      Tensor w4 = Tensor.randn(g, 1, 4);
      // The regression's products first, alone for 1.5 seconds (and on until the JIT is idle):
      // in the mixed loop below they reached C2's queue late, and in some runs were not
      // compiled before the end.
      untilCompiled(1_500_000_000L, () -> Temporaries.releasing(() -> {
        x8.matmul(w8.t()).t().matmul(x8);
        return x4.matmul(w4.t()).t().matmul(x4);
      }));
      int[] step = {0};
      untilCompiled(4_000_000_000L, () -> {
        int k = step[0]++ % 3;
        Temporaries.releasing(() -> {
          opt.zeroGrad(false);
          loss.call(model.call(xs[k]), ys[k]).backward();
          opt.step();
          GradMode.noGrad(() -> model.call(xs[k]));
          if (k == 0) {
            cnnOpt.zeroGrad(false);
            loss.call(cnn.call(images), ys[2].expand(16)).backward();
            cnnOpt.step();
          }
          big.exp().sum();
          big.add(big).mul(0.5);
          big.tanh().sigmoid().relu().mean();
          wide.sum(0);
          wide.mean(1);
          a.matmul(b);
          a.t().contiguous().t().matmul(b.t().contiguous().t());
          a.matmul(b).mul(2.0).sum();
          x8.matmul(w8.t()).t().matmul(x8);
          x4.matmul(w4.t()).t().matmul(x4);
          return null;
        });
      });
    }

    /**
     * Runs {@code body} for at least {@code least} nanoseconds, then on until the JIT has
     * compiled nothing for half a second (at most 20 seconds in all): on a loaded machine a
     * fixed time once ended before C2 had compiled a kernel the test then looked for.
     */
    private static void untilCompiled(long least, Runnable body) {
      java.lang.management.CompilationMXBean jit =
          java.lang.management.ManagementFactory.getCompilationMXBean();
      long start = System.nanoTime();
      long compiled = jit.getTotalCompilationTime();
      long idleSince = start;
      while (System.nanoTime() - start < least
          || (System.nanoTime() - idleSince < 500_000_000L
              && System.nanoTime() - start < 20_000_000_000L)) {
        body.run();
        long now = jit.getTotalCompilationTime();
        if (now != compiled) {
          compiled = now;
          idleSince = System.nanoTime();
        }
      }
    }
  }

  @Test
  void c2CompilesEveryVectorOperationOfTheKernels() throws Exception {
    assumeFalse(Boolean.getBoolean(StrictBackendProvider.PROPERTY),
        "the child JVM runs the CPU backend: once, in the CPU pass, is enough");
    assumeTrue(DenseMath.kernels() != DenseMath.PLAIN, "no Vector API module in this JVM");
    // One C2 thread (with one C1 thread), so that a compile's inlining report follows its own
    // line of PrintCompilation and no other C2 compile's.
    String out = ChildJvm.run(Program.class, "-Dadjoint.threads=1",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:+DisplayVMOutputToStderr",
        "-XX:CICompilerCount=2", "-XX:+PrintCompilation", "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=option,dev.adjoint.*::*,PrintInlining");
    List<String> failures = new ArrayList<>();
    String compiling = "?";
    boolean osr = false;
    // A compile starts with the first line of its id. The same id again is another thread's
    // message about that compile (a deoptimization's "made not entrant", whose words may land on
    // a line of their own when threads' output interleaves): taken for a start, it once claimed
    // the inlining report of the compile running then (sigmoid's, on-stack replacement) for
    // Elementwise::denseF32Same, a method without a vector operation.
    java.util.Set<String> started = new java.util.HashSet<>();
    for (String line : out.split("\n")) {
      Matcher m = C2_COMPILE.matcher(line);
      if (m.matches() && !line.contains("made not entrant") && !line.contains("made zombie")
          && started.add(m.group(1))) {
        compiling = m.group(3).strip();
        osr = m.group(2).contains("%");
      } else if (line.contains("failed to inline (intrinsic)") && !osr) {
        // (A compile for on-stack replacement is left out: it serves the one call whose loop
        // was running when it was made; its vectors, loaded from the interpreter's frame, have
        // no exact class for C2.)
        failures.add(compiling + "\n    " + line.strip());
      }
    }
    // Kernels too large to inline, so compiled on their own: the check saw them. (Smaller ones
    // may be inlined into their callers' compiles, checked there.)
    for (String kernel : new String[] {"kernelF", "packedHalves8F", "lanesVectorF"}) {
      assertTrue(out.matches("(?s).*\\s4\\s+dev\\.adjoint\\.backend\\.cpu\\.VectorGemm::"
          + kernel + " .*"), "C2 did not compile VectorGemm::" + kernel + "; the output:\n" + out);
    }
    assertTrue(failures.isEmpty(), "vector intrinsics C2 did not compile (their vectors are"
        + " boxed):\n" + String.join("\n", failures));
  }
}
