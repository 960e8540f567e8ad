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
          float[] src = ap;
          int aBase = 0;
          int rs = 1;
          int cs = MR;
          int full = 0;
          if (alpha == 1) {
            // A is read where it lies (six rows or columns at a time fit in L1); only a short
            // last strip is packed, zero-padded. Packing all of A costs as much as the products
            // when N is small, as in a training step's layers.
            full = mc / MR * MR;
            if (full < mc) {
              packFA(ta, 1, a, ao, lda, ic + full, mc - full, pcF, kc, ap);
            }
            src = a;
            aBase = ta ? ao + pcF * lda + ic : ao + ic * lda + pcF;
            rs = ta ? 1 : lda;
            cs = ta ? lda : 1;
          } else {
            packFA(ta, alpha, a, ao, lda, ic, mc, pcF, kc, ap);
          }
          // One call site of macroF (and so of the kernel): a kernel inlined twice into one
          // compiled method has been seen to lose its vector intrinsics and run boxed.
          macroF(src, aBase, rs, cs, full, ap, bp, mc, j0, j1, kc, c, co + ic * ldc + jcF, ldc);
        });
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
    int t0 = tasks;
    Parallel.forEach(tasks, tasks > 1, t -> {
      int from = Math.min(count, (int) ((long) units * t / t0) * (lanes ? FL : 1));
      int to = Math.min(count, (int) ((long) units * (t + 1) / t0) * (lanes ? FL : 1));
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
    });
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
