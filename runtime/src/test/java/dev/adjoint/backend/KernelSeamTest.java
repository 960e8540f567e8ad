package dev.adjoint.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel seam: {@link Backend} takes storages and layouts, never a tensor, and no class of the
 * CPU backend refers to {@code dev.adjoint.tensor.Tensor} (read from the class files' constant
 * pools, so a kernel that calls back into a tensor, even through a local variable, is found).
 */
class KernelSeamTest {
  private static final String TENSOR = "dev/adjoint/tensor/Tensor";

  @Test
  void noBackendMethodTakesOrReturnsATensor() {
    List<String> bad = new ArrayList<>();
    for (Method m : Backend.class.getMethods()) {
      List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
      types.add(m.getGenericReturnType());
      for (Type t : types) {
        if (t.getTypeName().contains("dev.adjoint.tensor.Tensor")) {
          bad.add(m.getName() + ": " + t.getTypeName());
        }
      }
    }
    assertTrue(bad.isEmpty(), "Backend methods that see a Tensor: " + bad);
  }

  @Test
  void noBackendClassRefersToTensor() throws IOException, URISyntaxException {
    Path root = Path.of(Backend.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("dev/adjoint/backend");
    List<String> bad = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        // Pointwise.apply is the tensor-side entry of a fused program: it checks and unpacks
        // its tensors, then calls Backend.pointwise with storages and offsets.
        if (root.relativize(p).toString().startsWith("Pointwise")) {
          continue;
        }
        checked++;
        try (InputStream in = Files.newInputStream(p)) {
          if (refersToTensor(in)) {
            bad.add(root.relativize(p).toString());
          }
        }
      }
    }
    assertTrue(checked > 20, "found only " + checked + " class files under " + root);
    assertEquals(List.of(), bad, "backend classes that refer to Tensor");
  }

  @Test
  void theScanRecognizesAReferenceToTensor() throws IOException {
    // Pointwise (skipped above) does refer to Tensor: the same test of its constant pool finds it,
    // so the scan can fail.
    try (InputStream in = Pointwise.class.getResourceAsStream("Pointwise.class")) {
      assertTrue(refersToTensor(in), "Pointwise.class should refer to Tensor");
    }
  }

  /**
   * Whether a class file's constant pool names {@code dev/adjoint/tensor/Tensor}: the name
   * followed by a byte that cannot continue an identifier (TensorTape or Tensors would continue
   * with a letter; a nested class with '$').
   */
  private static boolean refersToTensor(InputStream classFile) throws IOException {
    String pool = new String(classFile.readAllBytes(), StandardCharsets.ISO_8859_1);
    for (int at = pool.indexOf(TENSOR); at >= 0; at = pool.indexOf(TENSOR, at + 1)) {
      int end = at + TENSOR.length();
      char next = end < pool.length() ? pool.charAt(end) : ';';
      if (!Character.isJavaIdentifierPart(next) || next == '$') {
        return true;
      }
    }
    return false;
  }
}
