package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Indexing, slicing, gathering and joining, with expected values written out by hand or
 * computed from the row-major input with plain loops; semantics and messages as in PyTorch.
 */
class IndexingTest {
  /** [[0, 1, 2], [3, 4, 5]] as float32. */
  private static Tensor m23() {
    return Tensor.of(new float[][] {{0, 1, 2}, {3, 4, 5}});
  }

  /** 0..23 as float32, shape [2, 3, 4]: element (i, j, k) is 12i + 4j + k. */
  private static Tensor cube() {
    float[] v = new float[24];
    for (int i = 0; i < 24; i++) {
      v[i] = i;
    }
    return Tensor.fromArray(v, 2, 3, 4);
  }

  // ================================================================== get / select

  @Test
  void getReturnsAZeroDimensionalViewThatWritesThrough() {
    Tensor x = m23();
    Tensor e = x.get(1, 2);
    assertEquals(0, e.dim());
    assertEquals(5.0, e.item());
    e.fill_(42);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 42}, x.toFloatArray());
    // A row is a view too.
    Tensor row = x.get(0);
    assertArrayEquals(new int[] {3}, row.shape());
    row.fill_(-1);
    assertArrayEquals(new float[] {-1, -1, -1, 3, 4, 42}, x.toFloatArray());
  }

  @Test
  void negativeIndicesCountFromTheEnd() {
    Tensor x = m23();
    assertEquals(5.0, x.get(-1, -1).item());
    assertEquals(3.0, x.get(-1, -3).item());
    assertArrayEquals(new float[] {0, 1, 2}, x.get(-2).toFloatArray());
    assertArrayEquals(new float[] {2, 5}, x.select(1, -1).toFloatArray());
    assertArrayEquals(new float[] {3, 4, 5}, x.select(-2, 1).toFloatArray());
  }

  @Test
  void outOfBoundsIndicesNameTheDimensionAndSize() {
    Tensor x = m23();
    // PyTorch: "index 2 is out of bounds for dimension 0 with size 2".
    IndexOutOfBoundsException row = assertThrows(IndexOutOfBoundsException.class,
        () -> x.get(2));
    assertTrue(row.getMessage().contains("index 2 is out of bounds for dimension 0 with size 2"),
        row.getMessage());
    // x[0, 5]: PyTorch names the original dimension 1, not the position after dropping dim 0.
    IndexOutOfBoundsException col = assertThrows(IndexOutOfBoundsException.class,
        () -> x.get(0, 5));
    assertTrue(col.getMessage().contains("index 5 is out of bounds for dimension 1 with size 3"),
        col.getMessage());
    IndexOutOfBoundsException neg = assertThrows(IndexOutOfBoundsException.class,
        () -> x.get(0, -4));
    assertTrue(neg.getMessage().contains("index -4") && neg.getMessage().contains("size 3"),
        neg.getMessage());
    IndexOutOfBoundsException many = assertThrows(IndexOutOfBoundsException.class,
        () -> x.get(0, 0, 0));
    assertTrue(many.getMessage().contains("too many indices"), many.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> x.select(1, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> x.select(2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> Tensor.scalar(1.0).select(0, 0));
  }

  // ================================================================== narrow / slice

  @Test
  void narrowIsAViewAndAcceptsANegativeStart() {
    Tensor x = m23();
    Tensor n = x.narrow(1, 1, 2);
    assertArrayEquals(new int[] {2, 2}, n.shape());
    assertArrayEquals(new float[] {1, 2, 4, 5}, n.toFloatArray());
    assertArrayEquals(new float[] {1, 2, 4, 5}, x.narrow(-1, -2, 2).toFloatArray());
    assertArrayEquals(new float[] {}, x.narrow(1, 3, 0).toFloatArray());
    n.fill_(9);
    assertArrayEquals(new float[] {0, 9, 9, 3, 9, 9}, x.toFloatArray());
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> x.narrow(1, 2, 2));
    assertTrue(e.getMessage().contains("size 3"), e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(1, -4, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(0, 0, -1));
  }

  @Test
  void sliceFollowsPythonRules() {
    Tensor a = Tensor.arange(10);
    // a[-3:100] -> [7, 8, 9]; a[-100:3] -> [0, 1, 2]; a[7:2] -> []; a[1:9:3] -> [1, 4, 7];
    // a[::4] -> [0, 4, 8] (PyTorch 1.13 gives the same).
    assertArrayEquals(new long[] {7, 8, 9}, a.slice(0, -3, 100, 1).toLongArray());
    assertArrayEquals(new long[] {0, 1, 2}, a.slice(0, -100, 3, 1).toLongArray());
    Tensor empty = a.slice(0, 7, 2, 1);
    assertArrayEquals(new int[] {0}, empty.shape());
    assertArrayEquals(new long[] {1, 4, 7}, a.slice(0, 1, 9, 3).toLongArray());
    assertArrayEquals(new long[] {0, 4, 8}, a.slice(0, null, null, 4).toLongArray());
    assertArrayEquals(new long[] {8, 9}, a.slice(0, 8, null, 1).toLongArray());
    assertArrayEquals(new long[] {0, 1}, a.slice(0, null, -8, 1).toLongArray());
    assertArrayEquals(new long[] {}, a.slice(0, 20, 30, 1).toLongArray());
    IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
        () -> a.slice(0, 0, 5, 0));
    assertTrue(step.getMessage().contains("step"), step.getMessage());
    assertThrows(IllegalArgumentException.class, () -> a.slice(0, 0, 5, -1));
  }

  @Test
  void steppedSliceIsAView() {
    Tensor a = Tensor.arange(10);
    Tensor s = a.slice(0, 1, 9, 3);
    assertArrayEquals(new int[] {3}, s.strides());
    s.fill_(-1);
    assertArrayEquals(new long[] {0, -1, 2, 3, -1, 5, 6, -1, 8, 9}, a.toLongArray());
  }

  // ================================================================== index(...)

  @Test
  void indexWithComponentsAndSubscripts() {
    Tensor x = cube();
    // x[:, 1:3] -> shape [2, 2, 4], element (i, j, k) = 12i + 4(j + 1) + k.
    Tensor a = x.index(Index.all(), Index.range(1, 3));
    Tensor b = x.index(":, 1:3");
    assertArrayEquals(new int[] {2, 2, 4}, a.shape());
    float[] want = new float[16];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        for (int k = 0; k < 4; k++) {
          want[i * 8 + j * 4 + k] = 12 * i + 4 * (j + 1) + k;
        }
      }
    }
    assertArrayEquals(want, a.toFloatArray());
    assertArrayEquals(want, b.toFloatArray());

    // x[..., -1] -> shape [2, 3], element (i, j) = 12i + 4j + 3.
    Tensor last = x.index("..., -1");
    assertArrayEquals(new int[] {2, 3}, last.shape());
    assertArrayEquals(new float[] {3, 7, 11, 15, 19, 23}, last.toFloatArray());
    assertArrayEquals(last.toFloatArray(),
        x.index(Index.ellipsis(), Index.at(-1)).toFloatArray());

    // x[None, 0] -> shape [1, 3, 4] holding x[0].
    Tensor none = x.index("None, 0");
    assertArrayEquals(new int[] {1, 3, 4}, none.shape());
    assertArrayEquals(x.get(0).toFloatArray(), none.toFloatArray());

    // x[0, 1, 2] -> 0-d 0 + 4 + 2 = 6.
    Tensor one = x.index("0, 1, 2");
    assertEquals(0, one.dim());
    assertEquals(6.0, one.item());

    // x[1, ..., ::2] -> shape [3, 2]: 12 + 4j + 2k.
    Tensor mixed = x.index("1, ..., ::2");
    assertArrayEquals(new int[] {3, 2}, mixed.shape());
    assertArrayEquals(new float[] {12, 14, 16, 18, 20, 22}, mixed.toFloatArray());

    // x[:, None, -2:] -> shape [2, 1, 2, 4].
    Tensor tail = x.index(":, None, -2:");
    assertArrayEquals(new int[] {2, 1, 2, 4}, tail.shape());
    assertEquals(4.0, tail.get(0, 0, 0, 0).item());
    assertEquals(23.0, tail.get(1, 0, 1, 3).item());
  }

  @Test
  void stepSubscriptOnAVector() {
    Tensor a = Tensor.arange(10);
    assertArrayEquals(new long[] {0, 2, 4, 6, 8}, a.index("::2").toLongArray());
    assertArrayEquals(new long[] {1, 4, 7}, a.index("1::3").toLongArray());
    assertArrayEquals(new long[] {5, 6, 7}, a.index("-5:-2").toLongArray());
    assertArrayEquals(new long[] {0, 4, 8},
        a.index(Index.range(null, null, 4)).toLongArray());
  }

  @Test
  void indexResultsAreViews() {
    Tensor x = m23();
    x.index(":, 1").fill_(-7);
    assertArrayEquals(new float[] {0, -7, 2, 3, -7, 5}, x.toFloatArray());
    x.index("1, ::2").fill_(8);
    assertArrayEquals(new float[] {0, -7, 2, 8, -7, 8}, x.toFloatArray());
  }

  @Test
  void indexErrors() {
    Tensor x = m23();
    IndexOutOfBoundsException many = assertThrows(IndexOutOfBoundsException.class,
        () -> x.index("0, 0, 0"));
    assertTrue(many.getMessage().contains("too many indices"), many.getMessage());
    IndexOutOfBoundsException bounds = assertThrows(IndexOutOfBoundsException.class,
        () -> x.index("0, 5"));
    assertTrue(bounds.getMessage().contains("index 5 is out of bounds for dimension 1 with size"
        + " 3"), bounds.getMessage());
    IndexOutOfBoundsException slicedFirst = assertThrows(IndexOutOfBoundsException.class,
        () -> x.index(":, 7"));
    assertTrue(slicedFirst.getMessage().contains("dimension 1 with size 3"),
        slicedFirst.getMessage());
    IllegalArgumentException parse = assertThrows(IllegalArgumentException.class,
        () -> x.index("0, a"));
    assertTrue(parse.getMessage().contains("\"a\""), parse.getMessage());
    assertThrows(IllegalArgumentException.class, () -> x.index("1:2:3:4"));
    IllegalArgumentException ellipses = assertThrows(IllegalArgumentException.class,
        () -> x.index("..., ..."));
    assertTrue(ellipses.getMessage().contains("ellipsis"), ellipses.getMessage());
    assertThrows(IllegalArgumentException.class, () -> x.index("::0"));
  }

  // ================================================================== indexSelect

  @Test
  void indexSelectPicksAndRepeats() {
    Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    // Columns 2, 0 and 2.
    Tensor cols = x.indexSelect(1, Tensor.of(2L, 0L, 2L));
    assertArrayEquals(new int[] {2, 3}, cols.shape());
    assertArrayEquals(new float[] {3, 1, 3, 6, 4, 6}, cols.toFloatArray());
    Tensor rows = x.indexSelect(0, Tensor.of(1L));
    assertArrayEquals(new int[] {1, 3}, rows.shape());
    assertArrayEquals(new float[] {4, 5, 6}, rows.toFloatArray());
    // A 0-d index still gives a dimension of size 1, as torch.index_select does.
    assertArrayEquals(new int[] {2, 1}, x.indexSelect(-1, Tensor.scalar(1L)).shape());
    // A 0-d source gives a 0-d result (PyTorch 1.13: tensor(5.).index_select(0, [0]) is 5.).
    Tensor scalar = Tensor.scalar(5.0).indexSelect(0, Tensor.of(0L));
    assertEquals(0, scalar.dim());
    assertEquals(5.0, scalar.item());
    // The result is a copy.
    cols.fill_(0);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, x.toFloatArray());
    // A transposed source: x.t() rows are x's columns.
    assertArrayEquals(new float[] {2, 5}, x.t().indexSelect(0, Tensor.of(1L)).toFloatArray());
  }

  @Test
  void indexSelectErrors() {
    Tensor x = Tensor.zeros(2, 3);
    IndexOutOfBoundsException high = assertThrows(IndexOutOfBoundsException.class,
        () -> x.indexSelect(1, Tensor.of(3L)));
    assertTrue(high.getMessage().contains("index 3") && high.getMessage().contains("size 3"),
        high.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(1, Tensor.of(-4L)));
    IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
        () -> x.indexSelect(0, Tensor.of(0f)));
    assertTrue(dtype.getMessage().contains("torch.int64"), dtype.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> x.indexSelect(0, Tensor.of(new long[][] {{0}})));
    assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(2, Tensor.of(0L)));
  }

  // ================================================================== gather

  @Test
  void gatherAlongBothDims() {
    Tensor x = Tensor.arange(12).reshape(3, 4);
    // out[i][j] = x[i][index[i][j]]: rows [3, 0], [5, 5], [10, 8] (PyTorch 1.13 gives the same).
    Tensor g1 = x.gather(1, Tensor.of(new long[][] {{3, 0}, {1, 1}, {2, 0}}));
    assertArrayEquals(new int[] {3, 2}, g1.shape());
    assertEquals(DType.INT64, g1.dtype());
    assertArrayEquals(new long[] {3, 0, 5, 5, 10, 8}, g1.toLongArray());
    // out[i][j] = x[index[i][j]][j]: [x[2][0], x[0][1], x[1][2], x[0][3]] = [8, 1, 6, 3].
    Tensor g0 = x.gather(0, Tensor.of(new long[][] {{2, 0, 1, 0}}));
    assertArrayEquals(new long[] {8, 1, 6, 3}, g0.toLongArray());
    // Negative dim, and an index smaller than the input outside dim.
    Tensor g = x.gather(-1, Tensor.of(new long[][] {{1}, {2}}));
    assertArrayEquals(new long[] {1, 6}, g.toLongArray());
    // A transposed source: y = x.t() is 4 x 3 with y[i][j] = x[j][i] = 4j + i.
    Tensor y = x.t();
    Tensor gy = y.gather(1, Tensor.of(new long[][] {{2, 0}, {1, 1}}));
    assertArrayEquals(new long[] {8, 0, 5, 5}, gy.toLongArray());
  }

  @Test
  void gatherErrors() {
    Tensor x = Tensor.arange(12).reshape(3, 4);
    assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(0L, 1L)));
    IndexOutOfBoundsException high = assertThrows(IndexOutOfBoundsException.class,
        () -> x.gather(1, Tensor.of(new long[][] {{4}})));
    assertTrue(high.getMessage().contains("index 4") && high.getMessage().contains("size 4"),
        high.getMessage());
    // Unlike Python subscripts, gather takes no negative indices (as in PyTorch).
    assertThrows(IndexOutOfBoundsException.class,
        () -> x.gather(1, Tensor.of(new long[][] {{-1}})));
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> x.gather(1, Tensor.zeros(DType.INT64, 4, 1)));
    assertTrue(size.getMessage().contains("[4, 1]"), size.getMessage());
    assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.zeros(3, 1)));
    assertThrows(IndexOutOfBoundsException.class,
        () -> x.gather(2, Tensor.zeros(DType.INT64, 1, 1)));
  }

  // ================================================================== nonzero and masks

  @Test
  void nonzeroListsPositionsInRowMajorOrder() {
    Tensor z = Tensor.of(new long[][] {{0, 1}, {2, 0}}).nonzero();
    assertEquals(DType.INT64, z.dtype());
    assertArrayEquals(new int[] {2, 2}, z.shape());
    assertArrayEquals(new long[] {0, 1, 1, 0}, z.toLongArray());
    assertArrayEquals(new long[] {1, 3}, Tensor.of(0f, 2f, 0f, -1f).nonzero().toLongArray());
    assertArrayEquals(new int[] {2, 1}, Tensor.of(0f, 2f, 0f, -1f).nonzero().shape());
    assertArrayEquals(new int[] {0, 2}, Tensor.zeros(2, 3).nonzero().shape());
    // 0-d: one row of no coordinates when true (PyTorch gives size [1, 0]).
    assertArrayEquals(new int[] {1, 0}, Tensor.scalar(true).nonzero().shape());
    assertArrayEquals(new int[] {0, 0}, Tensor.scalar(false).nonzero().shape());

    // A 3-d pattern against a plain loop: element (i, j, k) is nonzero when (i + 2j + k) % 3.
    boolean[] flags = new boolean[2 * 3 * 4];
    StringBuilder want = new StringBuilder();
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          flags[i * 12 + j * 4 + k] = (i + 2 * j + k) % 3 != 0;
          if (flags[i * 12 + j * 4 + k]) {
            want.append(i).append(j).append(k).append(' ');
          }
        }
      }
    }
    long[] got = Tensor.fromArray(flags, 2, 3, 4).nonzero().toLongArray();
    StringBuilder have = new StringBuilder();
    for (int r = 0; r < got.length; r += 3) {
      have.append(got[r]).append(got[r + 1]).append(got[r + 2]).append(' ');
    }
    assertEquals(want.toString(), have.toString());
  }

  @Test
  void booleanMaskIndexing() {
    Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    // x[x > 2.5] -> [3, 4, 5, 6].
    Tensor picked = x.index(x.gt(2.5));
    assertArrayEquals(new int[] {4}, picked.shape());
    assertArrayEquals(new float[] {3, 4, 5, 6}, picked.toFloatArray());
    // A mask over the leading dimension picks whole rows: x[[False, True]] -> [[4, 5, 6]].
    Tensor row = x.index(Tensor.of(false, true));
    assertArrayEquals(new int[] {1, 3}, row.shape());
    assertArrayEquals(new float[] {4, 5, 6}, row.toFloatArray());
    assertArrayEquals(new int[] {0, 3}, x.index(Tensor.of(false, false)).shape());
    // The result is a copy.
    picked.fill_(0);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, x.toFloatArray());
    // On a transposed view the mask follows the logical order: x.t() = [[1, 4], [2, 5], [3, 6]].
    assertArrayEquals(new float[] {4, 2, 6},
        x.t().index(Tensor.of(false, true, true, false, false, true).reshape(3, 2))
            .toFloatArray());
  }

  @Test
  void maskedSelectBroadcastsTheMask() {
    Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    Tensor cols = x.maskedSelect(Tensor.of(true, false, true));
    assertArrayEquals(new int[] {4}, cols.shape());
    assertArrayEquals(new float[] {1, 3, 4, 6}, cols.toFloatArray());
    assertArrayEquals(new float[] {2, 4, 6}, x.maskedSelect(x.toLong().gt(1)
        .logicalAnd(Tensor.of(new float[][] {{0, 1, 0}, {1, 0, 1}}))).toFloatArray());
    assertThrows(IllegalArgumentException.class, () -> x.maskedSelect(Tensor.of(1L, 0L, 1L)));
    assertThrows(IllegalArgumentException.class, () -> x.maskedSelect(Tensor.of(true, false)));
  }

  @Test
  void maskErrors() {
    Tensor x = Tensor.zeros(2, 3);
    IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
        () -> x.index(Tensor.of(1L, 0L)));
    assertTrue(dtype.getMessage().contains("bool"), dtype.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> x.index(Tensor.of(true, false, true)));
    assertTrue(shape.getMessage().contains("[3]") && shape.getMessage().contains("[2, 3]"),
        shape.getMessage());
  }

  // ================================================================== cat / stack

  @Test
  void catPromotesDtypes() {
    Tensor c = Tensor.cat(List.of(Tensor.of(1L, 2L), Tensor.of(0.5f)));
    assertEquals(DType.FLOAT32, c.dtype());
    assertArrayEquals(new float[] {1, 2, 0.5f}, c.toFloatArray());
    Tensor b = Tensor.cat(List.of(Tensor.of(true), Tensor.of(3L)));
    assertEquals(DType.INT64, b.dtype());
    assertArrayEquals(new long[] {1, 3}, b.toLongArray());
    Tensor d = Tensor.cat(List.of(Tensor.of(1f), Tensor.of(2.0)));
    assertEquals(DType.FLOAT64, d.dtype());
  }

  @Test
  void catAlongAnyDim() {
    Tensor a = Tensor.of(new float[][] {{1}, {2}});
    Tensor b = Tensor.of(new float[][] {{3, 4}, {5, 6}});
    Tensor c = Tensor.cat(List.of(a, b), 1);
    assertArrayEquals(new int[] {2, 3}, c.shape());
    assertArrayEquals(new float[] {1, 3, 4, 2, 5, 6}, c.toFloatArray());
    assertArrayEquals(c.toFloatArray(), Tensor.cat(List.of(a, b), -1).toFloatArray());
    Tensor rows = Tensor.cat(List.of(b, b.t(), Tensor.zeros(0, 2)));
    assertArrayEquals(new int[] {4, 2}, rows.shape());
    assertArrayEquals(new float[] {3, 4, 5, 6, 3, 5, 4, 6}, rows.toFloatArray());
    // The result is a copy.
    c.fill_(0);
    assertArrayEquals(new float[] {1, 2}, a.toFloatArray());
  }

  @Test
  void catErrors() {
    IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
        () -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3)), 1));
    assertTrue(sizes.getMessage().contains("[2, 3]") && sizes.getMessage().contains("[3, 3]"),
        sizes.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(3))));
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.cat(List.of(Tensor.scalar(1.0), Tensor.scalar(2.0))));
    assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of()));
    assertThrows(IndexOutOfBoundsException.class,
        () -> Tensor.cat(List.of(Tensor.zeros(2), Tensor.zeros(2)), 1));
  }

  @Test
  void stackAddsANewDim() {
    Tensor a = Tensor.of(1L, 2L);
    Tensor b = Tensor.of(3L, 4L);
    Tensor s0 = Tensor.stack(List.of(a, b));
    assertArrayEquals(new int[] {2, 2}, s0.shape());
    assertArrayEquals(new long[] {1, 2, 3, 4}, s0.toLongArray());
    // dim -1 (= 1 for 1-d inputs): [[1, 3], [2, 4]] (PyTorch 1.13 gives the same).
    Tensor s1 = Tensor.stack(List.of(a, b), -1);
    assertArrayEquals(new long[] {1, 3, 2, 4}, s1.toLongArray());
    assertArrayEquals(s1.toLongArray(), Tensor.stack(List.of(a, b), 1).toLongArray());
    // Two 2x3 matrices at dim 1: out[i][k][j] = input k's [i][j].
    Tensor p = m23();
    Tensor q = m23().add(10.0);
    Tensor s = Tensor.stack(List.of(p, q), 1);
    assertArrayEquals(new int[] {2, 2, 3}, s.shape());
    assertArrayEquals(new float[] {0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15}, s.toFloatArray());
    assertArrayEquals(new int[] {2, 3, 2}, Tensor.stack(List.of(p, q), -1).shape());
    assertArrayEquals(new int[] {1}, Tensor.stack(List.of(Tensor.scalar(1.0))).shape());
  }

  @Test
  void stackErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.stack(List.of(Tensor.zeros(2), Tensor.zeros(3))));
    assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"),
        e.getMessage());
    assertThrows(IndexOutOfBoundsException.class,
        () -> Tensor.stack(List.of(Tensor.zeros(2), Tensor.zeros(2)), 2));
    assertThrows(IllegalArgumentException.class, () -> Tensor.stack(List.of()));
  }

  // ================================================================== split / chunk

  @Test
  void splitBySizeGivesViews() {
    Tensor a = Tensor.arange(10);
    List<Tensor> parts = a.split(3, 0);
    assertEquals(4, parts.size());
    assertArrayEquals(new long[] {0, 1, 2}, parts.get(0).toLongArray());
    assertArrayEquals(new long[] {3, 4, 5}, parts.get(1).toLongArray());
    assertArrayEquals(new long[] {6, 7, 8}, parts.get(2).toLongArray());
    assertArrayEquals(new long[] {9}, parts.get(3).toLongArray());
    for (Tensor p : parts) {
      assertSame(a.storage(), p.storage());
    }
    parts.get(1).fill_(-1);
    assertArrayEquals(new long[] {0, 1, 2, -1, -1, -1, 6, 7, 8, 9}, a.toLongArray());
    assertEquals(1, a.split(10, 0).size());
    assertEquals(1, a.split(25, 0).size());
    assertThrows(IllegalArgumentException.class, () -> a.split(0, 0));
  }

  @Test
  void splitBySizesGivesViews() {
    Tensor x = Tensor.arange(12).reshape(2, 6);
    List<Tensor> parts = x.split(new int[] {1, 3, 2}, 1);
    assertEquals(3, parts.size());
    assertArrayEquals(new int[] {2, 1}, parts.get(0).shape());
    assertArrayEquals(new long[] {0, 6}, parts.get(0).toLongArray());
    assertArrayEquals(new long[] {1, 2, 3, 7, 8, 9}, parts.get(1).toLongArray());
    assertArrayEquals(new long[] {4, 5, 10, 11}, parts.get(2).toLongArray());
    parts.get(2).fill_(0);
    assertArrayEquals(new long[] {0, 1, 2, 3, 0, 0, 6, 7, 8, 9, 0, 0}, x.toLongArray());
    IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
        () -> x.split(new int[] {2, 2}, 1));
    assertTrue(sum.getMessage().contains("6"), sum.getMessage());
    assertThrows(IllegalArgumentException.class, () -> x.split(new int[] {7, -1}, 1));
    assertEquals(2, x.split(new int[] {0, 2}, 0).size());
  }

  @Test
  void chunkSplitsIntoNearlyEqualViews() {
    // PyTorch 1.13: arange(6).chunk(4) -> [0, 1], [2, 3], [4, 5] (three chunks, not four);
    // arange(5).chunk(3) -> [0, 1], [2, 3], [4].
    List<Tensor> six = Tensor.arange(6).chunk(4, 0);
    assertEquals(3, six.size());
    assertArrayEquals(new long[] {4, 5}, six.get(2).toLongArray());
    List<Tensor> five = Tensor.arange(5).chunk(3, 0);
    assertEquals(3, five.size());
    assertArrayEquals(new long[] {0, 1}, five.get(0).toLongArray());
    assertArrayEquals(new long[] {2, 3}, five.get(1).toLongArray());
    assertArrayEquals(new long[] {4}, five.get(2).toLongArray());
    Tensor x = Tensor.arange(8).reshape(2, 4);
    List<Tensor> halves = x.chunk(2, -1);
    assertArrayEquals(new long[] {0, 1, 4, 5}, halves.get(0).toLongArray());
    halves.get(1).fill_(0);
    assertArrayEquals(new long[] {0, 1, 0, 0, 4, 5, 0, 0}, x.toLongArray());
    assertThrows(IllegalArgumentException.class, () -> x.chunk(0, 0));
  }
}
