package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.at;
import static dev.adjoint.processor.UserCode.compile;
import static dev.adjoint.processor.UserCode.generatedSources;
import static dev.adjoint.processor.UserCode.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.UserCode.Position;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the processor treats javac: every error of every class in one compilation, no generated
 * code for a class with errors (but still for its clean neighbours), and no exception or internal
 * error for odd but legal input.
 */
class ReportingTest {

  private static void assertErrorAt(Compilation c, JavaFileObject file, Position where,
      String tagAndText) {
    assertThat(c).hadErrorContaining(tagAndText).inFile(file).onLine(where.line())
        .atColumn(where.column());
  }

  /** Compiled cleanly, generated code included, and {@code <layer>_Adjoint} was written. */
  private static void assertCompiles(Compilation c, String... generated) {
    assertThat(c).succeededWithoutWarnings();
    for (String g : generated) {
      assertThat(c).generatedSourceFile("test." + g);
    }
  }

  @Test
  void everyErrorOfEveryClassInOneCompilation() {
    // One problem per stage: the layer's fields, a body's statement kinds, a body's calls.
    JavaFileObject many = source("Many", """
        @Layer
        public class Many extends Module {
          @Param Tensor w;
          Tensor scratch;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x.matmul(w);
            while (h.sum().item() > 1) {
              h = h.mul(0.5);
            }
            return h;
          }

          @Forward
          public Tensor reset(Tensor x) {
            w = x;
            return x;
          }
        }
        """);
    JavaFileObject other = source("Other", """
        @Layer
        public class Other extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return forward(x).tanh();
          }
        }
        """);
    Compilation c = compile(many, other);
    assertErrorAt(c, many, at(many, "Tensor scratch;", "scratch"),
        "[AdjointTensorField] tensor field 'scratch'");
    assertErrorAt(c, many, at(many, "while (h.sum()"), "[AdjointWhileLoop]");
    assertErrorAt(c, many, at(many, "w = x;", "="), "[AdjointParamWrite]");
    assertErrorAt(c, other, at(other, "return forward(x)", "(x)"), "[AdjointRecursion]");
    assertThat(c).hadErrorCount(4);
  }

  @Test
  void classWithErrorsGetsNoCodeAndItsCleanNeighbourDoes(@TempDir Path dir) throws Exception {
    JavaFileObject bad = source("Bad", """
        @Layer
        public class Bad extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            try {
              return x.tanh();
            } finally {
              x = null;
            }
          }
        }
        """);
    JavaFileObject good = source("Good", """
        @Layer
        public class Good extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(w).relu();
          }
        }
        """);
    JavaFileObject ops = source("Ops", """
        public final class Ops {
          private Ops() {}

          @Primitive
          public static Tensor blend(Tensor a, Tensor b) {
            return a.add(b);
          }

          @Adjoint(of = "blend", wrt = "a")
          public static Tensor blendA(Tensor g) {
            return g;
          }
        }
        """);
    JavaFileObject usesOps = source("UsesOps", """
        @Layer
        public class UsesOps extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return Ops.blend(x, x);
          }
        }
        """);
    Compilation c = compile(bad, good, ops, usesOps);
    assertThat(c).hadErrorContaining("[AdjointTryCatch]").inFile(bad);
    assertThat(c).hadErrorContaining("[AdjointMissingRule]").inFile(ops);
    assertThat(c).hadErrorContaining("[AdjointMissingRule]").inFile(usesOps);
    assertThat(c).hadErrorCount(3);
    // Only Good is clean: no graph nodes for Ops, no backward for Bad or UsesOps.
    assertEquals(Set.of("test.Good_Adjoint"), generatedSources(dir, bad, good, ops, usesOps));
    // And alone it compiles, generated code included.
    assertCompiles(compile(good), "Good_Adjoint");
  }

  @Test
  void errorsAreAllTaggedAndNoneIsInternal() {
    // A mix of problems; every error javac shows comes from the catalog, none from a crash.
    JavaFileObject f = source("Mixed", """
        @Layer
        public class Mixed extends Module {
          @Param Tensor w;
          boolean flip;

          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            Tensor h = flip && x.sum().item() > 0 ? x : y;
            return h;
          }

          @Forward
          public Tensor other(Tensor x) {
            Tensor[] parts = {x, x};
            x.mul_(2.0);
            return parts[0].add(w);
          }
        }
        """);
    Compilation c = compile(f);
    List<String> messages = c.errors().stream().map(d -> d.getMessage(null))
        .collect(Collectors.toList());
    assertEquals(3, messages.size(), messages.toString());
    for (String m : messages) {
      assertTrue(m.startsWith("[Adjoint") && !m.contains("[AdjointInternalError]"), m);
    }
  }

  // ------------------------------------------------------------------ odd but legal input

  @Test
  void emptyLayer() {
    JavaFileObject f = source("Empty", """
        @Layer
        public class Empty extends Module {
        }
        """);
    Compilation c = compile(f);
    assertCompiles(c, "Empty_Adjoint");
    // No @Forward method to call: the binding says so when called, javac stays quiet.
    assertThat(c).generatedSourceFile("test.Empty_Adjoint").contentsAsUtf8String()
        .contains("has no @Forward method taking only tensors");
  }

  @Test
  void forwardReturningItsInput() {
    JavaFileObject f = source("Identity", """
        @Layer
        public class Identity extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return x;
          }
        }
        """);
    assertCompiles(compile(f), "Identity_Adjoint");
  }

  @Test
  void nullListOfSubLayersAndASubLayerCalledThroughCall() {
    JavaFileObject affine = source("Affine", """
        @Layer
        public class Affine extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(w);
          }
        }
        """);
    JavaFileObject f = source("Blocks", """
        @Layer
        public class Blocks extends Module {
          List<Affine> blocks = null;
          Affine head;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            for (Affine b : blocks) {
              h = b.forward(h);
            }
            return head.call(h);
          }
        }
        """);
    assertCompiles(compile(affine, f), "Affine_Adjoint", "Blocks_Adjoint");
  }

  @Test
  void forwardWithoutTensorInputsAndStaticForwardInALayer() {
    JavaFileObject f = source("Source", """
        @Layer
        public class Source extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(int n) {
            return w.mul(n);
          }

          @Forward
          public static Tensor product(Tensor x, Tensor y) {
            return x.mul(y);
          }

          @Forward
          public Tensor both(Tensor x) {
            return product(x, forward(2));
          }
        }
        """);
    assertCompiles(compile(f), "Source_Adjoint");
  }

  @Test
  void superclassForwardThroughSuper() {
    JavaFileObject base = source("Base", """
        @Layer
        public class Base extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(w);
          }
        }
        """);
    JavaFileObject f = source("Derived", """
        @Layer
        public class Derived extends Base {
          @Forward
          public Tensor forward(Tensor x) {
            return super.forward(x).tanh();
          }
        }
        """);
    Compilation c = compile(base, f);
    assertCompiles(c, "Derived_Adjoint");
    assertThat(c).generatedSourceFile("test.Derived_Adjoint").contentsAsUtf8String()
        .contains("Base_Adjoint.forwardSaving(self, x, ");
  }

  @Test
  void namesTheGeneratedClassCannotSeeAreQualified() {
    // The generated class has none of the user's imports and is not nested in the layer.
    JavaFileObject f = source("Imports", """
        import static java.lang.Math.max;

        import java.util.ArrayList;

        @Layer
        public class Imports extends Module {
          static final double SCALE = 0.5;

          enum Mode { FAST, SLOW }

          Mode mode = Mode.FAST;

          @Forward
          public Tensor forward(Tensor x) {
            List<Integer> dims = new ArrayList<>();
            dims.add(max(0, first()));
            Tensor h = x.mul(SCALE).add(Tensor.zeros(x.shape()));
            if (mode == Mode.SLOW) {
              h = h.tanh();
            }
            return h.sum(dims.get(0));
          }

          static int first() {
            return 0;
          }
        }
        """);
    Compilation c = compile(f);
    assertCompiles(c, "Imports_Adjoint");
    // Qualified where the model carries them, then imported by the writer.
    assertThat(c).generatedSourceFile("test.Imports_Adjoint").contentsAsUtf8String()
        .contains("List<Integer> dims = new ArrayList<>();");
    assertThat(c).generatedSourceFile("test.Imports_Adjoint").contentsAsUtf8String()
        .contains("import java.util.ArrayList;");
  }

  @Test
  void unresolvedNamesAreLeftToJavac() {
    // javac's own "cannot find symbol" must not be hidden behind an Adjoint error.
    JavaFileObject f = source("Typo", """
        @Layer
        public class Typo extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = undefined(x);
            return h.tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("cannot find symbol").inFile(f)
        .onLine(at(f, "undefined(x)").line());
    assertThat(c).hadErrorCount(1);
  }
}
