package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.io.SafeTensors;
import dev.adjoint.io.SafeTensorsFile;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;

/** Helpers shared by the nn tests: reference files and tensor comparison. */
final class NnTesting {
  /**
   * Agreement with PyTorch in float32: {@code |actual - expected| <= FLOAT32_TOL * max(1,
   * max|expected|)} over each tensor. The values compared are sums of at most ~150 float32
   * products (a 3x3x4 convolution window, a batch-norm reduction over 100 values) and their
   * gradients; summing n terms in another order changes the result by at most about n * 2^-24
   * (~1e-5 for n = 150) of the tensor's scale, and typically by sqrt(n) * 2^-24 (~1e-6); the
   * largest difference measured over every case and fixture was 2.6e-7 of the scale. A wrong
   * formula (a missing term, a lost factor, a transposed kernel) is off by O(1) of the scale.
   */
  static final double FLOAT32_TOL = 2e-5;

  private NnTesting() {}

  /** A safetensors file from the test classpath ({@code src/test/resources}). */
  static SafeTensorsFile resource(String name) throws IOException {
    URL url = NnTesting.class.getResource("/" + name);
    assertNotNull(url, "missing test resource " + name);
    try {
      return SafeTensors.read(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  /** The largest |a - b|, as a double. */
  static double maxAbsDiff(Tensor a, Tensor b) {
    double[] x = a.toDoubleArray();
    double[] y = b.toDoubleArray();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  /** The largest |a|. */
  static double maxAbs(Tensor a) {
    double m = 0;
    for (double v : a.toDoubleArray()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** Same shape, and every element within {@code tol * max(1, max|expected|)}. */
  static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
    assertNotNull(actual, what + ": no tensor");
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double bound = tol * Math.max(1, maxAbs(expected));
    double diff = maxAbsDiff(expected, actual);
    assertTrue(diff <= bound, () -> what + ": max |difference| " + diff + " exceeds " + bound
        + "\nexpected " + expected + "\nactual   " + actual);
  }

  /** float32 agreement with a PyTorch reference, {@link #FLOAT32_TOL}. */
  static void assertMatchesTorch(Tensor expected, Tensor actual, String what) {
    assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
    assertClose(expected, actual, FLOAT32_TOL, what);
  }

  /** {@code Arrays.toString} for messages. */
  static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
