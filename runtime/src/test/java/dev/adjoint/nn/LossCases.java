package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The PyTorch reference cases of {@code /pytorch/loss_cases.txt} (written by
 * {@code tools/pytorch-reference/loss_cases.py}): each builds a loss with PyTorch's options, calls
 * it through the generated code on inputs that require grad, and compares the result and the
 * gradients of the input (and of a floating point target) with PyTorch's.
 *
 * <p>Tolerances, |actual - expected| <= atol + rtol |expected|, per dtype of the input:
 *
 * <ul>
 *   <li>float64: rtol 1e-10, atol 1e-12. Both sides compute in float64 but in different orders
 *       (log-softmax as x - logsumexp(x) here, fused in PyTorch; sums in other orders), which
 *       costs a few ulp times the condition of sums of at most 25 terms: ~1e-14. Any slip in a
 *       formula (a wrong denominator, weight or smoothing term) moves results by 1e-3 or more.
 *   <li>float32: rtol 2e-5, atol 1e-6. A float32 ulp is 6e-8 relative; chains of about ten ops
 *       and sums of up to 25 terms in another order stay within ~40 ulp (2.4e-6), so 2e-5 leaves
 *       a factor of eight while still failing any formula error. atol covers gradients that are
 *       differences of nearly equal numbers (softmax - 1), whose absolute error is ulps of 1.
 * </ul>
 *
 * NaN must meet NaN (every target ignored) and an infinity the same infinity (the target gradient
 * of binary cross entropy at probability 0 or 1).
 */
final class LossCases {
  private static final String RESOURCE = "/pytorch/loss_cases.txt";

  private LossCases() {}

  /** One tensor of the file: dtype, shape and values as written. */
  record Data(DType dtype, int[] shape, String[] values) {
    /** The tensor the script built: the values read as double (or long) then cast to dtype. */
    Tensor tensor() {
      if (dtype == DType.INT64) {
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = Long.parseLong(values[i]);
        }
        return Tensor.fromArray(v, shape);
      }
      return Tensor.fromArray(doubles(), shape).to(dtype);
    }

    double[] doubles() {
      double[] v = new double[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = switch (values[i]) {
          case "nan" -> Double.NaN;
          case "inf" -> Double.POSITIVE_INFINITY;
          case "-inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(values[i]);
        };
      }
      return v;
    }
  }

  /** One case: the loss class, its options and its tensors by role. */
  record Case(String name, String loss, Map<String, String> options, Map<String, Data> tensors) {
    DType dtype() {
      return DType.valueOf(options.get("dtype").toUpperCase());
    }

    /** A source tensor converted to the case's dtype (an int64 target stays int64). */
    Tensor source(String role) {
      Data d = tensors.get(role);
      if (d == null) {
        return null;
      }
      Tensor t = d.tensor();
      return t.dtype() == DType.INT64 ? t : t.to(dtype());
    }

    double option(String key, double fallback) {
      String v = options.get(key);
      return v == null ? fallback : Double.parseDouble(v);
    }

    /** The loss module PyTorch's options describe. */
    Module build() {
      Reduction r = Reduction.of(options.get("reduction"));
      Tensor weight = source("weight");
      return switch (loss) {
        case "MSELoss" -> new MSELoss(r);
        case "L1Loss" -> new L1Loss(r);
        case "SmoothL1Loss" -> new SmoothL1Loss(r, option("beta", 1.0));
        case "NLLLoss" -> new NLLLoss(weight, (long) option("ignore_index", -100), r);
        case "CrossEntropyLoss" -> new CrossEntropyLoss(weight,
            (long) option("ignore_index", -100), r, option("label_smoothing", 0.0));
        case "BCELoss" -> new BCELoss(weight, r);
        case "BCEWithLogitsLoss" -> new BCEWithLogitsLoss(weight, r, source("pos_weight"));
        default -> throw new IllegalArgumentException("unknown loss " + loss);
      };
    }

    /** Runs the case and compares everything PyTorch wrote. */
    void check() {
      Tensor input = source("input").requiresGrad_(true);
      Tensor target = source("target");
      boolean targetGrad = tensors.containsKey("target_grad");
      if (targetGrad) {
        target.requiresGrad_(true);
      }
      Module lossFn = build();
      Tensor out = lossFn.call(input, target);
      assertNotNull(out.gradFn(), name + ": the call records a graph node");
      compare("out", tensors.get("out"), out);
      if (out.dim() == 0) {
        out.backward();
      } else {
        out.backward(source("grad_output"));
      }
      compare("input_grad", tensors.get("input_grad"), input.grad());
      if (targetGrad) {
        compare("target_grad", tensors.get("target_grad"), target.grad());
      }
    }

    private void compare(String role, Data expected, Tensor actual) {
      String what = name + " " + role;
      assertNotNull(actual, what + ": missing");
      assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
      assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
      assertClose(what, expected.doubles(), actual.toDoubleArray(), dtype());
    }
  }

  /** Elementwise comparison with the tolerance of {@code dtype} (see the class comment). */
  static void assertClose(String what, double[] expected, double[] actual, DType dtype) {
    double rtol = dtype == DType.FLOAT64 ? 1e-10 : 2e-5;
    double atol = dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      String at = what + " element " + i + ": expected " + e + ", got " + a;
      if (Double.isNaN(e)) {
        assertTrue(Double.isNaN(a), at);
      } else if (Double.isInfinite(e)) {
        assertEquals(e, a, at);
      } else {
        assertFalse(Double.isNaN(a) || Double.isInfinite(a), at);
        if (Math.abs(a - e) > atol + rtol * Math.abs(e)) {
          fail(at + " (beyond atol " + atol + " + rtol " + rtol + ")");
        }
      }
    }
  }

  /** Every case of {@code loss} (a torch.nn class name), one dynamic test each. */
  static Stream<DynamicTest> tests(String loss) {
    List<Case> cases = all().stream().filter(c -> c.loss().equals(loss)).toList();
    assertFalse(cases.isEmpty(), "no reference cases for " + loss + " in " + RESOURCE);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), c::check));
  }

  static List<Case> all() {
    InputStream in = LossCases.class.getResourceAsStream(RESOURCE);
    assertNotNull(in, RESOURCE + " is not on the test classpath");
    List<Case> cases = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8))) {
      String name = null;
      String loss = null;
      Map<String, String> options = new LinkedHashMap<>();
      Map<String, Data> tensors = new LinkedHashMap<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split(" ");
        switch (f[0]) {
          case "case" -> {
            name = f[1];
            options = new LinkedHashMap<>();
            tensors = new LinkedHashMap<>();
          }
          case "loss" -> loss = f[1];
          case "option" -> options.put(f[1], f[2]);
          case "tensor" -> {
            int[] shape = f[3].equals("scalar") ? new int[0]
                : Arrays.stream(f[3].split("x")).mapToInt(Integer::parseInt).toArray();
            tensors.put(f[1], new Data(DType.valueOf(f[2].toUpperCase()), shape,
                Arrays.copyOfRange(f, 4, f.length)));
          }
          case "end" -> cases.add(new Case(name, loss, options, tensors));
          default -> throw new IllegalStateException(RESOURCE + ": unexpected line " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }
}
