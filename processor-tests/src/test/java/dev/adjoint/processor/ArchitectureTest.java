package dev.adjoint.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins the processor's stages as DESIGN.md draws them, by reading its sources: validate, model
 * (the typed IR), diff (the reverse pass, which plans) and emit (the only writer of Java text)
 * depend on each other in that direction only; JavaPoet is emit's alone; the model and the
 * reverse pass analyse no strings with regular expressions and spell no generated code; our
 * annotations and runtime types are named in one place; statement kinds dispatch in one place.
 *
 * <p>{@code -Dadjoint.processorSources=<dir>} points it at another checkout's
 * {@code processor/src/main/java/dev/adjoint/processor}.
 */
class ArchitectureTest {
  private static final Path SOURCES = Path.of(System.getProperty("adjoint.processorSources",
      "../processor/src/main/java/dev/adjoint/processor"));

  /** The stage packages each stage may depend on; the root package (the steps) may use all. */
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "validate", Set.of("model"),
      "model", Set.of(),
      "diff", Set.of("model"),
      "emit", Set.of("model", "diff"));

  private static final Pattern STAGE_REFERENCE =
      Pattern.compile("dev\\.adjoint\\.processor\\.(validate|model|diff|emit)\\.");

  /** A source file: its stage ("" for the root package), name and code without comments. */
  private record Source(String stage, String name, String code) {}

  private static List<Source> sources() {
    assertTrue(Files.isDirectory(SOURCES), "no processor sources at " + SOURCES.toAbsolutePath());
    List<Source> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Path rel = SOURCES.relativize(f);
        String stage = rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
        out.add(new Source(stage, rel.toString(), withoutComments(Files.readString(f))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(out.size() > 10, "too few sources under " + SOURCES.toAbsolutePath());
    return out;
  }

  /** {@code code} without its comments; string and character literals are kept whole. */
  private static String withoutComments(String code) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < code.length() && code.charAt(end) != c) {
          end += code.charAt(end) == '\\' ? 2 : 1;
        }
        sb.append(code, i, Math.min(end + 1, code.length()));
        i = end;
      } else if (code.startsWith("//", i)) {
        i = code.indexOf('\n', i) - 1;
        if (i < 0) {
          break;
        }
      } else if (code.startsWith("/*", i)) {
        i = code.indexOf("*/", i + 2) + 1;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static void assertNone(List<String> violations, String what) {
    assertEquals(List.of(), violations, what);
  }

  @Test
  void stagesDependOnEarlierStagesOnly() {
    List<String> violations = new ArrayList<>();
    for (Source s : sources()) {
      Set<String> allowed = ALLOWED.get(s.stage());
      if (allowed == null) {
        continue;
      }
      Matcher m = STAGE_REFERENCE.matcher(s.code());
      while (m.find()) {
        String used = m.group(1);
        if (!used.equals(s.stage()) && !allowed.contains(used)) {
          violations.add(s.name() + " uses " + used);
        }
      }
    }
    assertNone(violations, "validate -> model <- diff <- emit, and nothing else");
  }

  @Test
  void onlyEmitUsesJavaPoet() {
    List<String> violations = new ArrayList<>();
    for (Source s : sources()) {
      if (!s.stage().equals("emit") && s.code().contains("com.palantir.javapoet")) {
        violations.add(s.name());
      }
    }
    assertNone(violations, "JavaPoet outside emit");
  }

  /** String methods given a regular expression, and the regex package. */
  private static final List<String> REGEX = List.of("java.util.regex", ".matches(\"",
      ".replaceAll(\"", ".replaceFirst(\"", ".split(\"");

  @Test
  void modelAndReversePassAnalyseNoStringsWithRegularExpressions() {
    List<String> violations = new ArrayList<>();
    for (Source s : sources()) {
      if (s.stage().equals("model") || s.stage().equals("diff")) {
        for (String r : REGEX) {
          if (s.code().contains(r)) {
            violations.add(s.name() + ": " + r);
          }
        }
      }
    }
    assertNone(violations, "regular expressions in model or diff");
  }

  /** Fragments of generated Java that only the writer may spell. */
  private static final List<String> JAVA_TEXT = List.of("\"self.", "\"saved.", "\"Tensor ",
      "\"return ", "\"new ", "\" = ", ".shape()\"", "\"java.util.List.of(", "\"()\"");

  @Test
  void modelAndReversePassWriteNoJava() {
    List<String> violations = new ArrayList<>();
    for (Source s : sources()) {
      if (s.stage().equals("model") || s.stage().equals("diff")) {
        for (String fragment : JAVA_TEXT) {
          if (s.code().contains(fragment)) {
            violations.add(s.name() + ": " + fragment);
          }
        }
      }
    }
    assertNone(violations, "Java text made in model or diff");
  }

  @Test
  void annotationAndRuntimeTypeNamesLiveInOnePlace() {
    List<String> violations = new ArrayList<>();
    for (Source s : sources()) {
      if (!s.name().equals(Path.of("model", "KnownTypes.java").toString())
          && s.code().contains("\"dev.adjoint.")) {
        violations.add(s.name());
      }
    }
    assertNone(violations, "qualified names of our annotations or runtime types outside"
        + " model/KnownTypes.java");
  }

  /** A test for a statement kind ({@code instanceof Stmt.If}, not {@code Stmt.Cut.Output}). */
  private static final Pattern STATEMENT_KIND =
      Pattern.compile("instanceof\\s+Stmt\\.\\w+\\b(?!\\.)");

  @Test
  void statementKindsDispatchInOnePlace() {
    List<String> violations = new ArrayList<>();
    for (Source s : sources()) {
      Matcher m = STATEMENT_KIND.matcher(s.code());
      if (!s.name().equals(Path.of("model", "Stmt.java").toString()) && m.find()) {
        violations.add(s.name() + ": " + m.group());
      }
    }
    assertNone(violations, "statement kinds told apart outside Stmt's visitor");
  }
}
