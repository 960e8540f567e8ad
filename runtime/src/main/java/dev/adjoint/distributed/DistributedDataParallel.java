package dev.adjoint.distributed;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
   * group's {@link ProcessGroup#bucketBytes()}: one all-reduce per bucket and nothing else per
   * step (which parameters have a gradient rides along at the end of the last bucket). Every
   * rank must call it after its backward pass.
   *
   * @throws CollectiveException when a peer fails or times out
   */
  public void syncGradients() {
    if (group.worldSize() == 1) {
      return;   // the mean over one rank: nothing to copy
    }
    int count = parameters.size();
    List<List<Integer>> buckets = buckets();
    // Gradients missing here, by parameter index, with their reduced values, until the flags
    // (which come with the last bucket) say whether some rank had one.
    Map<Integer, Object> missing = new HashMap<>();
    Object flags = null;
    for (int b = 0; b < buckets.size(); b++) {
      List<Integer> bucket = buckets.get(b);
      boolean last = b == buckets.size() - 1;
      boolean isDouble = parameters.get(bucket.get(0)).dtype() == DType.FLOAT64;
      int total = last ? count : 0;
      for (int i : bucket) {
        total += parameters.get(i).numel();
      }
      Object flat = isDouble ? new double[total] : new float[total];
      int at = 0;
      for (int i : bucket) {
        Tensor g = parameters.get(i).grad();
        if (g != null) {
          System.arraycopy(isDouble ? g.toDoubleArray() : g.toFloatArray(), 0, flat, at,
              g.numel());
        }
        at += parameters.get(i).numel();
      }
      if (last) {
        for (int i = 0; i < count; i++) {
          int has = parameters.get(i).grad() == null ? 0 : 1;
          if (flat instanceof double[] d) {
            d[at + i] = has;
          } else {
            ((float[]) flat)[at + i] = has;
          }
        }
      }
      if (isDouble) {
        group.allReduce((double[]) flat, ReduceOp.AVG);
      } else {
        group.allReduce((float[]) flat, ReduceOp.AVG);
      }
      at = 0;
      try (GradMode.Scope s = GradMode.noGrad()) {
        for (int i : bucket) {
          Tensor p = parameters.get(i);
          Object part = slice(flat, at, p.numel());
          at += p.numel();
          if (p.grad() != null) {
            p.grad().copy_(Tensor.fromArray(part, p.shape()));
          } else {
            missing.put(i, part);
          }
        }
      }
      if (last) {
        flags = slice(flat, at, count);
      }
    }
    for (Map.Entry<Integer, Object> e : missing.entrySet()) {
      if (java.lang.reflect.Array.getDouble(flags, e.getKey()) > 0) {
        Tensor p = parameters.get(e.getKey());
        p.setGrad(Tensor.fromArray(e.getValue(), p.shape()).to(p.device()));
      }
    }
  }

  private static Object slice(Object flat, int from, int length) {
    return flat instanceof double[] d ? Arrays.copyOfRange(d, from, from + length)
        : Arrays.copyOfRange((float[]) flat, from, from + length);
  }

  /**
   * Parameter indices in runs of one dtype of about the group's bucket size each; it depends on
   * shapes only, so every rank forms the same buckets.
   */
  private List<List<Integer>> buckets() {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < parameters.size(); i++) {
      Tensor p = parameters.get(i);
      long size = (long) p.numel() * p.dtype().byteSize();
      if (!current.isEmpty() && (parameters.get(current.get(0)).dtype() != p.dtype()
          || bytes + size > group.bucketBytes())) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(i);
      bytes += size;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
