package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Tensor#toString()} against {@code str(tensor)} from PyTorch 1.13. The reference file is
 * written by {@code tools/pytorch-reference/print_cases.py} and holds each input exactly, so no
 * PyTorch is needed here.
 */
class PrintTest {
  private static final String CASES = "/pytorch/print_cases.txt";

  /** One case of the reference file. */
  private record Case(String name, DType dtype, int[] shape, Tensor input, String expected) {}

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() throws IOException {
    List<Case> cases = readCases();
    // The script writes 60 cases; fewer means the file or the parser went wrong.
    assertTrue(cases.size() >= 60, "only " + cases.size() + " cases read from " + CASES);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      assertEquals(c.dtype(), c.input().dtype(), c.name() + ": dtype");
      assertEquals(Arrays.toString(c.shape()), Arrays.toString(c.input().shape()),
          c.name() + ": shape");
      assertEquals(c.expected(), c.input().toString(), c.name());
    }));
  }

  @Test
  void handWrittenScalarFloat() {
    // torch.tensor(2.) prints in integer mode: "2." with the dot marking a float.
    assertEquals("tensor(2.)", Tensor.scalar(2.0).toString());
  }

  @Test
  void handWrittenBoolVector() {
    // Every element is padded to the widest, "False" (5 characters).
    assertEquals("tensor([ True, False])", Tensor.of(true, false).toString());
  }

  @Test
  void handWrittenEmptyRows() {
    // NumPy-style: the shape is printed when it is not (0,); float32 needs no dtype.
    assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
  }

  @Test
  void handWrittenViewsPrintTheirOwnElements() {
    // A transposed view prints its logical order, not its storage order.
    Tensor m = Tensor.of(new float[][] {{1, 2}, {3, 4}});
    assertEquals("tensor([[1., 3.],\n        [2., 4.]])", m.t().toString());
    assertEquals("tensor([2., 4.])", m.index(":, 1").toString());
  }

  // ---------------------------------------------------------------- the reference file

  private static List<Case> readCases() throws IOException {
    InputStream in = PrintTest.class.getResourceAsStream(CASES);
    assertNotNull(in, CASES + " is missing from the test resources");
    List<Case> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String name = field(line, "case");
        DType dtype = dtypeOf(field(r.readLine(), "dtype"));
        int[] shape = ints(field(r.readLine(), "shape"));
        Tensor input = build(dtype, shape, r.readLine());
        int n = Integer.parseInt(field(r.readLine(), "expect"));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
          expected.append(i > 0 ? "\n" : "").append(r.readLine());
        }
        out.add(new Case(name, dtype, shape, input, expected.toString()));
      }
    }
    return out;
  }

  private static String field(String line, String key) {
    assertNotNull(line, "file ends before \"" + key + "\"");
    assertTrue(line.equals(key) || line.startsWith(key + " "),
        "expected \"" + key + " ...\", got \"" + line + "\"");
    return line.substring(key.length()).strip();
  }

  private static DType dtypeOf(String s) {
    return switch (s) {
      case "float32" -> DType.FLOAT32;
      case "float64" -> DType.FLOAT64;
      case "int64" -> DType.INT64;
      case "bool" -> DType.BOOL;
      default -> throw new IllegalArgumentException("unknown dtype " + s);
    };
  }

  private static int[] ints(String s) {
    return s.isEmpty() ? new int[0] : Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt)
        .toArray();
  }

  private static Tensor build(DType dtype, int[] shape, String line) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    double[] d = new double[n];
    long[] l = new long[n];
    if (line.startsWith("gen ")) {
      // Element i is ((i * a) % m - s) / dv, as the script computes it.
      String[] g = field(line, "gen").split(" ");
      long a = Long.parseLong(g[0]);
      long m = Long.parseLong(g[1]);
      long s = Long.parseLong(g[2]);
      double dv = Double.parseDouble(g[3]);
      for (int i = 0; i < n; i++) {
        l[i] = (i * a) % m - s;
        d[i] = (double) l[i] / dv;
      }
    } else {
      String body = field(line, "values");
      String[] v = body.isEmpty() ? new String[0] : body.split(" ");
      assertEquals(n, v.length, "values for shape " + Arrays.toString(shape));
      for (int i = 0; i < n; i++) {
        if (dtype.isFloatingPoint()) {
          d[i] = switch (v[i]) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v[i]);
          };
        } else {
          l[i] = Long.parseLong(v[i]);
        }
      }
    }
    Object data = switch (dtype) {
      case FLOAT64 -> d;
      case FLOAT32 -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) d[i];
        }
        yield f;
      }
      case INT64 -> l;
      case BOOL -> {
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
          b[i] = l[i] != 0;
        }
        yield b;
      }
    };
    return Tensor.fromArray(data, shape);
  }
}
