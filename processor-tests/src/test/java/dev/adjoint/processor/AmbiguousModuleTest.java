package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code import dev.adjoint.nn.*;} makes the simple name {@code Module} ambiguous with
 * {@code java.lang.Module}. javac reports that on the {@code extends} clause; the processor must
 * not add a second, misleading error ("must extend dev.adjoint.nn.Module") on top of it.
 */
class AmbiguousModuleTest {

  private static final JavaFileObject WILDCARD = JavaFileObjects.forSourceString("test.Wild", """
      package test;

      import dev.adjoint.annotations.Forward;
      import dev.adjoint.annotations.Layer;
      import dev.adjoint.nn.*;
      import dev.adjoint.tensor.Tensor;

      @Layer
      public class Wild extends Module {
        final Linear fc = new Linear(2, 2);

        @Forward
        public Tensor forward(Tensor x) {
          return fc.call(x).relu();
        }
      }
      """);

  @Test
  void onlyJavacsAmbiguityErrorIsReported() {
    Compilation c = Compiler.javac().withProcessors(new AdjointProcessor()).compile(WILDCARD);
    List<String> errors = c.errors().stream()
        .map(d -> d.getLineNumber() + ": " + d.getMessage(null))
        .collect(Collectors.toList());
    assertThat(c).failed();
    assertEquals(1, errors.size(), "exactly javac's own error, got " + errors);
    assertThat(c).hadErrorContaining("reference to Module is ambiguous")
        .inFile(WILDCARD).onLine(9);
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      assertEquals(false, d.getMessage(null).contains("[Adjoint"),
          "no Adjoint diagnostic: " + d.getMessage(null));
    }
    // The processor adds the fix as a note, which fails no build.
    assertThat(c).hadNoteContaining("import dev.adjoint.nn.Module explicitly").inFile(WILDCARD)
        .onLine(9);
  }

  @Test
  void anUnknownSuperclassGivesOnlyCannotFindSymbol() {
    JavaFileObject typo = JavaFileObjects.forSourceString("test.Typo", """
        package test;

        import dev.adjoint.annotations.Forward;
        import dev.adjoint.annotations.Layer;
        import dev.adjoint.tensor.Tensor;

        @Layer
        public class Typo extends Modul {
          @Forward
          public Tensor forward(Tensor x) {
            return x.relu();
          }
        }
        """);
    Compilation c = Compiler.javac().withProcessors(new AdjointProcessor()).compile(typo);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("cannot find symbol").inFile(typo).onLine(8);
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      assertEquals(false, d.getMessage(null).contains("Module"),
          "nothing about Module: " + d.getMessage(null));
    }
  }
}
