package dev.adjoint.backend.cpu;

/**
 * Copies between layouts that are each other's transpose in their two innermost dimensions (the
 * destination unit-strided along the last, the source along the one before: {@code
 * w.t().contiguous()}, a gradient accumulated into a parameter it reached transposed), a tile of
 * {@link #TILE} x {@link #TILE} at a time, so that both sides are read and written a cache line
 * at a time; the plain strided loop reads one element per cache line on one side (5x slower on
 * a 784 x 256 float32 matrix). Elements are copied, not computed: the result is the same.
 */
final class Transpose {
  /** Tile edge, in elements: 16 float32 rows of 64 bytes. */
  static final int TILE = 16;

  private Transpose() {}

  /**
   * Copies with tiles when the loop (operand 0 the source, 1 the destination) has that shape and
   * {@code s} and {@code d} are float32 or float64 arrays; returns false otherwise.
   */
  static boolean copy(StridedLoop loop, Object s, Object d) {
    int nd = loop.dims();
    if (nd < 2 || loop.stride(nd - 1, 1) != 1 || loop.stride(nd - 2, 0) != 1
        || loop.size(nd - 1) < TILE || loop.size(nd - 2) < TILE) {
      return false;
    }
    boolean f32 = s instanceof float[];
    if (!f32 && !(s instanceof double[])) {
      return false;
    }
    int rows = loop.size(nd - 2);
    int cols = loop.size(nd - 1);
    int srcCol = loop.stride(nd - 1, 0); // source step along a destination row
    int dstRow = loop.stride(nd - 2, 1); // destination step between rows
    int outer = loop.numel() / (rows * cols);
    int rowBlocks = (rows + TILE - 1) / TILE;
    int tasks = outer * rowBlocks;
    int chunks = Parallel.chunks(loop.numel(), StridedLoop.GRAIN);
    Parallel.forEach(chunks, chunks > 1, c -> {
      int t0 = (int) ((long) tasks * c / chunks);
      int t1 = (int) ((long) tasks * (c + 1) / chunks);
      for (int t = t0; t < t1; t++) {
        int m = t / rowBlocks;
        int r0 = t % rowBlocks * TILE;
        // offsets of matrix m: walk the leading dimensions
        int so = loop.base(0);
        int dO = loop.base(1);
        int rest = m;
        for (int dim = nd - 3; dim >= 0; dim--) {
          int i = rest % loop.size(dim);
          rest /= loop.size(dim);
          so += i * loop.stride(dim, 0);
          dO += i * loop.stride(dim, 1);
        }
        int r1 = Math.min(rows, r0 + TILE);
        if (f32) {
          tileRowsF32((float[]) s, so, srcCol, (float[]) d, dO, dstRow, r0, r1, cols);
        } else {
          tileRowsF64((double[]) s, so, srcCol, (double[]) d, dO, dstRow, r0, r1, cols);
        }
      }
    });
    return true;
  }

  /** Rows {@code r0..r1} of the destination, a tile of columns at a time. */
  private static void tileRowsF32(float[] s, int so, int srcCol, float[] d, int dO, int dstRow,
      int r0, int r1, int cols) {
    for (int c0 = 0; c0 < cols; c0 += TILE) {
      int c1 = Math.min(cols, c0 + TILE);
      for (int c = c0; c < c1; c++) {
        int si = so + c * srcCol;
        int di = dO + c;
        for (int r = r0; r < r1; r++) {
          d[di + r * dstRow] = s[si + r];
        }
      }
    }
  }

  private static void tileRowsF64(double[] s, int so, int srcCol, double[] d, int dO,
      int dstRow, int r0, int r1, int cols) {
    for (int c0 = 0; c0 < cols; c0 += TILE) {
      int c1 = Math.min(cols, c0 + TILE);
      for (int c = c0; c < c1; c++) {
        int si = so + c * srcCol;
        int di = dO + c;
        for (int r = r0; r < r1; r++) {
          d[di + r * dstRow] = s[si + r];
        }
      }
    }
  }
}
