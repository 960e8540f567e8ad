package dev.adjoint.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} with the JDK's incubating Vector API, in the layout of Goto's GEMM: a panel of B
 * ({@link #KC} rows by up to 512 float32 or 256 float64 columns, 512 KB, which stays in a core's
 * L2) is packed in strips of NR columns (two vectors wide), and a 6 x NR micro-kernel runs each
 * strip of MR = 6 rows of A against every strip of that panel, its twelve accumulators in
 * vector registers. Rows of A are read where they lie (the kernel's loop runs over A's own
 * index, so its bounds checks are hoisted); a transposed A, one scaled by alpha and a short last
 * strip are packed p-major (six consecutive elements per p). A B small enough to stay in L1
 * (16 KB, untransposed) is not packed at all: the kernel reads its rows in place too.
 *
 * <p>Every element of C gets the same arithmetic whatever the operands' layout, the thread count
 * and the split: per block of {@link #KC} products, a chain of fused multiply-adds in order of p
 * (of alpha * A's element and B's) from zero, then added to C (to zero when beta is 0). A
 * matrix-vector product (m or n is 1) sums in an order of its own, the same on every layout
 * too: see {@link #gemvF}.
 *
 * <p>Larger products are split over the cores into as many independent blocks of columns (or of
 * rows, where that packs less twice) as there are threads; each block packs what it reads
 * itself, in buffers of fixed size (not sized by the operands) kept per thread, so the threads
 * share nothing but the operands.
 *
 * <p>Loaded by reflection only when the JVM has the {@code jdk.incubator.vector} module, and
 * compiled separately with that module (see the runtime's pom), so nothing else needs it.
 */
final class VectorGemm implements Gemm.Kernels {
  static final VectorGemm INSTANCE = new VectorGemm();
  private static final int MR = 6;
  /** Products per block: each element of C gets one chain of FMAs per block of this many. */
  private static final int KC = 256;

  private VectorGemm() {}

  @Override
  public String describe() {
    return "vector (" + FS.vectorBitSize() + "-bit, " + MR + "x" + FNR + " float32 and " + MR
        + "x" + DNR + " float64 tiles)";
  }

  // ================================================================ float32

  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  private static final int FL = FS.length();
  /** The class of FS's vectors (see {@link #packedHalves8F}). */
  private static final Class<? extends FloatVector> F_CLASS = VectorMath.F_CLASS;
  private static final int FNR = 2 * FL;
  /** Columns of B's packed panel: KC x FNC floats (512 KB) stay in a core's L2. */
  private static final int FNC = 512 / FNR * FNR;
  /**
   * Fewest multiply-adds worth splitting over the cores: below it, waking a helper costs more
   * than it saves (n = 64 cubed runs in about 5 us on one core).
   */
  private static final long SPLIT_MIN = 1L << 19;
  /**
   * Most rows of x for which x W^T runs as C^T = W x^T (W at least four times as tall): its
   * transposed writes of C cost about a cycle an element per block of products, against the
   * transposing of W's n - m extra rows into the panel.
   */
  private static final int SWAP_ROWS = 64;

  /** One thread's packing buffers and edge tile, reused by every product it runs. */
  private static final class FScratch {
    final float[] a = new float[MR * KC];
    final float[] b = new float[KC * FNC];
    final float[] tile = new float[MR * FNR];
    /** Rows of 4 or 8 back to back: two vectors per block of 16 rows, up to 64 blocks. */
    final float[] packed = new float[2 * DOT_LANES * PACKED_BLOCKS];
    /** A matrix-vector product's running sums (16 per output, for up to a vector of them). */
    final float[] sums = new float[DOT_LANES * Math.max(4, FL)];
  }

  private static final ThreadLocal<FScratch> F_SCRATCH = ThreadLocal.withInitial(FScratch::new);

  @Override
  public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao,
      int lda, float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc,
      boolean parallel) {
    if (k == 0 || alpha == 0 || m == 1 || n == 1) {
      Gemm.scale(beta, c, co, ldc, m, n);
      if (k != 0 && alpha != 0 && m != 0 && n != 0) {
        gemvF(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, parallel);
      }
      return;
    }
    if (m == 0 || n == 0) {
      return;
    }
    // beta 0: the first block of products is stored as 0 + chain (the bits of adding it to a
    // zeroed C) instead of added, so C is neither zeroed first nor read.
    boolean store = beta == 0;
    if (!store) {
      Gemm.scale(beta, c, co, ldc, m, n);
    }
    if (k == 1 && alpha == 1f && (!tb || ldb == 1)) {
      // An outer product (a weight gradient at batch 1): no packing, one pass over C.
      int xs = ta ? 1 : lda;
      int chunks = parallel ? Parallel.chunks((long) m * n, GEMV_GRAIN) : 1;
      int tasks = Math.max(1, Math.min(chunks, m));
      Parallel.forEach(tasks, tasks > 1, t -> rank1F(a, ao, xs, b, bo, c, co, ldc,
          (int) ((long) m * t / tasks), (int) ((long) m * (t + 1) / tasks), n, store));
      return;
    }
    if (tb && !ta && alpha == 1 && m <= SWAP_ROWS && n >= 4 * m) {
      // x W^T with few rows of x (a Linear layer's forward at a small batch) is computed as
      // C^T = W x^T: W's rows are read in place and the panel packs x's m rows transposed,
      // where the direct order transposes all n rows of W into it (batch 32, 784 -> 256:
      // 221 -> 140 us). fma(w, x, s) is fma(x, w, s): the same bits, written transposed.
      tilesF(false, true, n, m, k, 1f, b, bo, ldb, a, ao, lda, c, co, 1, ldc, store,
          parallel);
      return;
    }
    tilesF(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, 1, store, parallel);
  }

  /**
   * The tiled product C (+)= alpha op(A) op(B) (beta already applied; {@code store}: beta was
   * 0), split over the cores; element (i, j) of C at {@code c[co + i * rs + j * cs]}.
   */
  private static void tilesF(boolean ta, boolean tb, int m, int n, int k, float alpha,
      float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int rs, int cs,
      boolean store, boolean parallel) {
    int threads = parallel && (long) m * n * k >= SPLIT_MIN ? Parallel.threads() : 1;
    // Each block packs what it reads: a split by rows packs all of B again in every block (a
    // copy, about 0.4 cycles an element, or a transpose, 1.8); a split by columns packs all of
    // A again (1.4 cycles an element) unless it is read in place, and the two blocks write
    // the cache line of each row of C where they meet (about 400 cycles per row and block of
    // k: likely why n = 128 split by columns ran slower on 2 threads than on 1). Rows unless B's
    // transpose costs more; columns too few to share evenly are not split.
    int colUnits = (n + FNR - 1) / FNR;
    boolean aPacked = ta || alpha != 1;
    boolean byRows = colUnits < 2 * threads
        || (long) n * (tb ? 9 : 2) <= (long) m * (aPacked ? 23 : 16);
    int unit = byRows ? MR : FNR;
    int extent = byRows ? m : n;
    int units = (extent + unit - 1) / unit;
    int tasks = Math.max(1, Math.min(threads, units));
    if (tasks == 1) {
      blockF(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, rs, cs, 0, m, 0, n, store);
      return;
    }
    Parallel.forEach(tasks, true, t -> {
      int from = Math.min(extent, units * t / tasks * unit);
      int to = Math.min(extent, units * (t + 1) / tasks * unit);
      if (byRows) {
        blockF(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, rs, cs, from, to, 0, n, store);
      } else {
        blockF(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, rs, cs, 0, m, from, to, store);
      }
    });
  }

  /**
   * Rows [i0, i1) of the outer product C (+)= x y (k = 1, alpha 1; x_i at x[xo + i * xs], y
   * contiguous from yo), in the tiles' arithmetic: each element 0 or C plus fma(x_i, y_j, 0).
   */
  private static void rank1F(float[] x, int xo, int xs, float[] y, int yo, float[] c, int co,
      int ldc, int i0, int i1, int n, boolean store) {
    FloatVector zero = FloatVector.zero(FS);
    for (int i = i0; i < i1; i++) {
      float xi = x[xo + i * xs];
      FloatVector xv = FloatVector.broadcast(FS, xi);
      int row = co + i * ldc;
      int j = 0;
      for (; j + FL <= n; j += FL) {
        FloatVector prod = FloatVector.fromArray(FS, y, yo + j).fma(xv, zero);
        FloatVector base = store ? zero : FloatVector.fromArray(FS, c, row + j);
        base.add(prod).intoArray(c, row + j);
      }
      for (; j < n; j++) {
        c[row + j] = (store ? 0f : c[row + j]) + Math.fma(y[yo + j], xi, 0f);
      }
    }
  }

  /** C[i0:i1, j0:j1] (+)= alpha op(A) op(B) on the calling thread, with its own buffers. */
  private static void blockF(boolean ta, boolean tb, int k, float alpha, float[] a, int ao,
      int lda, float[] b, int bo, int ldb, float[] c, int co, int rs, int cs, int i0, int i1,
      int j0, int j1, boolean store) {
    FScratch s = F_SCRATCH.get();
    if (!ta && !tb && alpha == 1 && cs == 1 && (j1 - j0) % FNR == 0
        && (long) k * ldb <= SMALL_B) {
      inPlaceF(a, ao, lda, b, bo, ldb, k, c, co, rs, i0, i1, j0, j1, s.tile, store);
      return;
    }
    for (int jc = j0; jc < j1; jc += FNC) {
      int nc = Math.min(FNC, j1 - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        packFB(tb, b, bo, ldb, pc, kc, jc, nc, s.b);
        // Six full rows of A are read where they lie (packing costs about 1.5 cycles an
        // element, as much as running it against a strip of B, and the kernel reads them as
        // fast as a packed strip); transposed or scaled by alpha, or a short last strip, they
        // are packed.
        boolean inPlace = !ta && alpha == 1;
        for (int is = i0; is < i1; is += MR) {
          int h = Math.min(MR, i1 - is);
          int crow = co + is * rs + jc * cs;
          boolean first = store && pc == 0;
          if (inPlace && h == MR) {
            macroRowsF(a, ao + is * lda + pc, lda, s, nc, kc, c, crow, rs, cs, first);
          } else {
            packFA(ta, alpha, a, ao, lda, is, h, pc, kc, s.a);
            // One call site of macroF (and so of the kernel): a kernel inlined twice into one
            // compiled method has been seen to lose its vector intrinsics and run boxed.
            macroF(s, h, nc, kc, c, crow, rs, cs, first);
          }
        }
      }
    }
  }

  /** Rows (or columns) per parallel task of a matrix-vector product. */
  private static final int GEMV_GRAIN = 1 << 14;
  /** Running sums per element of C in a matrix-vector product (a fixed count, not the width). */
  static final int DOT_LANES = 16;

  /**
   * C += alpha op(A) op(B) where one side is a single row or column (m or n is 1), where a tile
   * would compute mostly padding and packing would copy the whole matrix for one pass. Each
   * element of C is, with x_p = alpha * A's element and y_p = B's:
   * <ol>
   *   <li>16 running sums from zero: for p = 0 .. k - 1 in order, sum (p mod 16) =
   *       fma(x_p, y_p, sum (p mod 16));</li>
   *   <li>combined by halving: sum l += sum l + 8 (for l &lt; 8), then l + 4, l + 2, l + 1;</li>
   *   <li>sum 0 added to C (to 0 when beta is 0, to beta * C otherwise).</li>
   * </ol>
   * The same bits whatever the operands' layout, the thread count and the vector width. The
   * sums are vector lanes where the matrix's rows and the vector lie in consecutive elements
   * (x W^T for a Linear layer at batch 1; several short rows to a vector where they lie back to
   * back, as in a linear regression's X w^T), 16 vector registers (the outputs in lanes) where
   * the outputs lie back to back in the matrix (the weight gradient's X^T g), else scalars.
   */
  private static void gemvF(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a,
      int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
      boolean parallel) {
    boolean row = m == 1;
    int count = row ? n : m;
    // The matrix (op(B) for a row of C, op(A) for a column): element (out, p) at
    // mo + out * os + p * ps; the vector's element p at vo + p * vs.
    float[] mat = row ? b : a;
    int mo = row ? bo : ao;
    int os = row ? (tb ? ldb : 1) : (ta ? 1 : lda);
    int ps = row ? (tb ? 1 : ldb) : (ta ? lda : 1);
    float[] vec = row ? a : b;
    int vo = row ? ao : bo;
    int vs = row ? (ta ? lda : 1) : (tb ? 1 : ldb);
    int cs = row ? 1 : ldc;
    // alpha scales A: the vector of a row of C, the matrix of a column. The vector kernels
    // take alpha 1 (every product the tensor layer asks for), the scalar one any alpha.
    float va = row ? alpha : 1f;
    float ma = row ? 1f : alpha;
    int kind;
    if (alpha != 1f) {
      kind = SCALAR;
    } else if (FL == DOT_LANES && ps == 1 && os == k && (k == 4 || k == 8) && count > 1) {
      kind = PACKED_ROWS;
    } else if ((FL == DOT_LANES || 2 * FL == DOT_LANES) && ps == 1 && vs == 1) {
      kind = ROWS;
    } else if (os == 1) {
      kind = LANES;
    } else {
      kind = SCALAR;
    }
    // Parallel tasks take whole vectors of outputs (LANES) or 16 rows (PACKED_ROWS).
    int unit = kind == LANES ? FL : kind == PACKED_ROWS ? DOT_LANES : 1;
    int units = (count + unit - 1) / unit;
    int tasks = parallel ? Parallel.chunks((long) count * k, GEMV_GRAIN) : 1;
    tasks = Math.max(1, Math.min(tasks, units));
    if (tasks == 1) {
      gemvRangeF(kind, k, mat, mo, os, ps, vec, vo, vs, va, ma, c, co, cs, 0, count);
      return;
    }
    int t0 = tasks;
    Parallel.forEach(tasks, true, t -> {
      int from = Math.min(count, (int) ((long) units * t / t0) * unit);
      int to = Math.min(count, (int) ((long) units * (t + 1) / t0) * unit);
      gemvRangeF(kind, k, mat, mo, os, ps, vec, vo, vs, va, ma, c, co, cs, from, to);
    });
  }

  /** Kinds of {@link #gemvF} kernel. */
  private static final int SCALAR = 0;
  private static final int ROWS = 1;
  private static final int PACKED_ROWS = 2;
  private static final int LANES = 3;

  /** Outputs [from, to) of {@link #gemvF}, on the calling thread. */
  private static void gemvRangeF(int kind, int k, float[] mat, int mo, int os, int ps,
      float[] vec, int vo, int vs, float va, float ma, float[] c, int co, int cs, int from,
      int to) {
    FScratch scratch = F_SCRATCH.get();
    int j = from;
    if (kind == ROWS) {
      j = rowsF(k, mat, mo, os, vec, vo, c, co, cs, from, to, scratch.sums);
    } else if (kind == PACKED_ROWS) {
      j = packedRowsF(k, mat, mo, vec, vo, vs, c, co, cs, from, to, scratch);
    } else if (kind == LANES) {
      j = lanesF(k, mat, mo, ps, vec, vo, vs, c, co, cs, from, to, scratch.sums);
    }
    // What the vector kernels left (outputs whose vector loads would leave the array).
    for (; j < to; j++) {
      scalarDotF(k, mat, mo + j * os, ps, vec, vo, vs, va, ma, c, co + j * cs, scratch.sums);
    }
  }

  /**
   * Combines the 16 running sums at {@code sums[0], sums[stride], ..., sums[15 * stride]} by
   * halving and returns the result (the sums are overwritten).
   */
  private static float halveF(float[] sums, int at, int stride) {
    for (int h = DOT_LANES / 2; h > 0; h >>= 1) {
      for (int l = 0; l < h; l++) {
        sums[at + l * stride] += sums[at + (l + h) * stride];
      }
    }
    return sums[at];
  }

  /**
   * {@link #halveF} of 16 consecutive sums from {@code at}, in registers: the same pairs, without
   * a store and a load per add (stored by a vector and halved in memory, the sums cost as much
   * as the products of a row of 784).
   */
  private static float halve16F(float[] s, int at) {
    float t0 = s[at] + s[at + 8];
    float t1 = s[at + 1] + s[at + 9];
    float t2 = s[at + 2] + s[at + 10];
    float t3 = s[at + 3] + s[at + 11];
    float t4 = s[at + 4] + s[at + 12];
    float t5 = s[at + 5] + s[at + 13];
    float t6 = s[at + 6] + s[at + 14];
    float t7 = s[at + 7] + s[at + 15];
    float u0 = t0 + t4;
    float u1 = t1 + t5;
    float u2 = t2 + t6;
    float u3 = t3 + t7;
    return (u0 + u2) + (u1 + u3);
  }

  /** One element of C in scalars (any strides, any alpha), in {@link #gemvF}'s order. */
  private static void scalarDotF(int k, float[] mat, int r, int ps, float[] vec, int vo, int vs,
      float va, float ma, float[] c, int at, float[] sums) {
    java.util.Arrays.fill(sums, 0, DOT_LANES, 0f);
    for (int p = 0; p < k; p++) {
      float x = vec[vo + p * vs];
      float y = mat[r + p * ps];
      int l = p % DOT_LANES;
      sums[l] = Math.fma(va != 1f ? va * x : x, ma != 1f ? ma * y : y, sums[l]);
    }
    c[at] += halve16F(sums, 0);
  }

  /**
   * Outputs from .. whose matrix rows (at mo + j * os) and the vector have unit stride: the 16
   * sums are the lanes of a vector (of two where a vector has 8); four rows at a time share each
   * load of the vector. The
   * products past the last whole 16 go to the sums one by one after they are stored in
   * {@code sums}. Returns the first output left undone (none: every load stays in its row).
   */
  private static int rowsF(int k, float[] mat, int mo, int os, float[] vec, int vo, float[] c,
      int co, int cs, int from, int to, float[] sums) {
    int kv = k - k % DOT_LANES;
    int j = from;
    if (FL == DOT_LANES) {
      for (; j + 4 <= to; j += 4) {
        int r0 = mo + j * os;
        int r1 = r0 + os;
        int r2 = r1 + os;
        int r3 = r2 + os;
        FloatVector s0 = FloatVector.zero(FS);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = 0; p < kv; p += DOT_LANES) {
          FloatVector x = FloatVector.fromArray(FS, vec, vo + p);
          // fma(y_p, x_p, s): which factor is A's does not change the bits.
          s0 = FloatVector.fromArray(FS, mat, r0 + p).fma(x, s0);
          s1 = FloatVector.fromArray(FS, mat, r1 + p).fma(x, s1);
          s2 = FloatVector.fromArray(FS, mat, r2 + p).fma(x, s2);
          s3 = FloatVector.fromArray(FS, mat, r3 + p).fma(x, s3);
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, DOT_LANES);
        s2.intoArray(sums, 2 * DOT_LANES);
        s3.intoArray(sums, 3 * DOT_LANES);
        for (int i = 0; i < 4; i++) {
          c[co + (j + i) * cs] +=
              rowTailF(sums, i * DOT_LANES, k, kv, mat, r0 + i * os, vec, vo);
        }
      }
    }
    // One row at a time: the rest, and every row where the 16 sums take two vectors of 8.
    for (; j < to; j++) {
      int r = mo + j * os;
      FloatVector lo = FloatVector.zero(FS);
      FloatVector hi = lo;
      for (int p = 0; p < kv; p += DOT_LANES) {
        lo = FloatVector.fromArray(FS, mat, r + p).fma(FloatVector.fromArray(FS, vec, vo + p), lo);
        if (FL < DOT_LANES) {
          hi = FloatVector.fromArray(FS, mat, r + p + FL)
              .fma(FloatVector.fromArray(FS, vec, vo + p + FL), hi);
        }
      }
      lo.intoArray(sums, 0);
      if (FL < DOT_LANES) {
        hi.intoArray(sums, FL);
      }
      c[co + j * cs] += rowTailF(sums, 0, k, kv, mat, r, vec, vo);
    }
    return j;
  }

  /**
   * The products kv .. k - 1 of a row at r onto its 16 stored sums at {@code sums[at ..]}, then
   * their halving.
   */
  private static float rowTailF(float[] sums, int at, int k, int kv, float[] mat, int r,
      float[] vec, int vo) {
    for (int p = kv; p < k; p++) {
      sums[at + p - kv] = Math.fma(mat[r + p], vec[vo + p], sums[at + p - kv]);
    }
    return halve16F(sums, at);
  }

  /**
   * Outputs from .. whose matrix rows are k = 4 or 8 consecutive elements back to back (a
   * linear regression's X w^T), 16 rows at a time: a vector holds 16 / k rows, so the 16 rows'
   * products fill k vectors (x_p * y_p: a product's sum is its only term, and
   * fma(x, y, +0) differs from x * y only in a zero's sign). The halving steps of h &gt;= k add
   * zero sums and are left out. Each step of h &lt; k combines two vectors into one: lane l of
   * the result is a + a[l + h] for the first's row where bit h of l is clear, b[l - h] + b for
   * the second's where it is set (two permutes, two blends, one add: no horizontal work, no
   * scalar reads of vector stores). After log2 k steps every lane holds one row's sum, in the
   * order {@link #packedOrder}; one permute puts the rows in order, adding +0 turns a -0 into
   * the +0 the documented order gives (zeros' signs are the only bits the products' order of
   * zeros can change), and the 16 results are added to C. Returns the first output left undone.
   */
  private static int packedRowsF(int k, float[] mat, int mo, float[] vec, int vo, int vs,
      float[] c, int co, int cs, int from, int to, FScratch scratch) {
    float[] pattern = scratch.sums;
    for (int l = 0; l < DOT_LANES; l++) {
      pattern[l] = vec[vo + (l % k) * vs];
    }
    // Whole blocks of 16 rows, in chunks of PACKED_BLOCKS: all steps but the last go to
    // scratch.packed (two vectors a block), then the last step, the order and C. (With every
    // step in one method, a store lost its intrinsic in some JVMs: see docs/backend.md.)
    float[] halves = scratch.packed;
    int end = (int) Math.min(to, (mat.length - (long) mo) / k);
    int j = from;
    while (j + DOT_LANES <= end) {
      int blocks = Math.min(PACKED_BLOCKS, (end - j) / DOT_LANES);
      if (k == 8) {
        packedHalves8F(mat, mo + j * 8, pattern, blocks, halves);
        packedFinish8F(halves, blocks, c, co + j * cs, cs, scratch.tile);
      } else {
        packedHalves4F(mat, mo + j * 4, pattern, blocks, halves);
        packedFinish4F(halves, blocks, c, co + j * cs, cs, scratch.tile);
      }
      j += blocks * DOT_LANES;
    }
    return j;
  }

  /** Blocks of 16 rows {@link #packedRowsF} takes per chunk. */
  private static final int PACKED_BLOCKS = 64;

  /**
   * The products of {@code blocks} blocks of 16 rows of 8 from e, combined by the steps h = 4
   * and h = 2: two vectors per block into {@code halves}.
   */
  private static void packedHalves8F(float[] mat, int e, float[] pattern, int blocks,
      float[] halves) {
    FloatVector x = FloatVector.fromArray(FS, pattern, 0);
    for (int b = 0; b < blocks; b++, e += 8 * DOT_LANES) {
      FloatVector v0 = FloatVector.fromArray(FS, mat, e).mul(x);
      FloatVector v1 = FloatVector.fromArray(FS, mat, e + DOT_LANES).mul(x);
      FloatVector v2 = FloatVector.fromArray(FS, mat, e + 2 * DOT_LANES).mul(x);
      FloatVector v3 = FloatVector.fromArray(FS, mat, e + 3 * DOT_LANES).mul(x);
      FloatVector v4 = FloatVector.fromArray(FS, mat, e + 4 * DOT_LANES).mul(x);
      FloatVector v5 = FloatVector.fromArray(FS, mat, e + 5 * DOT_LANES).mul(x);
      FloatVector v6 = FloatVector.fromArray(FS, mat, e + 6 * DOT_LANES).mul(x);
      FloatVector v7 = FloatVector.fromArray(FS, mat, e + 7 * DOT_LANES).mul(x);
      // h = 4: sum l + sum l + 4.
      FloatVector z0 = v0.blend(v1.rearrange(XOR4), BIT4).add(v0.rearrange(XOR4).blend(v1, BIT4));
      FloatVector z1 = v2.blend(v3.rearrange(XOR4), BIT4).add(v2.rearrange(XOR4).blend(v3, BIT4));
      FloatVector z2 = v4.blend(v5.rearrange(XOR4), BIT4).add(v4.rearrange(XOR4).blend(v5, BIT4));
      FloatVector z3 = v6.blend(v7.rearrange(XOR4), BIT4).add(v6.rearrange(XOR4).blend(v7, BIT4));
      // h = 2.
      // (Cast to the species' class: C2 lost track of it after the blends in some JVMs, and the
      // store then failed for want of a constant species.)
      F_CLASS.cast(z0.blend(z1.rearrange(XOR2), BIT2).add(z0.rearrange(XOR2).blend(z1, BIT2)))
          .intoArray(halves, 2 * b * DOT_LANES);
      F_CLASS.cast(z2.blend(z3.rearrange(XOR2), BIT2).add(z2.rearrange(XOR2).blend(z3, BIT2)))
          .intoArray(halves, (2 * b + 1) * DOT_LANES);
    }
  }

  /** {@link #packedHalves8F} for rows of 4: the step h = 2. */
  private static void packedHalves4F(float[] mat, int e, float[] pattern, int blocks,
      float[] halves) {
    FloatVector x = FloatVector.fromArray(FS, pattern, 0);
    for (int b = 0; b < blocks; b++, e += 4 * DOT_LANES) {
      FloatVector v0 = FloatVector.fromArray(FS, mat, e).mul(x);
      FloatVector v1 = FloatVector.fromArray(FS, mat, e + DOT_LANES).mul(x);
      FloatVector v2 = FloatVector.fromArray(FS, mat, e + 2 * DOT_LANES).mul(x);
      FloatVector v3 = FloatVector.fromArray(FS, mat, e + 3 * DOT_LANES).mul(x);
      F_CLASS.cast(v0.blend(v1.rearrange(XOR2), BIT2).add(v0.rearrange(XOR2).blend(v1, BIT2)))
          .intoArray(halves, 2 * b * DOT_LANES);
      F_CLASS.cast(v2.blend(v3.rearrange(XOR2), BIT2).add(v2.rearrange(XOR2).blend(v3, BIT2)))
          .intoArray(halves, (2 * b + 1) * DOT_LANES);
    }
  }

  /**
   * The step h = 1 on each block's two vectors in {@code halves}, the rows put in order
   * ({@link #ORDER8}), -0 turned to +0, and the 16 sums added to C's rows from at (stride cs).
   */
  private static void packedFinish8F(float[] halves, int blocks, float[] c, int at, int cs,
      float[] out) {
    FloatVector zero = FloatVector.zero(FS);
    for (int b = 0; b < blocks; b++, at += DOT_LANES * cs) {
      FloatVector y0 = FloatVector.fromArray(FS, halves, 2 * b * DOT_LANES);
      FloatVector y1 = FloatVector.fromArray(FS, halves, (2 * b + 1) * DOT_LANES);
      FloatVector r = F_CLASS.cast(y0.blend(y1.rearrange(XOR1), BIT1)
          .add(y0.rearrange(XOR1).blend(y1, BIT1)).rearrange(ORDER8).add(zero));
      if (cs == 1) {
        F_CLASS.cast(FloatVector.fromArray(FS, c, at).add(r)).intoArray(c, at);
      } else {
        r.intoArray(out, 0);
        for (int l = 0; l < DOT_LANES; l++) {
          c[at + l * cs] += out[l];
        }
      }
    }
  }

  /**
   * {@link #packedFinish8F} for rows of 4 ({@link #ORDER4}): a copy rather than one method taking
   * the shuffle, which C2 needs as a constant to compile the permute.
   */
  private static void packedFinish4F(float[] halves, int blocks, float[] c, int at, int cs,
      float[] out) {
    FloatVector zero = FloatVector.zero(FS);
    for (int b = 0; b < blocks; b++, at += DOT_LANES * cs) {
      FloatVector y0 = FloatVector.fromArray(FS, halves, 2 * b * DOT_LANES);
      FloatVector y1 = FloatVector.fromArray(FS, halves, (2 * b + 1) * DOT_LANES);
      FloatVector r = F_CLASS.cast(y0.blend(y1.rearrange(XOR1), BIT1)
          .add(y0.rearrange(XOR1).blend(y1, BIT1)).rearrange(ORDER4).add(zero));
      if (cs == 1) {
        F_CLASS.cast(FloatVector.fromArray(FS, c, at).add(r)).intoArray(c, at);
      } else {
        r.intoArray(out, 0);
        for (int l = 0; l < DOT_LANES; l++) {
          c[at + l * cs] += out[l];
        }
      }
    }
  }

  /**
   * The row whose sum {@link #packedRowsF}'s combining steps leave in lane l, for rows of k:
   * step h takes the second vector of each pair where bit h of l is set, so the vector (of the
   * k loaded) is l mod k with its log2 k bits reversed, and the row within it l / k.
   */
  static int packedOrder(int k, int l) {
    int bits = Integer.numberOfTrailingZeros(k);
    int vector = Integer.reverse(l % k) >>> (32 - bits);
    return vector * (DOT_LANES / k) + l / k;
  }

  /** Lane l takes lane l xor h: the partner a combining step of h pairs it with. */
  private static final VectorShuffle<Float> XOR1 =
      VectorShuffle.fromOp(FS, l -> (l ^ 1) & (FL - 1));
  private static final VectorShuffle<Float> XOR2 =
      VectorShuffle.fromOp(FS, l -> (l ^ 2) & (FL - 1));
  private static final VectorShuffle<Float> XOR4 =
      VectorShuffle.fromOp(FS, l -> (l ^ 4) & (FL - 1));
  /** The lanes where bit h of the lane number is set. */
  private static final VectorMask<Float> BIT1 = VectorMask.fromLong(FS, 0xAAAAL);
  private static final VectorMask<Float> BIT2 = VectorMask.fromLong(FS, 0xCCCCL);
  private static final VectorMask<Float> BIT4 = VectorMask.fromLong(FS, 0xF0F0L);
  /** Lane i takes the lane where row i's sum is (rows of 8, of 4). */
  private static final VectorShuffle<Float> ORDER8 = packedShuffle(8);
  private static final VectorShuffle<Float> ORDER4 = packedShuffle(4);

  private static VectorShuffle<Float> packedShuffle(int k) {
    int[] lanes = new int[FL];
    for (int l = 0; l < FL; l++) {
      lanes[l] = l;
    }
    if (FL == DOT_LANES) {
      for (int l = 0; l < FL; l++) {
        lanes[packedOrder(k, l)] = l;
      }
    }
    return VectorShuffle.fromArray(FS, lanes, 0);
  }

  /**
   * Finishes {@link #lanesVectorF}'s stored sums (sum i of lane l at {@code sums[i * FL + l]}):
   * the products kv .. k - 1 lane by lane, the halving, the add to C.
   */
  private static void finishLanesF(int k, int kv, float[] mat, int e, int ps, float[] vec,
      int vo, int vs, float[] c, int co, int cs, int j, int w, float[] sums) {
    for (int l = 0; l < w; l++) {
      for (int p = kv; p < k; p++) {
        int at = (p % DOT_LANES) * FL + l;
        sums[at] = Math.fma(mat[e + l + p * ps], vec[vo + p * vs], sums[at]);
      }
      c[co + (j + l) * cs] += halveF(sums, l, FL);
    }
  }

  /**
   * Outputs from .. to where they lie back to back in the matrix (element (j, p) at
   * mo + j + p * ps), a vector of outputs at a time (the last one partly past the outputs: its
   * extra lanes compute what they read and are dropped).
   */
  private static int lanesF(int k, float[] mat, int mo, int ps, float[] vec, int vo, int vs,
      float[] c, int co, int cs, int from, int to, float[] sums) {
    for (int j = from; j < to; j += FL) {
      // Products whose vector loads stay inside the array (all of them but near its end).
      long room = mat.length - FL - (long) (mo + j);
      int fit = room < 0 ? 0 : ps == 0 ? k : (int) Math.min(k, room / ps + 1);
      lanesVectorF(k, fit, mat, mo + j, ps, vec, vo, vs, c, co, cs, j, Math.min(FL, to - j),
          sums);
    }
    return to;
  }

  /**
   * One vector of {@link #lanesF}'s outputs, the matrix's element p at e + p * ps: the 16 sums
   * are 16 vector registers (16 chains in flight), halved lane-wise; the first w lanes are
   * added to C's outputs j .. j + w - 1. Where only the first {@code fit} products' loads stay
   * inside the array, the sums are stored after the whole 16s among them and finished lane by
   * lane in scalars.
   */
  private static void lanesVectorF(int k, int fit, float[] mat, int e, int ps, float[] vec,
      int vo, int vs, float[] c, int co, int cs, int j, int w, float[] sums) {
    boolean whole = fit == k;
    int kv = whole ? k - k % DOT_LANES : fit - fit % DOT_LANES;
    FloatVector s0 = FloatVector.zero(FS);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    FloatVector s4 = s0;
    FloatVector s5 = s0;
    FloatVector s6 = s0;
    FloatVector s7 = s0;
    FloatVector s8 = s0;
    FloatVector s9 = s0;
    FloatVector s10 = s0;
    FloatVector s11 = s0;
    FloatVector s12 = s0;
    FloatVector s13 = s0;
    FloatVector s14 = s0;
    FloatVector s15 = s0;
    for (int p = 0; p < kv; p += DOT_LANES) {
      int q = e + p * ps;
      int x = vo + p * vs;
      s0 = FloatVector.fromArray(FS, mat, q).fma(FloatVector.broadcast(FS, vec[x]), s0);
      s1 = FloatVector.fromArray(FS, mat, q + ps).fma(FloatVector.broadcast(FS, vec[x + vs]), s1);
      s2 = FloatVector.fromArray(FS, mat, q + 2 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 2 * vs]), s2);
      s3 = FloatVector.fromArray(FS, mat, q + 3 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 3 * vs]), s3);
      s4 = FloatVector.fromArray(FS, mat, q + 4 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 4 * vs]), s4);
      s5 = FloatVector.fromArray(FS, mat, q + 5 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 5 * vs]), s5);
      s6 = FloatVector.fromArray(FS, mat, q + 6 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 6 * vs]), s6);
      s7 = FloatVector.fromArray(FS, mat, q + 7 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 7 * vs]), s7);
      s8 = FloatVector.fromArray(FS, mat, q + 8 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 8 * vs]), s8);
      s9 = FloatVector.fromArray(FS, mat, q + 9 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 9 * vs]), s9);
      s10 = FloatVector.fromArray(FS, mat, q + 10 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 10 * vs]), s10);
      s11 = FloatVector.fromArray(FS, mat, q + 11 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 11 * vs]), s11);
      s12 = FloatVector.fromArray(FS, mat, q + 12 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 12 * vs]), s12);
      s13 = FloatVector.fromArray(FS, mat, q + 13 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 13 * vs]), s13);
      s14 = FloatVector.fromArray(FS, mat, q + 14 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 14 * vs]), s14);
      s15 = FloatVector.fromArray(FS, mat, q + 15 * ps)
          .fma(FloatVector.broadcast(FS, vec[x + 15 * vs]), s15);
    }
    // The sums go to the array, and the rest runs in a method of its own that loads them: the
    // kernel with the tail and the halving in it too came near C2's budget, and in some JVMs its
    // last store lost its intrinsic and boxed the vectors. (Nor is a vector passed to a call,
    // which boxes it where the call is not inlined.)
    s0.intoArray(sums, 0);
    s1.intoArray(sums, FL);
    s2.intoArray(sums, 2 * FL);
    s3.intoArray(sums, 3 * FL);
    s4.intoArray(sums, 4 * FL);
    s5.intoArray(sums, 5 * FL);
    s6.intoArray(sums, 6 * FL);
    s7.intoArray(sums, 7 * FL);
    s8.intoArray(sums, 8 * FL);
    s9.intoArray(sums, 9 * FL);
    s10.intoArray(sums, 10 * FL);
    s11.intoArray(sums, 11 * FL);
    s12.intoArray(sums, 12 * FL);
    s13.intoArray(sums, 13 * FL);
    s14.intoArray(sums, 14 * FL);
    s15.intoArray(sums, 15 * FL);
    if (whole) {
      finishLanesVectorF(k, kv, mat, e, ps, vec, vo, vs, c, co, cs, j, w, sums);
    } else {
      finishLanesF(k, kv, mat, e, ps, vec, vo, vs, c, co, cs, j, w, sums);
    }
  }

  /**
   * {@link #lanesVectorF}'s end for a whole vector of outputs: its 16 sums loaded from
   * {@code sums}, the products past the last whole 16 added lane by lane in vectors, the
   * halving, and the outputs added to C.
   */
  private static void finishLanesVectorF(int k, int kv, float[] mat, int e, int ps, float[] vec,
      int vo, int vs, float[] c, int co, int cs, int j, int w, float[] sums) {
    FloatVector s0 = FloatVector.fromArray(FS, sums, 0);
    FloatVector s1 = FloatVector.fromArray(FS, sums, FL);
    FloatVector s2 = FloatVector.fromArray(FS, sums, 2 * FL);
    FloatVector s3 = FloatVector.fromArray(FS, sums, 3 * FL);
    FloatVector s4 = FloatVector.fromArray(FS, sums, 4 * FL);
    FloatVector s5 = FloatVector.fromArray(FS, sums, 5 * FL);
    FloatVector s6 = FloatVector.fromArray(FS, sums, 6 * FL);
    FloatVector s7 = FloatVector.fromArray(FS, sums, 7 * FL);
    FloatVector s8 = FloatVector.fromArray(FS, sums, 8 * FL);
    FloatVector s9 = FloatVector.fromArray(FS, sums, 9 * FL);
    FloatVector s10 = FloatVector.fromArray(FS, sums, 10 * FL);
    FloatVector s11 = FloatVector.fromArray(FS, sums, 11 * FL);
    FloatVector s12 = FloatVector.fromArray(FS, sums, 12 * FL);
    FloatVector s13 = FloatVector.fromArray(FS, sums, 13 * FL);
    FloatVector s14 = FloatVector.fromArray(FS, sums, 14 * FL);
    FloatVector s15 = FloatVector.fromArray(FS, sums, 15 * FL);
    if (kv < k) {
      int q = e + kv * ps;
      int x = vo + kv * vs;
      int r = k - kv;
      if (r > 0) {
        s0 = FloatVector.fromArray(FS, mat, q).fma(FloatVector.broadcast(FS, vec[x]), s0);
      }
      if (r > 1) {
        s1 = FloatVector.fromArray(FS, mat, q + ps).fma(FloatVector.broadcast(FS, vec[x + vs]), s1);
      }
      if (r > 2) {
        s2 = FloatVector.fromArray(FS, mat, q + 2 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 2 * vs]), s2);
      }
      if (r > 3) {
        s3 = FloatVector.fromArray(FS, mat, q + 3 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 3 * vs]), s3);
      }
      if (r > 4) {
        s4 = FloatVector.fromArray(FS, mat, q + 4 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 4 * vs]), s4);
      }
      if (r > 5) {
        s5 = FloatVector.fromArray(FS, mat, q + 5 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 5 * vs]), s5);
      }
      if (r > 6) {
        s6 = FloatVector.fromArray(FS, mat, q + 6 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 6 * vs]), s6);
      }
      if (r > 7) {
        s7 = FloatVector.fromArray(FS, mat, q + 7 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 7 * vs]), s7);
      }
      if (r > 8) {
        s8 = FloatVector.fromArray(FS, mat, q + 8 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 8 * vs]), s8);
      }
      if (r > 9) {
        s9 = FloatVector.fromArray(FS, mat, q + 9 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 9 * vs]), s9);
      }
      if (r > 10) {
        s10 = FloatVector.fromArray(FS, mat, q + 10 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 10 * vs]), s10);
      }
      if (r > 11) {
        s11 = FloatVector.fromArray(FS, mat, q + 11 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 11 * vs]), s11);
      }
      if (r > 12) {
        s12 = FloatVector.fromArray(FS, mat, q + 12 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 12 * vs]), s12);
      }
      if (r > 13) {
        s13 = FloatVector.fromArray(FS, mat, q + 13 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 13 * vs]), s13);
      }
      if (r > 14) {
        s14 = FloatVector.fromArray(FS, mat, q + 14 * ps)
            .fma(FloatVector.broadcast(FS, vec[x + 14 * vs]), s14);
      }
    }
    // Halving: sum l += sum l + 8 (l < 8), then l + 4, l + 2, l + 1.
    s0 = s0.add(s8);
    s1 = s1.add(s9);
    s2 = s2.add(s10);
    s3 = s3.add(s11);
    s4 = s4.add(s12);
    s5 = s5.add(s13);
    s6 = s6.add(s14);
    s7 = s7.add(s15);
    s0 = s0.add(s4);
    s1 = s1.add(s5);
    s2 = s2.add(s6);
    s3 = s3.add(s7);
    s0 = s0.add(s2);
    s1 = s1.add(s3);
    s0 = s0.add(s1);
    if (cs == 1 && w == FL) {
      FloatVector.fromArray(FS, c, co + j).add(s0).intoArray(c, co + j);
    } else {
      // Lane by lane: a vector store would rewrite outputs past w, which another thread's
      // range may own.
      s0.intoArray(sums, 0);
      for (int l = 0; l < w; l++) {
        c[co + (j + l) * cs] += sums[l];
      }
    }
  }

  /** B[pc:pc+kc, jc:jc+nc] into strips of NR columns, p-major inside a strip, zero-padded. */
  private static void packFB(boolean tb, float[] b, int bo, int ldb, int pc, int kc, int jc,
      int nc, float[] bp) {
    for (int js = 0; js < nc; js += FNR) {
      int w = Math.min(FNR, nc - js);
      int base = js * kc;
      if (tb) {
        // Column j of op(B) is row j of B. Eight rows are read side by side, so each p writes
        // eight consecutive floats of the strip (one row at a time wrote one float per
        // 128-byte line down a 32 KB strip: 2.2 cycles an element).
        int j = 0;
        for (; j + 8 <= w; j += 8) {
          transposeRowsF(b, bo + (jc + js + j) * ldb + pc, ldb, bp, base + j, kc);
        }
        for (; j < w; j++) {
          int src = bo + (jc + js + j) * ldb + pc;
          for (int p = 0, dst = base + j; p < kc; p++, dst += FNR) {
            bp[dst] = b[src + p];
          }
        }
      } else if (w == FNR) {
        copyRowsF(b, bo + pc * ldb + jc + js, ldb, bp, base, kc);
      } else {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bo + (pc + p) * ldb + jc + js, bp, base + p * FNR, w);
        }
      }
      if (w < FNR) {
        for (int p = 0; p < kc; p++) {
          java.util.Arrays.fill(bp, base + p * FNR + w, base + (p + 1) * FNR, 0);
        }
      }
    }
  }

  /**
   * Eight rows of B from {@code src} ({@code ld} apart), {@code kc} elements each, into eight
   * columns of a packed strip: element p of row r to {@code bp[dst + p * FNR + r]}.
   */
  private static void transposeRowsF(float[] b, int src, int ld, float[] bp, int dst, int kc) {
    int s1 = src + ld;
    int s2 = src + 2 * ld;
    int s3 = src + 3 * ld;
    int s4 = src + 4 * ld;
    int s5 = src + 5 * ld;
    int s6 = src + 6 * ld;
    int s7 = src + 7 * ld;
    for (int p = 0, d = dst; p < kc; p++, d += FNR) {
      bp[d] = b[src + p];
      bp[d + 1] = b[s1 + p];
      bp[d + 2] = b[s2 + p];
      bp[d + 3] = b[s3 + p];
      bp[d + 4] = b[s4 + p];
      bp[d + 5] = b[s5 + p];
      bp[d + 6] = b[s6 + p];
      bp[d + 7] = b[s7 + p];
    }
  }

  /** Rows of NR floats, {@code ld} apart, into one run (a call of arraycopy per row is slower). */
  private static void copyRowsF(float[] b, int src, int ld, float[] bp, int dst, int rows) {
    for (int p = 0; p < rows; p++, src += ld, dst += FNR) {
      FloatVector.fromArray(FS, b, src).intoArray(bp, dst);
      FloatVector.fromArray(FS, b, src + FL).intoArray(bp, dst + FL);
    }
  }

  /**
   * alpha * A[row:row+h, pc:pc+kc] (h at most MR) into one strip, p-major: element (i, p) at
   * {@code p * MR + i}, rows from h up zero.
   */
  private static void packFA(boolean ta, float alpha, float[] a, int ao, int lda, int row, int h,
      int pc, int kc, float[] ap) {
    if (h == MR && ta) {
      // Column p of A^T holds the strip's six elements back to back.
      for (int p = 0, src = ao + pc * lda + row, dst = 0; p < kc; p++, src += lda, dst += MR) {
        ap[dst] = alpha * a[src];
        ap[dst + 1] = alpha * a[src + 1];
        ap[dst + 2] = alpha * a[src + 2];
        ap[dst + 3] = alpha * a[src + 3];
        ap[dst + 4] = alpha * a[src + 4];
        ap[dst + 5] = alpha * a[src + 5];
      }
    } else if (h == MR) {
      int r0 = ao + row * lda + pc;
      int r1 = r0 + lda;
      int r2 = r1 + lda;
      int r3 = r2 + lda;
      int r4 = r3 + lda;
      int r5 = r4 + lda;
      for (int p = 0, dst = 0; p < kc; p++, dst += MR) {
        ap[dst] = alpha * a[r0 + p];
        ap[dst + 1] = alpha * a[r1 + p];
        ap[dst + 2] = alpha * a[r2 + p];
        ap[dst + 3] = alpha * a[r3 + p];
        ap[dst + 4] = alpha * a[r4 + p];
        ap[dst + 5] = alpha * a[r5 + p];
      }
    } else {
      for (int p = 0; p < kc; p++) {
        int dst = p * MR;
        for (int i = 0; i < MR; i++) {
          ap[dst + i] = i >= h ? 0
              : alpha * (ta ? a[ao + (pc + p) * lda + row + i] : a[ao + (row + i) * lda + pc + p]);
        }
      }
    }
  }

  /**
   * C[0:h, 0:nc] (+)= the packed strip of A @ the packed panel of B, tile by tile; edge tiles
   * go through a buffer. {@code store}: the first block of a product with beta 0, written as
   * 0 + the chain.
   */
  private static void macroF(FScratch s, int h, int nc, int kc, float[] c, int co, int rs,
      int cs, boolean store) {
    float[] tile = s.tile;
    for (int js = 0; js < nc; js += FNR) {
      // One call site: the kernel is compiled once, never inlined twice into this loop.
      kernelF(s.a, s.b, js * kc, kc, tile);
      addTileF(tile, c, co + js * cs, rs, cs, h, Math.min(FNR, nc - js), store);
    }
  }

  /**
   * The 6 x NR micro-kernel: twelve vector accumulators stay in registers over the whole kc
   * loop; each step loads two vectors of B and broadcasts six elements of the packed A strip.
   * Writes the twelve chains to {@code tile} (row i from {@code i * NR}).
   */
  private static void kernelF(float[] ap, float[] bp, int bBase, int kc, float[] tile) {
    FloatVector c00 = FloatVector.zero(FS);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    for (int p = 0; p < kc; p++) {
      int bi = bBase + p * FNR;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bi + FL);
      int ai = p * MR;
      FloatVector x = FloatVector.broadcast(FS, ap[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(FS, ap[ai + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(FS, ap[ai + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(FS, ap[ai + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(FS, ap[ai + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(FS, ap[ai + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    // C's rows, or for a store the zero row read six times: one epilogue (two copies of it
    // inflate the compiled kernel past C2's inlining budget, and its vectors get boxed).
    // Into the tile, twelve stores and nothing else: the caller adds the tile to C. With the
    // twelve loads and adds of C here too, the kernel's inlined code neared C2's budget, and in
    // about one JVM in five the last store's intrinsic failed ("missing constant") and boxed
    // the accumulators on every call. No helper takes them either (one left out of line boxes
    // its vector arguments).
    c00.intoArray(tile, 0);
    c01.intoArray(tile, FL);
    c10.intoArray(tile, FNR);
    c11.intoArray(tile, FNR + FL);
    c20.intoArray(tile, 2 * FNR);
    c21.intoArray(tile, 2 * FNR + FL);
    c30.intoArray(tile, 3 * FNR);
    c31.intoArray(tile, 3 * FNR + FL);
    c40.intoArray(tile, 4 * FNR);
    c41.intoArray(tile, 4 * FNR + FL);
    c50.intoArray(tile, 5 * FNR);
    c51.intoArray(tile, 5 * FNR + FL);
  }

  /**
   * {@link #macroF} for six full rows of A read where they lie: element (i, p) at
   * {@code a[a0 + i * lda + p]}.
   */
  private static void macroRowsF(float[] a, int a0, int lda, FScratch s, int nc, int kc,
      float[] c, int co, int rs, int cs, boolean store) {
    float[] tile = s.tile;
    for (int js = 0; js < nc; js += FNR) {
      kernelRowsF(a, a0, lda, s.b, js * kc, kc, tile);
      addTileF(tile, c, co + js * cs, rs, cs, MR, Math.min(FNR, nc - js), store);
    }
  }

  /**
   * C[0:h, 0:w] (+)= a kernel's tile (rows FNR apart): 0 + the chain when {@code store} (the
   * bits of adding it to a zeroed C), C + the chain otherwise. Element (i, j) of C at
   * {@code c[co + i * rs + j * cs]}: a C written transposed (cs not 1) goes element by element.
   */
  private static void addTileF(float[] tile, float[] c, int co, int rs, int cs, int h, int w,
      boolean store) {
    if (h == MR && w == FNR && cs == 1) {
      int ldc = rs;
      float[] in = store ? ZERO_ROW : c;
      for (int i = 0; i < MR; i++) {
        int row = co + i * ldc;
        int from = store ? 0 : row;
        int t = i * FNR;
        FloatVector.fromArray(FS, in, from).add(FloatVector.fromArray(FS, tile, t))
            .intoArray(c, row);
        FloatVector.fromArray(FS, in, from + FL).add(FloatVector.fromArray(FS, tile, t + FL))
            .intoArray(c, row + FL);
      }
      return;
    }
    for (int i = 0; i < h; i++) {
      int row = co + i * rs;
      for (int j = 0; j < w; j++) {
        int at = row + j * cs;
        c[at] = (store ? 0 : c[at]) + tile[i * FNR + j];
      }
    }
  }

  /** {@link #kernelF} with A's six rows read in place, {@code rs} apart, unit stride in p. */
  private static void kernelRowsF(float[] a, int aBase, int rs, float[] bp, int bBase, int kc,
      float[] tile) {
    FloatVector c00 = FloatVector.zero(FS);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    // The loop runs over A's index itself (unit stride, the rows at constant offsets from it),
    // so C2 hoists every bounds check and addresses each row without an add; indexed by p and
    // six row offsets instead, the kernel ran about 9% slower.
    int r2 = 2 * rs;
    int r3 = 3 * rs;
    int r4 = 4 * rs;
    int r5 = 5 * rs;
    int b0i = bBase - aBase * FNR;
    for (int q = aBase, end = aBase + kc; q < end; q++) {
      int bi = b0i + q * FNR;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bi + FL);
      FloatVector x = FloatVector.broadcast(FS, a[q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(FS, a[q + rs]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(FS, a[q + r2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(FS, a[q + r3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(FS, a[q + r4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(FS, a[q + r5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    // Into the tile, twelve stores and nothing else: the caller adds the tile to C. With the
    // twelve loads and adds of C here too, the kernel's inlined code neared C2's budget, and in
    // about one JVM in five the last store's intrinsic failed ("missing constant") and boxed
    // the accumulators on every call. No helper takes them either (one left out of line boxes
    // its vector arguments).
    c00.intoArray(tile, 0);
    c01.intoArray(tile, FL);
    c10.intoArray(tile, FNR);
    c11.intoArray(tile, FNR + FL);
    c20.intoArray(tile, 2 * FNR);
    c21.intoArray(tile, 2 * FNR + FL);
    c30.intoArray(tile, 3 * FNR);
    c31.intoArray(tile, 3 * FNR + FL);
    c40.intoArray(tile, 4 * FNR);
    c41.intoArray(tile, 4 * FNR + FL);
    c50.intoArray(tile, 5 * FNR);
    c51.intoArray(tile, 5 * FNR + FL);
  }

  /** Zeros that a storing kernel adds its chains to (the bits of adding them to a zeroed C). */
  private static final float[] ZERO_ROW = new float[FNR];

  /**
   * Most elements of B ({@code k * ldb}, 16 KB) that {@link #inPlaceF} reads where they lie: B
   * then stays in L1 whatever the stride. n = 64 ran 3.9 -> 3.4 us without packing B (the
   * packing cost 13% of the product); n = 128 (64 KB, its rows 512 bytes apart) ran slower than
   * packed, its rows falling into a few sets of L1.
   */
  private static final int SMALL_B = 4096;

  /**
   * C[i0:i1, j0:j1] (+)= A B for a B small enough to stay in L1 ({@link #SMALL_B}), A and B
   * untransposed, alpha 1, whole strips of FNR columns: nothing is packed. The kernel reads A's
   * rows and B's rows in place; a short last strip of A repeats its first row in the rows it
   * lacks (computed, not written). The arithmetic of the packed path: per block of KC products a
   * chain of fused multiply-adds from zero, added to C (to 0 for the first block when
   * {@code store}).
   */
  private static void inPlaceF(float[] a, int ao, int lda, float[] b, int bo, int ldb, int k,
      float[] c, int co, int rs, int i0, int i1, int j0, int j1, float[] tile, boolean store) {
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      boolean first = store && pc == 0;
      for (int is = i0; is < i1; is += MR) {
        int h = Math.min(MR, i1 - is);
        int arow = ao + is * lda + pc;
        for (int js = j0; js < j1; js += FNR) {
          kernelInPlaceF(a, arow, h > 1 ? lda : 0, h > 2 ? 2 * lda : 0, h > 3 ? 3 * lda : 0,
              h > 4 ? 4 * lda : 0, h > 5 ? 5 * lda : 0, b, bo + pc * ldb + js, ldb, kc, tile);
          addTileF(tile, c, co + is * rs + js, rs, 1, h, FNR, first);
        }
      }
    }
  }

  /**
   * {@link #kernelRowsF} with B's rows read in place too ({@code ldb} apart) and A's rows at
   * offsets {@code r1..r5} from the first (0 for a row the strip lacks). Kept apart from
   * kernelRowsF, whose B stride is the constant NR: that lets C2 hoist B's bounds checks out of
   * the loop of the large products, where a stride passed in leaves them in it.
   */
  private static void kernelInPlaceF(float[] a, int aBase, int r1, int r2, int r3, int r4,
      int r5, float[] b, int bBase, int ldb, int kc, float[] tile) {
    FloatVector c00 = FloatVector.zero(FS);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    int bi = bBase;
    for (int q = aBase, end = aBase + kc; q < end; q++, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(FS, b, bi);
      FloatVector b1 = FloatVector.fromArray(FS, b, bi + FL);
      FloatVector x = FloatVector.broadcast(FS, a[q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(FS, a[q + r1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(FS, a[q + r2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(FS, a[q + r3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(FS, a[q + r4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(FS, a[q + r5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, FL);
    c10.intoArray(tile, FNR);
    c11.intoArray(tile, FNR + FL);
    c20.intoArray(tile, 2 * FNR);
    c21.intoArray(tile, 2 * FNR + FL);
    c30.intoArray(tile, 3 * FNR);
    c31.intoArray(tile, 3 * FNR + FL);
    c40.intoArray(tile, 4 * FNR);
    c41.intoArray(tile, 4 * FNR + FL);
    c50.intoArray(tile, 5 * FNR);
    c51.intoArray(tile, 5 * FNR + FL);
  }

  // ================================================================ float64

  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = DS.length();
  private static final int DNR = 2 * DL;
  /** Columns of B's packed panel: KC x DNC doubles (512 KB) stay in a core's L2. */
  private static final int DNC = 256 / DNR * DNR;
  /** One thread's packing buffers and edge tile, reused by every product it runs. */
  private static final class DScratch {
    final double[] a = new double[MR * KC];
    final double[] b = new double[KC * DNC];
    final double[] tile = new double[MR * DNR];
  }

  private static final ThreadLocal<DScratch> D_SCRATCH = ThreadLocal.withInitial(DScratch::new);

  @Override
  public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int ao,
      int lda, double[] b, int bo, int ldb, double beta, double[] c, int co, int ldc,
      boolean parallel) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0) {
      Gemm.scale(beta, c, co, ldc, m, n);
      return;
    }
    // beta 0: the first block of products is stored as 0 + chain (the bits of adding it to a
    // zeroed C) instead of added, so C is neither zeroed first nor read.
    boolean store = beta == 0;
    if (!store) {
      Gemm.scale(beta, c, co, ldc, m, n);
    }
    int threads = parallel && (long) m * n * k >= SPLIT_MIN ? Parallel.threads() : 1;
    // Each block packs what it reads: a split by rows packs all of B again in every block (a
    // copy, about 0.4 cycles an element, or a transpose, 1.8); a split by columns packs all of
    // A again (1.4 cycles an element) unless it is read in place, and the two blocks write
    // the cache line of each row of C where they meet (about 400 cycles per row and block of
    // k: likely why n = 128 split by columns ran slower on 2 threads than on 1). Rows unless B's
    // transpose costs more; columns too few to share evenly are not split.
    int colUnits = (n + DNR - 1) / DNR;
    boolean aPacked = ta || alpha != 1;
    boolean byRows = colUnits < 2 * threads
        || (long) n * (tb ? 9 : 2) <= (long) m * (aPacked ? 23 : 16);
    int unit = byRows ? MR : DNR;
    int extent = byRows ? m : n;
    int units = (extent + unit - 1) / unit;
    int tasks = Math.max(1, Math.min(threads, units));
    if (tasks == 1) {
      blockD(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, 0, m, 0, n, store);
      return;
    }
    Parallel.forEach(tasks, true, t -> {
      int from = Math.min(extent, units * t / tasks * unit);
      int to = Math.min(extent, units * (t + 1) / tasks * unit);
      if (byRows) {
        blockD(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, from, to, 0, n, store);
      } else {
        blockD(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, 0, m, from, to, store);
      }
    });
  }

  /** C[i0:i1, j0:j1] (+)= alpha op(A) op(B) on the calling thread, with its own buffers. */
  private static void blockD(boolean ta, boolean tb, int k, double alpha, double[] a, int ao,
      int lda, double[] b, int bo, int ldb, double[] c, int co, int ldc, int i0, int i1, int j0,
      int j1, boolean store) {
    DScratch s = D_SCRATCH.get();
    for (int jc = j0; jc < j1; jc += DNC) {
      int nc = Math.min(DNC, j1 - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        packDB(tb, b, bo, ldb, pc, kc, jc, nc, s.b);
        // Six full rows of A are read where they lie (packing costs about 1.5 cycles an
        // element, as much as running it against a strip of B, and the kernel reads them as
        // fast as a packed strip); transposed or scaled by alpha, or a short last strip, they
        // are packed.
        boolean inPlace = !ta && alpha == 1;
        for (int is = i0; is < i1; is += MR) {
          int h = Math.min(MR, i1 - is);
          int crow = co + is * ldc + jc;
          boolean first = store && pc == 0;
          if (inPlace && h == MR) {
            macroRowsD(a, ao + is * lda + pc, lda, s, nc, kc, c, crow, ldc, first);
          } else {
            packDA(ta, alpha, a, ao, lda, is, h, pc, kc, s.a);
            // One call site of macroD (and so of the kernel): a kernel inlined twice into one
            // compiled method has been seen to lose its vector intrinsics and run boxed.
            macroD(s, h, nc, kc, c, crow, ldc, first);
          }
        }
      }
    }
  }

  /** B[pc:pc+kc, jc:jc+nc] into strips of NR columns, p-major inside a strip, zero-padded. */
  private static void packDB(boolean tb, double[] b, int bo, int ldb, int pc, int kc, int jc,
      int nc, double[] bp) {
    for (int js = 0; js < nc; js += DNR) {
      int w = Math.min(DNR, nc - js);
      int base = js * kc;
      if (tb) {
        // Column j of op(B) is row j of B: read it in order, write it down the strip.
        for (int j = 0; j < w; j++) {
          int src = bo + (jc + js + j) * ldb + pc;
          for (int p = 0, dst = base + j; p < kc; p++, dst += DNR) {
            bp[dst] = b[src + p];
          }
        }
      } else if (w == DNR) {
        copyRowsD(b, bo + pc * ldb + jc + js, ldb, bp, base, kc);
      } else {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bo + (pc + p) * ldb + jc + js, bp, base + p * DNR, w);
        }
      }
      if (w < DNR) {
        for (int p = 0; p < kc; p++) {
          java.util.Arrays.fill(bp, base + p * DNR + w, base + (p + 1) * DNR, 0);
        }
      }
    }
  }

  /** Rows of NR doubles, {@code ld} apart, into one run (a call of arraycopy per row is slower). */
  private static void copyRowsD(double[] b, int src, int ld, double[] bp, int dst, int rows) {
    for (int p = 0; p < rows; p++, src += ld, dst += DNR) {
      DoubleVector.fromArray(DS, b, src).intoArray(bp, dst);
      DoubleVector.fromArray(DS, b, src + DL).intoArray(bp, dst + DL);
    }
  }

  /**
   * alpha * A[row:row+h, pc:pc+kc] (h at most MR) into one strip, p-major: element (i, p) at
   * {@code p * MR + i}, rows from h up zero.
   */
  private static void packDA(boolean ta, double alpha, double[] a, int ao, int lda, int row, int h,
      int pc, int kc, double[] ap) {
    if (h == MR && ta) {
      // Column p of A^T holds the strip's six elements back to back.
      for (int p = 0, src = ao + pc * lda + row, dst = 0; p < kc; p++, src += lda, dst += MR) {
        ap[dst] = alpha * a[src];
        ap[dst + 1] = alpha * a[src + 1];
        ap[dst + 2] = alpha * a[src + 2];
        ap[dst + 3] = alpha * a[src + 3];
        ap[dst + 4] = alpha * a[src + 4];
        ap[dst + 5] = alpha * a[src + 5];
      }
    } else if (h == MR) {
      int r0 = ao + row * lda + pc;
      int r1 = r0 + lda;
      int r2 = r1 + lda;
      int r3 = r2 + lda;
      int r4 = r3 + lda;
      int r5 = r4 + lda;
      for (int p = 0, dst = 0; p < kc; p++, dst += MR) {
        ap[dst] = alpha * a[r0 + p];
        ap[dst + 1] = alpha * a[r1 + p];
        ap[dst + 2] = alpha * a[r2 + p];
        ap[dst + 3] = alpha * a[r3 + p];
        ap[dst + 4] = alpha * a[r4 + p];
        ap[dst + 5] = alpha * a[r5 + p];
      }
    } else {
      for (int p = 0; p < kc; p++) {
        int dst = p * MR;
        for (int i = 0; i < MR; i++) {
          ap[dst + i] = i >= h ? 0
              : alpha * (ta ? a[ao + (pc + p) * lda + row + i] : a[ao + (row + i) * lda + pc + p]);
        }
      }
    }
  }

  /**
   * C[0:h, 0:nc] (+)= the packed strip of A @ the packed panel of B, tile by tile; edge tiles
   * go through a buffer. {@code store}: the first block of a product with beta 0, written as
   * 0 + the chain.
   */
  private static void macroD(DScratch s, int h, int nc, int kc, double[] c, int co, int ldc,
      boolean store) {
    double[] tile = s.tile;
    for (int js = 0; js < nc; js += DNR) {
      // One call site: the kernel is compiled once, never inlined twice into this loop.
      kernelD(s.a, s.b, js * kc, kc, tile);
      addTileD(tile, c, co + js, ldc, h, Math.min(DNR, nc - js), store);
    }
  }

  /**
   * The 6 x NR micro-kernel: twelve vector accumulators stay in registers over the whole kc
   * loop; each step loads two vectors of B and broadcasts six elements of the packed A strip.
   * Writes the twelve chains to {@code tile} (row i from {@code i * NR}).
   */
  private static void kernelD(double[] ap, double[] bp, int bBase, int kc, double[] tile) {
    DoubleVector c00 = DoubleVector.zero(DS);
    DoubleVector c01 = c00;
    DoubleVector c10 = c00;
    DoubleVector c11 = c00;
    DoubleVector c20 = c00;
    DoubleVector c21 = c00;
    DoubleVector c30 = c00;
    DoubleVector c31 = c00;
    DoubleVector c40 = c00;
    DoubleVector c41 = c00;
    DoubleVector c50 = c00;
    DoubleVector c51 = c00;
    for (int p = 0; p < kc; p++) {
      int bi = bBase + p * DNR;
      DoubleVector b0 = DoubleVector.fromArray(DS, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(DS, bp, bi + DL);
      int ai = p * MR;
      DoubleVector x = DoubleVector.broadcast(DS, ap[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = DoubleVector.broadcast(DS, ap[ai + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = DoubleVector.broadcast(DS, ap[ai + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = DoubleVector.broadcast(DS, ap[ai + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = DoubleVector.broadcast(DS, ap[ai + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = DoubleVector.broadcast(DS, ap[ai + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    // C's rows, or for a store the zero row read six times: one epilogue (two copies of it
    // inflate the compiled kernel past C2's inlining budget, and its vectors get boxed).
    // Into the tile, twelve stores and nothing else: the caller adds the tile to C. With the
    // twelve loads and adds of C here too, the kernel's inlined code neared C2's budget, and in
    // about one JVM in five the last store's intrinsic failed ("missing constant") and boxed
    // the accumulators on every call. No helper takes them either (one left out of line boxes
    // its vector arguments).
    c00.intoArray(tile, 0);
    c01.intoArray(tile, DL);
    c10.intoArray(tile, DNR);
    c11.intoArray(tile, DNR + DL);
    c20.intoArray(tile, 2 * DNR);
    c21.intoArray(tile, 2 * DNR + DL);
    c30.intoArray(tile, 3 * DNR);
    c31.intoArray(tile, 3 * DNR + DL);
    c40.intoArray(tile, 4 * DNR);
    c41.intoArray(tile, 4 * DNR + DL);
    c50.intoArray(tile, 5 * DNR);
    c51.intoArray(tile, 5 * DNR + DL);
  }

  /**
   * {@link #macroD} for six full rows of A read where they lie: element (i, p) at
   * {@code a[a0 + i * lda + p]}.
   */
  private static void macroRowsD(double[] a, int a0, int lda, DScratch s, int nc, int kc,
      double[] c, int co, int ldc, boolean store) {
    double[] tile = s.tile;
    for (int js = 0; js < nc; js += DNR) {
      kernelRowsD(a, a0, lda, s.b, js * kc, kc, tile);
      addTileD(tile, c, co + js, ldc, MR, Math.min(DNR, nc - js), store);
    }
  }

  /**
   * C[0:h, 0:w] (+)= a kernel's tile (rows DNR apart): 0 + the chain when {@code store} (the
   * bits of adding it to a zeroed C), C + the chain otherwise.
   */
  private static void addTileD(double[] tile, double[] c, int co, int ldc, int h, int w,
      boolean store) {
    if (h == MR && w == DNR) {
      double[] in = store ? ZERO_ROW_D : c;
      for (int i = 0; i < MR; i++) {
        int row = co + i * ldc;
        int from = store ? 0 : row;
        int t = i * DNR;
        DoubleVector.fromArray(DS, in, from).add(DoubleVector.fromArray(DS, tile, t))
            .intoArray(c, row);
        DoubleVector.fromArray(DS, in, from + DL).add(DoubleVector.fromArray(DS, tile, t + DL))
            .intoArray(c, row + DL);
      }
      return;
    }
    for (int i = 0; i < h; i++) {
      int row = co + i * ldc;
      for (int j = 0; j < w; j++) {
        c[row + j] = (store ? 0 : c[row + j]) + tile[i * DNR + j];
      }
    }
  }

  /** {@link #kernelD} with A's six rows read in place, {@code rs} apart, unit stride in p. */
  private static void kernelRowsD(double[] a, int aBase, int rs, double[] bp, int bBase, int kc,
      double[] tile) {
    DoubleVector c00 = DoubleVector.zero(DS);
    DoubleVector c01 = c00;
    DoubleVector c10 = c00;
    DoubleVector c11 = c00;
    DoubleVector c20 = c00;
    DoubleVector c21 = c00;
    DoubleVector c30 = c00;
    DoubleVector c31 = c00;
    DoubleVector c40 = c00;
    DoubleVector c41 = c00;
    DoubleVector c50 = c00;
    DoubleVector c51 = c00;
    // The loop runs over A's index itself (unit stride, the rows at constant offsets from it),
    // so C2 hoists every bounds check and addresses each row without an add; indexed by p and
    // six row offsets instead, the kernel ran about 9% slower.
    int r2 = 2 * rs;
    int r3 = 3 * rs;
    int r4 = 4 * rs;
    int r5 = 5 * rs;
    int b0i = bBase - aBase * DNR;
    for (int q = aBase, end = aBase + kc; q < end; q++) {
      int bi = b0i + q * DNR;
      DoubleVector b0 = DoubleVector.fromArray(DS, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(DS, bp, bi + DL);
      DoubleVector x = DoubleVector.broadcast(DS, a[q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = DoubleVector.broadcast(DS, a[q + rs]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = DoubleVector.broadcast(DS, a[q + r2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = DoubleVector.broadcast(DS, a[q + r3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = DoubleVector.broadcast(DS, a[q + r4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = DoubleVector.broadcast(DS, a[q + r5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    // Into the tile, twelve stores and nothing else: the caller adds the tile to C. With the
    // twelve loads and adds of C here too, the kernel's inlined code neared C2's budget, and in
    // about one JVM in five the last store's intrinsic failed ("missing constant") and boxed
    // the accumulators on every call. No helper takes them either (one left out of line boxes
    // its vector arguments).
    c00.intoArray(tile, 0);
    c01.intoArray(tile, DL);
    c10.intoArray(tile, DNR);
    c11.intoArray(tile, DNR + DL);
    c20.intoArray(tile, 2 * DNR);
    c21.intoArray(tile, 2 * DNR + DL);
    c30.intoArray(tile, 3 * DNR);
    c31.intoArray(tile, 3 * DNR + DL);
    c40.intoArray(tile, 4 * DNR);
    c41.intoArray(tile, 4 * DNR + DL);
    c50.intoArray(tile, 5 * DNR);
    c51.intoArray(tile, 5 * DNR + DL);
  }

  /** Zeros that a storing kernel adds its chains to (the bits of adding them to a zeroed C). */
  private static final double[] ZERO_ROW_D = new double[DNR];
}
