package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Functional#erf} against CPython's {@code math.erf} (the C library's, correctly rounded
 * or within an ulp), and GELU's exact form built on it against values computed from those.
 */
class ErfTest {
  // x, math.erf(x) from /usr/bin/python3; both sides of the series / continued fraction switch
  // at 2.5, tiny and saturated arguments.
  private static final double[][] REFERENCE = {
      {-7.0, -1.0},
      {-3.0, -0.9999779095030014},
      {-2.5000001, -0.9995930482003834},
      {-1.0, -0.8427007929497149},
      {-0.3, -0.3286267594591274},
      {0.0, 0.0},
      {1e-08, 1.1283791670955126e-08},
      {0.1, 0.1124629160182849},
      {0.5, 0.5204998778130465},
      {1.0, 0.8427007929497149},
      {1.5, 0.9661051464753108},
      {2.0, 0.9953222650189527},
      {2.4999999, 0.9995930477647266},
      {2.5, 0.999593047982555},
      {3.0, 0.9999779095030014},
      {4.0, 0.9999999845827421},
      {5.5, 0.9999999999999927},
      {6.5, 1.0},
  };

  @Test
  void float64MatchesTheCLibraryToAFewUlps() {
    double[] x = new double[REFERENCE.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = REFERENCE[i][0];
    }
    double[] y = Functional.erf(Tensor.of(x)).toDoubleArray();
    for (int i = 0; i < x.length; i++) {
      double expected = REFERENCE[i][1];
      // 4 ulps of the expected value: the series and the fraction each lose a few roundings.
      assertEquals(expected, y[i], 4 * Math.ulp(expected), "erf(" + x[i] + ")");
    }
  }

  @Test
  void float32IsTheRoundedFloat64AndIntegersPromote() {
    float[] x = {-2f, -0.5f, 0.25f, 3f};
    float[] y = Functional.erf(Tensor.of(x)).toFloatArray();
    double[] y64 = Functional.erf(Tensor.of(x).toDouble()).toDoubleArray();
    for (int i = 0; i < x.length; i++) {
      assertEquals((float) y64[i], y[i], 0f);
    }
    Tensor fromLong = Functional.erf(Tensor.of(0L, 1L));
    assertEquals(DType.FLOAT32, fromLong.dtype());
    assertArrayEquals(new float[] {0f, (float) 0.8427007929497149}, fromLong.toFloatArray(), 0f);
    assertTrue(Double.isNaN(Functional.erf(Tensor.of(Double.NaN)).item()), "NaN propagates");
  }

  @Test
  void exactGeluIsXTimesTheNormalCdf() {
    // gelu(x) = x (1 + erf(x / sqrt 2)) / 2; math.erf(2 ** -0.5) = 0.682689492137086, so
    // gelu(1) = 0.841344746068543 and gelu(-1) = -(1 - 0.682689492137086) / 2
    // = -0.15865525393145702 (both from /usr/bin/python3).
    double[] y = Functional.gelu(Tensor.of(1.0, -1.0, 0.0), "none").toDoubleArray();
    assertEquals(0.841344746068543, y[0], 1e-15);
    assertEquals(-0.15865525393145702, y[1], 1e-15);
    assertEquals(0, y[2], 0);
  }
}
