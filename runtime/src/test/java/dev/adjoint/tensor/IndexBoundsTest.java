package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Embedding;
import dev.adjoint.nn.Functional;
import dev.adjoint.nn.NLLLoss;
import dev.adjoint.nn.Reduction;
import org.junit.jupiter.api.Test;

/**
 * Every indexing op at the indices a user gets wrong: -1, the size, a huge value and the most
 * negative value. Each op matches PyTorch 1.13: {@code index_select}, {@code index_add} and
 * {@code embedding} raise "index out of range in self" for -1 (negative indices never count from
 * the end there); {@code gather} and {@code scatter_add} raise "index -1 is out of bounds for
 * dimension 0 with size 3"; {@code select}, {@code []} and {@code narrow} take -1 as the last
 * element, Python style; loss targets must be classes or the ignore index. A refusal is a clear
 * exception whose message starts with the op's name, never an ArrayIndexOutOfBoundsException and
 * never a silently wrong element.
 */
class IndexBoundsTest {
  /** Rows 0, 1 and 2 hold 0, 10 and 20 (plus the column), so a wrong row shows in the values. */
  private final Tensor x = Tensor.of(new double[][] {{0, 1}, {10, 11}, {20, 21}});

  /** The int64 indices no op with 3 rows may take (-1 only where PyTorch refuses it). */
  private static final long[] BAD_ROWS = {-1, 3, 1L << 40, Integer.MAX_VALUE, Long.MIN_VALUE,
      Integer.MIN_VALUE, -4};

  /** The int positions that are out of range for size 3 even with Python-style wrapping. */
  private static final int[] BAD_POSITIONS = {3, -4, Integer.MAX_VALUE, Integer.MIN_VALUE};

  @Test
  void indexSelectRefusesEveryOutOfRangeIndexIncludingMinusOne() {
    for (long bad : BAD_ROWS) {
      assertRefused("indexSelect", () -> x.indexSelect(0, Tensor.of(0L, bad)));
      assertMentions(() -> x.indexSelect(0, Tensor.of(0L, bad)), "index " + bad,
          "out of range in self");
      assertRefused("indexSelect", () -> x.indexSelect(0, Tensor.scalar(bad)));
      assertRefused("indexSelect", () -> x.t().indexSelect(1, Tensor.of(bad)));
    }
    assertArrayEquals(new double[] {20, 21, 0, 1}, x.indexSelect(0, Tensor.of(2L, 0L))
        .toDoubleArray());
  }

  @Test
  void indexAddRefusesEveryOutOfRangeIndexIncludingMinusOne() {
    Tensor source = Tensor.ones(DType.FLOAT64, 2, 2);
    for (long bad : BAD_ROWS) {
      assertRefused("indexAdd", () -> x.indexAdd(0, Tensor.of(0L, bad), source));
      assertMentions(() -> x.indexAdd(0, Tensor.of(bad, 0L), source), "index " + bad,
          "out of range in self");
    }
    assertArrayEquals(new double[] {0, 1, 10, 11, 21, 22},
        x.indexAdd(0, Tensor.of(2L), Tensor.ones(DType.FLOAT64, 1, 2)).toDoubleArray());
  }

  @Test
  void gatherAndScatterAddRefuseEveryOutOfRangeIndex() {
    for (long bad : BAD_ROWS) {
      Tensor index = Tensor.of(new long[] {bad, 0});
      index = index.reshape(1, 2);
      Tensor idx = index;
      assertRefused("gather", () -> x.gather(0, idx));
      assertMentions(() -> x.gather(0, idx), "index " + bad,
          "out of bounds for dimension 0 with size 3");
      Tensor src = Tensor.ones(DType.FLOAT64, 1, 2);
      assertRefused("scatterAdd", () -> x.scatterAdd(0, idx, src));
      assertMentions(() -> x.scatterAdd(0, idx, src), "index " + bad,
          "out of bounds for dimension 0 with size 3");
    }
  }

  @Test
  void embeddingRefusesEveryOutOfRangeIndexNamingTheLayer() {
    Embedding table = new Embedding(3, 2);
    for (long bad : BAD_ROWS) {
      assertRefused("Embedding", () -> table.call(Tensor.of(0L, bad)));
      assertMentions(() -> table.call(Tensor.of(new long[][] {{1, bad}})), "index " + bad,
          "out of range in self");
    }
    Tensor weight = Tensor.randn(3, 2);
    for (long bad : BAD_ROWS) {
      assertRefused("embedding", () -> Functional.embedding(Tensor.of(0L, bad), weight));
      assertMentions(() -> Functional.embedding(Tensor.scalar(bad), weight), "index " + bad,
          "out of range in self");
    }
    assertArrayEquals(weight.get(2).toDoubleArray(),
        Functional.embedding(Tensor.scalar(2L), weight).toDoubleArray());
    // The valid edge, row 2, is the last row and nothing else.
    Tensor last = table.call(Tensor.of(2L));
    assertArrayEquals(table.parameters().get(0).get(2).toDoubleArray(),
        last.get(0).toDoubleArray());
  }

  @Test
  void selectAndGetTakeMinusOneAsTheLastElementAndRefuseTheRest() {
    assertArrayEquals(new double[] {20, 21}, x.select(0, -1).toDoubleArray());
    assertArrayEquals(new double[] {20, 21}, x.get(-1).toDoubleArray());
    assertEquals(21.0, x.get(-1, -1).item());
    assertArrayEquals(new double[] {20, 21}, x.index(Index.at(-1)).toDoubleArray());
    assertArrayEquals(new double[] {20, 21}, x.index("-1").toDoubleArray());
    for (int bad : BAD_POSITIONS) {
      assertRefused("select", () -> x.select(0, bad));
      assertRefused("get", () -> x.get(bad));
      assertRefused("get", () -> x.get(0, bad < 0 ? bad : bad - 1)); // column size is 2
      assertRefused("index", () -> x.index(Index.at(bad)));
      assertRefused("index", () -> x.index(Integer.toString(bad)));
    }
    assertRefused("index", () -> x.index("99999999999"));
    assertRefused("index", () -> x.index(Long.toString(Long.MIN_VALUE)));
  }

  @Test
  void narrowTakesAStartFromTheEndAndRefusesOverflow() {
    assertArrayEquals(new double[] {20, 21}, x.narrow(0, -1, 1).toDoubleArray());
    assertArrayEquals(new int[] {0, 2}, x.narrow(0, 3, 0).shape());
    for (int bad : BAD_POSITIONS) {
      assertRefused("narrow", () -> x.narrow(0, bad, 1));
    }
    // start + length overflows int: must not wrap around into a "valid" negative end.
    assertRefused("narrow", () -> x.narrow(0, 1, Integer.MAX_VALUE));
    assertRefused("narrow", () -> x.narrow(0, -1, Integer.MAX_VALUE));
    assertRefused("narrow", () -> x.narrow(0, 0, Integer.MIN_VALUE));
  }

  @Test
  void slicesClipLikePythonEvenAtTheIntLimits() {
    assertArrayEquals(new double[] {20, 21}, x.slice(0, -1, null, 1).toDoubleArray());
    assertArrayEquals(new int[] {0, 2}, x.slice(0, Integer.MAX_VALUE, null, 1).shape());
    assertArrayEquals(new int[] {3, 2},
        x.slice(0, Integer.MIN_VALUE, Integer.MAX_VALUE, 1).shape());
    // x[0::2**31-1] is the first row only; (3 - 0 + step - 1) overflows int.
    Tensor first = x.slice(0, 0, null, Integer.MAX_VALUE);
    assertArrayEquals(new int[] {1, 2}, first.shape());
    assertArrayEquals(new double[] {0, 1}, first.toDoubleArray());
    assertArrayEquals(new int[] {1, 2}, x.slice(0, -1, Integer.MAX_VALUE, Integer.MAX_VALUE)
        .shape());
  }

  @Test
  void booleanMasksMustMatchTheShapeTheyIndex() {
    assertRefused("index", () -> x.index(Tensor.of(true, false)));
    assertRefused("index", () -> x.index(Tensor.of(true, false, true, true)));
    assertRefused("index", () -> x.index(Tensor.of(0L, 2L)));
    assertRefused("maskedSelect", () -> x.maskedSelect(Tensor.of(true, false, true)));
    assertArrayEquals(new double[] {20, 21}, x.index(Tensor.of(false, false, true))
        .toDoubleArray());
  }

  @Test
  void classIndexTargetsMustBeClassesOrTheIgnoreIndex() {
    Tensor scores = Tensor.zeros(DType.FLOAT64, 2, 3);
    for (long bad : BAD_ROWS) {
      Tensor target = Tensor.of(0L, bad);
      assertRefused("NLLLoss", () -> new NLLLoss().call(scores, target));
      assertMentions(() -> new NLLLoss().call(scores, target), "target " + bad);
      assertRefused("CrossEntropyLoss", () -> new CrossEntropyLoss().call(scores, target));
      assertRefused("CrossEntropyLoss",
          () -> new CrossEntropyLoss(Reduction.NONE).call(scores.get(0), Tensor.scalar(bad)));
    }
    // -1 as the ignore index is not a class: it contributes nothing (PyTorch ignore_index=-1).
    Tensor loss = new NLLLoss(null, -1, Reduction.SUM)
        .call(Tensor.of(new double[][] {{-1, -2, -3}, {-4, -5, -6}}), Tensor.of(2L, -1L));
    assertEquals(3.0, loss.item());
  }

  private static void assertMentions(org.junit.jupiter.api.function.Executable call,
      String... parts) {
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p),
          () -> "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
    }
  }
}
