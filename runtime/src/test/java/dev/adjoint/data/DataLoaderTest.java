package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
  /** Sample i is x = {i, 100 + i} (float32) and y = i * i (int64), so any row names its index. */
  private static TensorDataset squares(int n) {
    float[] x = new float[2 * n];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 100 + i;
      y[i] = (long) i * i;
    }
    return new TensorDataset(Tensor.fromArray(x, n, 2), Tensor.fromArray(y, n));
  }

  /** The same samples behind a plain Dataset, so the loader must read and stack them one by one. */
  private static Dataset<Tensor[]> itemByItem(TensorDataset ds) {
    return new Dataset<>() {
      @Override
      public int size() {
        return ds.size();
      }

      @Override
      public Tensor[] get(int index) {
        return new Tensor[] {Tensor.fromArray(new float[] {index, 100 + index}, 2),
            Tensor.fromArray(new long[] {(long) index * index})};
      }
    };
  }

  /** Checks that the batch is well formed and returns the sample indices it holds. */
  private static int[] indicesOf(Tensor[] batch) {
    assertEquals(2, batch.length);
    int b = batch[0].size(0);
    assertArrayEquals(new int[] {b, 2}, batch[0].shape());
    assertArrayEquals(new int[] {b}, batch[1].shape());
    assertEquals(DType.FLOAT32, batch[0].dtype());
    assertEquals(DType.INT64, batch[1].dtype());
    float[] x = batch[0].toFloatArray();
    long[] y = batch[1].toLongArray();
    int[] idx = new int[b];
    for (int r = 0; r < b; r++) {
      idx[r] = (int) x[2 * r];
      assertEquals(100 + idx[r], x[2 * r + 1], "x row " + r + " is not one sample");
      assertEquals((long) idx[r] * idx[r], y[r], "y of row " + r + " is not the sample of x");
    }
    return idx;
  }

  private static List<int[]> epoch(Iterable<Tensor[]> loader) {
    List<int[]> out = new ArrayList<>();
    for (Tensor[] batch : loader) {
      out.add(indicesOf(batch));
    }
    return out;
  }

  private static int[] flat(List<int[]> batches) {
    return batches.stream().flatMapToInt(Arrays::stream).toArray();
  }

  @Test
  void inOrderBatchesWithASmallerLastOne() {
    DataLoader loader = new DataLoader(squares(10), 4);
    assertEquals(3, loader.size());
    List<int[]> batches = epoch(loader);
    assertEquals(3, batches.size());
    assertArrayEquals(new int[] {0, 1, 2, 3}, batches.get(0));
    assertArrayEquals(new int[] {4, 5, 6, 7}, batches.get(1));
    assertArrayEquals(new int[] {8, 9}, batches.get(2));
  }

  @Test
  void dropLastDropsTheSmallerBatch() {
    DataLoader loader = DataLoader.builder(squares(10)).batchSize(4).dropLast(true).build();
    assertEquals(2, loader.size());
    List<int[]> batches = epoch(loader);
    assertEquals(2, batches.size());
    assertArrayEquals(new int[] {4, 5, 6, 7}, batches.get(1));
  }

  @Test
  void lengthIsTheNumberOfBatchesIterated() {
    // len(DataLoader) for (n, batch_size, drop_last), as PyTorch gives it.
    int[][] cases = {{10, 4, 0, 3}, {10, 4, 1, 2}, {12, 4, 0, 3}, {12, 4, 1, 3}, {3, 5, 0, 1},
        {3, 5, 1, 0}, {0, 4, 0, 0}, {1, 1, 0, 1}};
    for (int[] c : cases) {
      DataLoader loader = DataLoader.builder(squares(c[0])).batchSize(c[1]).dropLast(c[2] == 1)
          .build();
      assertEquals(c[3], loader.size(), () -> Arrays.toString(c));
      assertEquals(c[3], epoch(loader).size(), () -> Arrays.toString(c));
    }
  }

  @Test
  void defaultBatchSizeIsOne() {
    DataLoader loader = DataLoader.builder(squares(3)).build();
    assertEquals(1, loader.batchSize());
    assertFalse(loader.shuffle());
    assertEquals(3, epoch(loader).size());
  }

  @Test
  void shuffledEpochsArePermutationsThatDifferAndRepeatWithTheSeed() {
    DataLoader a = DataLoader.builder(squares(50)).batchSize(8).shuffle(true)
        .generator(new Generator(7)).build();
    DataLoader b = DataLoader.builder(squares(50)).batchSize(8).shuffle(true)
        .generator(new Generator(7)).build();
    int[] identity = new int[50];
    Arrays.setAll(identity, i -> i);
    List<int[]> seen = new ArrayList<>();
    for (int e = 0; e < 3; e++) {
      int[] order = flat(epoch(a));
      assertArrayEquals(order, flat(epoch(b)), "same seed, epoch " + e);
      int[] sorted = order.clone();
      Arrays.sort(sorted);
      assertArrayEquals(identity, sorted, "epoch " + e + " visits every sample once");
      assertFalse(Arrays.equals(identity, order), "epoch " + e + " is shuffled");
      for (int[] earlier : seen) {
        assertFalse(Arrays.equals(earlier, order), "each epoch is reshuffled");
      }
      seen.add(order);
    }
    DataLoader other = DataLoader.builder(squares(50)).batchSize(8).shuffle(true)
        .generator(new Generator(8)).build();
    assertFalse(Arrays.equals(seen.get(0), flat(epoch(other))), "another seed, another order");
  }

  @Test
  void withoutAGeneratorShufflingFollowsManualSeed() {
    DataLoader loader = new DataLoader(squares(20), 6, true);
    Generator.manualSeed(11);
    int[] first = flat(epoch(loader));
    Generator.manualSeed(11);
    assertArrayEquals(first, flat(epoch(loader)));
  }

  @Test
  void stackingItemsAndIndexSelectAgree() {
    TensorDataset ds = squares(23);
    DataLoader fast = DataLoader.builder(ds).batchSize(5).shuffle(true)
        .generator(new Generator(3)).build();
    DataLoader slow = DataLoader.builder(itemByItem(ds)).batchSize(5).shuffle(true)
        .generator(new Generator(3)).build();
    Iterator<Tensor[]> s = slow.iterator();
    for (Tensor[] f : fast) {
      Tensor[] t = s.next();
      assertTrue(f[0].equal(t[0]), "x of a batch");
      assertTrue(f[1].equal(t[1]), "y of a batch");
    }
    assertFalse(s.hasNext());
  }

  @Test
  void subsetsAreBatchedThroughTheirIndices() {
    Subset<Tensor[]> inner = new Subset<>(squares(10), new int[] {9, 2, 7, 4, 5});
    Subset<Tensor[]> outer = new Subset<>(inner, new int[] {4, 0, 2});
    List<int[]> batches = epoch(new DataLoader(outer, 2));
    assertArrayEquals(new int[] {5, 9}, batches.get(0));
    assertArrayEquals(new int[] {7}, batches.get(1));
    assertArrayEquals(new int[] {5, 9, 7}, indicesOf(Data.toTensors(outer)));
  }

  @Test
  void batchRecordsCarryTheirIndex() {
    DataLoader loader = new DataLoader(squares(7), 3);
    int expected = 0;
    for (DataLoader.Batch batch : loader.batches()) {
      assertEquals(expected++, batch.index());
      assertEquals(batch.index() < 2 ? 3 : 1, batch.size());
      assertArrayEquals(batch.get(0).shape(), batch.tensors()[0].shape());
    }
    assertEquals(3, expected);
  }

  @Test
  void anEndedEpochSaysHowToStartTheNext() {
    Iterator<Tensor[]> it = new DataLoader(squares(2), 2).iterator();
    it.next();
    var e = assertThrows(NoSuchElementException.class, it::next);
    assertTrue(e.getMessage().contains("call iterator() again"), e.getMessage());
  }

  @Test
  void badOptionsAndItemsAreReported() {
    var e = assertThrows(IllegalArgumentException.class, () -> new DataLoader(squares(4), 0));
    assertEquals("DataLoader: batchSize should be a positive integer, got 0", e.getMessage());

    Dataset<Tensor[]> ragged = new Dataset<>() {
      @Override
      public int size() {
        return 3;
      }

      @Override
      public Tensor[] get(int index) {
        return new Tensor[] {Tensor.zeros(index == 2 ? 3 : 2)};
      }
    };
    e = assertThrows(IllegalArgumentException.class, () -> epoch(new DataLoader(ragged, 3)));
    assertEquals("collate: tensor 0 of sample 2 has shape [3] but that of sample 0 has [2];"
        + " the samples of one batch must have equal shapes", e.getMessage());
  }

  @Test
  void defaultCollateStacksEachField() {
    Tensor[] batch = Data.defaultCollate(List.of(
        new Tensor[] {Tensor.of(1f, 2f), Tensor.scalar(5L)},
        new Tensor[] {Tensor.of(3f, 4f), Tensor.scalar(6L)}));
    assertTrue(batch[0].equal(Tensor.of(new float[][] {{1, 2}, {3, 4}})));
    assertTrue(batch[1].equal(Tensor.of(5L, 6L)));
    var e = assertThrows(IllegalArgumentException.class, () -> Data.defaultCollate(List.of(
        new Tensor[] {Tensor.of(1f)}, new Tensor[] {Tensor.of(1f), Tensor.of(2f)})));
    assertEquals("collate: item 1 has 2 tensors but item 0 has 1", e.getMessage());
  }
}
