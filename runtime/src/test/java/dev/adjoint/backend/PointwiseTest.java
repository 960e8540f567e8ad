package dev.adjoint.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Fused elementwise programs against per-element Java arithmetic written out in the test (float
 * arithmetic for float32, which rounds each step exactly as the program must), over sizes around
 * the block and parallel-chunk boundaries, with operands at non-zero storage offsets.
 */
class PointwiseTest {
  /** out0 = max(|x| * s0 + y, z) / sqrt(exp(-x) + 1e-3); out1 = log(y * y + s1) - x. */
  private static Pointwise program() {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value x = b.input();
    Pointwise.Value y = b.input();
    Pointwise.Value z = b.input();
    Pointwise.Value s0 = b.scalar();
    Pointwise.Value s1 = b.scalar();
    Pointwise.Value num = b.maximum(b.add(b.mul(b.unary(Pointwise.Op.ABS, x), s0), y), z);
    Pointwise.Value den = b.sqrt(b.add(b.unary(Pointwise.Op.EXP, b.neg(x)), b.constant(1e-3)));
    Pointwise.Value out1 = b.sub(b.unary(Pointwise.Op.LOG, b.add(b.mul(y, y), s1)), x);
    return b.output(b.div(num, den)).output(out1).build();
  }

  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = r.nextDouble(-3, 3);
    }
    return d;
  }

  /** A contiguous tensor whose storage starts 3 elements in (a slice of a longer one). */
  private static Tensor offsetTensor(double[] values, DType dtype) {
    double[] padded = new double[values.length + 3];
    System.arraycopy(values, 0, padded, 3, values.length);
    Tensor t = Tensor.fromArray(padded, padded.length).to(dtype).narrow(0, 3, values.length);
    assertTrue(t.isContiguous());
    return t;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 1023, 1024, 1025, 70_001})
  void float32MatchesStepByStepFloatArithmetic(int n) {
    double[] xs = random(n, 1);
    double[] ys = random(n, 2);
    double[] zs = random(n, 3);
    Tensor x = offsetTensor(xs, DType.FLOAT32);
    Tensor y = offsetTensor(ys, DType.FLOAT32);
    Tensor z = offsetTensor(zs, DType.FLOAT32);
    Tensor o0 = Tensor.zeros(n);
    Tensor o1 = Tensor.zeros(n);
    program().apply(new double[] {0.3, 0.7}, new Tensor[] {x, y, z}, new Tensor[] {o0, o1});
    float[] r0 = o0.toFloatArray();
    float[] r1 = o1.toFloatArray();
    float s0 = (float) 0.3;
    float s1 = (float) 0.7;
    float c = (float) 1e-3;
    for (int i = 0; i < n; i++) {
      float xi = (float) xs[i];
      float yi = (float) ys[i];
      float zi = (float) zs[i];
      float num = Math.max(Math.abs(xi) * s0 + yi, zi);
      // The kernel's float32 exp is within 1 ulp of the rounded double exp (DenseMathTest):
      // the result is the step-by-step value for one of those three exps.
      float e = (float) Math.exp(-xi);
      boolean matched = false;
      for (float ei : new float[] {Math.nextDown(e), e, Math.nextUp(e)}) {
        matched |= num / (float) Math.sqrt(ei + c) == r0[i];
      }
      assertTrue(matched, "out0 at " + i + ": " + r0[i] + " vs " + num / (float) Math.sqrt(e + c));
      assertEquals((float) Math.log(yi * yi + s1) - xi, r1[i], 0f, "out1 at " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 1025, 70_001})
  void float64MatchesDoubleArithmetic(int n) {
    double[] xs = random(n, 4);
    double[] ys = random(n, 5);
    double[] zs = random(n, 6);
    Tensor o0 = Tensor.zeros(DType.FLOAT64, n);
    Tensor o1 = Tensor.zeros(DType.FLOAT64, n);
    program().apply(new double[] {0.3, 0.7},
        new Tensor[] {offsetTensor(xs, DType.FLOAT64), offsetTensor(ys, DType.FLOAT64),
            offsetTensor(zs, DType.FLOAT64)}, new Tensor[] {o0, o1});
    double[] r0 = (double[]) o0.toArray();
    double[] r1 = (double[]) o1.toArray();
    for (int i = 0; i < n; i++) {
      double num = Math.max(Math.abs(xs[i]) * 0.3 + ys[i], zs[i]);
      double den = Math.sqrt(Math.exp(-xs[i]) + 1e-3);
      assertEquals(num / den, r0[i], 0, "out0 at " + i);
      assertEquals(Math.log(ys[i] * ys[i] + 0.7) - xs[i], r1[i], 0, "out1 at " + i);
    }
  }

  @Test
  void outputsMayBeInputsAndCountAsInPlaceWrites() {
    int n = 3000;
    double[] xs = random(n, 7);
    double[] ys = random(n, 8);
    Tensor x = Tensor.fromArray(xs, n);
    Tensor y = Tensor.fromArray(ys, n);
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value xv = b.input();
    Pointwise.Value yv = b.input();
    // x <- y, y <- x + y: each element's inputs are read before its outputs are written.
    Pointwise swapAdd = b.output(yv).output(b.add(xv, yv)).build();
    int vx = x.version();
    int vy = y.version();
    swapAdd.apply(new double[0], new Tensor[] {x, y}, new Tensor[] {x, y});
    double[] rx = (double[]) x.toArray();
    double[] ry = (double[]) y.toArray();
    for (int i = 0; i < n; i++) {
      assertEquals(ys[i], rx[i], 0);
      assertEquals(xs[i] + ys[i], ry[i], 0);
    }
    assertEquals(vx + 1, x.version());
    assertEquals(vy + 1, y.version());
  }

  @Test
  void maximumPropagatesNaNAsTorchMaximum() {
    Tensor a = Tensor.of(new float[] {Float.NaN, 1f, 2f});
    Tensor c = Tensor.of(new float[] {0f, Float.NaN, 3f});
    Pointwise.Builder b = Pointwise.builder();
    Pointwise max = b.output(b.maximum(b.input(), b.input())).build();
    Tensor out = Tensor.zeros(3);
    max.apply(new double[0], new Tensor[] {a, c}, new Tensor[] {out});
    assertArrayEquals(a.maximum(c).toFloatArray(), out.toFloatArray());
    assertArrayEquals(new float[] {Float.NaN, Float.NaN, 3f}, out.toFloatArray());
  }

  @Test
  void badOperandsAreRefusedByName() {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise neg = b.output(b.neg(b.input())).build();
    Tensor x = Tensor.ones(2, 3);
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> neg.apply(new double[0], new Tensor[] {x, x}, new Tensor[] {x}));
    assertTrue(count.getMessage().contains("takes 0 scalars, 1 inputs and 1 outputs"),
        count.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> neg.apply(new double[0], new Tensor[] {Tensor.ones(3, 2)}, new Tensor[] {x}));
    assertTrue(shape.getMessage().contains("inputs[0] is [3, 2]"), shape.getMessage());
    IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
        () -> neg.apply(new double[0], new Tensor[] {Tensor.ones(DType.FLOAT64, 2, 3)},
            new Tensor[] {x}));
    assertTrue(dtype.getMessage().contains("torch.float64"), dtype.getMessage());
    IllegalArgumentException layout = assertThrows(IllegalArgumentException.class,
        () -> neg.apply(new double[0], new Tensor[] {Tensor.ones(3, 2).t()}, new Tensor[] {x}));
    assertTrue(layout.getMessage().contains("inputs[0] is not contiguous"), layout.getMessage());
    IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
        () -> neg.apply(new double[0], new Tensor[] {Tensor.arange(3)},
            new Tensor[] {Tensor.arange(3)}));
    assertTrue(ints.getMessage().contains("floating"), ints.getMessage());
    Tensor leaf = Tensor.ones(2, 3).requiresGrad_(true);
    IllegalStateException grad = assertThrows(IllegalStateException.class,
        () -> neg.apply(new double[0], new Tensor[] {x}, new Tensor[] {leaf}));
    assertTrue(grad.getMessage().contains("Pointwise.apply"), grad.getMessage());
    try (GradMode.Scope scope = GradMode.noGrad()) {
      neg.apply(new double[0], new Tensor[] {x}, new Tensor[] {leaf});
    }
    assertArrayEquals(new float[] {-1, -1, -1, -1, -1, -1}, leaf.toFloatArray());
    assertThrows(IllegalStateException.class, () -> Pointwise.builder().build());
    Pointwise.Builder other = Pointwise.builder();
    Pointwise.Value foreign = other.input();
    assertThrows(IllegalArgumentException.class, () -> Pointwise.builder().neg(foreign));
  }
}
