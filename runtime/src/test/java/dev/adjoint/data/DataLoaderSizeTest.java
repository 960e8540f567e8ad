package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch counts and bounds at the edges of {@code int}: batch sizes and datasets near 2^31. */
class DataLoaderSizeTest {
  /** A dataset of {@code n} samples that holds nothing: sample i is the scalar i. */
  private static Dataset<Tensor[]> virtual(int n) {
    return new Dataset<>() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public Tensor[] get(int index) {
        return new Tensor[] {Tensor.fromArray(new float[] {index})};
      }
    };
  }

  private static int batches(int n, int batchSize, boolean dropLast) {
    return DataLoader.builder(virtual(n)).batchSize(batchSize).dropLast(dropLast).build().size();
  }

  @Test
  void batchSizesNearTwoToThe31Count() {
    int max = Integer.MAX_VALUE;
    assertEquals(1, batches(10, max, false));
    assertEquals(0, batches(10, max, true));
    assertEquals(0, batches(0, max, false));
    assertEquals(1, batches(max, max, false));
    assertEquals(1, batches(max, max, true));
    assertEquals(2, batches(max, max - 1, false));
    assertEquals(1, batches(max, max - 1, true));
    assertEquals(2, batches(max, 1 << 30, false));
    assertEquals(1, batches(max, 1 << 30, true));
    assertEquals(max, batches(max, 1, false));
    assertEquals(3, batches(max - 1, (max - 1) / 3, false));
  }

  @Test
  void aBatchLargerThanTheDatasetHoldsItAll() {
    for (int batchSize : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1 << 30, 11}) {
      DataLoader loader = new DataLoader(virtual(10), batchSize);
      assertEquals(1, loader.size(), "batch size " + batchSize);
      List<Tensor[]> all = new ArrayList<>();
      loader.forEach(all::add);
      assertEquals(1, all.size(), "batch size " + batchSize);
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all.get(0)[0].toFloatArray());
    }
  }
}
