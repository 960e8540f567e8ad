package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Layout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * strided.cuh's index arithmetic (every kernel locates its operands with it), compiled for the
 * host, against hand-derived positions and against {@link Layout#position} for transposed,
 * sliced, broadcast and offset layouts of up to 16 dimensions, through {@link LayoutCodec}'s
 * encoding.
 */
class StridedIndexTest {
  @BeforeEach
  void built() {
    HostKernels.assumeBuilt();
  }

  private static long[] positions(Layout l) {
    long[] d = LayoutCodec.encode(l);
    long[] out = new long[(int) l.numel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = HostKernels.host_position(d, i);
    }
    return out;
  }

  @Test
  void handDerivedPositions() {
    // [2, 3] with strides [1, 2] from 5 (a transposed [3, 2] view): row-major element (i, j) lies
    // at 5 + i + 2j.
    assertEquals(java.util.Arrays.toString(new long[] {5, 7, 9, 6, 8, 10}),
        java.util.Arrays.toString(positions(Layout.of(new int[] {2, 3}, new long[] {1, 2}, 5))));
    // [2, 2, 2] broadcast along the middle dimension (stride 0): (i, j, k) at 4i + k.
    assertEquals(java.util.Arrays.toString(new long[] {0, 1, 0, 1, 4, 5, 4, 5}),
        java.util.Arrays.toString(positions(Layout.of(new int[] {2, 2, 2},
            new long[] {4, 0, 1}, 0))));
    // A 0-d layout: its one element at the offset.
    assertEquals(7, HostKernels.host_position(LayoutCodec.encode(
        Layout.of(new int[0], new long[0], 7)), 0));
  }

  @Test
  void contiguityMatchesLayout() {
    Layout[] cases = {Layout.contiguous(3, 4), Layout.contiguous(9, 3, 1, 4),
        Layout.contiguous(3, 4).transpose(0, 1), Layout.contiguous(4, 5).slice(1, 1, 3, 1),
        Layout.contiguous(1, 5).expand(new int[] {3, 5}), Layout.contiguous(5, 1, 1)};
    for (Layout l : cases) {
      assertEquals(l.isContiguous() ? 1 : 0, HostKernels.host_is_contiguous(LayoutCodec.encode(l)),
          l.toString());
    }
  }

  @Test
  void randomViewsMatchLayoutPosition() {
    SplittableRandom r = new SplittableRandom(2026);
    for (int t = 0; t < 400; t++) {
      int rank = 1 + r.nextInt(t < 390 ? 5 : 16);
      int[] shape = new int[rank];
      for (int d = 0; d < rank; d++) {
        shape[d] = 1 + r.nextInt(rank > 6 ? 2 : 4);
      }
      Layout l = Layout.contiguous(r.nextInt(50), shape);
      // A few random views: transpose, slice with a step, broadcast of a size-1 dimension.
      for (int v = 0; v < 3; v++) {
        int a = r.nextInt(rank);
        int b = r.nextInt(rank);
        switch (r.nextInt(3)) {
          case 0 -> l = l.transpose(a, b);
          case 1 -> {
            int size = l.size(a);
            int start = r.nextInt(size);
            int step = 1 + r.nextInt(2);
            int length = (size - start + step - 1) / step;
            l = l.slice(a, start, length, step);
          }
          default -> {
            if (l.size(a) == 1) {
              int[] target = l.shape();
              target[a] = 3;
              l = l.expand(target);
            }
          }
        }
      }
      long[] got = positions(l);
      for (int i = 0; i < got.length; i++) {
        assertEquals(l.position(i), got[i], l + " element " + i);
      }
    }
  }

  @Test
  void aRankAboveTheLimitIsRefusedNotRead() {
    int[] shape = new int[17];
    java.util.Arrays.fill(shape, 1);
    long[] d = new long[2 + 2 * 17];
    d[0] = 17;
    assertEquals(-1, HostKernels.host_position(d, 0));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> LayoutCodec.encode(Layout.contiguous(shape)));
  }
}
