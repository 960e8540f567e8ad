package dev.adjoint.nn;

import java.util.Objects;

/**
 * How a loss folds its per-element values into its result: PyTorch's {@code reduction} argument
 * ({@code 'mean'}, {@code 'sum'} or {@code 'none'}).
 *
 * <pre>{@code
 * new MSELoss(Reduction.SUM);        // nn.MSELoss(reduction='sum')
 * new MSELoss("none");               // the same by name
 * }</pre>
 */
public enum Reduction {
  /**
   * The mean of the per-element losses (the default). Losses with class weights divide by the
   * sum of the weights of the non-ignored targets instead, as PyTorch does.
   */
  MEAN("mean"),
  /** The sum of the per-element losses. */
  SUM("sum"),
  /** No reduction: the per-element losses, shaped like the target. */
  NONE("none");

  private final String pytorchName;

  Reduction(String pytorchName) {
    this.pytorchName = pytorchName;
  }

  /**
   * The reduction PyTorch calls {@code name}: {@code "mean"}, {@code "sum"} or {@code "none"}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Reduction of(String name) {
    Objects.requireNonNull(name, "reduction");
    for (Reduction r : values()) {
      if (r.pytorchName.equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("reduction: '" + name + "' is not a valid value for"
        + " reduction; expected 'mean', 'sum' or 'none'");
  }

  /** The name PyTorch uses: {@code mean}, {@code sum} or {@code none}. */
  @Override
  public String toString() {
    return pytorchName;
  }
}
