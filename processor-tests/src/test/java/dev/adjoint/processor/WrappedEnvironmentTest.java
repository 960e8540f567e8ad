package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.adjoint.processor.WrappingProcessor.Wrapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor behind a build tool's wrapper of javac's {@code ProcessingEnvironment} writes
 * exactly what it writes under plain javac, and writes it through the wrapper's filer (which is
 * how Gradle learns what each processor generated). The wrapper it cannot see through is in
 * {@code DiagnosticsTest#environmentThatCannotBeUnwrapped}.
 */
class WrappedEnvironmentTest {

  /** A rule class (its tape), layers with a sub-layer, a loop and a branch, and their bindings. */
  private static JavaFileObject[] sources() {
    return new JavaFileObject[] {
        source("Cubes", """
            public final class Cubes {
              private Cubes() {}

              @Primitive
              public static Tensor cube(Tensor x) {
                return x.mul(x).mul(x);
              }

              @Adjoint(of = "cube", wrt = "x")
              public static Tensor cubeX(Tensor g, Tensor x) {
                return g.mul(x.mul(x).mul(3.0));
              }
            }
            """),
        source("Block", """
            @Layer
            public class Block extends Module {
              @Param Tensor w;

              @Forward
              public Tensor forward(Tensor x) {
                return Cubes.cube(x.matmul(w)).tanh();
              }
            }
            """),
        source("Net", """
            @Layer
            public class Net extends Module {
              Block first = new Block();
              Block second = new Block();
              boolean skip;

              @Forward
              public Tensor forward(Tensor x) {
                Tensor h = first.forward(x);
                for (int i = 0; i < 2; i++) {
                  h = second.forward(h);
                }
                return skip ? h : h.relu();
              }
            }
            """)};
  }

  /** Every generated file but class files, by name, with its content. */
  private static Map<String, String> generated(Compilation c) {
    assertThat(c).succeededWithoutWarnings();
    Map<String, String> files = new TreeMap<>();
    for (JavaFileObject f : c.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        continue;
      }
      try (InputStream in = f.openInputStream()) {
        files.put(f.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private static Map<String, String> plain() {
    return generated(Compiler.javac().withProcessors(new AdjointProcessor()).compile(sources()));
  }

  @Test
  void delegateFieldAsGradleKeepsIt() {
    Map<String, String> expected = plain();
    WrappingProcessor wrapped = new WrappingProcessor(Wrapping.DELEGATE_FIELD);
    Map<String, String> actual =
        generated(Compiler.javac().withProcessors(wrapped).compile(sources()));
    assertEquals(expected, actual);
    // The tapes, the layers' adjoints and the service file, all through the wrapper's filer:
    // sources by class name, resources by relative name.
    TreeSet<String> written = new TreeSet<>();
    for (String name : actual.keySet()) {
      if (name.contains("SOURCE_OUTPUT/")) {
        written.add(name.substring(name.indexOf("SOURCE_OUTPUT/") + "SOURCE_OUTPUT/".length())
            .replaceFirst("\\.java$", "").replace('/', '.'));
      } else {
        written.add(name.substring(name.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length()));
      }
    }
    assertTrue(written.containsAll(List.of("test.CubesTape", "test.Block_Adjoint",
        "test.Net_Adjoint", "META-INF/services/dev.adjoint.nn.LayerBinding")), written::toString);
    assertEquals(written, new TreeSet<>(wrapped.created));
  }

  @Test
  void proxyAsIntellijMakesIt() {
    Map<String, String> expected = plain();
    Map<String, String> actual = generated(Compiler.javac()
        .withProcessors(new WrappingProcessor(Wrapping.PROXY)).compile(sources()));
    assertEquals(expected, actual);
  }
}
