package dev.adjoint.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a test's {@code main} class in a JVM of its own (the Vector API module, this JVM's class
 * path, extra options), where the JIT compiles the kernels from that main's calls alone: the
 * allocation checks of the vector kernels, and checks at another vector width.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * The output (stdout and stderr) of {@code main} run with {@code options}; fails unless it
   * exits with 0.
   */
  public static String run(Class<?> main, String... options)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--add-modules");
    command.add("jdk.incubator.vector");
    for (String option : options) {
      if (!option.isEmpty()) {
        command.add(option);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), out);
    return out;
  }

  /** The number on the last line of {@code out} (what an allocation main prints). */
  public static long lastNumber(String out) {
    String[] lines = out.strip().split("\n");
    return Long.parseLong(lines[lines.length - 1].strip());
  }
}
