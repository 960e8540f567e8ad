package dev.adjoint.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} with the JDK's incubating Vector API, in the layout of Goto's GEMM: a panel of B
 * ({@link #KC} rows by up to 512 float32 or 256 float64 columns, 512 KB, which stays in a core's
 * L2) is packed in strips of NR columns (two vectors wide), and a 6 x NR micro-kernel runs each
 * strip of MR = 6 rows of A against every strip of that panel, its twelve accumulators in
 * vector registers. Rows of A are read where they lie (the kernel's loop runs over A's own
 * index, so its bounds checks are hoisted); a transposed A, one scaled by alpha and a short last
 * strip are packed p-major (six consecutive elements per p).
 *
 * <p>Every element of C gets the same arithmetic whatever the operands' layout, the thread count
 * and the split: per block of {@link #KC} products, a chain of fused multiply-adds in order of p
 * (of alpha * A's element and B's) from zero, then added to C (to zero when beta is 0).
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
  private static final int FNR = 2 * FL;
  /** Columns of B's packed panel: KC x FNC floats (512 KB) stay in a core's L2. */
  private static final int FNC = 512 / FNR * FNR;
  /**
   * Fewest multiply-adds worth splitting over the cores: below it, waking a helper costs more
   * than it saves (n = 64 cubed runs in about 5 us on one core).
   */
  private static final long SPLIT_MIN = 1L << 19;

  /** One thread's packing buffers and edge tile, reused by every product it runs. */
  private static final class FScratch {
    final float[] a = new float[MR * KC];
    final float[] b = new float[KC * FNC];
    final float[] tile = new float[MR * FNR];
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
      blockF(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, 0, m, 0, n, store);
      return;
    }
    Parallel.forEach(tasks, true, t -> {
      int from = Math.min(extent, units * t / tasks * unit);
      int to = Math.min(extent, units * (t + 1) / tasks * unit);
      if (byRows) {
        blockF(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, from, to, 0, n, store);
      } else {
        blockF(ta, tb, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, 0, m, from, to, store);
      }
    });
  }

  /** C[i0:i1, j0:j1] (+)= alpha op(A) op(B) on the calling thread, with its own buffers. */
  private static void blockF(boolean ta, boolean tb, int k, float alpha, float[] a, int ao,
      int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc, int i0, int i1, int j0,
      int j1, boolean store) {
    FScratch s = F_SCRATCH.get();
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
          int crow = co + is * ldc + jc;
          boolean first = store && pc == 0;
          if (inPlace && h == MR) {
            macroRowsF(a, ao + is * lda + pc, lda, s, nc, kc, c, crow, ldc, first);
          } else {
            packFA(ta, alpha, a, ao, lda, is, h, pc, kc, s.a);
            // One call site of macroF (and so of the kernel): a kernel inlined twice into one
            // compiled method has been seen to lose its vector intrinsics and run boxed.
            macroF(s, h, nc, kc, c, crow, ldc, first);
          }
        }
      }
    }
  }

  /** Rows (or columns) per parallel task of a matrix-vector product. */
  private static final int GEMV_GRAIN = 1 << 14;

  /**
   * C += alpha op(A) op(B) where one side is a single row or column (m or n is 1), where a tile
   * would compute mostly padding and packing would copy the whole matrix for one pass. Each
   * element of C gets exactly the tiles' arithmetic, whatever the operands' layout: per block of
   * {@link #KC} products, a chain of fused multiply-adds in order of p (of alpha * A's element
   * when alpha is not 1, and B's) from zero, then added to C. Vectorized across the outputs
   * where they lie back to back in the matrix (axpy), else four scalar chains at a time.
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
    // alpha scales A: the vector of a row of C, the matrix of a column.
    float va = row ? alpha : 1f;
    float ma = row ? 1f : alpha;
    boolean lanes = os == 1 && count >= FL;
    int units = lanes ? (count + FL - 1) / FL : count;
    int tasks = parallel ? Parallel.chunks((long) count * k, GEMV_GRAIN) : 1;
    tasks = Math.max(1, Math.min(tasks, units));
    if (tasks == 1) {
      gemvRangeF(row, k, mat, mo, os, ps, vec, vo, vs, va, ma, lanes, c, co, cs, 0, count);
      return;
    }
    int t0 = tasks;
    Parallel.forEach(tasks, true, t -> {
      int from = Math.min(count, (int) ((long) units * t / t0) * (lanes ? FL : 1));
      int to = Math.min(count, (int) ((long) units * (t + 1) / t0) * (lanes ? FL : 1));
      gemvRangeF(row, k, mat, mo, os, ps, vec, vo, vs, va, ma, lanes, c, co, cs, from, to);
    });
  }

  /** Outputs [from, to) of {@link #gemvF}, on the calling thread. */
  private static void gemvRangeF(boolean row, int k, float[] mat, int mo, int os, int ps,
      float[] vec, int vo, int vs, float va, float ma, boolean lanes, float[] c, int co, int cs,
      int from, int to) {
    int j = from;
    if (lanes) {
      for (int end = to - FL; j <= end; j += FL) {
        for (int pc = 0; pc < k; pc += KC) {
          int pe = Math.min(k, pc + KC);
          FloatVector acc = FloatVector.zero(FS);
          for (int p = pc; p < pe; p++) {
            float x = vec[vo + p * vs];
            FloatVector mv = FloatVector.fromArray(FS, mat, mo + j + p * ps);
            if (ma != 1f) {
              mv = mv.mul(ma);
            }
            FloatVector xv = FloatVector.broadcast(FS, va != 1f ? va * x : x);
            acc = row ? xv.fma(mv, acc) : mv.fma(xv, acc);
          }
          if (cs == 1) {
            FloatVector.fromArray(FS, c, co + j).add(acc).intoArray(c, co + j);
          } else {
            for (int l = 0; l < FL; l++) {
              c[co + (j + l) * cs] += acc.lane(l);
            }
          }
        }
      }
    }
    // Eight chains at a time (independent, so the adder pipelines), then one at a time.
    for (; j + 8 <= to; j += 8) {
      for (int pc = 0; pc < k; pc += KC) {
        int pe = Math.min(k, pc + KC);
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int r = mo + j * os;
        for (int p = pc; p < pe; p++) {
          float x = vec[vo + p * vs];
          if (va != 1f) {
            x = va * x;
          }
          int e = r + p * ps;
          if (ma != 1f) {
            s0 = Math.fma(ma * mat[e], x, s0);
            s1 = Math.fma(ma * mat[e + os], x, s1);
            s2 = Math.fma(ma * mat[e + 2 * os], x, s2);
            s3 = Math.fma(ma * mat[e + 3 * os], x, s3);
            s4 = Math.fma(ma * mat[e + 4 * os], x, s4);
            s5 = Math.fma(ma * mat[e + 5 * os], x, s5);
            s6 = Math.fma(ma * mat[e + 6 * os], x, s6);
            s7 = Math.fma(ma * mat[e + 7 * os], x, s7);
          } else {
            s0 = Math.fma(mat[e], x, s0);
            s1 = Math.fma(mat[e + os], x, s1);
            s2 = Math.fma(mat[e + 2 * os], x, s2);
            s3 = Math.fma(mat[e + 3 * os], x, s3);
            s4 = Math.fma(mat[e + 4 * os], x, s4);
            s5 = Math.fma(mat[e + 5 * os], x, s5);
            s6 = Math.fma(mat[e + 6 * os], x, s6);
            s7 = Math.fma(mat[e + 7 * os], x, s7);
          }
        }
        c[co + j * cs] += s0;
        c[co + (j + 1) * cs] += s1;
        c[co + (j + 2) * cs] += s2;
        c[co + (j + 3) * cs] += s3;
        c[co + (j + 4) * cs] += s4;
        c[co + (j + 5) * cs] += s5;
        c[co + (j + 6) * cs] += s6;
        c[co + (j + 7) * cs] += s7;
      }
    }
    for (; j < to; j++) {
      for (int pc = 0; pc < k; pc += KC) {
        int pe = Math.min(k, pc + KC);
        float s0 = 0;
        for (int p = pc; p < pe; p++) {
          float x = vec[vo + p * vs];
          float y = mat[mo + j * os + p * ps];
          s0 = Math.fma(ma != 1f ? ma * y : y, va != 1f ? va * x : x, s0);
        }
        c[co + j * cs] += s0;
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
        // Column j of op(B) is row j of B: read it in order, write it down the strip.
        for (int j = 0; j < w; j++) {
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
  private static void macroF(FScratch s, int h, int nc, int kc, float[] c, int co, int ldc,
      boolean store) {
    float[] tile = s.tile;
    for (int js = 0; js < nc; js += FNR) {
      int w = Math.min(FNR, nc - js);
      boolean edge = h < MR || w < FNR;
      // One call site: the kernel is compiled once, never inlined twice into this loop.
      kernelF(s.a, s.b, js * kc, kc, edge ? tile : c, edge ? 0 : co + js, edge ? FNR : ldc,
          store || edge);
      if (edge) {
        for (int i = 0; i < h; i++) {
          int row = co + i * ldc + js;
          for (int j = 0; j < w; j++) {
            c[row + j] = store ? tile[i * FNR + j] : c[row + j] + tile[i * FNR + j];
          }
        }
      }
    }
  }

  /**
   * The 6 x NR micro-kernel: twelve vector accumulators stay in registers over the whole kc
   * loop; each step loads two vectors of B and broadcasts six elements of the packed A strip.
   * Adds the chains to C, or stores 0 + chain when {@code store}.
   */
  private static void kernelF(float[] ap, float[] bp, int bBase, int kc, float[] c, int cBase,
      int ldc, boolean store) {
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
    int s1 = store ? 0 : ldc;
    float[] in = store ? ZERO_ROW : c;
    int i0 = store ? 0 : cBase;
    addF(in, i0, c, cBase, c00, c01);
    addF(in, i0 + s1, c, cBase + ldc, c10, c11);
    addF(in, i0 + 2 * s1, c, cBase + 2 * ldc, c20, c21);
    addF(in, i0 + 3 * s1, c, cBase + 3 * ldc, c30, c31);
    addF(in, i0 + 4 * s1, c, cBase + 4 * ldc, c40, c41);
    addF(in, i0 + 5 * s1, c, cBase + 5 * ldc, c50, c51);
  }

  /**
   * {@link #macroF} for six full rows of A read where they lie: element (i, p) at
   * {@code a[a0 + i * lda + p]}.
   */
  private static void macroRowsF(float[] a, int a0, int lda, FScratch s, int nc, int kc,
      float[] c, int co, int ldc, boolean store) {
    float[] tile = s.tile;
    for (int js = 0; js < nc; js += FNR) {
      int w = Math.min(FNR, nc - js);
      boolean edge = w < FNR;
      kernelRowsF(a, a0, lda, s.b, js * kc, kc, edge ? tile : c, edge ? 0 : co + js,
          edge ? FNR : ldc, store || edge);
      if (edge) {
        for (int i = 0; i < MR; i++) {
          int row = co + i * ldc + js;
          for (int j = 0; j < w; j++) {
            c[row + j] = store ? tile[i * FNR + j] : c[row + j] + tile[i * FNR + j];
          }
        }
      }
    }
  }

  /** {@link #kernelF} with A's six rows read in place, {@code rs} apart, unit stride in p. */
  private static void kernelRowsF(float[] a, int aBase, int rs, float[] bp, int bBase, int kc,
      float[] c, int cBase, int ldc, boolean store) {
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
    int s1 = store ? 0 : ldc;
    float[] in = store ? ZERO_ROW : c;
    int i0 = store ? 0 : cBase;
    addF(in, i0, c, cBase, c00, c01);
    addF(in, i0 + s1, c, cBase + ldc, c10, c11);
    addF(in, i0 + 2 * s1, c, cBase + 2 * ldc, c20, c21);
    addF(in, i0 + 3 * s1, c, cBase + 3 * ldc, c30, c31);
    addF(in, i0 + 4 * s1, c, cBase + 4 * ldc, c40, c41);
    addF(in, i0 + 5 * s1, c, cBase + 5 * ldc, c50, c51);
  }

  /** Zeros that a storing kernel adds its chains to (the bits of adding them to a zeroed C). */
  private static final float[] ZERO_ROW = new float[FNR];

  /** c[at:at+NR] = in[from:from+NR] + (lo, hi). */
  private static void addF(float[] in, int from, float[] c, int at, FloatVector lo,
      FloatVector hi) {
    FloatVector.fromArray(FS, in, from).add(lo).intoArray(c, at);
    FloatVector.fromArray(FS, in, from + FL).add(hi).intoArray(c, at + FL);
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
      int w = Math.min(DNR, nc - js);
      boolean edge = h < MR || w < DNR;
      // One call site: the kernel is compiled once, never inlined twice into this loop.
      kernelD(s.a, s.b, js * kc, kc, edge ? tile : c, edge ? 0 : co + js, edge ? DNR : ldc,
          store || edge);
      if (edge) {
        for (int i = 0; i < h; i++) {
          int row = co + i * ldc + js;
          for (int j = 0; j < w; j++) {
            c[row + j] = store ? tile[i * DNR + j] : c[row + j] + tile[i * DNR + j];
          }
        }
      }
    }
  }

  /**
   * The 6 x NR micro-kernel: twelve vector accumulators stay in registers over the whole kc
   * loop; each step loads two vectors of B and broadcasts six elements of the packed A strip.
   * Adds the chains to C, or stores 0 + chain when {@code store}.
   */
  private static void kernelD(double[] ap, double[] bp, int bBase, int kc, double[] c, int cBase,
      int ldc, boolean store) {
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
    int s1 = store ? 0 : ldc;
    double[] in = store ? ZERO_ROW_D : c;
    int i0 = store ? 0 : cBase;
    addD(in, i0, c, cBase, c00, c01);
    addD(in, i0 + s1, c, cBase + ldc, c10, c11);
    addD(in, i0 + 2 * s1, c, cBase + 2 * ldc, c20, c21);
    addD(in, i0 + 3 * s1, c, cBase + 3 * ldc, c30, c31);
    addD(in, i0 + 4 * s1, c, cBase + 4 * ldc, c40, c41);
    addD(in, i0 + 5 * s1, c, cBase + 5 * ldc, c50, c51);
  }

  /**
   * {@link #macroD} for six full rows of A read where they lie: element (i, p) at
   * {@code a[a0 + i * lda + p]}.
   */
  private static void macroRowsD(double[] a, int a0, int lda, DScratch s, int nc, int kc,
      double[] c, int co, int ldc, boolean store) {
    double[] tile = s.tile;
    for (int js = 0; js < nc; js += DNR) {
      int w = Math.min(DNR, nc - js);
      boolean edge = w < DNR;
      kernelRowsD(a, a0, lda, s.b, js * kc, kc, edge ? tile : c, edge ? 0 : co + js,
          edge ? DNR : ldc, store || edge);
      if (edge) {
        for (int i = 0; i < MR; i++) {
          int row = co + i * ldc + js;
          for (int j = 0; j < w; j++) {
            c[row + j] = store ? tile[i * DNR + j] : c[row + j] + tile[i * DNR + j];
          }
        }
      }
    }
  }

  /** {@link #kernelD} with A's six rows read in place, {@code rs} apart, unit stride in p. */
  private static void kernelRowsD(double[] a, int aBase, int rs, double[] bp, int bBase, int kc,
      double[] c, int cBase, int ldc, boolean store) {
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
    int s1 = store ? 0 : ldc;
    double[] in = store ? ZERO_ROW_D : c;
    int i0 = store ? 0 : cBase;
    addD(in, i0, c, cBase, c00, c01);
    addD(in, i0 + s1, c, cBase + ldc, c10, c11);
    addD(in, i0 + 2 * s1, c, cBase + 2 * ldc, c20, c21);
    addD(in, i0 + 3 * s1, c, cBase + 3 * ldc, c30, c31);
    addD(in, i0 + 4 * s1, c, cBase + 4 * ldc, c40, c41);
    addD(in, i0 + 5 * s1, c, cBase + 5 * ldc, c50, c51);
  }

  /** Zeros that a storing kernel adds its chains to (the bits of adding them to a zeroed C). */
  private static final double[] ZERO_ROW_D = new double[DNR];

  /** c[at:at+NR] = in[from:from+NR] + (lo, hi). */
  private static void addD(double[] in, int from, double[] c, int at, DoubleVector lo,
      DoubleVector hi) {
    DoubleVector.fromArray(DS, in, from).add(lo).intoArray(c, at);
    DoubleVector.fromArray(DS, in, from + DL).add(hi).intoArray(c, at + DL);
  }
}
