package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code fill_} on every kind of region the CPU backend fills differently: runs of consecutive
 * elements (one bulk fill each), strided rows (an element loop) and regions split into several
 * rows or parallel chunks. The oracle marks the same region in a plain index array: the element
 * at row-major position {@code r * cols + c} of the base is in the region when the view's index
 * arithmetic selects it, and only those may change.
 */
class FillPathTest {
  private static final int ROWS = 67;
  private static final int COLS = 129;

  /** A view of {@code base} and the base positions it covers, in any order. */
  private record Region(String name, Function<Tensor, Tensor> view, boolean[] covered) {}

  private static Region[] regions() {
    return new Region[] {
      region("whole", t -> t, (r, c) -> true),
      region("rows 3..40 (one contiguous run at an offset)", t -> t.narrow(0, 3, 38),
          (r, c) -> r >= 3 && r < 41),
      region("columns 5..100 (contiguous rows with gaps)", t -> t.narrow(1, 5, 96),
          (r, c) -> c >= 5 && c < 101),
      region("transposed columns 1..7", t -> t.t().narrow(0, 1, 7), (r, c) -> c >= 1 && c < 8),
      region("every third column", t -> t.slice(1, 2, null, 3), (r, c) -> c >= 2 && (c - 2) % 3 == 0),
      region("one column", t -> t.select(1, 17), (r, c) -> c == 17),
      region("one row", t -> t.select(0, 66), (r, c) -> r == 66),
    };
  }

  private interface Cell {
    boolean in(int r, int c);
  }

  private static Region region(String name, Function<Tensor, Tensor> view, Cell cell) {
    boolean[] covered = new boolean[ROWS * COLS];
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLS; c++) {
        covered[r * COLS + c] = cell.in(r, c);
      }
    }
    return new Region(name, view, covered);
  }

  @Test
  void float32AndFloat64FillExactlyTheirRegion() {
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      for (Region region : regions()) {
        Tensor base = Tensor.arange(0, ROWS * COLS).to(dtype).reshape(ROWS, COLS);
        region.view().apply(base).fill_(-2.5);
        double[] expected = new double[ROWS * COLS];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = region.covered()[i] ? -2.5 : i;
        }
        assertArrayEquals(expected, base.toDoubleArray(), 0.0, dtype + " " + region.name());
      }
    }
  }

  @Test
  void int64AndBoolFillExactlyTheirRegion() {
    for (Region region : regions()) {
      Tensor base = Tensor.arange(0, ROWS * COLS).reshape(ROWS, COLS);
      region.view().apply(base).fill_(-7);
      long[] expected = new long[ROWS * COLS];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = region.covered()[i] ? -7 : i;
      }
      assertArrayEquals(expected, base.toLongArray(), "int64 " + region.name());

      Tensor flags = Tensor.zeros(DType.BOOL, ROWS, COLS);
      region.view().apply(flags).fill_(1);
      assertArrayEquals(region.covered(), flags.toBooleanArray(), "bool " + region.name());
    }
  }

  /** Large enough to be split over the kernel pool's threads: every chunk is filled. */
  @Test
  void largeFillsCoverEveryChunk() {
    int n = 3_000_017;
    Tensor base = Tensor.zeros(n + 5);
    base.narrow(0, 5, n).fill_(1.25);
    float[] expected = new float[n + 5];
    java.util.Arrays.fill(expected, 5, n + 5, 1.25f);
    assertArrayEquals(expected, base.toFloatArray());
  }
}
