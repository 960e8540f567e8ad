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
  /**
   * {@code e ** x}. Accuracy of {@link #EXP}, {@link #TANH} and {@link #SIGMOID} on the CPU
   * backend: float32 results within 1 ulp of the correctly rounded value (as PyTorch's vectorized
   * routines), computed by Adjoint's own polynomial approximations with the same bits on every
   * path: vector lanes (with the Vector API module), scalar tails, plain loops and strided views,
   * on any CPU and before or after the JIT compiles the loop; so not always bit-identical to
   * {@code (float) Math.exp(x)}. Float64 results are {@code Math.exp(x)}, {@code Math.tanh(x)}
   * and {@code 1 / (1 + Math.exp(-x))}, bit for bit, on every path.
   */
  EXP(false),
  LOG(false),
  SQRT(false),
  /** Hyperbolic tangent; accuracy as {@link #EXP}. */
  TANH(false),
  /** {@code 1 / (1 + e ** -x)}; accuracy as {@link #EXP}. */
  SIGMOID(false),
  /**
   * The error function; computed in double (a rational approximation within a few ulp of double)
   * and rounded to float32 for float32 tensors.
   */
  ERF(false);

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
