package dev.adjoint.distributed;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Data-parallel training of one model on every rank of a {@link ProcessGroup}, the counterpart of
 * {@code torch.nn.parallel.DistributedDataParallel}: when built it copies rank 0's parameters and
 * buffers to every rank, and {@link #syncGradients()}, called between {@code backward()} and
 * {@code optimizer.step()}, replaces each gradient by its mean over the ranks. Each rank trains
 * on its own share of every batch; with equal shares and a loss that averages over the batch,
 * the mean gradient is the gradient of the whole batch, so N ranks with batches of B/N train as
 * one process with batches of B, to float rounding.
 *
 * <pre>{@code
 * var ddp = new DistributedDataParallel(model, group);
 * var opt = new SGD(model.parameters(), 0.1);
 * for (Tensor[] batch : myShareOfTheData) {
 *   opt.zeroGrad();
 *   lossFn.call(ddp.call(batch[0]), batch[1]).backward();
 *   ddp.syncGradients();
 *   opt.step();
 * }
 * }</pre>
 *
 * <p>Since every rank then applies the same gradients to the same parameters with the same
 * optimizer, the parameters stay bit-identical on every rank. A parameter that has a gradient on
 * some ranks but not on others (a branch only some batches take) counts as zero where it has
 * none, as PyTorch's {@code find_unused_parameters} does; one with a gradient nowhere keeps none.
 */
public final class DistributedDataParallel {
  private final Module module;
  private final ProcessGroup group;
  private final List<Tensor> parameters;

  /**
   * Wraps {@code module} and copies rank 0's parameters and buffers into it on the other ranks.
   * Every rank must call this, with modules of the same structure.
   *
   * @throws CollectiveException when a peer fails or its parameters do not match in size
   */
  public DistributedDataParallel(Module module, ProcessGroup group) {
    this.module = Objects.requireNonNull(module, "DistributedDataParallel: module");
    this.group = Objects.requireNonNull(group, "DistributedDataParallel: group");
    this.parameters = module.parameters();
    List<Tensor> state = new ArrayList<>(parameters);
    for (Tensor b : module.namedBuffers().values()) {
      if (b.dtype().isFloatingPoint()) {
        state.add(b);
      }
    }
    group.broadcast(state, 0);
  }

  /** The wrapped module. */
  public Module module() {
    return module;
  }

  /** The process group the gradients are averaged over. */
  public ProcessGroup group() {
    return group;
  }

  /** Runs the wrapped module's forward ({@code module.call(inputs)}). */
  public Tensor call(Tensor... inputs) {
    return module.call(inputs);
  }

  /**
   * Replaces every parameter's gradient by its mean over the ranks, in place, in buckets of the
   * group's {@link ProcessGroup#bucketBytes()}. Every rank must call it after its backward pass.
   *
   * @throws CollectiveException when a peer fails or times out
   */
  public void syncGradients() {
    // Which parameters have a gradient somewhere: one small all-reduce, so that ranks agree on
    // the list of tensors before the large one.
    float[] present = new float[parameters.size()];
    for (int i = 0; i < present.length; i++) {
      present[i] = parameters.get(i).grad() == null ? 0 : 1;
    }
    group.allReduce(present, ReduceOp.SUM);
    List<Tensor> grads = new ArrayList<>();
    try (GradMode.Scope s = GradMode.noGrad()) {
      for (int i = 0; i < present.length; i++) {
        Tensor p = parameters.get(i);
        if (present[i] == 0) {
          continue;
        }
        if (p.grad() == null) {
          p.setGrad(p.detach().zerosLike());
        }
        grads.add(p.grad());
      }
    }
    group.allReduce(grads, ReduceOp.AVG);
  }
}
