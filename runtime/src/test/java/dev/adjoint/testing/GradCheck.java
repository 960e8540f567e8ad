package dev.adjoint.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;

/**
 * Central finite differences in float64 against the gradients a backward pass left in
 * {@code grad()}.
 *
 * <p>Step and tolerance: with h = 1e-6 the truncation error of a central difference is
 * O(h^2 f''') ~ 1e-12 and the rounding error ~ eps * |f| / h ~ 1e-10 for |f| ~ 1, so agreement
 * to 1e-6 (relative to max(1, |gradient|)) leaves four orders of magnitude for the smooth
 * functions tested here while any wrong adjoint (errors of order 1) still fails.
 */
public final class GradCheck {
  /** The finite-difference step. */
  public static final double H = 1e-6;
  /** The agreement required, relative to max(1, |gradient|). */
  public static final double TOL = 1e-6;

  private GradCheck() {}

  /** Checks every element of every tensor's {@code grad()} against d loss / d element. */
  public static void check(Supplier<Tensor> loss, List<Tensor> wrt) {
    for (Tensor t : wrt) {
      assertNotNull(t.grad(), "no gradient reached a tensor of shape "
          + java.util.Arrays.toString(t.shape()));
      double[] analytic = t.grad().toDoubleArray();
      Tensor flat = t.detach().reshape(-1);
      for (int i = 0; i < analytic.length; i++) {
        Tensor cell = flat.get(i);
        double v = cell.item();
        double up;
        double down;
        try (GradMode.Scope off = GradMode.noGrad()) {
          cell.fill_(v + H);
          up = loss.get().item();
          cell.fill_(v - H);
          down = loss.get().item();
          cell.fill_(v);
        }
        double numeric = (up - down) / (2 * H);
        assertEquals(numeric, analytic[i], TOL * Math.max(1, Math.abs(numeric)),
            "element " + i + " of a tensor of shape " + java.util.Arrays.toString(t.shape()));
      }
    }
  }
}
