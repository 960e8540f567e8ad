package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A user's project compiled with {@code -Xlint:all -Werror}, as a strict build would: the layers
 * (sub-layers, a loop over layers, a counted loop, branches, a static {@code @Forward}, a user
 * primitive), the code the processor writes for them, and a training step using the documented
 * {@code GradMode} idiom must compile with no warning at all.
 */
class UserBuildLintTest {

  private static final JavaFileObject BLOCK = source("Block", """
      import dev.adjoint.nn.Linear;

      @Layer
      public class Block extends Module {
        final Linear fc1;
        final Linear fc2;
        @Param Tensor scale;
        @Buffer Tensor shift;
        int steps = 2;

        public Block(int width) {
          fc1 = new Linear(width, width);
          fc2 = new Linear(width, width, false);
          scale = Tensor.ones(width);
          shift = Tensor.zeros(width);
        }

        @Forward
        public Tensor forward(Tensor x) {
          Tensor h = fc1.call(x).relu();
          if (training()) {
            h = h.mul(0.5);
          } else {
            h = h.tanh();
          }
          for (int i = 0; i < steps; i++) {
            h = fc2.call(h).add(h);
          }
          return Ops.affine(h, scale).add(shift);
        }
      }
      """);

  private static final JavaFileObject OPS = source("Ops", """
      public final class Ops {
        private Ops() {}

        @Forward
        public static Tensor affine(Tensor x, Tensor w) {
          return cube(x).mul(w);
        }

        @Primitive
        public static Tensor cube(Tensor x) {
          return x.mul(x).mul(x);
        }

        @Adjoint(of = "cube", wrt = "x")
        public static Tensor cubeX(Tensor g, Tensor x) {
          return g.mul(x.mul(x).mul(3.0));
        }
      }
      """);

  private static final JavaFileObject STACK = source("Stack", """
      @Layer
      public class Stack extends Module {
        final List<Module> blocks;

        public Stack(Module... blocks) {
          this.blocks = List.of(blocks);
        }

        @Forward
        public Tensor forward(Tensor x) {
          Tensor h = x;
          for (Module block : blocks) {
            h = block.call(h);
          }
          return h.sum();
        }
      }
      """);

  private static final JavaFileObject TRAIN = source("Train", """
      import dev.adjoint.autograd.GradMode;

      public final class Train {
        private Train() {}

        public static double step(Stack model, Tensor x) {
          model.train();
          Tensor loss = model.call(x);
          loss.backward();
          GradMode.noGrad(() -> {
            model.eval();
            model.train();
          });
          Tensor eval = GradMode.noGrad(() -> model.call(x));
          return GradMode.enableGrad(() -> eval.item() + loss.item());
        }
      }
      """);

  @Test
  void userLayersAndGeneratedCodeCompileWithoutWarnings() {
    Compilation c = Compiler.javac().withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(BLOCK, OPS, STACK, TRAIN);
    StringBuilder warnings = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      warnings.append(d.getKind()).append(' ').append(d.getSource() == null ? "" :
          d.getSource().getName()).append(':').append(d.getLineNumber()).append(' ')
          .append(d.getMessage(null)).append('\n');
    }
    assertEquals("", warnings.toString(), "diagnostics of a -Xlint:all -Werror build");
    assertThat(c).succeededWithoutWarnings();
    // The processor ran: each layer and the static function got its generated class.
    assertThat(c).generatedSourceFile("test.Block_Adjoint");
    assertThat(c).generatedSourceFile("test.Stack_Adjoint");
    assertThat(c).generatedSourceFile("test.Ops_Adjoint");
  }
}
