package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.compile;
import static dev.adjoint.processor.UserCode.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Generated code for layers whose output is correct but not obvious, frozen under
 * {@code src/test/resources/golden/} and compared as exact text: comments (the
 * {@code // File.java:N  <source line>} heading of each block, which the README promises) and
 * formatting count. The generated backward of the same constructs is gradient-checked in
 * {@code dev.adjoint.compiled}; these files pin how it is written. When the emitter changes on
 * purpose, rerun with {@code -Dadjoint.updateGolden=true} to rewrite the files and read their diff.
 */
class GoldenFilesTest {
  private static final Path GOLDEN_DIR = Path.of("src/test/resources/golden");

  private static void assertGolden(Compilation c, String generated) {
    assertThat(c).succeededWithoutWarnings();
    String actual = generatedText(c, generated);
    assertNoNoise(actual);
    if (Boolean.getBoolean("adjoint.updateGolden")) {
      // mvn test -Dtest=GoldenFilesTest -Dadjoint.updateGolden=true rewrites the files; read the
      // diff before committing it.
      try {
        Files.writeString(GOLDEN_DIR.resolve(generated + ".java"), actual);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    String difference = firstDifference(golden(generated), actual);
    if (difference != null) {
      fail("golden/" + generated + ".java " + difference + "\n(if the change is intended, rerun"
          + " with -Dadjoint.updateGolden=true and review the diff)");
    }
  }

  /** A block whose body is only comments and line marks, e.g. an if with nothing to do. */
  private static final Pattern EMPTY_BLOCK =
      Pattern.compile("\\{\\n([ \\t]*(//[^\\n]*|sourceLine = \\d+;)\\n)+[ \\t]*}");

  /** A source-line heading with no code under it: the next heading or a brace follows. */
  private static final Pattern EMPTY_HEADING = Pattern.compile(
      "// \\w+\\.java:\\d+ [^\\n]*\\n[ \\t]*sourceLine = \\d+;\\n[ \\t]*(// \\w+\\.java:\\d+|})");

  /** What no generated file may hold, checked on every golden (and so on every regeneration). */
  private static void assertNoNoise(String text) {
    Matcher empty = EMPTY_BLOCK.matcher(text);
    if (empty.find()) {
      fail("a block with nothing but comments:\n" + empty.group());
    }
    Matcher heading = EMPTY_HEADING.matcher(text);
    if (heading.find()) {
      fail("a source-line heading with nothing under it:\n" + heading.group());
    }
    for (String line : text.split("\n")) {
      String code = line.strip();
      if (code.startsWith("import ") || code.startsWith("*") || code.startsWith("/*")
          || code.startsWith("//") || code.startsWith("package ")) {
        continue;
      }
      Matcher q = QUALIFIED.matcher(code.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""));
      if (q.find()) {
        fail("a type written with its package instead of imported: " + q.group() + " in\n"
            + code);
      }
    }
    Matcher numbered = Pattern.compile("(Tensor|final \\w+) (t\\d+) = ").matcher(text);
    if (numbered.find()) {
      fail("a temporary named by a counter, not by what it holds: " + numbered.group(2));
    }
    Matcher decision = Pattern.compile("(boolean|int) (branch|trips)\\w*;").matcher(text);
    while (decision.find()) {
      if (!decision.group().matches("\\w+ (branch|trips)AtLine\\d+(_\\d+)?;")) {
        fail("a saved decision not named by its source line: " + decision.group());
      }
    }
    String twice = keptTwice(text);
    if (twice != null) {
      fail("a value kept twice (or a tensor and its shape): " + twice);
    }
    // A gradient reset that the next statement overwrites, or that nothing reads before the
    // method ends (its closing brace at the class's member indent) outside loops.
    Matcher reset = GRADIENT_RESET.matcher(text);
    while (reset.find()) {
      String name = reset.group(1);
      int end = text.indexOf("\n  }\n", reset.end());
      String rest = text.substring(reset.end(), end < 0 ? text.length() : end);
      if (rest.stripLeading().startsWith(name + " = ")) {
        fail("a dead store: " + reset.group() + " is overwritten by the next statement");
      }
      if (!Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(rest).find()
          && !insideLoop(text, reset.start())) {
        fail("a dead store: " + reset.group() + " is never read");
      }
    }
  }

  /** A qualified type name in code: lower-case segments, then a capitalised one. */
  private static final Pattern QUALIFIED =
      Pattern.compile("(?<![\\w.$])(?:[a-z_][\\w$]*\\.)+[A-Z]");

  private static final Pattern KEEP =
      Pattern.compile("saved\\.\\w+ = saved\\.keep\\((\\w+), |saved\\.\\w+ = (\\w+)\\.shape\\(\\);");
  private static final Pattern ASSIGNMENT = Pattern.compile("^(Tensor )?(\\w+) = ");

  /**
   * Whether a forward keeps one value twice, or a tensor and its shape, between two assignments
   * of the variable within one block; returns the offending line or null.
   */
  static String keptTwice(String text) {
    Set<String> kept = new HashSet<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.contains("{") || line.contains("}")) {
        kept.clear(); // another block: what it keeps may not run
        continue;
      }
      Matcher k = KEEP.matcher(line);
      if (k.find()) {
        String value = k.group(1) != null ? k.group(1) : k.group(2);
        if (!kept.add(value)) {
          return line;
        }
        continue;
      }
      Matcher a = ASSIGNMENT.matcher(line);
      if (a.find()) {
        kept.remove(a.group(2));
      }
    }
    return null;
  }

  /** {@code d_h = null;}: a gradient accumulator reset. */
  private static final Pattern GRADIENT_RESET =
      Pattern.compile("(?<!Tensor )\\b(d_\\w+) = null;");

  /**
   * Whether the line at {@code pos} is inside a {@code for} block (whose next iteration may read
   * what it resets), judged by the headers of the blocks that enclose it by indentation.
   */
  private static boolean insideLoop(String text, int pos) {
    String[] lines = text.substring(0, pos).split("\n", -1);
    int indent = lines[lines.length - 1].length();
    for (int i = lines.length - 2; i >= 0 && indent > 2; i--) {
      String line = lines[i];
      int own = line.length() - line.stripLeading().length();
      if (line.isBlank() || own >= indent) {
        continue;
      }
      if (line.strip().startsWith("for (")) {
        return true;
      }
      indent = own;
    }
    return false;
  }

  /** The text of {@code golden/<name>.java} on the test classpath. */
  private static String golden(String name) {
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream(
        "/golden/" + name + ".java")) {
      if (in == null) {
        throw new AssertionError("no golden/" + name + ".java: create it with"
            + " -Dadjoint.updateGolden=true");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Null when {@code actual} is {@code expected} line for line (line terminators aside), else
   * where they first differ: the 1-based line and both versions of it.
   */
  static String firstDifference(String expected, String actual) {
    List<String> want = expected.lines().toList();
    List<String> got = actual.lines().toList();
    for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
      String w = i < want.size() ? want.get(i) : "<end of file>";
      String g = i < got.size() ? got.get(i) : "<end of file>";
      if (!w.equals(g)) {
        return "differs at line " + (i + 1) + ":\n  expected: " + w + "\n  actual:   " + g;
      }
    }
    return null;
  }

  /**
   * The comparison counts comments: a golden whose only change is the source line one block
   * heading names no longer matches, and the message shows that line.
   */
  @Test
  void aCommentOnlyDifferenceFails() {
    // While the files are being rewritten, the copies on the classpath are the old ones.
    assumeFalse(Boolean.getBoolean("adjoint.updateGolden"));
    String golden = golden("EarlyExit_Adjoint");
    String heading = "        // EarlyExit.java:24  h = h.tanh();";
    assertTrue(golden.contains("\n" + heading + "\n"),
        "the golden has the heading this test mutates");
    String mutated = golden.replace(heading, "        // EarlyExit.java:23  h = h.tanh();");
    String actual = generatedText(compile(earlyExit()), "EarlyExit_Adjoint");
    assertNull(firstDifference(golden, actual), "the golden is current");
    String difference = firstDifference(mutated, actual);
    assertNotNull(difference, "a comment-only difference is a difference");
    int line = golden.substring(0, golden.indexOf(heading)).split("\n", -1).length;
    assertEquals("differs at line " + line + ":\n  expected:         // EarlyExit.java:23  h ="
        + " h.tanh();\n  actual:           // EarlyExit.java:24  h = h.tanh();", difference);
    assertNotNull(firstDifference(golden, actual + "\n// one more line"),
        "a longer file differs");
    assertNull(firstDifference(golden.replace("\n", "\r\n"), actual),
        "line terminators do not count");
  }

  private static String generatedText(Compilation c, String generated) {
    try {
      return c.generatedSourceFile("test." + generated).orElseThrow().getCharContent(false)
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The README's {@code LinReg}: each statement's block is headed by its file, line and text;
   * a statement over several lines is headed by its first line and {@code ...}.
   */
  @Test
  void sourceLineHeadings() {
    JavaFileObject f = source("LinReg", """
        @Layer
        public class LinReg extends Module {
          @Param Tensor weight; // [1, in]
          @Param Tensor bias;   // [1]

          @Forward
          public Tensor forward(Tensor x) {
            Tensor scaled = x
                .mul(2.0);
            return scaled.matmul(weight.t()).add(bias);
          }
        }
        """);
    assertGolden(compile(f), "LinReg_Adjoint");
  }

  /**
   * What the generated forward tells the runtime about its temporaries: user code that may keep
   * tensors (a list in a field, a helper's cache) is bracketed so that what it makes and reads
   * escapes, and a scalar multiply-add whose product has no other use runs as one affine pass.
   */
  @Test
  void userCodeEscapesAndAffineFusion() {
    JavaFileObject f = source("Keeping", """
        @Layer
        public class Keeping extends Module {
          @Param Tensor w;
          final java.util.List<Tensor> seen = new java.util.ArrayList<>();

          static Tensor offset() {
            return Tensor.ones(3);
          }

          @Forward
          public Tensor forward(Tensor x) {
            Tensor y = x.matmul(w).mul(2.0).add(1.0);
            seen.add(y.detach());
            Tensor c = offset();
            return y.mul(c).sum();
          }
        }
        """);
    Compilation c = compile(f);
    assertGolden(c, "Keeping_Adjoint");
    String text = generatedText(c, "Keeping_Adjoint");
    assertTrue(text.contains("Fusions.affine(matmul, 2.0, 1.0)"), text);
    assertTrue(text.contains("Temporaries.escapeSince(userCodeAtLine"), text);
  }

  /**
   * A loop over sub-layers called dynamically (as Sequential's): the first call's argument is
   * the caller's own input (the same object), so the sub-layer is asked for its gradient only if
   * the caller wants it; later calls' arguments are other tensors and always are.
   */
  @Test
  void dynamicCallsOnOurInputAskForItsGradientOnlyIfWeDo() {
    JavaFileObject f = source("Chain", """
        @Layer
        public class Chain extends Module {
          final java.util.List<Module> blocks = new java.util.ArrayList<>();

          @Forward
          public Tensor forward(Tensor input) {
            Tensor h = input;
            for (Module block : blocks) {
              h = block.call(h);
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertGolden(c, "Chain_Adjoint");
    String text = generatedText(c, "Chain_Adjoint");
    assertTrue(text.contains("new boolean[] {(h != input || saved.need_input)}"), text);
  }

  /**
   * A branch that only updates running statistics from detached values has nothing to do in
   * the backward: no block of comments there, and its decision is not saved.
   */
  @Test
  void branchWithoutGradientIsNotReplayed() {
    JavaFileObject f = source("RunningMean", """
        @Layer
        public class RunningMean extends Module {
          @Param Tensor w;
          @Buffer Tensor mean;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor y = x.matmul(w);
            if (training()) {
              mean = mean.mul(0.9).add(y.detach().mean().mul(0.1));
            }
            return y.tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertGolden(c, "RunningMean_Adjoint");
    String text = generatedText(c, "RunningMean_Adjoint");
    assertFalse(text.contains("branch"), "no saved decision:\n" + text);
    assertTrue(text.contains("if (self.training()) {"), "the forward still branches");
  }

  /**
   * Types the user's code names by their qualified names (a static primitive, an enum constant)
   * are imported in the generated file.
   */
  @Test
  void qualifiedNamesAreImported() {
    JavaFileObject f = source("Qualified", """
        @Layer
        public class Qualified extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x.matmul(w).to(dev.adjoint.tensor.DType.FLOAT64);
            return dev.adjoint.tensor.Tensor.where(h.gt(0.0), h, h.mul(0.5));
          }
        }
        """);
    assertGolden(compile(f), "Qualified_Adjoint");
  }

  /**
   * A final primitive field the op reads ({@code scale}) is read again by the backward: not
   * bound to a local and saved, as a mutable field ({@code shift}) must be.
   */
  @Test
  void finalFieldsAreReadNotSaved() {
    JavaFileObject f = source("Scaled", """
        @Layer
        public class Scaled extends Module {
          @Param Tensor w;
          final double scale = 0.5;
          double shift = 1.0;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(w).mul(scale).mul(shift).tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertGolden(c, "Scaled_Adjoint");
    String text = generatedText(c, "Scaled_Adjoint");
    assertTrue(text.contains(".mul(self.scale)"), text);
    assertTrue(text.contains("mulDoubleSelf(d_mul, self.scale)"), text);
    assertFalse(text.contains("= self.scale;"), "scale is neither bound nor saved:\n" + text);
    // Named after the field (shift2: the user's own names are taken, fields included).
    assertTrue(text.contains("final double shift2 = self.shift;"),
        "shift, which may change, is kept under its name:\n" + text);
  }

  private static JavaFileObject earlyExit() {
    return source("EarlyExit", """
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
  }

  /**
   * The early return's branch becomes the then-branch and the statements after the {@code if}
   * move into an else, so both paths end in a return the reverse pass can start from; the
   * backward replays the saved branch decision.
   */
  @Test
  void earlyReturnRestructuredIntoIfElse() {
    assertGolden(compile(earlyExit()), "EarlyExit_Adjoint");
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

  /**
   * A sub-layer's result is named after the layer it runs: its field, its local, or the list or
   * array it is taken from (not after the text of the expression that reads it).
   */
  @Test
  void subLayerResultsAreNamedAfterTheirLayer() {
    JavaFileObject affine = source("Affine", """
        @Layer
        public class Affine extends Module {
          @Param Tensor weight;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(weight);
          }
        }
        """);
    JavaFileObject f = source("Chain", """
        @Layer
        public class Chain extends Module {
          Affine fc;
          List<Affine> blocks;
          Affine[] stages;

          @Forward
          public Tensor forward(Tensor x) {
            for (Affine block : blocks) {
              x = x.add(block.forward(x));
            }
            return blocks.get(0).forward(stages[1].forward(fc.forward(x))).tanh();
          }
        }
        """);
    Compilation c = compile(affine, f);
    assertThat(c).succeededWithoutWarnings();
    String text = generatedText(c, "Chain_Adjoint");
    for (String name : List.of("blockOut", "fcOut", "stagesOut", "blocksOut")) {
      assertTrue(text.contains("Tensor " + name + " = Affine_Adjoint.forwardSaving("),
          name + " in\n" + text);
    }
  }
}
