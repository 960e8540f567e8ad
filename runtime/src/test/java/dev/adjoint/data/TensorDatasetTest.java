package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TensorDatasetTest {
  @Test
  void itemsAreTheRowsOfEachTensor() {
    Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
    Tensor y = Tensor.of(7L, 8L, 9L);
    TensorDataset ds = new TensorDataset(x, y);
    assertEquals(3, ds.size());
    Tensor[] item = ds.get(1);
    assertEquals(2, item.length);
    assertArrayEquals(new float[] {3, 4}, item[0].toFloatArray());
    assertArrayEquals(new int[] {}, item[1].shape());
    assertEquals(8L, item[1].itemLong());
    assertEquals("TensorDataset(size=3, [3, 2] torch.float32, [3] torch.int64)", ds.toString());
  }

  @Test
  void firstDimensionsMustAgree() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new TensorDataset(Tensor.zeros(4, 2), Tensor.zeros(3)));
    assertEquals("TensorDataset: size mismatch between tensors: tensor 0 has 4 rows (shape [4, 2])"
        + " but tensor 1 has 3 (shape [3])", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset());
    assertEquals("TensorDataset: expected at least one tensor", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new TensorDataset(Tensor.scalar(1.0)));
    assertEquals("TensorDataset: tensor 0 is 0-d; every tensor needs a first dimension that"
        + " indexes samples", e.getMessage());
  }

  @Test
  void indicesOutOfRangeAreRejected() {
    TensorDataset ds = new TensorDataset(Tensor.zeros(2, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> ds.get(2));
    assertThrows(IndexOutOfBoundsException.class, () -> ds.get(-1));
    var e = assertThrows(IndexOutOfBoundsException.class,
        () -> new Subset<>(ds, new int[] {0, 2}));
    assertEquals("Subset: indices[1] = 2 is out of range for a dataset of size 2",
        e.getMessage());
  }

  @Test
  void subsetIsAViewThroughItsIndices() {
    TensorDataset ds = new TensorDataset(Tensor.of(10L, 11L, 12L, 13L));
    Subset<Tensor[]> s = new Subset<>(ds, new int[] {3, 1});
    assertEquals(2, s.size());
    assertEquals(13L, s.get(0)[0].itemLong());
    assertEquals(11L, s.get(1)[0].itemLong());
    assertThrows(IndexOutOfBoundsException.class, () -> s.get(2));
  }
}
