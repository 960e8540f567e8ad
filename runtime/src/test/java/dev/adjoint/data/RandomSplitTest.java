package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomSplitTest {
  private static TensorDataset range(int n) {
    long[] v = new long[n];
    Arrays.setAll(v, i -> i);
    return new TensorDataset(Tensor.fromArray(v, n));
  }

  private static int[] sizes(List<? extends Dataset<?>> splits) {
    return splits.stream().mapToInt(Dataset::size).toArray();
  }

  @Test
  void fractionsGiveTheLengthsPyTorchGives() {
    // Expected lengths from torch.utils.data.random_split(range(n), fractions) (PyTorch 2.x).
    assertArrayEquals(new int[] {8, 2},
        sizes(Data.randomSplit(range(10), new double[] {0.8, 0.2}, new Generator(0))));
    assertArrayEquals(new int[] {6, 5},
        sizes(Data.randomSplit(range(11), new double[] {0.5, 0.5}, new Generator(0))));
    assertArrayEquals(new int[] {4, 3, 3},
        sizes(Data.randomSplit(range(10), new double[] {0.33, 0.33, 0.34}, new Generator(0))));
    assertArrayEquals(new int[] {1, 1, 5},
        sizes(Data.randomSplit(range(7), new double[] {0.1, 0.1, 0.8}, new Generator(0))));
    assertArrayEquals(new int[] {14448, 3096, 3096},
        sizes(Data.randomSplit(range(20640), new double[] {0.7, 0.15, 0.15}, new Generator(0))));
  }

  @Test
  void splitsPartitionTheDatasetReproducibly() {
    TensorDataset ds = range(100);
    List<Subset<Tensor[]>> a = Data.randomSplit(ds, new int[] {30, 70}, new Generator(42));
    List<Subset<Tensor[]>> b = Data.randomSplit(ds, new int[] {30, 70}, new Generator(42));
    List<Subset<Tensor[]>> c = Data.randomSplit(ds, new int[] {30, 70}, new Generator(43));
    assertArrayEquals(a.get(0).indices(), b.get(0).indices());
    assertFalse(Arrays.equals(a.get(0).indices(), c.get(0).indices()));
    int[] all = new int[100];
    for (Subset<Tensor[]> s : a) {
      for (int i = 0; i < s.size(); i++) {
        all[(int) s.get(i)[0].itemLong()]++;
      }
    }
    int[] once = new int[100];
    Arrays.fill(once, 1);
    assertArrayEquals(once, all, "every sample lands in exactly one split");
    int[] first = a.get(0).indices();
    int[] sorted = first.clone();
    Arrays.sort(sorted);
    assertFalse(Arrays.equals(first, sorted), "the split is random, not a prefix");
  }

  @Test
  void permutationsAreUniform() {
    // 6000 shuffles of 3 items: each of the 6 orders should appear about 1000 times. The
    // chi-square statistic with 5 degrees of freedom exceeds 20.5 with probability 0.001; a
    // biased shuffle (e.g. swapping with any position instead of an earlier one) gives over 60.
    Generator g = new Generator(1234);
    int[] counts = new int[6];
    for (int t = 0; t < 6000; t++) {
      int[] p = Data.randperm(3, g);
      counts[p[0] * 2 + (p[1] > p[2] ? 1 : 0)]++;
    }
    double sum = 0;
    for (int c : counts) {
      sum += (c - 1000.0) * (c - 1000.0) / 1000.0;
    }
    double chi2 = sum;
    assertTrue(chi2 < 20.5, () -> "chi-square " + chi2 + " for counts " + Arrays.toString(counts));
  }

  @Test
  void badLengthsAndFractionsAreExplained() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Data.randomSplit(range(10), new int[] {3, 6}, new Generator(0)));
    assertEquals("randomSplit: lengths [3, 6] add up to 9 but the dataset has 10 samples; give"
        + " lengths that add up to it, or fractions that add up to 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Data.randomSplit(range(10), new int[] {-1, 11}, new Generator(0)));
    assertTrue(e.getMessage().contains("non-negative"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Data.randomSplit(range(10), new double[] {0.5, 0.4}, new Generator(0)));
    assertEquals("randomSplit: fractions [0.5, 0.4] add up to 0.9, not 1; give fractions that add"
        + " up to 1, or lengths (int[])", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Data.randomSplit(range(10), new double[] {1.5, -0.5}, new Generator(0)));
    assertTrue(e.getMessage().contains("must be in [0, 1]"), e.getMessage());
  }
}
