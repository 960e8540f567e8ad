/**
 * Collectives for data-parallel training across processes and machines, the counterpart of
 * {@code torch.distributed}: a {@link dev.adjoint.distributed.ProcessGroup} of ranks connected in
 * a ring over TCP (all-reduce, broadcast, barrier, each socket call with a timeout), found
 * through a {@link dev.adjoint.distributed.Rendezvous}, and
 * {@link dev.adjoint.distributed.DistributedDataParallel}, which averages a model's gradients over
 * the ranks after each backward pass. Nothing here depends on Spark; {@code adjoint-spark} runs
 * the ranks as the tasks of a Spark barrier stage.
 *
 * <pre>{@code
 * // MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK set as for torchrun
 * try (ProcessGroup group = ProcessGroup.connect(TcpRendezvous.fromEnvironment())) {
 *   var ddp = new DistributedDataParallel(model, group);
 *   ...; loss.backward(); ddp.syncGradients(); opt.step();
 * }
 * }</pre>
 *
 * <p>See {@code docs/distributed.md} for how a step's time grows with the number of ranks.
 */
package dev.adjoint.distributed;
