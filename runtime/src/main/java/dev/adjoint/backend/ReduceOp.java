package dev.adjoint.backend;

/** Reductions along the inner axis of a {@code [outer, inner]} block. */
public enum ReduceOp {
  SUM,
  PROD,
  MEAN,
  /** Maximum value and the index of its first occurrence; NaN wins, as in PyTorch. */
  MAX,
  /** Minimum value and the index of its first occurrence; NaN wins. */
  MIN,
  /** Variance with the correction (Bessel's: 1) passed as the parameter. */
  VAR,
  LOGSUMEXP
}
