package dev.adjoint.backend.cpu;

import dev.adjoint.backend.ReduceOp;
import dev.adjoint.tensor.DType;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * Reductions over the trailing dimensions of a strided view, read in place: a broadcast (stride 0)
 * or permuted input is never copied. Elements are read in logical order through per-thread buffers
 * of {@link #CHUNK} elements, so memory does not grow with the input (contiguous float rows are
 * summed in place). Floating results
 * are accumulated in double and rounded once to the output dtype: float32 rows by segments of
 * {@link #SEGMENT} elements in {@link DenseMath#FLOAT_SUM_ORDER} (float32 running sums folded to
 * 16 lanes a chunk of {@link #CHUNK}, the chunks combined pairwise lane by lane in double),
 * other floating rows by chunks in {@link DenseMath#SUM_ORDER}; segment and chunk sums are
 * combined pairwise in double, so error grows with log n, not n. Int64 and bool inputs reduce
 * exactly in long. The summation order depends only on the shape and layout, never on the thread
 * count: a long row's parallel segments are whole subtrees of the sequential tree.
 */
final class Reductions {
  /** Elements read at a time; a power of two, so the pairwise tree is balanced across chunks. */
  static final int CHUNK = 1024;

  /**
   * One thread's buffers for a row read in chunks and for the pairwise sum's levels, reused by
   * every reduction it runs (a task never runs another op's task before it ends: see
   * {@link Parallel}). Made per task, they were 8 KB an op and 64 KB for a sum split in eight.
   */
  private static final class Scratch {
    final double[] doubles = new double[CHUNK];
    final long[] longs = new long[CHUNK];
    final double[] levels = new double[Long.SIZE];
    /** Strided float32 runs, read a chunk at a time. */
    final float[] floats = new float[CHUNK];

    /** A column block's accumulators and its counter's levels; grown on demand, kept. */
    double[] columnAcc = new double[0];
    double[] columnLevels = new double[0];

    double[] columnAcc(int n) {
      if (columnAcc.length < n) {
        columnAcc = new double[n];
      }
      return columnAcc;
    }

    double[] columnLevels(int n) {
      if (columnLevels.length < n) {
        columnLevels = new double[n];
      }
      return columnLevels;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private Reductions() {}

  static void reduce(ReduceOp op, Storage srcStorage, Layout src, long outerCount,
      long innerCount, Storage values, long valuesOffset, Storage indices, long indicesOffset,
      double param) {
    CpuStorage in = CpuBackend.cpu(srcStorage);
    CpuStorage out = CpuBackend.cpu(values);
    long[] idx = indices == null ? null : CpuBackend.cpu(indices).longs();
    int vo = Math.toIntExact(valuesOffset);
    int io = Math.toIntExact(indicesOffset);
    // A CPU layout counts below 2^31 (its storages are Java arrays).
    int outer = Math.toIntExact(outerCount);
    int inner = Math.toIntExact(innerCount);
    Rows layout = new Rows(src, inner);
    boolean floating = values.dtype().isFloatingPoint();
    boolean summing = op == ReduceOp.SUM || op == ReduceOp.MEAN;
    boolean floatingInput = srcStorage.dtype().isFloatingPoint();
    if (summing && floating && floatingInput && outer >= 8 && layout.outerSizes.length == 1
        && layout.outerStrides[0] == 1 && inner > 1) {
      Columns.sum(layout, in, outer, inner, out, vo, op == ReduceOp.MEAN);
      return;
    }
    if (summing && floating && outer < Parallel.threads() && inner >= 2 * SEGMENT) {
      for (int r = 0; r < outer; r++) {
        double total = parallelSum(layout, in, r, inner);
        out.setDouble(vo + r, op == ReduceOp.MEAN ? total / inner : total);
      }
      return;
    }
    int tasks = Math.min(outer, Parallel.chunks((long) outer * inner, StridedLoop.GRAIN));
    Parallel.forEach(tasks, tasks > 1, t -> {
      int from = (int) ((long) outer * t / tasks);
      int to = (int) ((long) outer * (t + 1) / tasks);
      Cursor cursor = new Cursor(layout, in);
      Scratch scratch = SCRATCH.get();
      if (floating) {
        double[] buf = scratch.doubles;
        double[] levels = scratch.levels;
        for (int r = from; r < to; r++) {
          cursor.start(layout.rowOffset(r));
          double[] result = reduceRow(op, cursor, inner, param, buf, levels);
          out.setDouble(vo + r, result[0]);
          if (idx != null) {
            idx[io + r] = (long) result[1];
          }
        }
      } else {
        long[] buf = scratch.longs;
        for (int r = from; r < to; r++) {
          cursor.start(layout.rowOffset(r));
          long[] result = reduceRow(op, cursor, inner, buf);
          out.setLong(vo + r, result[0]);
          if (idx != null) {
            idx[io + r] = result[1];
          }
        }
      }
    });
  }

  /** {value, index} of one row, read as doubles. */
  private static double[] reduceRow(ReduceOp op, Cursor row, int n, double param, double[] buf,
      double[] levels) {
    switch (op) {
      case SUM:
        return new double[] {sum(row, n, buf, levels, Double.NaN), 0};
      case MEAN:
        return new double[] {sum(row, n, buf, levels, Double.NaN) / n, 0};
      case PROD: {
        double p = 1;
        for (int done = 0; done < n; ) {
          int m = row.read(buf, Math.min(CHUNK, n - done));
          for (int i = 0; i < m; i++) {
            p *= buf[i];
          }
          done += m;
        }
        return new double[] {p, 0};
      }
      case MAX:
      case MIN: {
        boolean max = op == ReduceOp.MAX;
        double best = Double.NaN;
        long at = 0;
        for (int done = 0; done < n; ) {
          int m = row.read(buf, Math.min(CHUNK, n - done));
          int i = 0;
          if (done == 0) {
            best = buf[0];
            i = 1;
          }
          for (; i < m && !Double.isNaN(best); i++) {
            double v = buf[i];
            if (Double.isNaN(v) || (max ? v > best : v < best)) {
              best = v;
              at = done + i;
            }
          }
          if (Double.isNaN(best)) {
            break; // the first NaN wins, as in PyTorch
          }
          done += m;
        }
        return new double[] {best, at};
      }
      case VAR: {
        int start = row.offset();
        double mean = sum(row, n, buf, levels, Double.NaN) / n;
        row.start(start);
        double ss = sum(row, n, buf, levels, mean);
        // As PyTorch: divide by max(0, n - correction), so too few elements give inf (or NaN
        // when every deviation is zero), never a silent NaN for a nonzero spread.
        double dof = Math.max(0, n - param);
        return new double[] {ss / dof, 0};
      }
      case LOGSUMEXP: {
        int start = row.offset();
        double m = Double.NEGATIVE_INFINITY;
        for (int done = 0; done < n; ) {
          int k = row.read(buf, Math.min(CHUNK, n - done));
          for (int i = 0; i < k; i++) {
            m = Math.max(m, buf[i]); // NaN propagates
          }
          done += k;
        }
        if (Double.isInfinite(m) || Double.isNaN(m)) {
          // All -inf gives -inf; any +inf gives +inf; NaN propagates. Shifting by m would give NaN.
          return new double[] {m, 0};
        }
        row.start(start);
        double s = 0;
        for (int done = 0; done < n; ) {
          int k = row.read(buf, Math.min(CHUNK, n - done));
          for (int i = 0; i < k; i++) {
            s += Math.exp(buf[i] - m);
          }
          done += k;
        }
        return new double[] {m + Math.log(s), 0};
      }
      default:
        throw new IllegalStateException(String.valueOf(op));
    }
  }

  /** {value, index} of one int64 (or bool) row, exact. */
  private static long[] reduceRow(ReduceOp op, Cursor row, int n, long[] buf) {
    long acc;
    long at = 0;
    switch (op) {
      case SUM -> {
        acc = 0;
        for (int done = 0; done < n; ) {
          int m = row.read(buf, Math.min(CHUNK, n - done));
          for (int i = 0; i < m; i++) {
            acc += buf[i];
          }
          done += m;
        }
      }
      case PROD -> {
        acc = 1;
        for (int done = 0; done < n; ) {
          int m = row.read(buf, Math.min(CHUNK, n - done));
          for (int i = 0; i < m; i++) {
            acc *= buf[i];
          }
          done += m;
        }
      }
      case MAX, MIN -> {
        boolean max = op == ReduceOp.MAX;
        acc = 0;
        for (int done = 0; done < n; ) {
          int m = row.read(buf, Math.min(CHUNK, n - done));
          int i = 0;
          if (done == 0) {
            acc = buf[0];
            i = 1;
          }
          for (; i < m; i++) {
            long v = buf[i];
            if (max ? v > acc : v < acc) {
              acc = v;
              at = done + i;
            }
          }
          done += m;
        }
      }
      default -> throw new IllegalStateException(op + " is not defined for int64");
    }
    return new long[] {acc, at};
  }

  /** Elements per parallel segment of one long row: 64 chunks, one complete subtree. */
  static final int SEGMENT = 64 * CHUNK;

  /**
   * The sum of row {@code r}, its segments of {@link #SEGMENT} elements summed in parallel. Each
   * full segment is a complete subtree of the sequential pairwise tree (a power-of-two number of
   * full chunks), and segment sums are combined by the same binary counter, with the rest of the
   * row folded in last exactly as the sequential sum folds its lowest levels: the result is bit
   * for bit that of the sequential sum, whatever the thread count.
   */
  private static double parallelSum(Rows layout, CpuStorage in, int r, int inner) {
    int full = inner / SEGMENT;
    double[] segments = new double[full + 1];
    int rowOffset = layout.rowOffset(r);
    int tasks = Math.min(full + 1, Parallel.chunks(inner, SEGMENT));
    Parallel.forEach(tasks, tasks > 1, t -> {
      Cursor cursor = new Cursor(layout, in);
      Scratch scratch = SCRATCH.get();
      double[] buf = scratch.doubles;
      double[] levels = scratch.levels;
      for (int seg = (full + 1) * t / tasks; seg < (full + 1) * (t + 1) / tasks; seg++) {
        int from = seg * SEGMENT;
        int n = Math.min(SEGMENT, inner - from);
        if (n > 0) {
          cursor.start(rowOffset);
          cursor.skip(from);
          segments[seg] = sum(cursor, n, buf, levels, Double.NaN);
        }
      }
    });
    double[] counter = new double[Long.SIZE];
    int top = 0;
    for (long count = 0; count < full; count++) {
      top = push(counter, top, count, segments[(int) count]);
    }
    return fold(counter, top, segments[full]);
  }

  /**
   * Pushes the sum of the next full block (the {@code count}-th) onto the binary counter {@code
   * levels} holding {@code top} entries, merging equal-sized subtrees; returns the new top.
   */
  private static int push(double[] levels, int top, long count, double s) {
    for (long c = count; (c & 1) == 1; c >>= 1) {
      s = levels[--top] + s;
    }
    levels[top++] = s;
    return top;
  }

  /** Adds the counter's entries onto {@code rest} (the short tail), newest first. */
  private static double fold(double[] levels, int top, double rest) {
    double total = rest;
    while (top > 0) {
      total = levels[--top] + total;
    }
    return total;
  }

  /**
   * Sums over leading dimensions: rows that lie next to each other in memory (unit stride between
   * rows) are summed together, a block of columns at a time, each reduced position adding one
   * contiguous run into the block's accumulators, so memory is read once in order instead of a
   * column at a time. Within a chunk of {@link #CHUNK} positions, a float32 column takes the
   * positions four at a time in order, adds each four as {@code (x0 + x1) + (x2 + x3)} in float32
   * ({@link DenseMath#addColumns4}) and that into its accumulator in double, then the last {@code
   * m % 4} positions of a short chunk one at a time; a float64 column, and a float32 column of
   * fewer than 64 positions (as a float32 row of fewer than 64 elements is summed, so that a
   * small view and its copy agree bit for bit), adds one position at a time in double. Chunk
   * sums combine pairwise as in {@link #sum}. Float32 error: each element takes at most two
   * float32 roundings (relative {@code 2^-24} each) before the double accumulation, so a column
   * of n lies within about {@code (2 * 2^-24 + (CHUNK / 4 + 4 + log2 n) * 2^-53) * sum |x|} of
   * the exact sum before the output's rounding. The order depends on the shape and the layout
   * only, never on the thread count or the blocks (a task takes whole blocks of columns).
   */
  private static final class Columns {
    /**
     * The widest block of columns (8 KiB of double accumulators). Each reduced position reads a
     * run of the block's width: runs of 1024 floats (4 KiB) stream through the hardware
     * prefetchers, which stop at page boundaries; runs of 256 floats (the block was 256 wide)
     * took 0.9-1.3 ms for the mean over dim 0 of 2048 x 2048 floats, runs of 1024 0.5 ms.
     */
    private static final int BLOCK = 1024;

    static void sum(Rows layout, CpuStorage in, int outer, int inner, CpuStorage out, int vo,
        boolean mean) {
      // As few blocks as the width allows, and one per thread where the work is worth a split
      // (a column's sum does not depend on the block it is in).
      int split = Parallel.chunks((long) outer * inner, StridedLoop.GRAIN) > 1
          ? Math.min(Parallel.threads(), (outer + 63) / 64) : 1;
      int want = Math.max((outer + BLOCK - 1) / BLOCK, split);
      int blockWidth = Math.min(BLOCK, ((outer + want - 1) / want + 15) & ~15);
      int blocks = (outer + blockWidth - 1) / blockWidth;
      int tasks = Math.min(blocks, Parallel.chunks((long) outer * inner, StridedLoop.GRAIN));
      float[] floats = in.dtype() == DType.FLOAT32 ? in.floats() : null;
      double[] doubles = floats == null ? in.doubles() : null;
      // The binary counter holds at most one level per bit of the number of full chunks, plus
      // one (was sized for 64 levels: 128 KB allocated per call, 3 calls per MLP step).
      int levelCount = 2 + Long.SIZE - Long.numberOfLeadingZeros(Math.max(1, inner / CHUNK));
      DenseMath kernels = DenseMath.kernels();
      Parallel.forEach(tasks, tasks > 1, t -> {
        // This thread's buffers (a mean over dim 0 of 2048 x 2048 floats allocated 40 KB a task
        // when each task made its own): acc is cleared before each chunk, and a level is
        // written before it is read.
        Scratch scratch = SCRATCH.get();
        double[] acc = scratch.columnAcc(blockWidth);
        double[] levels = scratch.columnLevels(levelCount * blockWidth);
        int[] at = new int[layout.innerSizes.length];
        for (int b = (int) ((long) blocks * t / tasks); b < (long) blocks * (t + 1) / tasks;
            b++) {
          int c0 = b * blockWidth;
          int width = Math.min(blockWidth, outer - c0);
          int base = layout.rowOffset(c0);
          java.util.Arrays.fill(at, 0);
          int offset = 0;
          int top = 0;
          long count = 0;
          for (int done = 0; done < inner; ) {
            int m = Math.min(CHUNK, inner - done);
            java.util.Arrays.fill(acc, 0, width, 0);
            int k = 0;
            if (floats != null && inner >= 64) {
              // Four positions at a time, added in float32 ((x0 + x1) + (x2 + x3)) and then into
              // the double accumulators: one widening per four elements.
              for (; k + 4 <= m; k += 4) {
                int o0 = base + offset;
                offset = next(layout, at, offset);
                int o1 = base + offset;
                offset = next(layout, at, offset);
                int o2 = base + offset;
                offset = next(layout, at, offset);
                int o3 = base + offset;
                offset = next(layout, at, offset);
                kernels.addColumns4(floats, o0, o1, o2, o3, acc, width);
              }
            }
            for (; k < m; k++) {
              int o = base + offset;
              if (floats != null) {
                for (int j = 0; j < width; j++) {
                  acc[j] += floats[o + j];
                }
              } else {
                for (int j = 0; j < width; j++) {
                  acc[j] += doubles[o + j];
                }
              }
              offset = next(layout, at, offset);
            }
            done += m;
            if (m < CHUNK) {
              break; // only the last chunk can be short: acc holds it
            }
            // Push the chunk's sums onto the per-column binary counter.
            for (long c = count; (c & 1) == 1; c >>= 1) {
              top--;
              for (int j = 0; j < width; j++) {
                acc[j] = levels[top * blockWidth + j] + acc[j];
              }
            }
            System.arraycopy(acc, 0, levels, top * blockWidth, width);
            top++;
            count++;
            java.util.Arrays.fill(acc, 0, width, 0);
          }
          while (top > 0) {
            top--;
            for (int j = 0; j < width; j++) {
              acc[j] = levels[top * blockWidth + j] + acc[j];
            }
          }
          for (int j = 0; j < width; j++) {
            out.setDouble(vo + c0 + j, mean ? acc[j] / inner : acc[j]);
          }
        }
      });
    }

    /** Steps the odometer over the inner dimensions; returns the next position's offset. */
    private static int next(Rows layout, int[] at, int offset) {
      int d = at.length - 1;
      at[d]++;
      offset += layout.innerStrides[d];
      while (d > 0 && at[d] == layout.innerSizes[d]) {
        offset -= layout.innerSizes[d] * layout.innerStrides[d];
        at[d] = 0;
        d--;
        at[d]++;
        offset += layout.innerStrides[d];
      }
      return offset;
    }
  }

  /**
   * Pairwise (cascade) sum of the next {@code n} elements of {@code row}, of {@code (x - shift)^2}
   * instead when {@code shift} is not NaN. Float32 input (squares excepted) is summed a segment
   * of {@link #SEGMENT} elements at a time in {@link DenseMath#FLOAT_SUM_ORDER} (which combines
   * the segment's chunks pairwise itself) and segment sums are combined as a binary counter in
   * {@code levels}, as {@link #parallelSum} does. Other input is summed a chunk of {@link #CHUNK}
   * elements at a time in {@link DenseMath#SUM_ORDER} (in double) and chunk sums are combined as
   * a binary counter, so the whole is one balanced tree over chunks (segments are whole subtrees
   * of it). Either way the error grows with log n. Elements are read in place where the row's
   * elements lie back to back, else copied into a buffer first (a float buffer for float32: the
   * same bits).
   */
  private static double sum(Cursor row, int n, double[] buf, double[] levels, double shift) {
    boolean squares = !Double.isNaN(shift);
    if (!squares && row.dtype == DType.FLOAT32) {
      return floatSum(row, n, levels);
    }
    DenseMath kernels = DenseMath.kernels();
    int top = 0;
    long count = 0;
    double partial = 0;
    for (int done = 0; done < n; ) {
      int m = Math.min(CHUNK, n - done);
      double[] src = buf;
      int from = 0;
      if (!squares && row.contiguous() >= m && row.dtype == DType.FLOAT64) {
        src = row.storage.doubles();
        from = row.offset();
        row.advance(m);
      } else {
        row.read(buf, m);
        if (squares) {
          for (int i = 0; i < m; i++) {
            double d = buf[i] - shift;
            buf[i] = d * d;
          }
        }
      }
      // The vector kernel only for whole chunks, the plain loops (same bits) for shorter rows:
      // with the vector kernel also on the short sums of a training step, some JVMs compiled it
      // boxed (40 MB allocated per MLP step at batch 128, in 3 runs of 10). One call site each.
      double s = (m == CHUNK ? kernels : DenseMath.PLAIN).sum(src, from, m);
      done += m;
      if (m < CHUNK) {
        partial = s; // only the last chunk can be short
        break;
      }
      top = push(levels, top, count, s);
      count++;
    }
    return fold(levels, top, partial);
  }

  /**
   * The float32 sum of the next {@code n} elements of {@code row}: segments of {@link #SEGMENT}
   * in {@link DenseMath#FLOAT_SUM_ORDER}, combined by the binary counter in {@code levels} with
   * the short last segment folded in last, exactly as {@link #parallelSum} combines them.
   */
  private static double floatSum(Cursor row, int n, double[] levels) {
    if (n == 0) {
      return 0;
    }
    DenseMath kernels = DenseMath.kernels();
    int top = 0;
    long count = 0;
    for (int done = 0; ; ) {
      int m = Math.min(SEGMENT, n - done);
      double s;
      if (row.contiguous() >= m) {
        float[] a = row.storage.floats();
        int from = row.offset();
        row.advance(m);
        // As in sum: the vector kernel only from a whole chunk up, one call site each.
        s = (m >= CHUNK ? kernels : DenseMath.PLAIN).sum(a, from, m);
      } else {
        s = stridedFloatSegment(row, m, kernels);
      }
      done += m;
      if (m < SEGMENT) {
        return fold(levels, top, s); // only the last segment can be short
      }
      top = push(levels, top, count, s);
      count++;
      if (done == n) {
        return fold(levels, top, 0);
      }
    }
  }

  /**
   * {@link DenseMath#FLOAT_SUM_ORDER} of the next {@code m} (at most a segment) elements of a
   * strided float32 row, read a chunk at a time into the thread's buffer: each chunk's lanes
   * from {@link DenseMath#sumLanes}, combined as the kernels' {@code sum} combines them (the same
   * bits as the row read in place), with no buffer the size of the segment.
   */
  private static double stridedFloatSegment(Cursor row, int m, DenseMath kernels) {
    float[] buf = SCRATCH.get().floats;
    double[] levels = FloatSums.counter();
    int chunks = m / CHUNK;
    int top = 0;
    for (int c = 0; c < chunks; c++) {
      row.read(buf, CHUNK);
      kernels.sumLanes(buf, 0, CHUNK / 64, levels, FloatSums.LANES * top);
      top = FloatSums.push(levels, top, c);
    }
    int rest = m - chunks * CHUNK;
    row.read(buf, rest);
    DenseMath.PLAIN.sumLanes(buf, 0, rest / 64, levels, FloatSums.LANES * top);
    double total = FloatSums.acrossLanes(levels, FloatSums.fold(levels, top));
    for (int i = rest - rest % 64; i < rest; i++) {
      total += buf[i];
    }
    return total;
  }

  /**
   * Where the rows of a view live: the leading dimensions (rows, in row-major order) and the
   * trailing ones whose sizes multiply to {@code inner} (one row's elements), each with size-1
   * dimensions dropped and dimensions that are laid out back to back merged.
   */
  private static final class Rows {
    final int base;
    final int[] outerSizes;
    final int[] outerStrides;
    final int[] innerSizes;
    final int[] innerStrides;

    Rows(Layout src, int inner) {
      int[] shape = src.shape();
      int[] strides = Strided.intStrides(src);
      int split = shape.length;
      long tail = 1;
      while (split > 0 && tail * shape[split - 1] <= inner && tail != inner) {
        tail *= shape[--split];
      }
      if (tail != inner) {
        throw new IllegalStateException("reduce: trailing dimensions of " + src
            + " do not multiply to " + inner);
      }
      base = Math.toIntExact(src.offset());
      int[][] o = merge(shape, strides, 0, split);
      int[][] i = merge(shape, strides, split, shape.length);
      outerSizes = o[0];
      outerStrides = o[1];
      innerSizes = i[0].length == 0 ? new int[] {1} : i[0];
      innerStrides = i[1].length == 0 ? new int[] {0} : i[1];
    }

    private static int[][] merge(int[] shape, int[] strides, int from, int to) {
      List<int[]> dims = new ArrayList<>();
      for (int d = from; d < to; d++) {
        if (shape[d] == 1) {
          continue;
        }
        int[] last = dims.isEmpty() ? null : dims.get(dims.size() - 1);
        if (last != null && (long) last[1] == (long) strides[d] * shape[d]) {
          last[0] *= shape[d];
          last[1] = strides[d];
        } else {
          dims.add(new int[] {shape[d], strides[d]});
        }
      }
      int[][] out = {new int[dims.size()], new int[dims.size()]};
      for (int d = 0; d < dims.size(); d++) {
        out[0][d] = dims.get(d)[0];
        out[1][d] = dims.get(d)[1];
      }
      return out;
    }

    int rowOffset(int r) {
      int off = base;
      for (int d = outerSizes.length - 1; d >= 0; d--) {
        off += (r % outerSizes[d]) * outerStrides[d];
        r /= outerSizes[d];
      }
      return off;
    }
  }

  /** Reads one row's elements in logical order, a run of the innermost dimension at a time. */
  private static final class Cursor {
    private final int[] sizes;
    private final int[] strides;
    private final int[] at;
    private final CpuStorage storage;
    private final DType dtype;
    private int offset;

    Cursor(Rows layout, CpuStorage storage) {
      this.sizes = layout.innerSizes;
      this.strides = layout.innerStrides;
      this.at = new int[sizes.length];
      this.storage = storage;
      this.dtype = storage.dtype();
    }

    /** Starts a row whose first element is at storage offset {@code offset}. */
    void start(int offset) {
      java.util.Arrays.fill(at, 0);
      this.offset = offset;
    }

    /** Moves {@code count} elements on from the start of the row. */
    void skip(long count) {
      for (int d = sizes.length - 1; d >= 0; d--) {
        int step = (int) (count % sizes[d]);
        at[d] += step;
        offset += step * strides[d];
        count /= sizes[d];
      }
    }

    /** The storage offset of the next element. */
    int offset() {
      return offset;
    }

    /** How many of the next elements lie back to back in storage (0 for a strided run). */
    int contiguous() {
      int last = sizes.length - 1;
      return strides[last] == 1 || sizes[last] - at[last] == 1 ? sizes[last] - at[last] : 0;
    }

    /** Copies the next {@code n} elements into {@code buf[0, n)} as doubles; returns n. */
    int read(double[] buf, int n) {
      int last = sizes.length - 1;
      for (int k = 0; k < n; ) {
        int run = Math.min(n - k, sizes[last] - at[last]);
        int s = strides[last];
        int o = offset;
        switch (dtype) {
          case FLOAT32 -> {
            float[] a = storage.floats();
            if (s == 1) {
              for (int i = 0; i < run; i++) {
                buf[k + i] = a[o + i]; // unit stride: a loop the JIT vectorizes
              }
            } else {
              for (int i = 0; i < run; i++, o += s) {
                buf[k + i] = a[o];
              }
            }
          }
          case FLOAT64 -> {
            double[] a = storage.doubles();
            if (s == 1) {
              System.arraycopy(a, o, buf, k, run);
            } else {
              for (int i = 0; i < run; i++, o += s) {
                buf[k + i] = a[o];
              }
            }
          }
          case INT64 -> {
            long[] a = storage.longs();
            if (s == 1) {
              for (int i = 0; i < run; i++) {
                buf[k + i] = a[o + i];
              }
            } else {
              for (int i = 0; i < run; i++, o += s) {
                buf[k + i] = a[o];
              }
            }
          }
          case BOOL -> {
            boolean[] a = storage.bools();
            for (int i = 0; i < run; i++, o += s) {
              buf[k + i] = a[o] ? 1 : 0;
            }
          }
        }
        advance(run);
        k += run;
      }
      return n;
    }

    /** Copies the next {@code n} float32 elements into {@code buf[0, n)}. */
    void read(float[] buf, int n) {
      int last = sizes.length - 1;
      float[] a = storage.floats();
      for (int k = 0; k < n; ) {
        int run = Math.min(n - k, sizes[last] - at[last]);
        int s = strides[last];
        int o = offset;
        if (s == 1) {
          // (A loop stepping by a stride variable is not vectorized even at stride 1: the copy
          // of a conv bias gradient's runs of H x W took 6% of a CNN step.)
          System.arraycopy(a, o, buf, k, run);
        } else {
          for (int i = 0; i < run; i++, o += s) {
            buf[k + i] = a[o];
          }
        }
        advance(run);
        k += run;
      }
    }

    /** Copies the next {@code n} elements into {@code buf[0, n)} as longs; returns n. */
    int read(long[] buf, int n) {
      int last = sizes.length - 1;
      for (int k = 0; k < n; ) {
        int run = Math.min(n - k, sizes[last] - at[last]);
        int s = strides[last];
        int o = offset;
        if (dtype == DType.BOOL) {
          boolean[] a = storage.bools();
          for (int i = 0; i < run; i++, o += s) {
            buf[k + i] = a[o] ? 1 : 0;
          }
        } else if (dtype == DType.INT64) {
          long[] a = storage.longs();
          if (s == 1) {
            System.arraycopy(a, o, buf, k, run);
          } else {
            for (int i = 0; i < run; i++, o += s) {
              buf[k + i] = a[o];
            }
          }
        } else {
          for (int i = 0; i < run; i++, o += s) {
            buf[k + i] = storage.getLong(o);
          }
        }
        advance(run);
        k += run;
      }
      return n;
    }

    private void advance(int run) {
      int d = sizes.length - 1;
      at[d] += run;
      offset += run * strides[d];
      while (d > 0 && at[d] == sizes[d]) {
        offset -= sizes[d] * strides[d];
        at[d] = 0;
        d--;
        at[d]++;
        offset += strides[d];
      }
    }
  }
}
