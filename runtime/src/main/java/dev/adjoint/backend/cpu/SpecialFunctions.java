package dev.adjoint.backend.cpu;

import dev.adjoint.tensor.DType;

/**
 * Special functions the JDK lacks, computed in double precision to a few units in the last place.
 *
 * <p>{@code erf} uses two expansions, each free of cancellation where it is used:
 * <ul>
 *   <li>{@code |x| < 2.5}: {@code erf(x) = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x /
 *       (1*3*...*(2n+1))}, a series of positive terms (the alternating Taylor series would lose
 *       digits);
 *   <li>{@code |x| >= 2.5}: {@code erfc(x) = e^(-x^2) / (sqrt(pi) (x + (1/2)/(x + (2/2)/(x +
 *       (3/2)/(x + ...)))))}, the Laplace continued fraction evaluated by the modified Lentz
 *       method, and {@code erf = 1 - erfc}.
 * </ul>
 */
final class SpecialFunctions {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
  private static final double SWITCH = 2.5;

  private SpecialFunctions() {}

  /** The error function. */
  static double erf(double x) {
    if (x != x) {
      return x;
    }
    double a = Math.abs(x);
    double r;
    if (a < SWITCH) {
      double twoA2 = 2 * a * a;
      double term = a;
      double sum = a;
      for (int n = 1; n < 200; n++) {
        term *= twoA2 / (2 * n + 1);
        sum += term;
        if (term <= sum * 1e-17) {
          break;
        }
      }
      r = TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
    } else if (a > 6) {
      r = 1; // erfc(6) ~ 2e-17 is below half an ulp of 1
    } else {
      r = 1 - erfcFraction(a);
    }
    return x < 0 ? -r : r;
  }

  /** {@code erfc(a)} for {@code a >= 2.5} by the continued fraction. */
  private static double erfcFraction(double a) {
    double tiny = 1e-300;
    double f = a;
    double c = f;
    double d = 0;
    for (int n = 1; n < 500; n++) {
      double an = n * 0.5;
      d = a + an * d;
      d = d == 0 ? tiny : d;
      d = 1 / d;
      c = a + an / c;
      c = c == 0 ? tiny : c;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-a * a) * INV_SQRT_PI / f;
  }
}
