package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.at;
import static dev.adjoint.processor.UserCode.compile;
import static dev.adjoint.processor.UserCode.source;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.UserCode.Position;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The configuration the processor generates for whole-model files: a {@code @Layer.Constructor}
 * argument that cannot be recorded is an {@code [AdjointConfigArgument]} error on that parameter
 * naming it, a mark that cannot be honoured an {@code [AdjointConfigConstructor]} error on the
 * constructor (file, line and column pinned, and the error count); an unmarked constructor is
 * never an error, and its binding says why it has no configuration; every recordable kind of
 * argument compiles without a warning.
 */
class GeneratedConfigDiagnosticsTest {
  private static final String ARGUMENT_HINT = "keep each argument of the @Layer.Constructor in a"
      + " non-private field of the same name and type";
  private static final String CONSTRUCTOR_HINT = "mark exactly one constructor of a concrete"
      + " @Layer class that does not implement Configurable";

  private static void assertError(Compilation c, JavaFileObject file, Position where, String tag,
      String text, String hint) {
    assertThat(c).hadErrorContainingMatch(Pattern.compile(Pattern.quote("[" + tag + "] ")
            + ".*" + Pattern.quote(text) + ".*" + Pattern.quote(". Fix: ") + ".*"
            + Pattern.quote(hint)))
        .inFile(file).onLine(where.line()).atColumn(where.column());
  }

  private static String generated(Compilation c, String name) {
    try {
      return c.generatedSourceFile("test." + name).orElseThrow().getCharContent(false)
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void argumentOfATypeThatCannotBeRecorded() {
    JavaFileObject f = source("Seeded", """
        import dev.adjoint.tensor.Generator;

        @Layer
        public class Seeded extends Module {
          final Generator generator;
          @Param Tensor w;

          @Layer.Constructor
          public Seeded(Generator generator) {
            this.generator = generator;
            w = Tensor.zeros(1);
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(w);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "public Seeded(Generator generator)", "generator)"),
        "AdjointConfigArgument", "the argument 'generator' of Seeded(Generator generator) cannot"
            + " be recorded for whole-model files: its type Generator is not one that can be"
            + " recorded", ARGUMENT_HINT);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void argumentKeptInNoField() {
    JavaFileObject f = source("Widen", """
        import dev.adjoint.nn.Linear;

        @Layer
        public class Widen extends Module {
          final int width;
          Linear fc;

          @Layer.Constructor
          public Widen(int inFeatures, int width) {
            this.width = width;
            fc = new Linear(inFeatures, width);
          }

          @Forward
          public Tensor forward(Tensor x) {
            return fc.forward(x);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "public Widen(int inFeatures, int width)", "inFeatures"),
        "AdjointConfigArgument", "the argument 'inFeatures' of Widen(int inFeatures, int width)"
            + " cannot be recorded for whole-model files: it is kept in no field of the same"
            + " name", ARGUMENT_HINT);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void everyArgumentThatCannotBeRecordedIsReported() {
    JavaFileObject f = source("Mixed", """
        @Layer
        public class Mixed extends Module {
          private final int width;
          final long depth;
          final double scale;

          @Layer.Constructor
          public Mixed(int width, int depth, double scale) {
            this.width = width;
            this.depth = depth;
            this.scale = scale;
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(scale);
          }
        }
        """);
    Compilation c = compile(f);
    String signature = "Mixed(int width, int depth, double scale)";
    assertError(c, f, at(f, "public " + signature, "width"), "AdjointConfigArgument",
        "the argument 'width' of " + signature + " cannot be recorded for whole-model files:"
            + " its field 'width' is private, so the generated code cannot read it",
        ARGUMENT_HINT);
    assertError(c, f, at(f, "public " + signature, "depth"), "AdjointConfigArgument",
        "the argument 'depth' of " + signature + " cannot be recorded for whole-model files:"
            + " it is declared int but its field 'depth' is long", ARGUMENT_HINT);
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void twoMarkedConstructors() {
    JavaFileObject f = source("Twice", """
        @Layer
        public class Twice extends Module {
          final int width;

          @Layer.Constructor
          public Twice() {
            this(3);
          }

          @Layer.Constructor
          public Twice(int width) {
            this.width = width;
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(width);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "public Twice(int width)", "Twice("), "AdjointConfigConstructor",
        "@Layer.Constructor on Twice(int width): only one constructor of Twice can rebuild it,"
            + " and Twice() is marked too", CONSTRUCTOR_HINT);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void markThatCannotBeHonoured() {
    JavaFileObject configurable = source("OwnConfig", """
        import dev.adjoint.nn.Configurable;
        import java.util.Map;

        @Layer
        public class OwnConfig extends Module implements Configurable {
          final int width;

          @Layer.Constructor
          public OwnConfig(int width) {
            this.width = width;
          }

          @Override
          public Map<String, Object> config() {
            return Map.<String, Object>of("width", width);
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(width);
          }
        }
        """);
    JavaFileObject hidden = source("Hidden", """
        @Layer
        public class Hidden extends Module {
          final int width;

          @Layer.Constructor
          private Hidden(int width) {
            this.width = width;
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(width);
          }
        }
        """);
    JavaFileObject plain = source("NotALayer", """
        public class NotALayer {
          final int width;

          @Layer.Constructor
          public NotALayer(int width) {
            this.width = width;
          }
        }
        """);
    Compilation c = compile(configurable, hidden, plain);
    assertError(c, configurable, at(configurable, "public OwnConfig(int width)", "OwnConfig("),
        "AdjointConfigConstructor", "@Layer.Constructor on OwnConfig(int width): the class"
            + " implements Configurable, whose own config() and fromConfig rebuild it",
        CONSTRUCTOR_HINT);
    assertError(c, hidden, at(hidden, "private Hidden(int width)", "Hidden("),
        "AdjointConfigConstructor", "@Layer.Constructor on Hidden(int width): it is private, so"
            + " the generated code cannot call it", CONSTRUCTOR_HINT);
    assertError(c, plain, at(plain, "public NotALayer(int width)", "NotALayer("),
        "AdjointConfigConstructor", "@Layer.Constructor on NotALayer(int width): the class is not"
            + " a @Layer", CONSTRUCTOR_HINT);
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void inheritedFieldThatTheGeneratedCodeCannotSee() {
    JavaFileObject f = source("Wider", """
        import dev.adjoint.nn.Linear;

        @Layer
        public class Wider extends Linear {
          @Layer.Constructor
          public Wider(int inFeatures, int outFeatures) {
            super(inFeatures, outFeatures, true);
          }
        }
        """);
    Compilation c = compile(f);
    String signature = "Wider(int inFeatures, int outFeatures)";
    for (String name : new String[] {"inFeatures", "outFeatures"}) {
      assertError(c, f, at(f, "public " + signature, name), "AdjointConfigArgument",
          "the argument '" + name + "' of " + signature + " cannot be recorded for whole-model"
              + " files: its field '" + name + "' in Linear is not visible from package test",
          ARGUMENT_HINT);
    }
    assertThat(c).hadErrorCount(2);
  }

  /** Without the mark nothing is an error: the binding keeps the reason for run time. */
  @Test
  void unmarkedConstructorsAreNotErrorsAndTheBindingSaysWhy() {
    JavaFileObject seeded = source("Seeded", """
        import dev.adjoint.tensor.Generator;

        @Layer
        public class Seeded extends Module {
          @Param Tensor w;

          public Seeded(Generator generator) {
            w = Tensor.randn(generator, 2);
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(w);
          }
        }
        """);
    JavaFileObject two = source("Two", """
        @Layer
        public class Two extends Module {
          final int width;

          public Two() {
            this(1);
          }

          public Two(int width) {
            this.width = width;
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(width);
          }
        }
        """);
    JavaFileObject base = source("Base", """
        @Layer
        public abstract class Base extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return x.tanh();
          }
        }
        """);
    Compilation c = compile(seeded, two, base);
    assertThat(c).succeededWithoutWarnings();
    assertTrue(generated(c, "Base_Adjoint").contains("return \"the class is abstract\";"));
    String text = generated(c, "Seeded_Adjoint");
    assertTrue(text.contains("return \"the argument 'generator' of Seeded(Generator generator)"
        + " cannot be recorded: it is kept in no field of the same name\";"), text);
    text = generated(c, "Two_Adjoint");
    assertTrue(text.contains("return \"it has 2 constructors and none is marked"
        + " @Layer.Constructor to say which one rebuilds it\";"), text);
  }

  /**
   * Every kind of argument that can be recorded, and how the generated code writes and reads
   * it; the file compiles without warnings.
   */
  @Test
  void everyRecordableKindCompilesWithoutWarnings() {
    JavaFileObject f = source("Every", """
        import dev.adjoint.nn.Linear;

        @Layer
        public class Every extends Module {
          public enum Mode { FAST, EXACT }

          final int i;
          final long l;
          final float f;
          final double d;
          final boolean b;
          final String s;
          final Mode mode;
          final int[] shape;
          @Buffer Tensor table;
          final Module body;
          final List<Linear> stages;
          @Param Tensor bias;
          final Module[] extras;

          @Layer.Constructor
          public Every(int i, long l, float f, double d, boolean b, String s, Mode mode,
              int[] shape, Tensor table, Module body, List<Linear> stages, boolean bias,
              Module... extras) {
            this.i = i;
            this.l = l;
            this.f = f;
            this.d = d;
            this.b = b;
            this.s = s;
            this.mode = mode;
            this.shape = shape;
            this.table = table;
            this.body = body;
            this.stages = stages;
            this.bias = bias ? Tensor.zeros(1) : null;
            this.extras = extras;
          }

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(d);
          }
        }
        """);
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    String text = generated(c, "Every_Adjoint");
    for (String expected : new String[] {
        "\"mode\", layer.mode == null ? null : layer.mode.name()",
        "\"bias\", layer.bias != null",
        "\"extras\", layer.extras",
        "LayerConfig c = LayerConfig.read(Every.class, config);",
        "c.intValue(\"i\")", "c.longValue(\"l\")", "(float) c.doubleValue(\"f\")",
        "c.doubleValue(\"d\")", "c.booleanValue(\"b\")", "c.string(\"s\")",
        "c.enumValue(\"mode\", Every.Mode.class)", "c.intArray(\"shape\")",
        "c.tensor(\"table\")", "c.module(\"body\", Module.class)",
        "c.modules(\"stages\", Linear.class)", "c.booleanValue(\"bias\")",
        "c.modules(\"extras\", Module.class).toArray(new Module[0])"}) {
      assertTrue(text.replaceAll("\\s+", " ").contains(expected), expected + " in:\n" + text);
    }
  }
}
