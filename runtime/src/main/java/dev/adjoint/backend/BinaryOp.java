package dev.adjoint.backend;

/** Elementwise ops of two inputs of one dtype (already promoted and broadcast). */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  DIV,
  POW,
  MAXIMUM,
  MINIMUM,
  EQ,
  NE,
  LT,
  LE,
  GT,
  GE,
  LOGICAL_AND,
  LOGICAL_OR;

  /** True for ops whose result is bool whatever the input dtype. */
  public boolean isComparison() {
    return ordinal() >= EQ.ordinal();
  }

  /** The lower-case name used in error messages, e.g. {@code add}. */
  public String opName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
