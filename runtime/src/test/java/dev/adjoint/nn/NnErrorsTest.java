package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input fails at once, naming the op and the shapes or values involved. */
class NnErrorsTest {
  private static void fails(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "message lacks \"" + f + "\": "
          + e.getMessage());
    }
  }

  private static final int[] ONE = {1};
  private static final int[] ZERO = {0};

  @Test
  void convolutionChecksShapesDtypesAndWindows() {
    Tensor x = Tensor.zeros(2, 2, 6, 6);
    fails(() -> Functional.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, ONE, ZERO, ONE, 1),
        "conv2d", "weight of size [4, 3, 3, 3]", "expected input [2, 2, 6, 6] to have 3"
            + " channels, but got 2 channels instead");
    fails(() -> Functional.conv2d(x, Tensor.zeros(4, 2, 3), null, ONE, ZERO, ONE, 1),
        "conv2d: weight must be 4-d", "[4, 2, 3]");
    fails(() -> Functional.conv2d(Tensor.zeros(2, 6, 6, 1, 1), Tensor.zeros(4, 2, 3, 3), null,
        ONE, ZERO, ONE, 1), "conv2d: expected a 3-d (unbatched [C, H, W]) or 4-d",
        "[2, 6, 6, 1, 1]");
    fails(() -> Functional.conv2d(x, Tensor.zeros(3, 1, 3, 3), null, ONE, ZERO, ONE, 2),
        "given groups=2, expected weight to be divisible by 2 at dimension 0");
    fails(() -> Functional.conv2d(x, Tensor.zeros(4, 2, 3, 3).toDouble(), null, ONE, ZERO, ONE,
        1), "conv2d: input (torch.float32) and weight (torch.float64) must have the same dtype");
    fails(() -> Functional.conv2d(x, Tensor.zeros(4, 2, 3, 3), Tensor.zeros(3), ONE, ZERO, ONE,
        1), "conv2d: bias must have shape [4]", "[3]");
    fails(() -> Functional.conv2d(x, Tensor.zeros(4, 2, 7, 7), null, ONE, ZERO, ONE, 1),
        "conv2d: input [2, 2, 6, 6]", "smaller than the dilated kernel 7x7");
    fails(() -> Functional.conv2d(x, Tensor.zeros(4, 2, 3, 3), null, ZERO, ZERO, ONE, 1),
        "conv2d: stride must be positive");
    fails(() -> Functional.conv2d(x, Tensor.zeros(4, 2, 3, 3), null, new int[] {1, 1, 1}, ZERO,
        ONE, 1), "conv2d: stride must have one or two values");
    fails(() -> Functional.conv2d(Tensor.zeros(1, 1, 3, 3).toLong(), Tensor.zeros(1, 1, 1, 1)
        .toLong(), null, ONE, ZERO, ONE, 1), "conv2d: input must be a floating point tensor");
    fails(() -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true), "Conv2d: in_channels must be divisible"
        + " by groups, got in_channels=3, groups=2");
    fails(() -> new Conv2d(4, 3, 3, 1, 0, 1, 2, true), "out_channels must be divisible");
    fails(() -> new Conv2d(4, 4, 0), "Conv2d: kernelSize must be positive");
  }

  @Test
  void poolingChecksWindows() {
    Tensor x = Tensor.zeros(1, 1, 4, 4);
    fails(() -> Functional.maxPool2d(x, new int[] {2}, null, new int[] {2}, ONE),
        "maxPool2d: pad should be at most half of effective kernel size, but got pad=2,"
            + " kernel_size=2 and dilation=1");
    fails(() -> new MaxPool2d(3, 1, 2), "MaxPool2d: pad should be at most half");
    fails(() -> new AvgPool2d(2, 2, 2), "AvgPool2d: pad should be at most half of kernel size");
    fails(() -> Functional.avgPool2d(x, new int[] {5}, null, ZERO, true),
        "avgPool2d: input [1, 1, 4, 4]", "smaller than the dilated kernel 5x5");
    fails(() -> Functional.adaptiveAvgPool2d(x, ZERO),
        "adaptiveAvgPool2d: outputSize must be positive");
    fails(() -> Functional.maxPool2d(Tensor.zeros(4, 4), new int[] {2}, null, ZERO, ONE),
        "maxPool2d: expected a 3-d (unbatched [C, H, W]) or 4-d", "[4, 4]");
  }

  @Test
  void normalisationChecksInputs() {
    fails(() -> new BatchNorm2d(3).call(Tensor.zeros(2, 3, 4)),
        "BatchNorm2d: expected 4D input (got 3D input of shape [2, 3, 4])");
    fails(() -> new BatchNorm1d(3).call(Tensor.zeros(2, 4)),
        "BatchNorm1d: expected input with 3 channels in dim 1", "[2, 4]");
    fails(() -> new BatchNorm1d(3).call(Tensor.zeros(2, 3, 4, 5)),
        "BatchNorm1d: expected 2D or 3D input (got 4D input");
    fails(() -> new BatchNorm1d(0), "num_features must be positive");
    fails(() -> new LayerNorm(new int[] {4}).call(Tensor.zeros(2, 3)),
        "LayerNorm: given normalized_shape=[4], expected input with shape [*, 4], but got input"
            + " of size [2, 3]");
  }

  @Test
  void otherLayersCheckTheirArguments() {
    fails(() -> new Embedding(4, 2).call(Tensor.zeros(3)),
        "Embedding: expected int64 indices, got torch.float32");
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> new Embedding(4, 2).call(Tensor.of(1L, 4L)));
    assertTrue(e.getMessage().startsWith("Embedding: index 4 is out of range in self"),
        e.getMessage());
    fails(() -> new GELU("fast"), "gelu: approximate must be \"none\" or \"tanh\", got \"fast\"");
    fails(() -> new Linear(-1, 2), "Linear: feature counts must be non-negative");
    fails(() -> new Linear(3, 2).call(Tensor.zeros(2, 4)), "matmul", "[2, 4]", "[3, 2]");
    IndexOutOfBoundsException d = assertThrows(IndexOutOfBoundsException.class,
        () -> Functional.softmax(Tensor.zeros(2, 3), 2));
    assertEquals("softmax: dimension 2 is out of range (expected to be in [-2, 1] for a 2-d"
        + " tensor)", d.getMessage());
    assertEquals("LeakyReLU(negative_slope=0.01)", new LeakyReLU().toString());
  }
}
