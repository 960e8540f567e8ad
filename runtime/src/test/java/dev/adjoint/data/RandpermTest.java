package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Philox;
import dev.adjoint.tensor.Generator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The shuffle behind DataLoader and randomSplit: Fisher-Yates on the generator's stream. */
class RandpermTest {
  @Test
  void swapKTakesValueKOfOneDraw() {
    long seed = 99;
    Generator g = new Generator(seed);
    g.nextLong(); // offset 1
    int n = 11;
    int[] perm = Data.randperm(n, g);
    int[] expected = new int[n];
    for (int i = 0; i < n; i++) {
      expected[i] = i;
    }
    for (int k = 0; k < n - 1; k++) {
      int i = n - 1 - k;
      int j = (int) Philox.below(Philox.word(seed, 1, k), i + 1);
      int t = expected[i];
      expected[i] = expected[j];
      expected[j] = t;
    }
    assertArrayEquals(expected, perm);
    assertEquals(1 + 5, g.offset()); // ceil((11 - 1) / 2) blocks
    Data.randperm(1, g);
    Data.randperm(0, g);
    assertEquals(6, g.offset());
  }

  /** Every one of the 3! = 6 orders of 3 items comes up with frequency 1/6 (5 standard errors). */
  @Test
  void everyOrderIsEquallyLikely() {
    Generator g = new Generator(1);
    int trials = 60_000;
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    for (int t = 0; t < trials; t++) {
      counts.merge(Arrays.toString(Data.randperm(3, g)), 1, Integer::sum);
    }
    assertEquals(6, counts.size());
    double p = 1.0 / 6;
    for (var e : counts.entrySet()) {
      assertEquals(p, e.getValue() / (double) trials, 5 * Math.sqrt(p * (1 - p) / trials),
          e.getKey());
    }
  }
}
