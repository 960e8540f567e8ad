package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No null check in the library builds its message on every call: {@code
 * Objects.requireNonNull(x, op + ": x")} concatenates (and allocates) the message whether or not
 * {@code x} is null, on paths as hot as every binary op and every matmul. The message is built
 * only on failure ({@code if (x == null) throw new NullPointerException(...)}, or a supplier).
 * A scan of the main sources of the runtime, processor and Spark modules.
 */
class NullCheckMessagesTest {
  @Test
  void noNullCheckBuildsItsMessageUpFront() throws IOException {
    Set<String> offenders = new TreeSet<>();
    int scanned = 0;
    for (String dir : new String[] {"src/main/java", "../processor/src/main/java",
        "../spark/src/main/java"}) {
      Path root = Path.of(dir);
      if (!Files.isDirectory(root)) {
        assertTrue(!dir.startsWith("src"), "run from the runtime module: " + root.toAbsolutePath());
        continue;
      }
      List<Path> files;
      try (Stream<Path> s = Files.walk(root)) {
        files = s.filter(p -> p.toString().endsWith(".java")).toList();
      }
      for (Path f : files) {
        scanned++;
        String code = Files.readString(f, StandardCharsets.UTF_8);
        for (String message : eagerMessages(code)) {
          offenders.add(root.relativize(f) + ": " + message);
        }
      }
    }
    assertTrue(scanned > 100, "scanned only " + scanned + " files");
    assertEquals(Set.of(), offenders, "build the message only when the check fails");
  }

  @Test
  void theScanFindsConcatenatedMessagesOnly() {
    assertEquals(List.of("op + \": x\""), eagerMessages(
        "Objects.requireNonNull(x, op + \": x\");"));
    assertEquals(List.of("\"a(\" + b"), eagerMessages(
        "Objects.requireNonNull(f(x, y),\n    \"a(\" + b).call();"));
    assertEquals(List.of(), eagerMessages("Objects.requireNonNull(x, \"x, + y\");"
        + " Objects.requireNonNull(x, () -> op + \": x\"); Objects.requireNonNull(a + b);"));
  }

  /** The second arguments of requireNonNull calls in {@code code} that concatenate. */
  static List<String> eagerMessages(String code) {
    List<String> found = new ArrayList<>();
    String call = "requireNonNull(";
    for (int at = code.indexOf(call); at >= 0; at = code.indexOf(call, at + 1)) {
      List<String> args = arguments(code, at + call.length());
      if (args.size() == 2) {
        String message = args.get(1).strip();
        if (!message.contains("->") && hasTopLevelPlus(message)) {
          found.add(message);
        }
      }
    }
    return found;
  }

  /** The top-level, comma-separated arguments of the call whose '(' is just before {@code i}. */
  private static List<String> arguments(String code, int i) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    int start = i;
    for (; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '"' || c == '\'') {
        i = skipLiteral(code, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          args.add(code.substring(start, i));
          return args;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        args.add(code.substring(start, i));
        start = i + 1;
      }
    }
    return args;
  }

  private static boolean hasTopLevelPlus(String expr) {
    int depth = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'') {
        i = skipLiteral(expr, i);
      } else if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (c == '+' && depth == 0) {
        return true;
      }
    }
    return false;
  }

  /** The index of the closing quote of the literal opening at {@code i}. */
  private static int skipLiteral(String s, int i) {
    char quote = s.charAt(i);
    for (i++; i < s.length() && s.charAt(i) != quote; i++) {
      if (s.charAt(i) == '\\') {
        i++;
      }
    }
    return i;
  }
}
