package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertBools;
import static dev.adjoint.tensor.TensorAssertions.assertFloats;
import static dev.adjoint.tensor.TensorAssertions.assertLongs;
import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;
import static dev.adjoint.tensor.TensorAssertions.assertValues;
import static dev.adjoint.tensor.TensorAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Factories ({@code eye}, {@code zeros}, {@code arange}, {@code rand}, {@code of}, ...) and the way back to Java. */
class CreationTest {

  // ------------------------------------------------------------------ eye, zeros, ones, full

  @Test
  void eyeIsTheSquareIdentity() {
    Tensor e = Tensor.eye(3);
    assertEquals(DType.FLOAT32, e.dtype());
    assertArrayEquals(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, e.toFloatArray2d());
  }

  @Test
  void eyeRectangularHasOnesOnTheMainDiagonalOnly() {
    assertArrayEquals(new float[][] {{1, 0, 0}, {0, 1, 0}}, Tensor.eye(2, 3).toFloatArray2d());
    assertArrayEquals(new float[][] {{1, 0}, {0, 1}, {0, 0}}, Tensor.eye(3, 2).toFloatArray2d());
    assertLongs(Tensor.eye(2, 2, DType.INT64), shape(2, 2), 1, 0, 0, 1);
    assertBools(Tensor.eye(1, 2, DType.BOOL), shape(1, 2), true, false);
    assertArrayEquals(new int[] {0, 4}, Tensor.eye(0, 4).shape());
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.eye(-1), "eye:", "-1");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.eye(2, -3), "eye:", "-3");
  }

  /** torch.empty: the shape, dtype and device asked for; its elements are whatever they are. */
  @Test
  void emptyHasTheShapeDtypeAndDeviceAskedFor() {
    Tensor t = Tensor.empty(DType.FLOAT64, Device.cpu(), 3, 4);
    assertArrayEquals(new int[] {3, 4}, t.shape());
    assertEquals(DType.FLOAT64, t.dtype());
    assertEquals(Device.cpu(), t.device());
    assertTrue(t.isContiguous());
    t.fill_(2.5);
    assertEquals(30.0, t.sum().item(), 0.0);
    assertEquals(0, Tensor.empty(DType.INT64, Device.cpu(), 0, 5).numel());
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.empty(DType.FLOAT32, Device.cpu(), 2, -1), "empty", "-1");
    assertThrows(NullPointerException.class, () -> Tensor.empty(null, Device.cpu(), 2));
    assertThrows(NullPointerException.class, () -> Tensor.empty(DType.FLOAT32, null, 2));
  }

  @Test
  void zerosOnesAndFullHonourTheDtype() {
    assertFloats(Tensor.zeros(2, 3), shape(2, 3), 0, 0, 0, 0, 0, 0);
    assertLongs(Tensor.zeros(DType.INT64, 2), shape(2), 0, 0);
    assertBools(Tensor.zeros(DType.BOOL, 2), shape(2), false, false);
    assertFloats(Tensor.ones(3), shape(3), 1, 1, 1);
    assertValues(Tensor.ones(DType.FLOAT64, 1, 2), DType.FLOAT64, shape(1, 2), 0, 1, 1);
    assertBools(Tensor.ones(DType.BOOL, 2), shape(2), true, true);
    assertFloats(Tensor.full(2.5, 2), shape(2), 2.5, 2.5);
    assertLongs(Tensor.full(7, DType.INT64, 3), shape(3), 7, 7, 7);
    // 0.1 is not a float32 value: float64 must keep it exactly.
    assertValues(Tensor.full(0.1, DType.FLOAT64, 1), DType.FLOAT64, shape(1), 0, 0.1);
    assertFloats(Tensor.full(0.1, 1), shape(1), (float) 0.1);
  }

  @Test
  void noSizesMakeAZeroDimTensorAndZeroSizesAnEmptyOne() {
    Tensor z = Tensor.zeros();
    assertEquals(0, z.dim());
    assertEquals(1, z.numel());
    Tensor empty = Tensor.ones(2, 0, 3);
    assertEquals(0, empty.numel());
    assertArrayEquals(new int[] {2, 0, 3}, empty.shape());
    assertEquals(0, empty.toFloatArray().length);
  }

  @Test
  void negativeSizesAreRefused() {
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.zeros(2, -1), "negative", "-1");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.ones(-2), "negative");
  }

  // ------------------------------------------------------------------ arange, linspace

  @Test
  void arangeWithIntegersIsInt64() {
    assertLongs(Tensor.arange(5), shape(5), 0, 1, 2, 3, 4);
    assertLongs(Tensor.arange(2, 6), shape(4), 2, 3, 4, 5);
    // ceil((10 - 1) / 3) = 3 values: 1, 4, 7.
    assertLongs(Tensor.arange(1, 10, 3), shape(3), 1, 4, 7);
    // ceil((0 - 10) / -3) = ceil(3.33) = 4 values: 10, 7, 4, 1.
    assertLongs(Tensor.arange(10, 0, -3), shape(4), 10, 7, 4, 1);
    assertLongs(Tensor.arange(3, 3), shape(0));
    assertLongs(Tensor.arange(-2, 1), shape(3), -2, -1, 0);
  }

  @Test
  void arangeWithDoublesIsFloat32() {
    // 0.25 steps are exact in binary floating point.
    assertFloats(Tensor.arange(0.0, 1.0, 0.25), shape(4), 0, 0.25, 0.5, 0.75);
    // ceil((0 - 1) / -0.5) = 2 values; the end is excluded.
    assertFloats(Tensor.arange(1.0, 0.0, -0.5), shape(2), 1, 0.5);
    // ceil(1 / 0.3) = 4 values, start + i * step computed in double then rounded to float32.
    assertFloats(Tensor.arange(0.0, 1.0, 0.3), shape(4),
        0, (float) 0.3, (float) (2 * 0.3), (float) (3 * 0.3));
  }

  @Test
  void arangeRefusesABadStep() {
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.arange(0, 10, 0), "arange:",
        "step");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.arange(0, 10, -1), "arange:",
        "step sign");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.arange(5, 0, 1), "arange:");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.arange(0.0, 1.0, 0.0),
        "arange:");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.arange(0.0, 1.0, Double.NaN),
        "arange:");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.arange(0.0, Double.POSITIVE_INFINITY, 1.0), "arange:");
  }

  @Test
  void linspaceHitsBothEndpointsExactly() {
    assertFloats(Tensor.linspace(0, 1, 5), shape(5), 0, 0.25, 0.5, 0.75, 1);
    assertFloats(Tensor.linspace(-1, 1, 3), shape(3), -1, 0, 1);
    assertFloats(Tensor.linspace(2, 2, 3), shape(3), 2, 2, 2);
    // 0.1 .. 0.7 in steps of ~0.1: interior values are within float32 rounding of 0.1 * (i + 1),
    // but the endpoints must be exactly the float32 values of start and end.
    float[] v = Tensor.linspace(0.1, 0.7, 7).toFloatArray();
    assertEquals((float) 0.1, v[0]);
    assertEquals((float) 0.7, v[6]);
    for (int i = 0; i < 7; i++) {
      // 1e-7 is about two float32 ulps at 0.7 (ulp = 6e-8).
      assertEquals(0.1 * (i + 1), v[i], 1e-7, "element " + i);
    }
  }

  @Test
  void linspaceWithOneStepIsTheStart() {
    // torch.linspace(3, 7, 1) == tensor([3.])
    assertFloats(Tensor.linspace(3, 7, 1), shape(1), 3);
    assertFloats(Tensor.linspace(3, 7, 0), shape(0));
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.linspace(0, 1, -1),
        "linspace:");
  }

  // ------------------------------------------------------------------ random

  @Test
  void aSeededGeneratorReproducesItsDraws() {
    float[] a = Tensor.rand(new Generator(42), 3, 4).toFloatArray();
    assertArrayEquals(a, Tensor.rand(new Generator(42), 3, 4).toFloatArray());
    assertFalse(Arrays.equals(a, Tensor.rand(new Generator(43), 3, 4).toFloatArray()));

    float[] n = Tensor.randn(new Generator(7), 5).toFloatArray();
    assertArrayEquals(n, Tensor.randn(new Generator(7), 5).toFloatArray());

    long[] k = Tensor.randint(new Generator(7), 0, 1000, 6).toLongArray();
    assertArrayEquals(k, Tensor.randint(new Generator(7), 0, 1000, 6).toLongArray());
  }

  @Test
  void consecutiveDrawsContinueOneStream() {
    // A draw of n values takes ceil(n / 2) blocks of two values each (Generator's documentation):
    // two draws of 4 are the halves of one draw of 8.
    Generator g = new Generator(11);
    float[] first = Tensor.rand(g, 4).toFloatArray();
    float[] second = Tensor.rand(g, 4).toFloatArray();
    float[] both = Tensor.rand(new Generator(11), 8).toFloatArray();
    assertArrayEquals(Arrays.copyOfRange(both, 0, 4), first);
    assertArrayEquals(Arrays.copyOfRange(both, 4, 8), second);

    // A draw of 3 leaves the second half of its last block unused: the next draw starts at
    // value 4 of the stream. The same holds for randn, whose Box-Muller pairs are blocks.
    Generator h = new Generator(12);
    float[] n1 = Tensor.randn(h, 3).toFloatArray();
    float[] n2 = Tensor.randn(h, 3).toFloatArray();
    float[] n8 = Tensor.randn(new Generator(12), 8).toFloatArray();
    assertArrayEquals(Arrays.copyOfRange(n8, 0, 3), n1);
    assertArrayEquals(Arrays.copyOfRange(n8, 4, 7), n2);
    assertEquals(4, h.offset());
  }

  @Test
  void manualSeedResetsTheDefaultGenerator() {
    Tensor.manualSeed(123);
    float[] r = Tensor.rand(5).toFloatArray();
    float[] n = Tensor.randn(5).toFloatArray();
    long[] k = Tensor.randint(0, 10, 5).toLongArray();
    // Without reseeding the stream moves on.
    assertFalse(Arrays.equals(r, Tensor.rand(5).toFloatArray()));

    Tensor.manualSeed(123);
    assertArrayEquals(r, Tensor.rand(5).toFloatArray());
    assertArrayEquals(n, Tensor.randn(5).toFloatArray());
    assertArrayEquals(k, Tensor.randint(0, 10, 5).toLongArray());

    // As torch.manual_seed(s) then torch.rand matches a Generator seeded with s.
    Tensor.manualSeed(123);
    assertArrayEquals(Tensor.rand(new Generator(123), 5).toFloatArray(),
        Tensor.rand(5).toFloatArray());
  }

  @Test
  void randIsUniformInTheHalfOpenUnitInterval() {
    int count = 100_000;
    Tensor t = Tensor.rand(new Generator(1), 100, 1000);
    assertEquals(DType.FLOAT32, t.dtype());
    assertArrayEquals(new int[] {100, 1000}, t.shape());
    float[] v = t.toFloatArray();
    double sum = 0;
    int belowQuarter = 0;
    float min = 1;
    float max = 0;
    for (float x : v) {
      assertTrue(x >= 0f && x < 1f, "rand value " + x + " is outside [0, 1)");
      sum += x;
      belowQuarter += x < 0.25f ? 1 : 0;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    // Mean of U(0,1) is 1/2 with sd 1/sqrt(12) = 0.2887, so the sample mean has sd
    // 0.2887 / sqrt(1e5) = 0.00091: 0.005 is 5.5 sigma.
    assertEquals(0.5, sum / count, 0.005);
    // P(x < 1/4) = 1/4; the fraction has sd sqrt(0.25 * 0.75 / 1e5) = 0.00137: 0.007 is 5 sigma.
    assertEquals(0.25, belowQuarter / (double) count, 0.007);
    // All 1e5 draws above 0.001 has probability 0.999^1e5 = e^-100.
    assertTrue(min < 0.001f && max > 0.999f, "min " + min + ", max " + max);
  }

  @Test
  void randintIsUniformInTheHalfOpenRange() {
    int count = 70_000;
    Tensor t = Tensor.randint(new Generator(5), -3, 4, count);
    assertEquals(DType.INT64, t.dtype());
    int[] hits = new int[7];
    for (long x : t.toLongArray()) {
      assertTrue(x >= -3 && x < 4, "randint value " + x + " is outside [-3, 4)");
      hits[(int) (x + 3)]++;
    }
    // Each of the 7 values expects 10000 hits with sd sqrt(70000 * 1/7 * 6/7) = 92.6; a band of
    // +-500 is 5.4 sigma, and also shows that the top value 3 (= high - 1) is drawn.
    for (int i = 0; i < 7; i++) {
      assertEquals(10_000, hits[i], 500, "hits of " + (i - 3));
    }
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.randint(5, 5, 3), "randint:",
        "low=5", "high=5");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.randint(5, 4, 3), "randint:");
  }

  @Test
  void randnHasMeanZeroAndStdOne() {
    int count = 200_000;
    Tensor t = Tensor.randn(new Generator(2024), count);
    assertEquals(DType.FLOAT32, t.dtype());
    double[] v = t.toDoubleArray();
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    double mean = sum / count;
    double squares = 0;
    int withinOne = 0;
    for (double x : v) {
      squares += (x - mean) * (x - mean);
      withinOne += Math.abs(x) < 1 ? 1 : 0;
    }
    double std = Math.sqrt(squares / (count - 1));
    // The sample mean has sd 1 / sqrt(2e5) = 0.0022 (0.01 is 4.5 sigma); the sample std has sd
    // about 1 / sqrt(2 * 2e5) = 0.0016 (0.01 is 6 sigma).
    assertEquals(0, mean, 0.01);
    assertEquals(1, std, 0.01);
    // P(|Z| < 1) = erf(1 / sqrt(2)) = 0.6827, sd of the fraction 0.0010: 0.005 is 4.8 sigma. This
    // tells a normal from, say, a uniform scaled to unit variance (P = 0.577).
    assertEquals(0.6827, withinOne / (double) count, 0.005);
  }

  // ------------------------------------------------------------------ of, scalar, fromArray

  @Test
  void ofFloatsIsA1dFloat32Tensor() {
    assertFloats(Tensor.of(1f, -2.5f, 3f), shape(3), 1, -2.5, 3);
  }

  @Test
  void ofFloatRowsIsA2dFloat32TensorThatCopies() {
    float[] row0 = {1, 2, 3};
    Tensor t = Tensor.of(row0, new float[] {4, 5, 6});
    row0[0] = 99;
    assertFloats(t, shape(2, 3), 1, 2, 3, 4, 5, 6);
  }

  @Test
  void ofDoublesKeepsFloat64() {
    // 0.1 and 1/3 are not float32 values; float64 must keep every bit.
    Tensor v = Tensor.of(0.1, 1.0 / 3);
    assertValues(v, DType.FLOAT64, shape(2), 0, 0.1, 1.0 / 3);
    Tensor m = Tensor.of(new double[] {0.1, 0.2}, new double[] {0.3, 1e-300});
    assertEquals(DType.FLOAT64, m.dtype());
    assertArrayEquals(new double[][] {{0.1, 0.2}, {0.3, 1e-300}}, m.toDoubleArray2d());
  }

  @Test
  void ofLongsIsInt64AndExactBeyondDoublePrecision() {
    long big = (1L << 53) + 1; // not representable as a double
    Tensor t = Tensor.of(1L, -2L, big);
    assertLongs(t, shape(3), 1, -2, big);
    assertEquals(big, Tensor.of(big).itemLong());
    assertLongs(Tensor.of(new long[] {1, 2}, new long[] {3, 4}), shape(2, 2), 1, 2, 3, 4);
  }

  @Test
  void ofBooleansIsBool() {
    assertBools(Tensor.of(true, false, true), shape(3), true, false, true);
  }

  @Test
  void raggedRowsAreRefused() {
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.of(new float[] {1, 2}, new float[] {3}), "of:", "row 0 has 2", "row 1 has 1");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.of(new double[] {1}, new double[] {2}, new double[] {3, 4}), "of:", "row 2");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.of(new long[] {1, 2}, new long[0]), "of:", "row 1");
  }

  @Test
  void scalarsAreZeroDim() {
    Tensor f = Tensor.scalar(2.5);
    assertFloats(f, shape(), 2.5);
    assertEquals(2.5, f.item());
    assertValues(Tensor.scalar(0.1, DType.FLOAT64), DType.FLOAT64, shape(), 0, 0.1);
    assertLongs(Tensor.scalar(7L), shape(), 7);
    assertLongs(Tensor.scalar(3), shape(), 3); // an int literal is an integer, as torch.tensor(3)
    assertBools(Tensor.scalar(true), shape(), true);
  }

  @Test
  void fromArrayFixesTheDtypeByTheArrayTypeAndChecksTheShape() {
    double[] data = {1, 2, 3, 4, 5, 6};
    Tensor t = Tensor.fromArray(data, 2, 3);
    data[0] = -1; // copied, not shared
    assertValues(t, DType.FLOAT64, shape(2, 3), 0, 1, 2, 3, 4, 5, 6);
    assertBools(Tensor.fromArray(new boolean[] {true, false}, 2, 1), shape(2, 1), true, false);
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.fromArray(new float[5], 2, 3), "fromArray:", "5 values", "[2, 3]",
        "6 elements");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.fromArray(new float[6], 2, -3), "fromArray:", "negative");
    assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new int[] {1}, 1));
    assertThrows(NullPointerException.class, () -> Tensor.fromArray(null, 1));
  }

  // ------------------------------------------------------------------ back to Java

  @Test
  void toArrayNestsByDimensionWithTheDtypesElementType() {
    Object m = Tensor.of(new float[] {1, 2}, new float[] {3, 4}).toArray();
    assertArrayEquals(new float[][] {{1, 2}, {3, 4}}, (float[][]) m);

    Object cube = Tensor.arange(8).view(2, 2, 2).toArray();
    assertArrayEquals(new long[][][] {{{0, 1}, {2, 3}}, {{4, 5}, {6, 7}}}, (long[][][]) cube);

    assertArrayEquals(new boolean[] {true, false}, (boolean[]) Tensor.of(true, false).toArray());
    assertArrayEquals(new double[] {0.1}, (double[]) Tensor.of(0.1).toArray());

    assertEquals(Float.valueOf(2.5f), Tensor.scalar(2.5).toArray());
    assertEquals(Long.valueOf(7), Tensor.scalar(7L).toArray());

    // A view is read in its own (logical) order, not the storage order.
    Object transposed = Tensor.of(new float[] {1, 2, 3}, new float[] {4, 5, 6}).t().toArray();
    assertArrayEquals(new float[][] {{1, 4}, {2, 5}, {3, 6}}, (float[][]) transposed);

    Object empty = Tensor.zeros(2, 0).toArray();
    assertInstanceOf(float[][].class, empty);
    assertEquals(2, ((float[][]) empty).length);
    assertEquals(0, ((float[][]) empty)[0].length);
  }

  @Test
  void toFloatArrayConvertsOtherDtypes() {
    assertArrayEquals(new float[] {1, -2, 3}, Tensor.of(1L, -2L, 3L).toFloatArray());
    assertArrayEquals(new float[] {1, 0}, Tensor.of(true, false).toFloatArray());
    assertArrayEquals(new float[] {(float) 0.1}, Tensor.of(0.1).toFloatArray());
    // Floats become int64 by truncation toward zero, as a C cast (and tensor.long()).
    assertArrayEquals(new long[] {2, -2, 0}, Tensor.of(2.7f, -2.7f, 0.5f).toLongArray());
  }

  @Test
  void toDoubleArray2dGivesRowsAndRefusesOtherRanks() {
    Tensor m = Tensor.of(new float[] {1, 2, 3}, new float[] {4, 5, 6});
    assertArrayEquals(new double[][] {{1, 2, 3}, {4, 5, 6}}, m.toDoubleArray2d());
    assertArrayEquals(new double[][] {{1, 4}, {2, 5}, {3, 6}}, m.t().toDoubleArray2d());
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.ones(3).toDoubleArray2d(),
        "toDoubleArray2d:", "[3]");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.ones(3).toFloatArray2d(),
        "toFloatArray2d:");
  }

  @Test
  void itemReadsOneElement() {
    assertEquals(2.5, Tensor.scalar(2.5).item());
    assertEquals(3.0, Tensor.of(new float[][] {{3}}).item()); // 1 x 1 is one element too
    assertEquals(0.1, Tensor.of(0.1).item()); // float64 read exactly
    assertEquals(7L, Tensor.of(7L).itemLong());
    assertEquals(-2L, Tensor.scalar(-2.7).itemLong()); // truncation toward zero
    assertTrue(Tensor.scalar(true).itemBoolean());
    assertFalse(Tensor.scalar(0.0).itemBoolean());
    assertTrue(Tensor.scalar(-0.5).itemBoolean()); // nonzero is true
  }

  @Test
  void itemRefusesMoreThanOneElement() {
    Tensor two = Tensor.of(1f, 2f);
    assertThrowsWith(IllegalStateException.class, two::item, "item:", "2 elements", "[2]");
    assertThrowsWith(IllegalStateException.class, two::itemLong, "itemLong:", "2 elements");
    assertThrowsWith(IllegalStateException.class, Tensor.of(true, true)::itemBoolean,
        "itemBoolean:");
    assertThrowsWith(IllegalStateException.class, () -> Tensor.zeros(0).item(), "item:",
        "0 elements");
  }
}
