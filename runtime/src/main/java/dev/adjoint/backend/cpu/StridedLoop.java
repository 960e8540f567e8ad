package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks several same-shaped strided operands together, one contiguous run ("row") of the
 * innermost dimension at a time. Dimensions that are laid out back to back in every operand are
 * merged first, so contiguous operands make one long row. Large loops are split over the cores.
 */
final class StridedLoop {
  /** Below this many elements a loop stays on the calling thread. */
  static final int GRAIN = 1 << 15;

  /** Receives one row: the element offset of each operand at the row's start, and its length. */
  interface Body {
    void row(int[] offsets, int n);
  }

  private final int[] shape;
  private final int[][] strides; // [dim][operand]
  private final int[] base;
  private final int operands;
  private final int numel;

  StridedLoop(Layout... layouts) {
    int[] fullShape = layouts[0].shape();
    operands = layouts.length;
    base = new int[operands];
    for (int k = 0; k < operands; k++) {
      base[k] = Math.toIntExact(layouts[k].offset());
    }
    long count = 1;
    for (int s : fullShape) {
      count *= s;
    }
    numel = (int) count;
    List<int[]> dims = new ArrayList<>(); // each: {size, stride_0, ..., stride_k-1}
    for (int d = 0; d < fullShape.length; d++) {
      if (fullShape[d] == 1) {
        continue;
      }
      int[] dim = new int[operands + 1];
      dim[0] = fullShape[d];
      for (int k = 0; k < operands; k++) {
        // Fits: a layout that fits a CPU storage strides less than 2^31 over a size above 1.
        dim[k + 1] = (int) layouts[k].stride(d);
      }
      if (!dims.isEmpty() && mergeable(dims.get(dims.size() - 1), dim)) {
        int[] prev = dims.get(dims.size() - 1);
        prev[0] *= dim[0];
        System.arraycopy(dim, 1, prev, 1, operands);
      } else {
        dims.add(dim);
      }
    }
    if (dims.isEmpty()) {
      dims.add(new int[operands + 1]);
      dims.get(0)[0] = 1;
    }
    shape = new int[dims.size()];
    strides = new int[dims.size()][];
    for (int d = 0; d < dims.size(); d++) {
      shape[d] = dims.get(d)[0];
      strides[d] = java.util.Arrays.copyOfRange(dims.get(d), 1, operands + 1);
    }
  }

  private boolean mergeable(int[] outer, int[] inner) {
    for (int k = 1; k <= operands; k++) {
      if ((long) outer[k] != (long) inner[k] * inner[0]) {
        return false;
      }
    }
    return true;
  }

  /** Stride of operand {@code k} along the innermost (row) dimension. */
  int innerStride(int k) {
    return strides[shape.length - 1][k];
  }

  int numel() {
    return numel;
  }

  /** Dimensions left after merging. */
  int dims() {
    return shape.length;
  }

  /** Size of merged dimension {@code d}. */
  int size(int d) {
    return shape[d];
  }

  /** Stride of operand {@code k} along merged dimension {@code d}. */
  int stride(int d, int k) {
    return strides[d][k];
  }

  /** Element offset of operand {@code k}'s first element. */
  int base(int k) {
    return base[k];
  }

  /** Runs {@code body} over every row, in parallel when the loop is large. */
  void run(Body body) {
    if (numel == 0) {
      return;
    }
    int chunks = Parallel.chunks(numel, GRAIN);
    if (chunks == 1) {
      runRange(0, numel, body);
    } else {
      Parallel.forEach(chunks, true, c -> runRange(
          (int) ((long) numel * c / chunks), (int) ((long) numel * (c + 1) / chunks), body));
    }
  }

  /** Runs {@code body} over every row on the calling thread, in order. */
  void runSequential(Body body) {
    if (numel > 0) {
      runRange(0, numel, body);
    }
  }

  private void runRange(int start, int end, Body body) {
    int nd = shape.length;
    int[] idx = new int[nd];
    int rest = start;
    for (int d = nd - 1; d >= 0; d--) {
      idx[d] = rest % shape[d];
      rest /= shape[d];
    }
    int[] off = new int[operands];
    int pos = start;
    while (pos < end) {
      for (int k = 0; k < operands; k++) {
        int o = base[k];
        for (int d = 0; d < nd; d++) {
          o += idx[d] * strides[d][k];
        }
        off[k] = o;
      }
      int n = Math.min(shape[nd - 1] - idx[nd - 1], end - pos);
      body.row(off, n);
      pos += n;
      idx[nd - 1] += n;
      for (int d = nd - 1; d > 0 && idx[d] >= shape[d]; d--) {
        idx[d] = 0;
        idx[d - 1]++;
      }
    }
  }
}
