package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PyTorch reference in {@code pytorch/optim_cases.txt}, written by
 * {@code tools/pytorch-reference/optim_cases.py} (its docstring describes the format), and the
 * comparisons the optim tests share.
 */
final class PyTorchOptimCases {
  /** One optimizer run: constructor arguments, groups, parameters after each step. */
  record OptimCase(String name, String optimizer, Map<String, Object> kwargs,
      List<Group> groups, Map<Integer, Map<String, double[]>> after,
      List<Map<String, Object>> sdGroups, Map<Integer, Map<String, Object>> sdState) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A parameter group: parameter names and the options it overrides. */
  record Group(List<String> names, Map<String, Object> options) {}

  /** A scheduler run: the lr of each group after construction (k = 0) and each step. */
  record SchedCase(String name, String kind, List<Double> lrs, Map<String, Object> kwargs,
      double[] metrics, List<double[]> lrAfter) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A clip_grad_norm_ call: gradients before, the returned norm, gradients after. */
  record ClipCase(String name, double maxNorm, double normType, Map<String, double[]> given,
      double total, Map<String, double[]> clipped) {
    @Override
    public String toString() {
      return name;
    }
  }

  final Map<String, Tensor> tensors = new LinkedHashMap<>();
  final List<OptimCase> optimCases = new ArrayList<>();
  final List<SchedCase> schedCases = new ArrayList<>();
  final List<ClipCase> clipCases = new ArrayList<>();

  private static PyTorchOptimCases instance;

  static synchronized PyTorchOptimCases load() {
    if (instance == null) {
      instance = new PyTorchOptimCases();
      String resource = "/pytorch/optim_cases.txt";
      try (InputStream in = PyTorchOptimCases.class.getResourceAsStream(resource)) {
        assertNotNull(in, "missing test resource " + resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String[]> lines = new ArrayList<>();
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (!line.isBlank() && !line.startsWith("#")) {
            lines.add(line.trim().split(" +"));
          }
        }
        instance.parse(lines);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  private void parse(List<String[]> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String[] w = lines.get(i);
      switch (w[0]) {
        case "tensor" -> tensors.put(w[1], tensor(w, 2));
        case "case" -> i = optimCase(lines, i);
        case "sched" -> i = schedCase(lines, i);
        case "clip" -> i = clipCase(lines, i);
        default -> throw new IllegalStateException("optim_cases.txt: unexpected line "
            + String.join(" ", w));
      }
    }
  }

  private int optimCase(List<String[]> lines, int i) {
    String[] head = lines.get(i);
    Map<String, Object> kwargs = new LinkedHashMap<>();
    List<Group> groups = new ArrayList<>();
    Map<Integer, Map<String, double[]>> after = new TreeMap<>();
    List<Map<String, Object>> sdGroups = new ArrayList<>();
    Map<Integer, Map<String, Object>> sdState = new TreeMap<>();
    for (i++; !lines.get(i)[0].equals("end"); i++) {
      String[] w = lines.get(i);
      switch (w[0]) {
        case "kwargs" -> kwargs.putAll(options(w, 1));
        case "group" -> groups.add(new Group(List.of(w[1].split(",")), options(w, 2)));
        case "after" -> after.computeIfAbsent(Integer.parseInt(w[1]), k -> new LinkedHashMap<>())
            .put(w[2], doubles(w, 3));
        case "sdgroup" -> {
          int g = Integer.parseInt(w[1]);
          while (sdGroups.size() <= g) {
            sdGroups.add(new LinkedHashMap<>());
          }
          Object v;
          if (w[2].equals("params")) {
            List<Integer> ids = new ArrayList<>();
            for (int j = 3; j < w.length; j++) {
              ids.add(Integer.parseInt(w[j]));
            }
            v = ids;
          } else {
            v = value(w[3]);
          }
          sdGroups.get(g).put(w[2], v);
        }
        case "sdstate" -> {
          Object v = switch (w[3]) {
            case "tensor" -> tensor(w, 4);
            case "int" -> Long.parseLong(w[4]);
            case "float" -> Double.parseDouble(w[4]);
            default -> throw new IllegalStateException("sdstate kind " + w[3]);
          };
          sdState.computeIfAbsent(Integer.parseInt(w[1]), k -> new LinkedHashMap<>()).put(w[2], v);
        }
        default -> throw new IllegalStateException("case " + head[1] + ": unexpected " + w[0]);
      }
    }
    optimCases.add(new OptimCase(head[1], head[2], kwargs, groups, after, sdGroups, sdState));
    return i;
  }

  private int schedCase(List<String[]> lines, int i) {
    String[] head = lines.get(i);
    Map<String, Object> kwargs = options(head, 4);
    List<Double> lrs = new ArrayList<>();
    for (String s : head[3].substring("lrs=".length()).split(",")) {
      lrs.add(Double.parseDouble(s));
    }
    double[] metrics = null;
    List<double[]> lrAfter = new ArrayList<>();
    for (i++; !lines.get(i)[0].equals("end"); i++) {
      String[] w = lines.get(i);
      if (w[0].equals("metrics")) {
        metrics = doubles(w, 1);
      } else {
        assertEquals("lr", w[0]);
        assertEquals(lrAfter.size(), Integer.parseInt(w[1]), "lr lines in order");
        lrAfter.add(doubles(w, 2));
      }
    }
    schedCases.add(new SchedCase(head[1], head[2], lrs, kwargs, metrics, lrAfter));
    return i;
  }

  private int clipCase(List<String[]> lines, int i) {
    String[] head = lines.get(i);
    Map<String, Object> kw = options(head, 2);
    Map<String, double[]> given = new LinkedHashMap<>();
    Map<String, double[]> clipped = new LinkedHashMap<>();
    double total = Double.NaN;
    for (i++; !lines.get(i)[0].equals("end"); i++) {
      String[] w = lines.get(i);
      switch (w[0]) {
        case "given" -> given.put(w[1], doubles(w, 2));
        case "grad" -> clipped.put(w[1], doubles(w, 2));
        case "total" -> total = Double.parseDouble(w[1]);
        default -> throw new IllegalStateException("clip " + head[1] + ": unexpected " + w[0]);
      }
    }
    clipCases.add(new ClipCase(head[1], (Double) kw.get("max_norm"), (Double) kw.get("norm_type"),
        given, total, clipped));
    return i;
  }

  /** {@code key=value} words: numbers as Double, True/False, None, {@code a,b} lists. */
  private static Map<String, Object> options(String[] w, int from) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int j = from; j < w.length; j++) {
      int eq = w[j].indexOf('=');
      out.put(w[j].substring(0, eq), value(w[j].substring(eq + 1)));
    }
    return out;
  }

  static Object value(String s) {
    switch (s) {
      case "True":
        return Boolean.TRUE;
      case "False":
        return Boolean.FALSE;
      case "None":
        return null;
      case "inf":
        return Double.POSITIVE_INFINITY;
      default:
        break;
    }
    if (s.contains(",")) {
      List<Double> out = new ArrayList<>();
      for (String x : s.split(",")) {
        out.add(Double.parseDouble(x));
      }
      return out;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }

  private static double[] doubles(String[] w, int from) {
    double[] out = new double[w.length - from];
    for (int j = 0; j < out.length; j++) {
      out[j] = Double.parseDouble(w[from + j]);
    }
    return out;
  }

  /** {@code <ndim> <sizes...> <values...>} as a float32 tensor (values are float32 exactly). */
  private static Tensor tensor(String[] w, int from) {
    int ndim = Integer.parseInt(w[from]);
    int[] shape = new int[ndim];
    int n = 1;
    for (int d = 0; d < ndim; d++) {
      shape[d] = Integer.parseInt(w[from + 1 + d]);
      n *= shape[d];
    }
    double[] v = doubles(w, from + 1 + ndim);
    assertEquals(n, v.length, "values of a tensor of shape " + Arrays.toString(shape));
    float[] f = new float[n];
    for (int j = 0; j < n; j++) {
      f[j] = (float) v[j];
      assertEquals(v[j], f[j], 0.0, "reference values are float32");
    }
    return Tensor.fromArray(f, shape);
  }

  // ------------------------------------------------------------------ comparisons

  /**
   * Asserts {@code |actual - expected| <= atol + rtol * |expected|} element by element, with the
   * element count checked and the first element outside the bound named on failure.
   */
  static void assertClose(String what, double[] expected, Tensor actual, double rtol,
      double atol) {
    double[] a = actual.toDoubleArray();
    assertEquals(expected.length, a.length, what + ": element count");
    for (int i = 0; i < a.length; i++) {
      double bound = atol + rtol * Math.abs(expected[i]);
      int at = i;
      assertTrue(Math.abs(a[i] - expected[i]) <= bound, () -> what + ": element " + at
          + " is " + a[at] + ", PyTorch has " + expected[at] + " (allowed difference " + bound
          + ")");
    }
  }

  /** {@link #assertClose(String, double[], Tensor, double, double)} against a tensor. */
  static void assertClose(String what, Tensor expected, Tensor actual, double rtol,
      double atol) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    assertEquals(DType.FLOAT32, actual.dtype(), what + ": dtype");
    assertClose(what, expected.toDoubleArray(), actual, rtol, atol);
  }

  private PyTorchOptimCases() {}
}
