package dev.adjoint.tensor;

/**
 * Run by {@link StridedReductionTest} in a JVM with a 64 MiB heap: compares broadcast views of
 * 2^24 elements with equal and allClose and prints the four results.
 */
public final class CompareInSmallHeapMain {
  private CompareInSmallHeapMain() {}

  /** Prints {@code true true false false} when the comparisons finish. */
  public static void main(String[] args) {
    Tensor ones = Tensor.ones(1).expand(1 << 24);
    Tensor square = Tensor.ones(1, 1).expand(1 << 12, 1 << 12);
    Tensor halves = Tensor.full(0.5, 1).expand(1 << 24);
    System.out.println(ones.equal(Tensor.ones(1).expand(1 << 24)) + " "
        + square.allClose(Tensor.ones(1 << 12), 0, 0) + " "
        + ones.equal(halves) + " "
        + square.allClose(Tensor.full(0.5, 1 << 12), 0, 0.1));
  }
}
