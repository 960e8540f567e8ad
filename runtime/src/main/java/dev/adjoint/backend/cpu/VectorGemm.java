package dev.adjoint.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} with the JDK's incubating Vector API, in the layout of Goto's GEMM: B is packed
 * in strips of NR columns (two vectors wide) and K_C rows, A in strips of MR = 6 rows scaled by
 * alpha, and a 6 x NR micro-kernel keeps its twelve accumulators in vector registers. Blocks of
 * M_C rows of A are split over the cores; B's packed panel is shared. Packing buffers are fixed
 * in size (not by the operands) and kept per thread.
 *
 * <p>Loaded by reflection only when the JVM has the {@code jdk.incubator.vector} module, and
 * compiled separately with that module (see the runtime's pom), so nothing else needs it.
 */
final class VectorGemm implements Gemm.Kernels {
  static final VectorGemm INSTANCE = new VectorGemm();
  private static final int MR = 6;
  private static final int KC = 256;
  private static final int MC = 16 * MR;

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
  private static final int FNC = 1024 / FNR * FNR;
  private static final ThreadLocal<float[]> FA_PACK =
      ThreadLocal.withInitial(() -> new float[MC * KC]);
  private static final ThreadLocal<float[]> FB_PACK =
      ThreadLocal.withInitial(() -> new float[KC * FNC]);

  @Override
  public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao,
      int lda, float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc,
      boolean parallel) {
    Gemm.scale(beta, c, co, ldc, m, n);
    if (k == 0 || alpha == 0 || m == 0 || n == 0) {
      return;
    }
    if (m == 1 || n == 1) {
      gemvF(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, parallel);
      return;
    }
    float[] bp = FB_PACK.get();
    // Row blocks of at most MC rows, evenly sized (in whole strips of MR), so that the cores
    // get equal shares; when there are fewer blocks than twice the cores, the columns are split
    // too. Every element of C gets the same products in the same order whatever the split.
    int blocks = (m + MC - 1) / MC;
    int mcStep = ((m + blocks - 1) / blocks + MR - 1) / MR * MR;
    int mBlocks = (m + mcStep - 1) / mcStep;
    // Parallel never runs another product's task on this thread while it waits (a split on a
    // pool thread stays on it), so the packed panels this call reads are not reused under it.
    boolean split = parallel;
    for (int jc = 0; jc < n; jc += FNC) {
      int nc = Math.min(FNC, n - jc);
      int strips = (nc + FNR - 1) / FNR;
      int groups = split
          ? Math.max(1, Math.min(strips, (2 * Parallel.threads() + mBlocks - 1) / mBlocks)) : 1;
      int tasks = mBlocks * groups;
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        packFB(tb, b, bo, ldb, pc, kc, jc, nc, bp);
        int jcF = jc;
        int pcF = pc;
        Parallel.forEach(tasks, split && tasks > 1, t -> {
          int ic = t / groups * mcStep;
          int mc = Math.min(mcStep, m - ic);
          int g = t % groups;
          int j0 = strips * g / groups * FNR;
          int j1 = Math.min(nc, strips * (g + 1) / groups * FNR);
          float[] ap = FA_PACK.get();
          if (alpha == 1) {
            // A is read where it lies (six rows or columns at a time fit in L1); only a short
            // last strip is packed, zero-padded. Packing all of A costs as much as the products
            // when N is small, as in a training step's layers.
            int full = mc / MR * MR;
            if (full < mc) {
              packFA(ta, 1, a, ao, lda, ic + full, mc - full, pcF, kc, ap);
            }
            int aBase = ta ? ao + pcF * lda + ic : ao + ic * lda + pcF;
            macroF(a, aBase, ta ? 1 : lda, ta ? lda : 1, full, ap, bp, mc, j0, j1, kc, c,
                co + ic * ldc + jcF, ldc);
          } else {
            packFA(ta, alpha, a, ao, lda, ic, mc, pcF, kc, ap);
            macroF(ap, 0, 1, MR, 0, ap, bp, mc, j0, j1, kc, c, co + ic * ldc + jcF, ldc);
          }
        });
      }
    }
  }

  /** Rows (or columns) per parallel task of a matrix-vector product. */
  private static final int GEMV_GRAIN = 1 << 14;

  /**
   * C += alpha op(A) op(B) where one side is a single row or column (m or n is 1): a tile would
   * compute mostly padding there and packing would copy the whole matrix for one pass. Each
   * result is a dot product of two unit-stride runs (the vector operand copied to one first when
   * it is strided), or the matrix's rows are added, scaled, into C (axpy); both vectorized, each
   * element's summation order fixed by the shape alone.
   */
  private static void gemvF(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a,
      int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
      boolean parallel) {
    if (m == 1 && tb || n == 1 && !ta) {
      // Dot products: C[0, j] = x . B[j, :] (m = 1), or C[i, 0] = A[i, :] . y (n = 1).
      boolean row = m == 1;
      int count = row ? n : m;
      float[] mat = row ? b : a;
      int mo = row ? bo : ao;
      int ld = row ? ldb : lda;
      // The vector: op(A)'s row, stride lda when A is transposed; op(B)'s column, stride ldb.
      float[] v = row ? a : b;
      int vo = row ? ao : bo;
      int vs = row ? (ta ? lda : 1) : (tb ? 1 : ldb);
      if (vs != 1 && k > 1) {
        float[] packed = new float[k];
        for (int p = 0; p < k; p++) {
          packed[p] = v[vo + p * vs];
        }
        v = packed;
        vo = 0;
      }
      float[] vec = v;
      int vecOff = vo;
      int cs = row ? 1 : ldc;
      int tasks = parallel ? Parallel.chunks((long) count * k, GEMV_GRAIN) : 1;
      tasks = Math.max(1, Math.min(tasks, count));
      int t0 = tasks;
      Parallel.forEach(tasks, tasks > 1, t -> {
        int from = (int) ((long) count * t / t0);
        int to = (int) ((long) count * (t + 1) / t0);
        int j = from;
        if (k < 2 * FL) {
          // Short rows: four at a time, four independent chains of additions (each row's sum
          // in the same order as dotF's, which is all tail here).
          for (; j + 3 < to; j += 4) {
            int r0 = mo + j * ld;
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int p = 0; p < k; p++) {
              float y = vec[vecOff + p];
              s0 += mat[r0 + p] * y;
              s1 += mat[r0 + ld + p] * y;
              s2 += mat[r0 + 2 * ld + p] * y;
              s3 += mat[r0 + 3 * ld + p] * y;
            }
            c[co + j * cs] += alpha * s0;
            c[co + (j + 1) * cs] += alpha * s1;
            c[co + (j + 2) * cs] += alpha * s2;
            c[co + (j + 3) * cs] += alpha * s3;
          }
        }
        for (; j < to; j++) {
          c[co + j * cs] += alpha * dotF(mat, mo + j * ld, vec, vecOff, k);
        }
      });
      return;
    }
    // Axpy: C[0, :] += (alpha x_p) B[p, :] (m = 1, B not transposed), or C[:, 0] += (alpha
    // y_p) A^T[p, :] (n = 1, A transposed): a unit-stride row of the matrix per p.
    boolean row = m == 1;
    int count = row ? n : m;
    float[] mat = row ? b : a;
    int mo = row ? bo : ao;
    int ld = row ? ldb : lda;
    float[] v = row ? a : b;
    int vo = row ? ao : bo;
    int vs = row ? (ta ? lda : 1) : (tb ? 1 : ldb);
    int cs = row ? 1 : ldc;
    float[] acc = cs == 1 ? c : new float[count];
    int accOff = cs == 1 ? co : 0;
    int tasks = parallel ? Parallel.chunks((long) count * k, GEMV_GRAIN) : 1;
    // Split the columns in whole vectors, so a column's products never change with the split.
    int vectors = (count + FL - 1) / FL;
    tasks = Math.max(1, Math.min(tasks, vectors));
    int t0 = tasks;
    Parallel.forEach(tasks, tasks > 1, t -> {
      int from = Math.min(count, (int) ((long) vectors * t / t0) * FL);
      int to = Math.min(count, (int) ((long) vectors * (t + 1) / t0) * FL);
      if (to - from < FL) {
        // Narrower than a vector: plain loops (the same sums as axpyF's tail).
        for (int p = 0; p < k; p++) {
          float sp = alpha * v[vo + p * vs];
          int r = mo + p * ld + from;
          for (int j = 0; j < to - from; j++) {
            acc[accOff + from + j] += sp * mat[r + j];
          }
        }
        return;
      }
      for (int p = 0; p < k; p++) {
        axpyF(alpha * v[vo + p * vs], mat, mo + p * ld + from, acc, accOff + from, to - from);
      }
    });
    if (cs != 1) {
      for (int i = 0; i < count; i++) {
        c[co + i * cs] += acc[i];
      }
    }
  }

  /**
   * {@code x[xo, xo + k) . y[yo, yo + k)}: two vector accumulators of fused multiply-adds, summed
   * lane by lane in order (not {@code reduceLanes}, whose order may change when C2 compiles it),
   * then the tail in order.
   */
  private static float dotF(float[] x, int xo, float[] y, int yo, int k) {
    FloatVector s0 = FloatVector.zero(FS);
    FloatVector s1 = s0;
    int p = 0;
    for (int end = k - 2 * FL; p <= end; p += 2 * FL) {
      s0 = FloatVector.fromArray(FS, x, xo + p).fma(FloatVector.fromArray(FS, y, yo + p), s0);
      s1 = FloatVector.fromArray(FS, x, xo + p + FL)
          .fma(FloatVector.fromArray(FS, y, yo + p + FL), s1);
    }
    float s = 0;
    if (p > 0) {
      FloatVector t = s0.add(s1);
      for (int l = 0; l < FL; l++) {
        s += t.lane(l);
      }
    }
    for (; p < k; p++) {
      s += x[xo + p] * y[yo + p];
    }
    return s;
  }

  /** {@code y[yo, yo + n) += s x[xo, xo + n)}: fused multiply-adds in vectors, the tail plain. */
  private static void axpyF(float s, float[] x, int xo, float[] y, int yo, int n) {
    FloatVector sv = FloatVector.broadcast(FS, s);
    int j = 0;
    for (int end = FS.loopBound(n); j < end; j += FL) {
      sv.fma(FloatVector.fromArray(FS, x, xo + j), FloatVector.fromArray(FS, y, yo + j))
          .intoArray(y, yo + j);
    }
    for (; j < n; j++) {
      y[yo + j] += s * x[xo + j];
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

  /** alpha * A[ic:ic+mc, pc:pc+kc] into strips of MR rows, p-major inside a strip, zero-padded. */
  private static void packFA(boolean ta, float alpha, float[] a, int ao, int lda, int ic, int mc,
      int pc, int kc, float[] ap) {
    for (int is = 0; is < mc; is += MR) {
      int h = Math.min(MR, mc - is);
      int base = is * kc;
      for (int p = 0; p < kc; p++) {
        int dst = base + p * MR;
        for (int i = 0; i < MR; i++) {
          ap[dst + i] = i >= h ? 0
              : alpha * (ta ? a[ao + (pc + p) * lda + ic + is + i]
                  : a[ao + (ic + is + i) * lda + pc + p]);
        }
      }
    }
  }

  /**
   * C[0:mc, j0:nc] += A @ packed B, tile by tile; edge tiles go through a buffer. The rows below
   * {@code split} are read from {@code a} (element (i, p) at {@code aBase + i * rs + p * cs}); the
   * rest were packed into {@code ap} from its start, strips of MR rows, p-major.
   */
  private static void macroF(float[] a, int aBase, int rs, int cs, int split, float[] ap,
      float[] bp, int mc, int j0, int nc, int kc, float[] c, int co, int ldc) {
    float[] tile = null;
    for (int js = j0; js < nc; js += FNR) {
      int w = Math.min(FNR, nc - js);
      for (int is = 0; is < mc; is += MR) {
        int h = Math.min(MR, mc - is);
        float[] src = is < split ? a : ap;
        int base = is < split ? aBase + is * rs : (is - split) * kc;
        int r = is < split ? rs : 1;
        int k = is < split ? cs : MR;
        boolean edge = h < MR || w < FNR;
        if (edge) {
          if (tile == null) {
            tile = new float[MR * FNR];
          }
          java.util.Arrays.fill(tile, 0);
        }
        // One call site: the kernel is compiled once, never inlined twice into this loop (a
        // twice-inlined kernel has been seen to lose its vector intrinsics and run boxed).
        kernelF(src, base, r, k, bp, js * kc, kc, edge ? tile : c, edge ? 0 : co + is * ldc + js,
            edge ? FNR : ldc);
        if (edge) {
          for (int i = 0; i < h; i++) {
            int row = co + (is + i) * ldc + js;
            for (int j = 0; j < w; j++) {
              c[row + j] += tile[i * FNR + j];
            }
          }
        }
      }
    }
  }

  /**
   * The 6 x NR micro-kernel: twelve vector accumulators stay in registers over the whole kc
   * loop; each step loads two vectors of B and broadcasts six elements of A.
   */
  private static void kernelF(float[] ap, int aBase, int rs, int cs, float[] bp, int bBase,
      int kc, float[] c, int cBase, int ldc) {
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
      int ai = aBase + p * cs;
      FloatVector x = FloatVector.broadcast(FS, ap[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(FS, ap[ai + rs]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(FS, ap[ai + 2 * rs]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(FS, ap[ai + 3 * rs]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(FS, ap[ai + 4 * rs]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(FS, ap[ai + 5 * rs]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    addF(c, cBase, c00, c01);
    addF(c, cBase + ldc, c10, c11);
    addF(c, cBase + 2 * ldc, c20, c21);
    addF(c, cBase + 3 * ldc, c30, c31);
    addF(c, cBase + 4 * ldc, c40, c41);
    addF(c, cBase + 5 * ldc, c50, c51);
  }

  private static void addF(float[] c, int at, FloatVector lo, FloatVector hi) {
    FloatVector.fromArray(FS, c, at).add(lo).intoArray(c, at);
    FloatVector.fromArray(FS, c, at + FL).add(hi).intoArray(c, at + FL);
  }

  // ================================================================ float64

  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = DS.length();
  private static final int DNR = 2 * DL;
  private static final int DNC = 1024 / DNR * DNR;
  private static final ThreadLocal<double[]> DA_PACK =
      ThreadLocal.withInitial(() -> new double[MC * KC]);
  private static final ThreadLocal<double[]> DB_PACK =
      ThreadLocal.withInitial(() -> new double[KC * DNC]);

  @Override
  public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int ao,
      int lda, double[] b, int bo, int ldb, double beta, double[] c, int co, int ldc,
      boolean parallel) {
    Gemm.scale(beta, c, co, ldc, m, n);
    if (k == 0 || alpha == 0) {
      return;
    }
    double[] bp = DB_PACK.get();
    int mBlocks = (m + MC - 1) / MC;
    // Parallel never runs another product's task on this thread while it waits (a split on a
    // pool thread stays on it), so the packed panels this call reads are not reused under it.
    boolean split = parallel;
    for (int jc = 0; jc < n; jc += DNC) {
      int nc = Math.min(DNC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        packDB(tb, b, bo, ldb, pc, kc, jc, nc, bp);
        int jcF = jc;
        int pcF = pc;
        Parallel.forEach(mBlocks, split && mBlocks > 1, t -> {
          int ic = t * MC;
          int mc = Math.min(MC, m - ic);
          double[] ap = DA_PACK.get();
          packDA(ta, alpha, a, ao, lda, ic, mc, pcF, kc, ap);
          macroD(ap, bp, mc, nc, kc, c, co + ic * ldc + jcF, ldc);
        });
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

  /** alpha * A[ic:ic+mc, pc:pc+kc] into strips of MR rows, p-major inside a strip, zero-padded. */
  private static void packDA(boolean ta, double alpha, double[] a, int ao, int lda, int ic, int mc,
      int pc, int kc, double[] ap) {
    for (int is = 0; is < mc; is += MR) {
      int h = Math.min(MR, mc - is);
      int base = is * kc;
      for (int p = 0; p < kc; p++) {
        int dst = base + p * MR;
        for (int i = 0; i < MR; i++) {
          ap[dst + i] = i >= h ? 0
              : alpha * (ta ? a[ao + (pc + p) * lda + ic + is + i]
                  : a[ao + (ic + is + i) * lda + pc + p]);
        }
      }
    }
  }

  /** C[0:mc, 0:nc] += packed A @ packed B, tile by tile; edge tiles go through a buffer. */
  private static void macroD(double[] ap, double[] bp, int mc, int nc, int kc, double[] c, int co,
      int ldc) {
    double[] tile = null;
    for (int js = 0; js < nc; js += DNR) {
      int w = Math.min(DNR, nc - js);
      for (int is = 0; is < mc; is += MR) {
        int h = Math.min(MR, mc - is);
        if (h == MR && w == DNR) {
          kernelD(ap, is * kc, bp, js * kc, kc, c, co + is * ldc + js, ldc);
        } else {
          if (tile == null) {
            tile = new double[MR * DNR];
          }
          java.util.Arrays.fill(tile, 0);
          kernelD(ap, is * kc, bp, js * kc, kc, tile, 0, DNR);
          for (int i = 0; i < h; i++) {
            int row = co + (is + i) * ldc + js;
            for (int j = 0; j < w; j++) {
              c[row + j] += tile[i * DNR + j];
            }
          }
        }
      }
    }
  }

  /**
   * The 6 x NR micro-kernel: twelve vector accumulators stay in registers over the whole kc
   * loop; each step loads two vectors of B and broadcasts six elements of A.
   */
  private static void kernelD(double[] ap, int aBase, double[] bp, int bBase, int kc, double[] c,
      int cBase, int ldc) {
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
      int ai = aBase + p * MR;
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
    addD(c, cBase, c00, c01);
    addD(c, cBase + ldc, c10, c11);
    addD(c, cBase + 2 * ldc, c20, c21);
    addD(c, cBase + 3 * ldc, c30, c31);
    addD(c, cBase + 4 * ldc, c40, c41);
    addD(c, cBase + 5 * ldc, c50, c51);
  }

  private static void addD(double[] c, int at, DoubleVector lo, DoubleVector hi) {
    DoubleVector.fromArray(DS, c, at).add(lo).intoArray(c, at);
    DoubleVector.fromArray(DS, c, at + DL).add(hi).intoArray(c, at + DL);
  }
}
