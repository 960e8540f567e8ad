package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Functional;
import org.junit.jupiter.api.Test;

/**
 * Statistical sanity of the Philox-backed draws on 2^20 values each. Every bound is 5 standard
 * errors of the statistic under the exact distribution (a correct generator fails one check with
 * probability below 6e-7), derived in the comment beside it; the seeds are fixed, so the test is
 * deterministic.
 */
class RandomStatisticsTest {
  private static final int N = 1 << 20;

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double variance(double[] v, double mean) {
    double s = 0;
    for (double x : v) {
      s += (x - mean) * (x - mean);
    }
    return s / v.length;
  }

  private static double[] doubles(Tensor t) {
    return t.toDouble().toDoubleArray();
  }

  @Test
  void uniformMeanAndVariance() {
    for (long seed : new long[] {0, 1, -1, 0x5eed}) {
      double[] u = doubles(Tensor.rand(new Generator(seed), N));
      double m = mean(u);
      // U[0, 1): mean 1/2, variance 1/12; SE(mean) = sqrt(1/12 / N) = 2.82e-4.
      assertEquals(0.5, m, 5 * Math.sqrt(1.0 / 12 / N), "mean, seed " + seed);
      // SE(variance) = sqrt((E(u - 1/2)^4 - 1/144) / N) = sqrt((1/80 - 1/144) / N) = 7.28e-5.
      assertEquals(1.0 / 12, variance(u, 0.5), 5 * Math.sqrt((1.0 / 80 - 1.0 / 144) / N),
          "variance, seed " + seed);
      for (double x : u) {
        assertTrue(x >= 0 && x < 1, "value " + x + " outside [0, 1)");
      }
      // Each tenth of [0, 1) holds p = 1/10 of the values: SE = sqrt(p (1 - p) / N).
      int[] counts = new int[10];
      for (double x : u) {
        counts[(int) (x * 10)]++;
      }
      for (int k = 0; k < 10; k++) {
        assertEquals(0.1, counts[k] / (double) N, 5 * Math.sqrt(0.09 / N), "decile " + k);
      }
    }
  }

  @Test
  void normalMeanVarianceAndShape() {
    for (long seed : new long[] {0, 7, Long.MIN_VALUE}) {
      double[] z = doubles(Tensor.randn(new Generator(seed), N));
      // N(0, 1): SE(mean) = 1 / sqrt(N) = 9.8e-4; SE(variance) = sqrt(2 / N) = 1.38e-3.
      assertEquals(0, mean(z), 5 / Math.sqrt(N), "mean, seed " + seed);
      assertEquals(1, variance(z, 0), 5 * Math.sqrt(2.0 / N), "variance, seed " + seed);
      // P(|z| < 1) = erf(1 / sqrt 2) = 0.682689492; P(|z| < 2) = 0.954499736.
      int in1 = 0;
      int in2 = 0;
      double lag = 0;
      for (int i = 0; i < N; i++) {
        in1 += Math.abs(z[i]) < 1 ? 1 : 0;
        in2 += Math.abs(z[i]) < 2 ? 1 : 0;
        if (i > 0) {
          lag += z[i] * z[i - 1];
        }
      }
      double p1 = 0.682689492;
      double p2 = 0.954499736;
      assertEquals(p1, in1 / (double) N, 5 * Math.sqrt(p1 * (1 - p1) / N), "|z| < 1");
      assertEquals(p2, in2 / (double) N, 5 * Math.sqrt(p2 * (1 - p2) / N), "|z| < 2");
      // Neighbours (the two halves of one Box-Muller pair, or of two blocks) are uncorrelated:
      // E(z_i z_{i+1}) = 0 with SE 1 / sqrt(N - 1).
      assertEquals(0, lag / (N - 1), 5 / Math.sqrt(N - 1), "lag-1 correlation");
    }
  }

  @Test
  void bernoulliFrequency() {
    for (double p : new double[] {0.1, 0.5, 0.9}) {
      // A dropout mask with drop probability p keeps a fraction 1 - p: SE = sqrt(p (1 - p) / N).
      double[] mask = doubles(Functional.dropoutMask(Tensor.ones(N), p, new Generator(3)));
      int kept = 0;
      for (double m : mask) {
        kept += m != 0 ? 1 : 0;
      }
      assertEquals(1 - p, kept / (double) N, 5 * Math.sqrt(p * (1 - p) / N), "p = " + p);
    }
  }

  @Test
  void randintIsUniformOverItsRange() {
    for (long range : new long[] {2, 3, 10, 1000}) {
      long[] k = Tensor.randint(new Generator(range), 5, 5 + range, N).toLongArray();
      long[] counts = new long[(int) range];
      for (long x : k) {
        assertTrue(x >= 5 && x < 5 + range, "value " + x);
        counts[(int) (x - 5)]++;
      }
      // Each outcome has p = 1 / range (within 2^-64): SE = sqrt(p (1 - p) / N). With 1000
      // outcomes, a 5-sigma bound on each would fail somewhere by chance too often to mean
      // anything, so that range is checked by its chi-square statistic instead: mean 999, SD
      // sqrt(2 * 999) = 44.7.
      double p = 1.0 / range;
      if (range <= 10) {
        for (int v = 0; v < range; v++) {
          assertEquals(p, counts[v] / (double) N, 5 * Math.sqrt(p * (1 - p) / N),
              "value " + (5 + v) + " of " + range);
        }
      } else {
        double expected = N * p;
        double chi2 = 0;
        for (long c : counts) {
          chi2 += (c - expected) * (c - expected) / expected;
        }
        assertEquals(range - 1, chi2, 5 * Math.sqrt(2 * (range - 1)), "chi-square");
      }
    }
  }
}
