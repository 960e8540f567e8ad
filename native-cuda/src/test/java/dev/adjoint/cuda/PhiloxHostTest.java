package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Philox;
import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * philox.cuh, compiled for the host into libadjoint_cuda.so, against Random123's published
 * known-answer vectors and against the Java definition ({@link Philox}) and the CPU backend's
 * draws for many seeds, offsets and counts: the device draws the same numbers as the CPU.
 */
class PhiloxHostTest {
  private static final Backend CPU = Backends.cpu();

  @BeforeEach
  void built() {
    HostKernels.assumeBuilt();
  }

  @Test
  void random123KnownAnswers() {
    // Random123's kat_vectors for philox4x32_10 (counter, key -> output).
    int[][][] kat = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{-1, -1, -1, -1}, {-1, -1}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
            {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}};
    for (int[][] v : kat) {
      int[] out = new int[4];
      HostKernels.host_philox4x32(v[0], v[1], out);
      assertArrayEquals(v[2], out);
    }
  }

  @Test
  void blocksMatchJavaForManySeedsAndBlocks() {
    SplittableRandom r = new SplittableRandom(13);
    long[] host = new long[2];
    long[] java = new long[2];
    for (int t = 0; t < 20000; t++) {
      long seed = t % 3 == 0 ? r.nextLong(1000) : r.nextLong();
      long block = t % 5 == 0 ? r.nextLong(1L << 33) : r.nextLong();
      HostKernels.host_philox_block(seed, block, host);
      Philox.block(seed, block, java);
      assertArrayEquals(java, host, "seed " + seed + " block " + block);
    }
  }

  private static Object cpuDraw(DType dtype, int count, java.util.function.Consumer<Storage> f) {
    Storage s = CPU.allocate(dtype, count);
    f.accept(s);
    return CPU.toHostArray(s, dev.adjoint.backend.Layout.contiguous(count));
  }

  @Test
  void uniformValuesMatchTheCpuBackend() {
    long[][] cases = {{0, 0}, {42, 7}, {-1, 1L << 40}, {123456789, 3}};
    double[][] ranges = {{0, 1}, {-2, 3}, {1e-3, 1e-3 + 1e-9}, {5, 5.000001}};
    int count = 1001; // odd: the last value reads word 0 of its block
    for (long[] c : cases) {
      for (double[] range : ranges) {
        float[] hf = new float[count];
        HostKernels.host_random_f32(c[0], c[1], count, range[0], range[1], hf);
        float[] cf = (float[]) cpuDraw(DType.FLOAT32, count,
            s -> CPU.randomUniform(s, 0, count, c[0], c[1], range[0], range[1]));
        assertArrayEquals(cf, hf, "f32 seed " + c[0] + " offset " + c[1]);
        double[] hd = new double[count];
        HostKernels.host_random_f64(c[0], c[1], count, range[0], range[1], hd);
        double[] cd = (double[]) cpuDraw(DType.FLOAT64, count,
            s -> CPU.randomUniform(s, 0, count, c[0], c[1], range[0], range[1]));
        assertArrayEquals(cd, hd, "f64 seed " + c[0] + " offset " + c[1]);
      }
    }
  }

  @Test
  void normalValuesMatchTheCpuBackendToRoundingOfLibm() {
    // The CPU uses StrictMath's log, sin and cos (fdlibm), the host build glibc's: both within 1
    // ulp of the exact value, so values agree to a few ulp of their magnitude; 1e-14 relative to
    // max(1, |z|) allows that and nothing more (a wrong word or branch is off by O(1)).
    int count = 4001;
    for (long seed : new long[] {0, 7, -3, 1L << 50}) {
      double[] host = new double[count];
      HostKernels.host_normal_f64(seed, 11, count, 0.5, 2.0, host);
      double[] cpu = (double[]) cpuDraw(DType.FLOAT64, count,
          s -> CPU.randomNormal(s, 0, count, seed, 11, 0.5, 2.0));
      for (int i = 0; i < count; i++) {
        assertEquals(cpu[i], host[i], 1e-14 * Math.max(1, Math.abs(cpu[i])),
            "seed " + seed + " value " + i);
      }
    }
  }

  @Test
  void bernoulliAndIntegerValuesMatchTheCpuBackend() {
    int count = 2001;
    for (long seed : new long[] {0, 99, -5}) {
      byte[] hb = new byte[count];
      HostKernels.host_bernoulli(seed, 4, count, 0.3, hb);
      boolean[] cb = (boolean[]) cpuDraw(DType.BOOL, count,
          s -> CPU.randomBernoulli(s, 0, count, seed, 4, 0.3));
      for (int i = 0; i < count; i++) {
        assertEquals(cb[i], hb[i] != 0, "bernoulli seed " + seed + " value " + i);
      }
      long[][] ranges = {{0, 10}, {-5, 5}, {Long.MIN_VALUE, Long.MAX_VALUE}, {0, 1L << 62 | 3}};
      for (long[] range : ranges) {
        long[] hi = new long[count];
        HostKernels.host_randint(seed, 9, count, range[0], range[1], hi);
        long[] ci = (long[]) cpuDraw(DType.INT64, count,
            s -> CPU.randomInt(s, 0, count, seed, 9, range[0], range[1]));
        assertArrayEquals(ci, hi, "randint seed " + seed + " range " + range[0] + ".." + range[1]);
        for (long v : hi) {
          assertTrue(v >= range[0] && v < range[1]);
        }
      }
    }
  }
}
