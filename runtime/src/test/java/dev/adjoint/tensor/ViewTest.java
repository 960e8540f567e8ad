package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertFloats;
import static dev.adjoint.tensor.TensorAssertions.assertLongs;
import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;
import static dev.adjoint.tensor.TensorAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Views share storage with their base; contiguous copies and clones do not. */
class ViewTest {

  /** [[0, 1, 2], [3, 4, 5]] as float32. */
  private static Tensor m23() {
    return Tensor.arange(0.0, 6.0, 1.0).view(2, 3);
  }

  /** [2, 3, 4] float32 with element [i][j][k] = 100 i + 10 j + k, so positions can be read off. */
  private static Tensor cube() {
    float[] v = new float[24];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          v[(i * 3 + j) * 4 + k] = 100 * i + 10 * j + k;
        }
      }
    }
    return Tensor.fromArray(v, 2, 3, 4);
  }

  private static void assertSharesStorage(Tensor base, Tensor view) {
    assertSame(base.storage(), view.storage(), "expected a view sharing storage");
  }

  @Test
  void tSwapsShapeAndStridesOfAMatrix() {
    Tensor m = m23();
    Tensor t = m.t();
    assertArrayEquals(new int[] {3, 2}, t.shape());
    assertArrayEquals(new int[] {1, 3}, t.strides());
    assertFalse(t.isContiguous());
    assertSharesStorage(m, t);
    assertFloats(t, shape(3, 2), 0, 3, 1, 4, 2, 5);
    assertFloats(t.t(), shape(2, 3), 0, 1, 2, 3, 4, 5);
    Tensor row = Tensor.of(1f, 2f);
    assertSame(row, row.t()); // 1-d: unchanged, as in PyTorch
    assertThrowsWith(IllegalArgumentException.class, () -> cube().t(), "t:", "transpose");
  }

  @Test
  void transposeAndPermuteMoveDimensions() {
    Tensor c = cube();
    Tensor t = c.transpose(0, 2); // [4, 3, 2], t[k][j][i] = c[i][j][k]
    assertArrayEquals(new int[] {4, 3, 2}, t.shape());
    assertSharesStorage(c, t);
    assertEquals(123, t.get(3, 2, 1).item()); // c[1][2][3]
    assertEquals(t.get(3, 2, 1).item(), c.transpose(-1, 0).get(3, 2, 1).item());

    Tensor p = c.permute(2, 0, 1); // [4, 2, 3], p[k][i][j] = c[i][j][k]
    assertArrayEquals(new int[] {4, 2, 3}, p.shape());
    assertSharesStorage(c, p);
    float[] flat = p.toFloatArray();
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(100 * i + 10 * j + k, flat[(k * 2 + i) * 3 + j]);
        }
      }
    }
    assertArrayEquals(p.toFloatArray(), c.permute(-1, -3, -2).toFloatArray());
    assertThrowsWith(IllegalArgumentException.class, () -> c.permute(0, 0, 1), "permute:",
        "more than once");
    assertThrowsWith(IllegalArgumentException.class, () -> c.permute(0, 1), "permute:", "2 dims",
        "3-d");
  }

  @Test
  void viewInfersMinusOneAndSharesStorage() {
    Tensor a = Tensor.arange(12);
    assertArrayEquals(new int[] {3, 4}, a.view(3, 4).shape());
    assertArrayEquals(new int[] {2, 6}, a.view(-1, 6).shape());
    assertArrayEquals(new int[] {2, 2, 3}, a.view(2, -1, 3).shape());
    assertArrayEquals(new int[] {12}, a.view(3, 4).view(-1).shape());
    Tensor v = a.view(3, 4);
    assertSharesStorage(a, v);
    v.get(1, 2).fill_(-1); // element 1 * 4 + 2 = 6
    assertEquals(-1, a.get(6).itemLong());
    assertLongs(Tensor.scalar(5L).view(1, 1), shape(1, 1), 5);
    assertLongs(Tensor.of(5L).view(), shape(), 5);
  }

  @Test
  void viewRefusesBadSizes() {
    Tensor a = Tensor.arange(12);
    assertThrowsWith(IllegalArgumentException.class, () -> a.view(-1, -1), "view:",
        "only one dimension can be -1");
    assertThrowsWith(IllegalArgumentException.class, () -> a.view(5, -1), "view:",
        "invalid for input of size 12");
    assertThrowsWith(IllegalArgumentException.class, () -> a.view(5, 3), "view:", "[5, 3]");
    assertThrowsWith(IllegalArgumentException.class, () -> a.view(-2, 6), "view:", "-2");
  }

  @Test
  void viewOfANonContiguousTensorIsRefusedWhenItWouldNeedACopy() {
    Tensor t = m23().t(); // [3, 2] with strides [1, 3]: rows are not laid out back to back
    assertThrowsWith(IllegalArgumentException.class, () -> t.view(6), "view:", "[3, 2]",
        "[1, 3]", "reshape");
    // Splitting or adding size-1 dims never needs a copy, even on a transposed tensor.
    Tensor ok = t.view(3, 1, 2);
    assertSharesStorage(t, ok);
    assertFloats(ok, shape(3, 1, 2), 0, 3, 1, 4, 2, 5);
    // Nor does merging dims of a stepped slice that stay evenly spaced: every other element of a
    // row of 8, viewed [2, 2] -> [4].
    Tensor stepped = Tensor.arange(0.0, 8.0, 1.0).slice(0, null, null, 2).view(2, 2);
    assertFloats(stepped.view(4), shape(4), 0, 2, 4, 6);
    // An expanded tensor cannot be flattened in place: its rows are the same memory.
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.of(1f, 2f).expand(3, 2).view(6), "view:");
  }

  @Test
  void reshapeIsAViewWhenItCanBeAndACopyOtherwise() {
    Tensor m = m23();
    Tensor r = m.reshape(3, 2);
    assertSharesStorage(m, r);
    assertFloats(r, shape(3, 2), 0, 1, 2, 3, 4, 5);

    Tensor t = m.t();
    Tensor flat = t.reshape(-1); // copies: logical order of the transpose
    assertFloats(flat, shape(6), 0, 3, 1, 4, 2, 5);
    assertNotSame(t.storage(), flat.storage());
    flat.fill_(9);
    assertFloats(m, shape(2, 3), 0, 1, 2, 3, 4, 5); // the copy is independent

    assertThrowsWith(IllegalArgumentException.class, () -> m.reshape(4, 2), "reshape:",
        "invalid for input of size 6");
  }

  @Test
  void flattenMergesARangeOfDims() {
    Tensor c = cube();
    assertArrayEquals(new int[] {24}, c.flatten().shape());
    assertArrayEquals(new int[] {2, 12}, c.flatten(1, 2).shape());
    assertArrayEquals(new int[] {6, 4}, c.flatten(0, 1).shape());
    assertArrayEquals(new int[] {2, 12}, c.flatten(-2, -1).shape());
    assertArrayEquals(new int[] {2, 3, 4}, c.flatten(1, 1).shape());
    assertArrayEquals(new int[] {1}, Tensor.scalar(3.0).flatten().shape());
    assertArrayEquals(c.toFloatArray(), c.flatten().toFloatArray());
    // Flattening a permuted tensor reads it in its logical order.
    assertFloats(m23().t().flatten(), shape(6), 0, 3, 1, 4, 2, 5);
    assertThrowsWith(IllegalArgumentException.class, () -> c.flatten(2, 1), "flatten:");
  }

  @Test
  void squeezeAndUnsqueezeWithNegativeDims() {
    Tensor a = Tensor.zeros(1, 3, 1, 2);
    assertArrayEquals(new int[] {3, 2}, a.squeeze().shape());
    assertArrayEquals(new int[] {3, 1, 2}, a.squeeze(0).shape());
    assertArrayEquals(new int[] {1, 3, 2}, a.squeeze(-2).shape());
    assertSame(a, a.squeeze(1)); // size 3: nothing to remove
    assertSharesStorage(a, a.squeeze());

    Tensor b = m23();
    assertArrayEquals(new int[] {1, 2, 3}, b.unsqueeze(0).shape());
    assertArrayEquals(new int[] {2, 1, 3}, b.unsqueeze(1).shape());
    assertArrayEquals(new int[] {2, 3, 1}, b.unsqueeze(-1).shape());
    assertArrayEquals(new int[] {2, 3, 1}, b.unsqueeze(2).shape());
    assertArrayEquals(new int[] {2, 1, 3}, b.unsqueeze(-2).shape());
    assertArrayEquals(new int[] {1, 2, 3}, b.unsqueeze(-3).shape());
    assertSharesStorage(b, b.unsqueeze(1));
    assertFloats(b.t().unsqueeze(1), shape(3, 1, 2), 0, 3, 1, 4, 2, 5);
    assertArrayEquals(new int[] {1}, Tensor.scalar(1.0).unsqueeze(0).shape());

    assertThrowsWith(IndexOutOfBoundsException.class, () -> b.unsqueeze(3), "unsqueeze:",
        "dimension 3", "[-3, 2]");
    assertThrowsWith(IndexOutOfBoundsException.class, () -> b.unsqueeze(-4), "unsqueeze:");
    assertThrowsWith(IndexOutOfBoundsException.class, () -> a.squeeze(4), "squeeze:",
        "dimension 4", "[-4, 3]");
  }

  @Test
  void expandRepeatsSizeOneDimsWithStrideZero() {
    Tensor col = Tensor.fromArray(new float[] {1, 2, 3}, 3, 1);
    Tensor e = col.expand(3, 4);
    assertArrayEquals(new int[] {3, 4}, e.shape());
    assertEquals(0, e.strides()[1]);
    assertSharesStorage(col, e);
    assertFloats(e, shape(3, 4), 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);

    Tensor lead = col.expand(2, -1, 2); // a new leading dim and -1 to keep a size
    assertArrayEquals(new int[] {2, 3, 2}, lead.shape());
    assertArrayEquals(new int[] {0, 1, 0}, lead.strides());

    // A write to the base shows in every repeated position.
    col.get(1, 0).fill_(-5);
    assertFloats(e.select(0, 1), shape(4), -5, -5, -5, -5);

    assertArrayEquals(new int[] {3, 4}, col.expandAs(Tensor.zeros(3, 4)).shape());
    assertThrowsWith(IllegalArgumentException.class, () -> col.expand(4, 4), "expand:",
        "non-singleton dimension 0");
    assertThrowsWith(IllegalArgumentException.class, () -> col.expand(4), "expand:",
        "number of sizes");
    assertThrowsWith(IllegalArgumentException.class, () -> col.expand(-1, 3, 4), "expand:",
        "leading");
  }

  @Test
  void contiguousAndCloneAreIndependentCopies() {
    Tensor m = m23();
    assertSame(m, m.contiguous());

    Tensor t = m.t();
    Tensor c = t.contiguous();
    assertTrue(c.isContiguous());
    assertNotSame(m.storage(), c.storage());
    assertFloats(c, shape(3, 2), 0, 3, 1, 4, 2, 5);

    Tensor k = m.clone();
    assertNotSame(m.storage(), k.storage());
    k.fill_(1);
    assertFloats(m, shape(2, 3), 0, 1, 2, 3, 4, 5);
    m.fill_(2);
    assertFloats(k, shape(2, 3), 1, 1, 1, 1, 1, 1);
    assertFloats(c, shape(3, 2), 0, 3, 1, 4, 2, 5);

    // A clone keeps the dtype and the logical order of a strided source.
    Tensor l = Tensor.arange(6).view(2, 3).t().clone();
    assertLongs(l, shape(3, 2), 0, 3, 1, 4, 2, 5);
  }

  @Test
  void writesThroughOneViewAreSeenThroughAnother() {
    Tensor m = m23();
    Tensor col = m.select(1, 2); // [2, 5]
    Tensor row = m.t().select(0, 2); // the same elements, reached another way
    Tensor flat = m.view(-1);
    col.copy_(Tensor.of(20f, 50f));
    assertFloats(row, shape(2), 20, 50);
    assertFloats(flat, shape(6), 0, 1, 20, 3, 4, 50);
    flat.narrow(0, 3, 3).mul_(-1.0);
    assertFloats(m, shape(2, 3), 0, 1, 20, -3, -4, -50);
    assertFloats(col, shape(2), 20, -50);
    assertEquals(3, m.get(1).storageOffset()); // row 1 starts at element 3 of the storage
  }

  @Test
  void dimsOutOfRangeSayWhichDimAndTheValidRange() {
    Tensor m = m23();
    assertThrowsWith(IndexOutOfBoundsException.class, () -> m.transpose(0, 2), "transpose:",
        "dimension 2", "[-2, 1]");
    assertThrowsWith(IndexOutOfBoundsException.class, () -> m.transpose(-3, 0), "transpose:",
        "dimension -3");
    assertThrowsWith(IndexOutOfBoundsException.class, () -> m.permute(0, 2), "permute:",
        "dimension 2");
    assertThrowsWith(IndexOutOfBoundsException.class, () -> m.size(2), "size:", "dimension 2");
    assertEquals(3, m.size(-1));
    assertThrowsWith(IndexOutOfBoundsException.class, () -> m.select(5, 0), "select:",
        "dimension 5");
    assertThrowsWith(IndexOutOfBoundsException.class, () -> m.flatten(0, 2), "flatten:");
  }
}
