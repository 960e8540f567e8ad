package dev.adjoint.backend;

/**
 * Elementwise ops of one input. {@link #keepsIntegers()} says whether an int64 input stays int64
 * (as {@code torch.abs} does) or is computed in float32 (as {@code torch.exp} is).
 */
public enum UnaryOp {
  NEG(true),
  ABS(true),
  SIGN(true),
  RELU(true),
  /** Clamp to {@code [a, b]}; either bound may be infinite. */
  CLAMP(true),
  EXP(false),
  LOG(false),
  SQRT(false),
  TANH(false),
  SIGMOID(false);

  private final boolean keepsIntegers;

  UnaryOp(boolean keepsIntegers) {
    this.keepsIntegers = keepsIntegers;
  }

  /** Whether int64 inputs give int64 results. */
  public boolean keepsIntegers() {
    return keepsIntegers;
  }

  /** The lower-case name used in error messages, e.g. {@code exp}. */
  public String opName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
