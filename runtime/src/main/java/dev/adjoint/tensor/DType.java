package dev.adjoint.tensor;

/**
 * The element type of a tensor. Float32 is the default, as in PyTorch.
 *
 * <p>Types are ordered by category for promotion: {@code BOOL < INT64 < FLOAT32 < FLOAT64}, so the
 * result of mixing two types is the larger one, as {@code torch.result_type} gives for these four.
 */
public enum DType {
  /** {@code torch.bool}: one byte per element on disk, {@code boolean} in Java. */
  BOOL("torch.bool", "BOOL", 1),
  /** {@code torch.int64}: {@code long}. */
  INT64("torch.int64", "I64", 8),
  /** {@code torch.float32}, the default: {@code float}. */
  FLOAT32("torch.float32", "F32", 4),
  /** {@code torch.float64}: {@code double}. */
  FLOAT64("torch.float64", "F64", 8);

  private final String torchName;
  private final String safetensorsName;
  private final int byteSize;

  DType(String torchName, String safetensorsName, int byteSize) {
    this.torchName = torchName;
    this.safetensorsName = safetensorsName;
    this.byteSize = byteSize;
  }

  /** True for float32 and float64. */
  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT64;
  }

  /** Bytes per element in the safetensors layout (bool takes one byte). */
  public int byteSize() {
    return byteSize;
  }

  /** The name PyTorch prints, e.g. {@code torch.float64}. */
  public String torchName() {
    return torchName;
  }

  /** The dtype string of the safetensors header, e.g. {@code F32}. */
  public String safetensorsName() {
    return safetensorsName;
  }

  /** The type that holds both {@code a} and {@code b}: the later one in the promotion order. */
  public static DType promote(DType a, DType b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /**
   * Whether a value of type {@code from} may be written into a tensor of type {@code to} in place,
   * as {@code torch.can_cast}: not floating into integer or bool, not non-bool into bool; float64
   * into float32 is allowed (same category).
   */
  public static boolean canCast(DType from, DType to) {
    if (from.isFloatingPoint() && !to.isFloatingPoint()) {
      return false;
    }
    return from == BOOL || to != BOOL;
  }

  /** The dtype for a safetensors header string, or {@code null} when Adjoint does not support it. */
  public static DType fromSafetensorsName(String name) {
    for (DType d : values()) {
      if (d.safetensorsName.equals(name)) {
        return d;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return torchName;
  }
}
