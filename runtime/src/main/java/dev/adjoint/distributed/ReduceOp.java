package dev.adjoint.distributed;

/** How {@link ProcessGroup#allReduce} combines the ranks' values. */
public enum ReduceOp {
  /** The sum over ranks ({@code torch.distributed.ReduceOp.SUM}). */
  SUM,
  /**
   * The sum over ranks divided by the world size ({@code ReduceOp.AVG}), as data-parallel
   * training averages gradients.
   */
  AVG
}
