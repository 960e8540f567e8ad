package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UpdatePrograms;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-fused optimizer loops against their specification: the same {@link UpdatePrograms}
 * program evaluated step by step by {@link PointwiseKernel}, bit for bit, for every combination
 * of options, in float32 and float64, on values that include zeros, signed zeros, huge, tiny,
 * infinite and NaN elements, at offset 0 and inside a larger storage, over lengths that cover
 * the vector loops' tails and the parallel split. (NaNs compare as NaN, whatever their
 * payload: the JIT may swap the operands of a commutative operation.)
 */
class FusedUpdatesTest {
  private static final int[] LENGTHS = {1, 7, 16, 33, 1000, (1 << 16) + 5};

  /** Adam's scalars: decay, beta1, 1-beta1, beta2, 1-beta2, sqrt(bc2), eps, -step. */
  private static final double[] ADAM_SCALARS =
      {0.01, 0.9, 0.1, 0.999, 1e-3, Math.sqrt(1 - Math.pow(0.999, 3)), 1e-8, -1e-3 / 0.271};
  /** SGD's scalars: weight_decay, momentum, 1-dampening, -lr. */
  private static final double[] SGD_SCALARS = {0.05, 0.9, 0.75, -0.1};

  @Test
  void everyAdamFormMatchesItsProgram() {
    int forms = 0;
    for (int key = 0; key < 16; key++) {
      boolean decoupled = (key & 1) != 0;
      boolean coupled = (key & 2) != 0;
      if (decoupled && coupled) {
        continue; // the optimizers never ask for both
      }
      UpdatePrograms.Adam form = new UpdatePrograms.Adam(decoupled, coupled, (key & 4) != 0,
          (key & 8) != 0);
      Pointwise program = UpdatePrograms.adam(form);
      int[] updated = form.amsgrad() ? new int[] {2, 3, 4, 0} : new int[] {2, 3, 0};
      check(program, ADAM_SCALARS, updated, "" + form);
      forms++;
    }
    assertEquals(12, forms);
  }

  @Test
  void everySgdFormMatchesItsProgram() {
    for (int key = 0; key < 32; key++) {
      UpdatePrograms.Sgd form = new UpdatePrograms.Sgd((key & 1) != 0, (key & 2) != 0,
          (key & 4) != 0, (key & 8) != 0, (key & 16) != 0);
      Pointwise program = UpdatePrograms.sgd(form);
      int[] updated = form.momentum() ? new int[] {2, 0} : new int[] {0};
      check(program, SGD_SCALARS, updated, "" + form);
    }
  }

  /** Separate outputs, offsets that differ, or one storage as two inputs: not fused. */
  @Test
  void otherLayoutsAreLeftToTheEvaluator() {
    Pointwise sgd = UpdatePrograms.sgd(new UpdatePrograms.Sgd(false, false, false, false, false));
    Storage p = CpuStorage.allocate(dev.adjoint.tensor.DType.FLOAT32, 8);
    Storage g = CpuStorage.allocate(dev.adjoint.tensor.DType.FLOAT32, 8);
    Storage other = CpuStorage.allocate(dev.adjoint.tensor.DType.FLOAT32, 8);
    double[] s = SGD_SCALARS;
    assertTrue(FusedUpdates.run(sgd, s, 4, new Storage[] {p, g}, new long[] {0, 0},
        new Storage[] {p}, new long[] {0}));
    assertFalse(FusedUpdates.run(sgd, s, 4, new Storage[] {p, g}, new long[] {0, 0},
        new Storage[] {other}, new long[] {0}), "a separate output");
    assertFalse(FusedUpdates.run(sgd, s, 4, new Storage[] {p, g}, new long[] {0, 4},
        new Storage[] {p}, new long[] {0}), "offsets that differ");
    assertFalse(FusedUpdates.run(sgd, s, 4, new Storage[] {p, p}, new long[] {0, 0},
        new Storage[] {p}, new long[] {0}), "one storage read as two inputs");
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value x = b.input();
    Pointwise.Value y = b.input();
    Pointwise sameStepsNoForm = b.output(b.add(x, b.mul(y, b.scalar()))).build();
    assertFalse(FusedUpdates.run(sameStepsNoForm, new double[] {-0.1}, 4, new Storage[] {p, g},
        new long[] {0, 0}, new Storage[] {p}, new long[] {0}), "a program UpdatePrograms did"
        + " not build, even with SGD's steps");
  }

  private static void check(Pointwise program, double[] scalars, int[] updated, String what) {
    for (dev.adjoint.tensor.DType dtype : new dev.adjoint.tensor.DType[] {
        dev.adjoint.tensor.DType.FLOAT32, dev.adjoint.tensor.DType.FLOAT64}) {
      for (int n : LENGTHS) {
        for (int offset : new int[] {0, 3}) {
          Random r = new Random(n * 31L + offset);
          int ins = program.inputCount();
          List<Object> init = new ArrayList<>();
          for (int k = 0; k < ins; k++) {
            init.add(values(dtype, n + offset + 2, r, k == 3 || k == 4));
          }
          Storage[] fusedIn = storages(init);
          Storage[] evalIn = storages(init);
          long[] off = new long[ins];
          java.util.Arrays.fill(off, offset);
          Storage[] fusedOut = new Storage[updated.length];
          Storage[] evalOut = new Storage[updated.length];
          long[] outOff = new long[updated.length];
          for (int k = 0; k < updated.length; k++) {
            fusedOut[k] = fusedIn[updated[k]];
            evalOut[k] = evalIn[updated[k]];
            outOff[k] = offset;
          }
          String at = what + " " + dtype + " n=" + n + " offset=" + offset;
          assertTrue(FusedUpdates.run(program, scalars, n, fusedIn, off, fusedOut, outOff),
              "not fused: " + at);
          PointwiseKernel.run(program, scalars, n, evalIn, off, evalOut, outOff);
          for (int k = 0; k < ins; k++) {
            Object f = CpuBackend.cpu(fusedIn[k]).array();
            Object e = CpuBackend.cpu(evalIn[k]).array();
            if (f instanceof float[] ff) {
              assertArrayEquals(bits((float[]) e), bits(ff), "input " + k + ": " + at);
            } else {
              assertArrayEquals(bits((double[]) e), bits((double[]) f), "input " + k + ": " + at);
            }
          }
        }
      }
    }
  }

  /** Gaussian values with a sprinkle of special ones; second moments kept non-negative. */
  private static Object values(dev.adjoint.tensor.DType dtype, int n, Random r,
      boolean nonNegative) {
    double[] special = {0.0, -0.0, 1e-40, -1e-30, 3e38, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN, 1e300, 5e-324};
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      double v = r.nextInt(50) == 0 ? special[r.nextInt(special.length)] : r.nextGaussian();
      d[i] = nonNegative && !Double.isNaN(v) ? Math.abs(v) : v;
    }
    if (dtype == dev.adjoint.tensor.DType.FLOAT64) {
      return d;
    }
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static Storage[] storages(List<Object> arrays) {
    Storage[] s = new Storage[arrays.size()];
    for (int k = 0; k < s.length; k++) {
      Object a = arrays.get(k);
      s[k] = CpuStorage.wrap(a instanceof float[] f ? f.clone() : ((double[]) a).clone());
    }
    return s;
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToIntBits(a[i]);
    }
    return b;
  }

  private static long[] bits(double[] a) {
    long[] b = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Double.doubleToLongBits(a[i]);
    }
    return b;
  }
}
