package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;

import dev.adjoint.nn.Functional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad indices, dims and shapes are refused up front with {@link IndexOutOfBoundsException} or
 * {@link IllegalArgumentException} whose message starts with the op's name; no kernel may leak an
 * {@link ArrayIndexOutOfBoundsException} (which would also be an IndexOutOfBoundsException, so
 * {@link TensorAssertions#assertRefused} rules it out explicitly).
 */
class BadInputTest {
  private final Tensor m = Tensor.zeros(2, 3);
  private final Tensor v = Tensor.zeros(3);
  private final Tensor s = Tensor.scalar(1.0);

  @Test
  void getAndSelect() {
    assertRefused("get", () -> v.get(3));
    assertRefused("get", () -> v.get(-4));
    assertRefused("get", () -> m.get(0, 3));
    assertRefused("get", () -> m.get(2, 0));
    assertRefused("get", () -> m.get(0, 0, 0));
    assertRefused("get", () -> s.get(0));
    assertThrowsWith(IndexOutOfBoundsException.class, () -> m.get(0, 3), "index 3",
        "dimension 1", "size 3");
    assertRefused("select", () -> m.select(1, 3));
    assertRefused("select", () -> m.select(0, -3));
    assertRefused("select", () -> m.select(2, 0));
    assertRefused("select", () -> s.select(0, 0));
  }

  @Test
  void narrowSliceAndIndex() {
    assertRefused("narrow", () -> v.narrow(0, 2, 2));
    assertRefused("narrow", () -> v.narrow(0, -5, 1));
    assertRefused("narrow", () -> v.narrow(0, 0, -1));
    assertRefused("narrow", () -> v.narrow(1, 0, 1));
    assertRefused("slice", () -> m.slice(2, 0, 1, 1));
    assertRefused("slice", () -> v.slice(0, 0, 2, 0));
    assertRefused("index", () -> v.index("3"));
    assertRefused("index", () -> v.index("-4"));
    assertRefused("index", () -> m.index(":, :, 0"));
    assertRefused("index", () -> m.index("..., ..."));
    assertRefused("index", () -> m.index("1:x"));
  }

  @Test
  void zeroDimTensorsHaveNoDimensionToIndex() {
    // torch: "narrow() cannot be applied to a 0-dim tensor", "dimension specified as 0 but
    // tensor has no dimensions", "split expects at least a 1-dimensional tensor".
    assertRefused("narrow", () -> s.narrow(0, 0, 1));
    assertRefused("slice", () -> s.slice(0, 0, 1, 1));
    assertRefused("size", () -> s.size(0));
    assertRefused("size", () -> s.size(-1));
    assertRefused("split", () -> s.split(1, 0));
    assertRefused("split", () -> s.split(new int[] {1}, 0));
    assertRefused("chunk", () -> s.chunk(1, 0));
  }

  @Test
  void dimsOutOfRange() {
    assertRefused("size", () -> m.size(2));
    assertRefused("size", () -> m.size(-3));
    assertRefused("transpose", () -> m.transpose(0, 2));
    assertRefused("permute", () -> m.permute(0, 2));
    assertRefused("squeeze", () -> m.squeeze(2));
    assertRefused("unsqueeze", () -> m.unsqueeze(3));
    assertRefused("flatten", () -> m.flatten(0, 2));
    assertRefused("split", () -> m.split(1, 2));
    assertRefused("chunk", () -> m.chunk(2, -3));
    assertRefused("sum", () -> m.sum(2));
    assertRefused("cat", () -> Tensor.cat(List.of(m, m), 2));
    assertRefused("stack", () -> Tensor.stack(List.of(m, m), 3));
  }

  @Test
  void integerIndexTensors() {
    assertRefused("indexSelect", () -> v.indexSelect(0, Tensor.of(0L, 3L)));
    assertRefused("indexSelect", () -> v.indexSelect(0, Tensor.of(-4L)));
    assertRefused("indexSelect", () -> v.indexSelect(1, Tensor.of(0L)));
    assertRefused("indexSelect", () -> v.indexSelect(0, Tensor.of(0f)));
    assertRefused("gather", () -> m.gather(1, Tensor.fromArray(new long[] {0, 3}, 1, 2)));
    assertRefused("gather", () -> m.gather(1, Tensor.fromArray(new long[] {-1}, 1, 1)));
    // Outside dim the index may not be larger than the input (along dim it may).
    assertRefused("gather", () -> m.gather(1, Tensor.fromArray(new long[] {0, 0, 0}, 3, 1)));
    assertRefused("gather", () -> m.gather(1, Tensor.of(0L)));
    assertRefused("index", () -> m.index(Tensor.of(true, false, true)));
  }

  @Test
  void shapesThatDoNotFit() {
    assertRefused("view", () -> m.view(4, 2));
    assertRefused("view", () -> m.t().view(6));
    assertRefused("reshape", () -> m.reshape(7));
    assertRefused("expand", () -> m.expand(3, 3));
    assertRefused("expand", () -> m.expand(3));
    assertRefused("add", () -> m.add(Tensor.zeros(2)));
    assertRefused("add_", () -> v.add_(m));
    assertRefused("copy_", () -> v.copy_(m));
    assertRefused("where", () -> Tensor.where(Tensor.of(true, false), v, v));
    assertRefused("matmul", () -> m.matmul(m));
    assertRefused("cat", () -> Tensor.cat(List.of(m, v)));
    assertRefused("stack", () -> Tensor.stack(List.of(m, m.t())));
    assertRefused("fromArray", () -> Tensor.fromArray(new float[5], 2, 3));
    assertRefused("zeros", () -> Tensor.zeros(2, -3));
    assertRefused("wrap", () -> Tensor.wrap(m.storage(), new int[] {3, 3}, new int[] {3, 1}, 0));
    assertRefused("wrap", () -> Tensor.wrap(m.storage(), new int[] {2}, new int[] {1}, 5));
    assertRefused("toDoubleArray2d", v::toDoubleArray2d);
  }

  /**
   * A table of bad calls, one or more per public op (issue 9, item 12): each is refused before
   * anything is allocated, by the op the user called, never by an internal helper ({@code empty},
   * {@code tensor}, {@code CpuStorage.wrap}) and never as an arithmetic overflow, a negative
   * array size or an array index. Sizes past 2^31 elements must be refused by arithmetic, not by
   * running out of memory, so these run in a small heap.
   */
  @Test
  void everyOpNamesItselfForBadArguments() {
    int big = 1 << 16;
    Tensor one = Tensor.zeros(1);
    Tensor huge = one.expand(1 << 30);
    Tensor i64 = Tensor.of(0L, 1L);
    Map<String, Executable> calls = new LinkedHashMap<>();
    // Creation: negative sizes, too many elements, wrong array types.
    calls.put("zeros: negative", () -> Tensor.zeros(-1));
    calls.put("zeros: too many", () -> Tensor.zeros(big, big));
    calls.put("zeros: int64 too many", () -> Tensor.zeros(DType.INT64, big, big, 2));
    calls.put("zeros: on a device, too many",
        () -> Tensor.zeros(DType.FLOAT32, Device.cpu(), big, big, 2));
    calls.put("ones: negative", () -> Tensor.ones(3, -2));
    calls.put("ones: too many", () -> Tensor.ones(big, big));
    calls.put("full: negative", () -> Tensor.full(2.0, -5));
    calls.put("full: too many", () -> Tensor.full(2.0, DType.FLOAT64, Integer.MAX_VALUE, 2));
    calls.put("rand: negative", () -> Tensor.rand(-1, 2));
    calls.put("rand: too many", () -> Tensor.rand(big, big));
    calls.put("randn: too many", () -> Tensor.randn(big, big));
    calls.put("randint: negative", () -> Tensor.randint(0, 3, -1));
    calls.put("randint: bounds", () -> Tensor.randint(3, 3, 2));
    calls.put("eye: negative", () -> Tensor.eye(-1));
    calls.put("eye: too many", () -> Tensor.eye(big, big));
    calls.put("arange: step 0", () -> Tensor.arange(0, 5, 0));
    calls.put("arange: too many", () -> Tensor.arange(0L, 1L << 40, 1L));
    calls.put("arange: wrong sign", () -> Tensor.arange(5.0, 0.0, 1.0));
    calls.put("linspace: negative", () -> Tensor.linspace(0, 1, -3));
    calls.put("linspace: too many", () -> Tensor.linspace(0, 1, Integer.MAX_VALUE));
    calls.put("fromArray: String[]", () -> Tensor.fromArray(new String[] {"a"}, 1));
    calls.put("fromArray: int[]", () -> Tensor.fromArray(new int[] {1, 2}, 2));
    calls.put("fromArray: not an array", () -> Tensor.fromArray("ab", 2));
    calls.put("fromArray: negative", () -> Tensor.fromArray(new float[0], -1));
    calls.put("fromArray: too many", () -> Tensor.fromArray(new float[0], big, big));
    float[] row = new float[big];
    float[][] sharedRows = new float[big][];
    java.util.Arrays.fill(sharedRows, row);
    calls.put("of: rows sharing one array", () -> Tensor.of(sharedRows));
    // Views and shapes.
    calls.put("view: two -1", () -> m.view(-1, -1));
    calls.put("view: -2", () -> m.view(-2, -3));
    calls.put("view: too many", () -> m.view(big, big, big));
    calls.put("reshape: -1 does not divide", () -> m.reshape(4, -1));
    calls.put("reshape: -2", () -> m.reshape(-2, 3));
    calls.put("reshape: wraps a long", () -> Tensor.zeros(0).reshape(big, big, big, big));
    calls.put("reshape: huge with -1", () -> m.reshape(big, big, -1));
    calls.put("expand: too many", () -> one.expand(big, big));
    calls.put("expand: negative", () -> one.expand(-2));
    calls.put("expand: new -1", () -> one.expand(-1, 1));
    calls.put("expandAs: shapes", () -> m.expandAs(v));
    calls.put("flatten: merged too many", () -> Tensor.zeros(0, big, big).flatten(1, 2));
    calls.put("flatten: dims reversed", () -> m.flatten(1, 0));
    calls.put("permute: too few dims", () -> m.permute(0));
    calls.put("permute: repeated", () -> m.permute(0, 0));
    calls.put("transpose: out of range", () -> m.transpose(0, -3));
    calls.put("squeeze: out of range", () -> m.squeeze(-3));
    calls.put("unsqueeze: out of range", () -> m.unsqueeze(-4));
    calls.put("narrow: past the end", () -> m.narrow(1, 1, 3));
    calls.put("narrow: huge length", () -> m.narrow(1, 1, Integer.MAX_VALUE));
    calls.put("narrow: huge start", () -> m.narrow(1, Integer.MAX_VALUE, 1));
    calls.put("select: huge index", () -> m.select(1, Integer.MIN_VALUE));
    calls.put("slice: huge step", () -> m.slice(1, 0, 3, -1));
    calls.put("get: MIN_VALUE", () -> v.get(Integer.MIN_VALUE));
    calls.put("split: negative size", () -> v.split(-1, 0));
    calls.put("split: sizes do not add up", () -> v.split(new int[] {1, 1}, 0));
    calls.put("split: negative sizes", () -> v.split(new int[] {4, -1}, 0));
    calls.put("chunk: zero chunks", () -> v.chunk(0, 0));
    // Indexing.
    calls.put("index: bad subscript", () -> m.index("0:1:0"));
    calls.put("indexSelect: float index", () -> m.indexSelect(0, Tensor.of(0f)));
    calls.put("indexSelect: past the end", () -> m.indexSelect(1, Tensor.of(Long.MAX_VALUE)));
    calls.put("gather: past the end", () -> m.gather(0, Tensor.fromArray(new long[] {5}, 1, 1)));
    calls.put("maskedSelect: not bool", () -> m.maskedSelect(m));
    calls.put("maskedFill: not bool", () -> m.maskedFill(m, 1));
    // Combining and broadcasting.
    calls.put("cat: sizes add past an int", () -> Tensor.cat(List.of(huge, huge)));
    calls.put("cat: result too many", () -> Tensor.cat(
        List.of(one.expand(3, 1 << 29), one.expand(1, 1 << 29))));
    calls.put("cat: empty list", () -> Tensor.cat(List.of()));
    calls.put("stack: result too many", () -> Tensor.stack(List.of(huge, huge, huge)));
    calls.put("stack: shapes differ", () -> Tensor.stack(List.of(m, v)));
    calls.put("add: broadcast too many", () -> one.expand(big, 1).add(one.expand(1, big)));
    calls.put("mul: broadcast too many", () -> Tensor.zeros(big, 1).mul(Tensor.zeros(big)));
    calls.put("sub: shapes", () -> m.sub(Tensor.zeros(4)));
    calls.put("div: shapes", () -> m.div(Tensor.zeros(3, 2)));
    calls.put("pow: shapes", () -> m.pow(Tensor.zeros(4)));
    calls.put("maximum: broadcast too many", () -> Tensor.zeros(big, 1).maximum(
        Tensor.zeros(big)));
    calls.put("eq: broadcast too many", () -> Tensor.zeros(big, 1).eq(Tensor.zeros(big)));
    calls.put("logicalAnd: broadcast too many", () -> Tensor.zeros(DType.BOOL, big, 1)
        .logicalAnd(Tensor.zeros(DType.BOOL, big)));
    calls.put("where: broadcast too many", () -> Tensor.where(Tensor.zeros(DType.BOOL, big, 1),
        Tensor.zeros(big), one));
    calls.put("copy_: shapes", () -> v.copy_(Tensor.zeros(4)));
    calls.put("matmul: broadcast batch too many", () -> Tensor.zeros(big, 1, 1, 1)
        .matmul(Tensor.zeros(big, 1, 1)));
    calls.put("matmul: result too many", () -> one.expand(big, 1).matmul(one.expand(1, big)));
    calls.put("mm: shapes", () -> m.mm(m));
    calls.put("mm: result too many", () -> Tensor.zeros(big, 1).mm(Tensor.zeros(1, big)));
    calls.put("bmm: shapes", () -> m.unsqueeze(0).bmm(m.unsqueeze(0)));
    calls.put("bmm: not 3-d", () -> m.bmm(m));
    calls.put("inverse: not square", () -> m.inverse());
    // Reductions.
    calls.put("sum: result too many", () -> Tensor.zeros(big, big, 0).sum(2));
    calls.put("mean: int64", () -> i64.mean());
    calls.put("prod: dim", () -> m.prod(2, false));
    calls.put("max: empty", () -> Tensor.zeros(0).max());
    calls.put("argmax: dim", () -> m.argmax(-3, false));
    calls.put("argmin: dim", () -> m.argmin(2, true));
    calls.put("var: repeated dim", () -> m.var(new int[] {0, 0}, 1, false));
    calls.put("logsumexp: dim", () -> m.logsumexp(5));
    calls.put("std: dim", () -> m.std(5));
    calls.put("std: int64", () -> i64.std());
    calls.put("maskedFill: shapes", () -> m.maskedFill(Tensor.of(true, false), 1));
    calls.put("randint: range wider than a long", () -> Tensor.randint(Long.MIN_VALUE,
        Long.MAX_VALUE, 2));
    calls.put("arange: long range too many", () -> Tensor.arange(Long.MIN_VALUE, Long.MAX_VALUE));
    calls.put("view: null", () -> m.view((int[]) null));
    // Element access.
    calls.put("toFloatArray2d: 1-d", () -> v.toFloatArray2d());
    // nn.functional: sizes whose products overflow an int (issue 9, item 5).
    Tensor image = Tensor.zeros(1, 1, 1, 1);
    calls.put("adaptiveAvgPool2d: output too many", () -> Functional.adaptiveAvgPool2d(image,
        new int[] {big, big}));
    calls.put("conv2d: padding 2^20", () -> Functional.conv2d(image, image, null, new int[] {1},
        new int[] {1 << 20}, new int[] {1}, 1));
    calls.put("conv2d: padding 2^30", () -> Functional.conv2d(image, image, null, new int[] {1},
        new int[] {1 << 30}, new int[] {1}, 1));
    calls.put("conv2d: dilation", () -> Functional.conv2d(image, Tensor.zeros(1, 1, 3, 3), null,
        new int[] {1}, new int[] {Integer.MAX_VALUE / 2}, new int[] {Integer.MAX_VALUE}, 1));
    calls.put("conv2d: unfolded too many", () -> Functional.conv2d(image,
        Tensor.zeros(1, 1, 3, 3), null, new int[] {1}, new int[] {20_000}, new int[] {1}, 1));
    calls.put("maxPool2d: dilation", () -> Functional.maxPool2d(Tensor.zeros(1, 1, 4, 4),
        new int[] {2}, null, new int[] {0}, new int[] {Integer.MAX_VALUE}));
    calls.put("maxPool2d: kernel", () -> Functional.maxPool2d(Tensor.zeros(1, 1, 4, 4),
        new int[] {Integer.MAX_VALUE}, null, new int[] {Integer.MAX_VALUE / 2}, new int[] {1}));
    calls.put("avgPool2d: stride", () -> Functional.avgPool2d(Tensor.zeros(1, 1, 4, 4),
        new int[] {2}, new int[] {0}, new int[] {0}, true));
    calls.put("avgPool2d: kernel", () -> Functional.avgPool2d(Tensor.zeros(1, 1, 4, 4),
        new int[] {Integer.MAX_VALUE}, null, new int[] {Integer.MAX_VALUE / 2}, true));
    // nn layers whose parameters are sized by their arguments.
    calls.put("Linear: too many", () -> new dev.adjoint.nn.Linear(big, big));
    calls.put("Conv2d: too many", () -> new dev.adjoint.nn.Conv2d(big, big, 3));
    calls.put("Embedding: too many", () -> new dev.adjoint.nn.Embedding(big, big));
    calls.put("LayerNorm: too many", () -> new dev.adjoint.nn.LayerNorm(new int[] {big, big},
        1e-5, true));
    calls.put("conv2d: layer padding 2^20", () -> new dev.adjoint.nn.Conv2d(1, 1, 1, 1, 1 << 20)
        .call(image));
    calls.put("adaptiveAvgPool2d: layer", () -> new dev.adjoint.nn.AdaptiveAvgPool2d(big)
        .call(image));
    List<String> wrong = new java.util.ArrayList<>();
    for (Map.Entry<String, Executable> call : calls.entrySet()) {
      String op = call.getKey().substring(0, call.getKey().indexOf(':'));
      try {
        Throwable e = call.getKey().endsWith(": null")
            ? assertThrowsWith(NullPointerException.class, call.getValue(), op + ":")
            : assertRefusedBy(op, call.getKey(), call.getValue());
        for (String helper : new String[] {"empty:", "tensor:", "CpuStorage", "wrap:"}) {
          assertFalse(e.getMessage().contains(helper), () -> call.getKey()
              + ": the message names an internal helper: " + e.getMessage());
        }
      } catch (AssertionError failure) {
        wrong.add(failure.getMessage());
      }
    }
    assertTrue(calls.size() >= 90, "the table has " + calls.size() + " calls");
    assertTrue(wrong.isEmpty(), wrong.size() + " of " + calls.size() + " bad calls were not"
        + " refused by their op:\n" + String.join("\n", wrong));
  }

  @Test
  void extremeButLegalArgumentsDoNotOverflow() {
    // Sizes, starts and steps near the int and long limits that still describe a valid result.
    Tensor v4 = Tensor.arange(4);
    assertArrayEquals(new long[] {0}, v4.slice(0, Integer.MIN_VALUE, Integer.MAX_VALUE,
        Integer.MAX_VALUE).toLongArray());
    assertArrayEquals(new long[] {1}, v4.index("1::2147483647").toLongArray());
    assertArrayEquals(new long[] {3}, v4.narrow(0, -1, 1).toLongArray());
    assertEquals(1, v4.split(Integer.MAX_VALUE, 0).size());
    assertArrayEquals(new long[] {Long.MAX_VALUE - 2, Long.MAX_VALUE - 1},
        Tensor.arange(Long.MAX_VALUE - 2, Long.MAX_VALUE).toLongArray());
    // The span is 2^64 - 1, past a long: MIN, MIN + (2^63 - 1) = -1, then 2^63 - 2.
    assertArrayEquals(new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE - 1},
        Tensor.arange(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE).toLongArray());
    assertArrayEquals(new long[] {Long.MAX_VALUE, 0, -Long.MAX_VALUE},
        Tensor.arange(Long.MAX_VALUE, Long.MIN_VALUE, -Long.MAX_VALUE).toLongArray());
  }

  @Test
  void emptyTensorsMayHaveHugeDimensions() {
    // As in PyTorch: a dimension of size 0 makes a tensor empty however large the others are.
    int max = Integer.MAX_VALUE;
    for (Tensor t : List.of(Tensor.zeros(max, 0), Tensor.ones(0, max), Tensor.full(3, max, 0),
        Tensor.rand(max, 0, max), Tensor.randn(0, max), Tensor.randint(0, 2, max, 0),
        Tensor.fromArray(new long[0], max, 0), Tensor.zeros(DType.BOOL, 0, max, max))) {
      assertEquals(0, t.numel());
    }
    Tensor e = Tensor.zeros(max, 0);
    assertArrayEquals(new int[] {max, 0}, e.shape());
    assertArrayEquals(new int[] {0, max}, e.t().shape());
    assertArrayEquals(new int[] {0, max, max}, e.view(0, max, max).shape());
    assertArrayEquals(new int[] {max, 0, 1}, e.reshape(max, -1, 1).shape());
    assertArrayEquals(new int[] {max, 0}, e.add(1).shape());
    assertArrayEquals(new int[] {2, max, 0}, e.expand(2, max, 0).shape());
    assertArrayEquals(new int[] {0}, e.flatten().shape());
    assertEquals(0.0, e.sum().item());
    assertArrayEquals(new int[] {0}, e.sum(0).shape());
    assertEquals(1.0, e.prod().item());
    assertArrayEquals(new int[] {max, 0}, Tensor.cat(List.of(e, e), 1).shape());
    assertArrayEquals(new int[] {0}, e.max(0).values().shape());
    assertRefused("max", () -> e.max(1));
    assertArrayEquals(new int[] {max, 0}, e.matmul(Tensor.zeros(0, 0)).shape());
    assertRefused("matmul", () -> e.matmul(Tensor.zeros(0, 3)));
    // Reduced dims whose int product wraps to 0 (2^32) are not mistaken for an empty dim.
    Tensor wide = Tensor.zeros(0, 1 << 16, 1 << 16);
    assertArrayEquals(new int[] {0}, wide.sum(new int[] {1, 2}, false).shape());
    assertArrayEquals(new int[] {0, 1 << 16}, wide.argmax(1, false).shape());
  }

  /** {@link TensorAssertions#assertRefused}, also ruling out overflow and array-size errors. */
  private static Throwable assertRefusedBy(String op, String what, Executable call) {
    Throwable e = assertThrows(Throwable.class, call, what + ": expected an exception");
    assertTrue(e instanceof IllegalArgumentException || e instanceof IndexOutOfBoundsException,
        () -> what + ": expected IllegalArgumentException or IndexOutOfBoundsException, got " + e);
    assertFalse(e instanceof ArrayIndexOutOfBoundsException, () -> what + " leaked " + e);
    assertNotNull(e.getMessage(), what + ": exception without a message");
    assertTrue(e.getMessage().startsWith(op + ":"),
        () -> what + ": message \"" + e.getMessage() + "\" should start with \"" + op + ":\"");
    return e;
  }
}
