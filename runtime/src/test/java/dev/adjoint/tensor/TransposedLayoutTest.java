package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Linear;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two costs of transposed layouts: copying a transposed matrix (the tiled copy) and the gradient
 * of a transposed matmul operand ({@code Linear}'s {@code weight.t()}), which is computed in the
 * operand's layout so that its transpose back to the parameter is contiguous.
 */
class TransposedLayoutTest {
  /**
   * contiguous() of transposed, batched, sliced and permuted views: every element where the
   * index arithmetic says (the reference reads each element through its own strides), float32
   * and float64, sizes below, at and above the tile edge.
   */
  @Test
  void transposedCopiesPutEveryElementInPlace() {
    Generator gen = new Generator(11);
    for (DType dt : List.of(DType.FLOAT32, DType.FLOAT64)) {
      for (int[] rc : new int[][] {{16, 16}, {17, 33}, {100, 16}, {15, 40}, {64, 257}}) {
        int r = rc[0];
        int c = rc[1];
        Tensor base = Tensor.randn(gen, c, r).to(dt);
        check(base, base.t());
        Tensor wide = Tensor.randn(gen, c + 3, r + 5).to(dt);
        check(wide, wide.narrow(0, 2, c).narrow(1, 1, r).t());
        Tensor batched = Tensor.randn(gen, 3, c, r).to(dt);
        check(batched, batched.transpose(1, 2));
        Tensor permuted = Tensor.randn(gen, c, 2, r).to(dt);
        check(permuted, permuted.permute(1, 2, 0));
        Tensor strided = Tensor.randn(gen, c, r, 2).to(dt);
        check(strided, strided.narrow(2, 1, 1).squeeze(2).t());
      }
    }
  }

  /** {@code view} (of contiguous {@code base}) copied: each element read through its strides. */
  private static void check(Tensor base, Tensor view) {
    Tensor copy = view.contiguous();
    assertTrue(copy.isContiguous());
    assertArrayEquals(view.shape(), copy.shape());
    double[] data = base.toDoubleArray();
    double[] got = copy.toDoubleArray();
    int[] shape = view.shape();
    int[] strides = view.strides();
    for (int i = 0; i < got.length; i++) {
      int rest = i;
      int at = view.storageOffset();
      for (int d = shape.length - 1; d >= 0; d--) {
        at += rest % shape[d] * strides[d];
        rest /= shape[d];
      }
      if (data[at] != got[i]) {
        assertEquals(data[at], got[i], "element " + i + " of " + view);
      }
    }
  }

  /**
   * Linear's weight gradient, now computed as (g^T x)^T in weight.t()'s layout: bit for bit the
   * product g^T x of contiguous operands, and contiguous as the weight is; the bias and input
   * gradients are unchanged.
   */
  @Test
  void linearWeightGradientIsTheProductInTheWeightsLayout() {
    Generator gen = new Generator(5);
    for (DType dt : List.of(DType.FLOAT32, DType.FLOAT64)) {
      for (int batch : new int[] {1, 3, 64}) {
        Linear layer = new Linear(37, 19, true, gen);
        layer = layer.to(dt);
        Tensor x = Tensor.randn(gen, batch, 37).to(dt);
        Tensor g = Tensor.randn(gen, batch, 19).to(dt);
        layer.call(x).backward(g);
        Tensor dw = layer.parameter("weight").grad();
        assertTrue(dw.isContiguous(), "weight gradient not contiguous");
        Tensor expected = g.t().contiguous().matmul(x.contiguous());
        assertEquals(0, dw.sub(expected).abs().max().item(), "batch " + batch + " " + dt);
        // and against a float64 triple loop
        double[] xs = x.toDouble().toDoubleArray();
        double[] gs = g.toDouble().toDoubleArray();
        double[] got = dw.toDouble().toDoubleArray();
        for (int o = 0; o < 19; o++) {
          for (int i = 0; i < 37; i++) {
            double s = 0;
            for (int b = 0; b < batch; b++) {
              s += gs[b * 19 + o] * xs[b * 37 + i];
            }
            assertEquals(s, got[o * 37 + i], dt == DType.FLOAT32 ? 1e-4 * (1 + Math.abs(s))
                : 1e-12 * (1 + Math.abs(s)));
          }
        }
      }
    }
  }
}
