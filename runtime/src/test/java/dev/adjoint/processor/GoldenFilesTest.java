package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.compile;
import static dev.adjoint.processor.UserCode.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Generated code for layers whose output is correct but not obvious, frozen under
 * {@code src/test/resources/golden/} and compared as syntax trees (comments and formatting do not
 * count). The generated backward of the same constructs is gradient-checked in
 * {@code dev.adjoint.compiled}; these files pin how it is written. When the emitter changes on
 * purpose, rerun with {@code -Dadjoint.updateGolden=true} to rewrite the files and read their diff.
 */
class GoldenFilesTest {

  private static void assertGolden(Compilation c, String generated) {
    assertThat(c).succeededWithoutWarnings();
    if (Boolean.getBoolean("adjoint.updateGolden")) {
      // mvn test -Dtest=GoldenFilesTest -Dadjoint.updateGolden=true rewrites the files; read the
      // diff before committing it.
      try {
        String text = c.generatedSourceFile("test." + generated).orElseThrow()
            .getCharContent(false).toString();
        Files.writeString(Path.of("src/test/resources/golden", generated + ".java"), text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(c).generatedSourceFile("test." + generated)
        .hasSourceEquivalentTo(JavaFileObjects.forResource("golden/" + generated + ".java"));
  }

  /**
   * The early return's branch becomes the then-branch and the statements after the {@code if}
   * move into an else, so both paths end in a return the reverse pass can start from; the
   * backward replays the saved branch decision.
   */
  @Test
  void earlyReturnRestructuredIntoIfElse() {
    JavaFileObject f = source("EarlyExit", """
        @Layer
        public class EarlyExit extends Module {
          @Param Tensor w;
          boolean skip;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x.matmul(w);
            if (skip) {
              return h;
            }
            h = h.tanh();
            return h.mul(x);
          }
        }
        """);
    assertGolden(compile(f), "EarlyExit_Adjoint");
  }

  /**
   * A counted loop: values of each iteration (the tensors, the shapes and the non-tensor
   * {@code i + 1}) are pushed on the saved stack and popped in reverse, with the trip count.
   */
  @Test
  void countedLoopSavesOnTheStack() {
    JavaFileObject f = source("Unrolled", """
        @Layer
        public class Unrolled extends Module {
          @Param Tensor w;
          int steps = 3;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            for (int i = 0; i < steps; i++) {
              h = h.matmul(w).mul(i + 1).tanh();
            }
            return h;
          }
        }
        """);
    assertGolden(compile(f), "Unrolled_Adjoint");
  }

  /**
   * One sub-layer called twice (once through {@code call}): each call keeps its own saved
   * values, and the gradient of the tensor used twice is accumulated.
   */
  @Test
  void subLayerCalledTwice() {
    JavaFileObject affine = source("Affine", """
        @Layer
        public class Affine extends Module {
          @Param Tensor weight;
          @Param Tensor bias;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(weight).add(bias);
          }
        }
        """);
    JavaFileObject f = source("Twice", """
        @Layer
        public class Twice extends Module {
          Affine fc;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor a = fc.forward(x);
            Tensor b = fc.call(a.relu());
            return a.add(b);
          }
        }
        """);
    assertGolden(compile(affine, f), "Twice_Adjoint");
  }
}
