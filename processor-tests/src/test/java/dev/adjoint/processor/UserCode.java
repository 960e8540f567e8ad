package dev.adjoint.processor;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * User classes for processor tests, in package {@code test}, compiled in-process with the
 * Adjoint processor against the runtime on the test classpath, plus the positions javac reports
 * diagnostics at.
 */
final class UserCode {
  /** The lines every test class starts with; its declaration follows. */
  private static final String HEADER = """
      package test;

      import dev.adjoint.annotations.Adjoint;
      import dev.adjoint.annotations.Buffer;
      import dev.adjoint.annotations.Forward;
      import dev.adjoint.annotations.Layer;
      import dev.adjoint.annotations.Param;
      import dev.adjoint.annotations.Primitive;
      import dev.adjoint.nn.Module;
      import dev.adjoint.tensor.Tensor;
      import java.util.List;

      """;

  private UserCode() {}

  /** {@code test.<simpleName>}: the common imports, then {@code declaration}. */
  static JavaFileObject source(String simpleName, String declaration) {
    return JavaFileObjects.forSourceString("test." + simpleName, HEADER + declaration);
  }

  /** Compiles {@code files} with a fresh processor; the generated sources are compiled too. */
  static Compilation compile(JavaFileObject... files) {
    return Compiler.javac().withProcessors(new AdjointProcessor()).compile(files);
  }

  /**
   * The qualified names of the sources the processor writes for {@code files}, also when the
   * compilation fails (compile-testing hands out generated files only after a success): a plain
   * javac run with its outputs in {@code dir}.
   */
  static Set<String> generatedSources(Path dir, JavaFileObject... files) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path sources = Files.createDirectories(dir.resolve("sources"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    try (StandardJavaFileManager fm =
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      fm.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(sources));
      fm.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      JavaCompiler.CompilationTask task =
          javac.getTask(null, fm, diagnostic -> {}, List.of(), null, List.of(files));
      task.setProcessors(List.of(new AdjointProcessor()));
      task.call();
    }
    try (Stream<Path> walk = Files.walk(sources)) {
      return walk.filter(p -> p.toString().endsWith(".java"))
          .map(p -> sources.relativize(p).toString().replace('\\', '/').replace('/', '.')
              .replaceAll("\\.java$", ""))
          .collect(Collectors.toSet());
    }
  }

  /** A 1-based line and column, as javac's diagnostics count them. */
  record Position(long line, long column) {}

  /** Where {@code snippet}, which occurs exactly once in {@code file}, starts. */
  static Position at(JavaFileObject file, String snippet) {
    return at(file, snippet, snippet);
  }

  /**
   * The line of {@code lineSnippet} (which occurs exactly once in {@code file}) and the column
   * where {@code columnSnippet} first starts inside it: javac puts a call's caret on its
   * {@code (}, an assignment's on its {@code =}.
   */
  static Position at(JavaFileObject file, String lineSnippet, String columnSnippet) {
    String text = content(file);
    int start = text.indexOf(lineSnippet);
    checkArgument(start >= 0, "'%s' is not in %s", lineSnippet, file.getName());
    checkArgument(text.indexOf(lineSnippet, start + 1) < 0, "'%s' occurs twice in %s",
        lineSnippet, file.getName());
    int inside = lineSnippet.indexOf(columnSnippet);
    checkArgument(inside >= 0, "'%s' is not in '%s'", columnSnippet, lineSnippet);
    int pos = start + inside;
    long line = text.substring(0, pos).chars().filter(c -> c == '\n').count() + 1;
    long column = pos - text.lastIndexOf('\n', pos - 1);
    return new Position(line, column);
  }

  private static String content(JavaFileObject file) {
    try {
      return file.getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
