package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer compiled without the Adjoint processor has no generated code: the first
 * {@code model.call} says that the processor did not run and how to configure it, for Maven and
 * for Gradle, instead of failing somewhere inside the runtime.
 */
class MissingProcessorTest {

  private static void assertNamesTheFix(String message, String layer) {
    assertTrue(message.contains("No generated code for layer " + layer), message);
    assertTrue(message.contains("annotation processor did not run"), message);
    assertTrue(message.contains("<annotationProcessorPaths>"), message);
    assertTrue(message.contains("annotationProcessor 'dev.adjoint:adjoint-processor:"), message);
    assertTrue(message.contains("JDK 23"), message);
  }

  @Test
  void aLayerCompiledWithProcNoneFailsAtTheFirstCallNamingTheFix(@TempDir Path dir)
      throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/user"));
    Files.writeString(src.resolve("Plain.java"), """
        package user;

        import dev.adjoint.annotations.Forward;
        import dev.adjoint.annotations.Layer;
        import dev.adjoint.nn.Linear;
        import dev.adjoint.nn.Module;
        import dev.adjoint.tensor.Tensor;

        @Layer
        public class Plain extends Module {
          final Linear fc = new Linear(3, 2);

          @Forward
          public Tensor forward(Tensor x) {
            return fc.call(x);
          }
        }
        """);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter log = new StringWriter();
    int rc = javac.getTask(log, null, null, List.of("-proc:none", "-d", classes.toString(),
        "-classpath", System.getProperty("java.class.path")), null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjects(
            src.resolve("Plain.java").toFile())).call() ? 0 : 1;
    assertEquals(0, rc, log.toString());
    assertTrue(Files.exists(classes.resolve("user/Plain.class")));
    assertTrue(!Files.exists(classes.resolve("user/Plain_Adjoint.class")),
        "-proc:none wrote no generated code");

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      Module model = (Module) loader.loadClass("user.Plain").getConstructor().newInstance();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> model.call(Tensor.ones(1, 3)));
      assertNamesTheFix(e.getMessage(), "user.Plain");
    }
  }

  /** A Module subclass that no processor saw (not @Layer, so no binding). */
  static final class NotALayer extends Module {}

  @Test
  void aModuleWithoutBindingFailsTheSameWay() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new NotALayer().call(Tensor.ones(2)));
    assertNamesTheFix(e.getMessage(), NotALayer.class.getName());
  }
}
