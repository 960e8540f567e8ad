package dev.adjoint.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Layout}: views, counts and checks, against positions worked out by hand. */
class LayoutTest {
  @Test
  void contiguousLayoutsAreRowMajor() {
    Layout l = Layout.contiguous(2, 3, 4);
    assertArrayEquals(new long[] {12, 4, 1}, l.strides());
    assertEquals(24, l.numel());
    assertTrue(l.isContiguous());
    assertEquals(0, l.offset());
    // Element [1, 2, 3] is at 12 + 8 + 3 = 23, the last one.
    assertEquals(23, l.position(23));
    assertEquals(1, Layout.contiguous().numel());
    assertEquals(0, Layout.contiguous(3, 0, 5).numel());
  }

  @Test
  void countsStridesAndOffsetsBeyondAnInt() {
    // 65536 x 65536 = 2^32 elements: one storage of that size is fine on a device with memory.
    Layout big = Layout.contiguous(65536, 65536);
    assertEquals(1L << 32, big.numel());
    assertArrayEquals(new long[] {65536, 1}, big.strides());
    Layout lastRow = big.select(0, 65535);
    assertEquals(65535L * 65536, lastRow.offset());
    assertTrue(lastRow.fitsIn(1L << 32));
    assertFalse(lastRow.fitsIn((1L << 32) - 1));
    Layout t = big.transpose(0, 1);
    assertArrayEquals(new long[] {1, 65536}, t.strides());
    assertEquals((1L << 32) - 1, t.position((1L << 32) - 1));
  }

  @Test
  void viewsMoveNoElement() {
    Layout l = Layout.contiguous(2, 3);
    Layout t = l.transpose(0, 1); // [3, 2], strides [1, 3]
    assertArrayEquals(new int[] {3, 2}, t.shape());
    assertArrayEquals(new long[] {1, 3}, t.strides());
    assertFalse(t.isContiguous());
    // t[i][j] = l[j][i]: row-major position 3 of t is t[1][1] = l[1][1] at 4.
    assertEquals(4, t.position(3));
    Layout p = Layout.contiguous(2, 3, 4).permute(new int[] {2, 0, 1});
    assertArrayEquals(new int[] {4, 2, 3}, p.shape());
    assertArrayEquals(new long[] {1, 12, 4}, p.strides());
    Layout s = Layout.contiguous(5, 4).slice(0, 1, 2, 2); // rows 1 and 3
    assertEquals(4, s.offset());
    assertArrayEquals(new long[] {8, 1}, s.strides());
    assertEquals(13, s.position(5)); // row 3, column 1
    Layout u = Layout.contiguous(2, 3).unsqueeze(1);
    assertArrayEquals(new int[] {2, 1, 3}, u.shape());
    assertArrayEquals(new long[] {3, 3, 1}, u.strides());
    assertEquals(Layout.contiguous(2, 3), u.squeeze(1));
    assertEquals(Layout.contiguous(2, 3), u.squeezeAll());
  }

  @Test
  void expandRepeatsThroughStrideZero() {
    Layout e = Layout.contiguous(3, 1).expand(new int[] {2, 3, 4});
    assertArrayEquals(new long[] {0, 1, 0}, e.strides());
    assertTrue(e.hasBroadcastDims());
    assertEquals(2, e.position(23)); // [1, 2, 3] reads element 2
    assertTrue(e.fitsIn(3));
    assertFalse(Layout.contiguous(3).hasBroadcastDims());
  }

  @Test
  void viewIsRefusedWhereDimensionsAreNotAdjacent() {
    Layout t = Layout.contiguous(2, 3).transpose(0, 1);
    assertNull(t.view(new int[] {6}));
    assertEquals(Layout.contiguous(3, 2), Layout.contiguous(6).view(new int[] {3, 2}));
    // Splitting a transposed dimension keeps its stride.
    Layout v = Layout.contiguous(4, 6).transpose(0, 1).view(new int[] {2, 3, 4});
    assertArrayEquals(new long[] {3, 1, 6}, v.strides());
  }

  @Test
  void shapeArithmeticNamesTheOp() {
    assertArrayEquals(new int[] {2, 3, 4}, Layout.broadcast("add", new int[] {3, 1},
        new int[] {2, 1, 4}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Layout.broadcast("add", new int[] {3}, new int[] {4}));
    assertTrue(e.getMessage().startsWith("add: shapes [3] and [4] cannot be broadcast"),
        e.getMessage());
    assertArrayEquals(new int[] {2, 6}, Layout.inferSize("view", new int[] {2, -1}, 12,
        new int[] {3, 4}));
    e = assertThrows(IllegalArgumentException.class,
        () -> Layout.inferSize("view", new int[] {5, -1}, 12, new int[] {3, 4}));
    assertTrue(e.getMessage().startsWith("view: shape [5, -1] is invalid"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Layout.numel("zeros", new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE}));
    assertTrue(e.getMessage().contains("9903520300447984150353281023 elements"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Layout.numel("zeros", new int[] {-1}));
    assertEquals(2, Layout.dim("sum", -1, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> Layout.dim("sum", 3, 3));
  }

  @Test
  void ofChecksItsArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> Layout.of(new int[] {2}, new long[] {1, 1}, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Layout.of(new int[] {2}, new long[] {1}, -1));
    assertThrows(NullPointerException.class, () -> Layout.of(null, new long[0], 0));
    Layout l = Layout.of(new int[] {2, 2}, new long[] {1, 2}, 3);
    assertEquals("Layout[shape=[2, 2], strides=[1, 2], offset=3]", l.toString());
    assertEquals(l, Layout.contiguous(2, 2).transpose(0, 1).withOffset(3));
    assertEquals(l.hashCode(), Layout.contiguous(2, 2).transpose(0, 1).withOffset(3).hashCode());
  }
}
