package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index arithmetic of the indexing kernels (indexing.cuh), run on the host over every element,
 * against the CPU backend: index_select from strided (transposed, offset) sources along each
 * dimension, gather and scatter-add along each dimension of 3-d operands, index-add with repeated
 * indices. Accumulation on the host is in element order, so sums agree to the last bit only where
 * the CPU adds in the same order; the tolerance covers reordering of at most a few terms.
 */
class IndexingHostTest {
  private static final Backend CPU = Backends.cpu();

  @BeforeEach
  void built() {
    HostKernels.assumeBuilt();
  }

  private static double[] randoms(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextDouble(-5, 5);
    }
    return a;
  }

  @Test
  void indexSelectFromStridedSourcesMatchesTheCpu() {
    double[] data = randoms(3 + 4 * 5 * 6, 1);
    // A permuted, offset view [5, 6, 4] of a [4, 5, 6] block starting at element 3.
    Layout src = Layout.contiguous(3L, 4, 5, 6).permute(new int[] {1, 2, 0});
    Storage s = CPU.fromHostArray(data);
    for (int dim = 0; dim < 3; dim++) {
      long[] index = {src.size(dim) - 1, 0, 1, 0};
      int[] shape = src.shape();
      shape[dim] = index.length;
      Layout out = Layout.contiguous(shape);
      Storage d = CPU.allocate(DType.FLOAT64, out.numel());
      CPU.indexSelect(s, src, dim, CPU.fromHostArray(index), Layout.contiguous(4), d, out);
      double[] host = new double[(int) out.numel()];
      assertEquals(0, HostKernels.host_index_select_f64(data, LayoutCodec.encode(src), dim, index,
          index.length, host));
      assertArrayEquals((double[]) CPU.toHostArray(d, out), host, "indexSelect dim " + dim);
    }
  }

  @Test
  void gatherAndScatterAddAlongEachDimensionMatchTheCpu() {
    SplittableRandom r = new SplittableRandom(3);
    int[] srcShape = {3, 4, 5};
    double[] data = randoms(60, 2);
    Layout src = Layout.contiguous(srcShape);
    for (int dim = 0; dim < 3; dim++) {
      int[] ixShape = {2, 3, 4};
      Layout il = Layout.contiguous(ixShape);
      long[] index = new long[24];
      for (int i = 0; i < 24; i++) {
        index[i] = r.nextInt(srcShape[dim]);
      }
      Storage d = CPU.allocate(DType.FLOAT64, 24);
      CPU.gather(CPU.fromHostArray(data), src, dim, CPU.fromHostArray(index), il, d, il);
      double[] host = new double[24];
      assertEquals(0, HostKernels.host_gather_f64(data, LayoutCodec.encode(src), dim, index,
          LayoutCodec.encode(il), host));
      assertArrayEquals((double[]) CPU.toHostArray(d, il), host, "gather dim " + dim);

      double[] values = randoms(24, 10 + dim);
      double[] start = randoms(60, 20 + dim);
      Storage acc = CPU.fromHostArray(start.clone());
      CPU.scatterAdd(acc, src, dim, CPU.fromHostArray(index), il, CPU.fromHostArray(values), il);
      double[] hostAcc = start.clone();
      assertEquals(0, HostKernels.host_scatter_add_f64(hostAcc, LayoutCodec.encode(src), dim,
          index, LayoutCodec.encode(il), values, LayoutCodec.encode(il)));
      double[] want = (double[]) CPU.toHostArray(acc, src);
      for (int i = 0; i < 60; i++) {
        assertEquals(want[i], hostAcc[i], 1e-14, "scatterAdd dim " + dim + " [" + i + "]");
      }
    }
  }

  @Test
  void indexAddWithRepeatedIndicesMatchesTheCpu() {
    double[] start = randoms(4 * 3 * 2, 5);
    double[] source = randoms(4 * 5 * 2, 6);
    long[] index = {2, 0, 2, 1, 2};
    Layout dl = Layout.contiguous(4, 3, 2);
    Storage acc = CPU.fromHostArray(start.clone());
    CPU.indexAdd(acc, dl, 1, CPU.fromHostArray(index), Layout.contiguous(5),
        CPU.fromHostArray(source), Layout.contiguous(4, 5, 2));
    double[] host = start.clone();
    assertEquals(0, HostKernels.host_index_add_f64(host, 4, 3, 2, index, 5, source));
    double[] want = (double[]) CPU.toHostArray(acc, dl);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], host[i], 1e-14, "indexAdd [" + i + "]");
    }
  }

  @Test
  void outOfRangeIndicesTouchNothing() {
    double[] data = randoms(12, 7);
    double[] dst = new double[6];
    java.util.Arrays.fill(dst, 42);
    long[] index = {1, 7}; // 7 is outside dimension 1 of size 4
    assertEquals(0, HostKernels.host_index_select_f64(data,
        LayoutCodec.encode(Layout.contiguous(3, 4)), 1, index, 2, dst));
    for (int row = 0; row < 3; row++) {
      assertEquals(data[row * 4 + 1], dst[row * 2]);
      assertEquals(42, dst[row * 2 + 1], "an out-of-range element must stay unwritten");
    }
    assertEquals(CudaStatus.BAD_ARGUMENT, HostKernels.host_index_select_f64(data,
        LayoutCodec.encode(Layout.contiguous(3, 4)), 2, index, 2, dst));
  }
}
