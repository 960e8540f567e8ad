package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertRefused;
import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;

import java.util.List;
import org.junit.jupiter.api.Test;

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
    assertRefused("empty", () -> Tensor.zeros(2, -3));
    assertRefused("wrap", () -> Tensor.wrap(m.storage(), new int[] {3, 3}, new int[] {3, 1}, 0));
    assertRefused("wrap", () -> Tensor.wrap(m.storage(), new int[] {2}, new int[] {1}, 5));
    assertRefused("toDoubleArray2d", v::toDoubleArray2d);
  }
}
