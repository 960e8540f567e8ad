package dev.adjoint.processor.model;

import java.util.List;

/**
 * What user code the processor does not model may keep beyond the call of a generated forward,
 * so that the call's temporaries are not released under it (the runtime's {@code Temporaries}
 * releases the rest when the call returns).
 */
public sealed interface Escape {
  /**
   * Code that calls what may keep tensors (a helper, a collection, a field write through user
   * code): everything it allocates escapes, and so do the tensor-holding values it reads
   * ({@code reads}). {@code mark} names the local holding where its allocations start.
   */
  record Bracket(String mark, List<Operand.Value> reads) implements Escape {
    public Bracket {
      reads = List.copyOf(reads);
    }
  }

  /** A tensor field written by tensor code only: its new value escapes, nothing else. */
  record Written(Operand.Value field) implements Escape {}
}
