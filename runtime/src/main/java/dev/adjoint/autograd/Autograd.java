package dev.adjoint.autograd;

import dev.adjoint.backend.Backends;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph engine behind {@link Tensor#backward()}: records nodes for ops on tracked tensors
 * and runs their backward functions in reverse topological order, accumulating gradients into
 * leaf tensors' {@code grad}.
 */
public final class Autograd {
  private Autograd() {}

  /** Whether an op with these inputs should record a node: grad mode on and one input tracked. */
  public static boolean shouldRecord(Tensor... inputs) {
    if (!GradMode.isEnabled()) {
      return false;
    }
    for (Tensor t : inputs) {
      if (t != null && t.requiresGrad()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The gradient edges of a primitive's inputs ({@code Tensor}s and {@code List<Tensor>}s,
   * flattened in order; untracked ones null), or null when nothing should be recorded: grad mode
   * is off or no input is tracked. Generated recorders call this first.
   */
  public static Tensor[] edges(Object... inputs) {
    if (!GradMode.isEnabled() || !anyTracked(inputs)) {
      return null;
    }
    List<Tensor> out = new ArrayList<>();
    boolean any = false;
    for (Object o : inputs) {
      if (o instanceof Tensor t) {
        out.add(edge(t));
        any |= t.requiresGrad();
      } else if (o instanceof List<?> list) {
        for (Object e : list) {
          Tensor t = (Tensor) e;
          out.add(edge(t));
          any |= t != null && t.requiresGrad();
        }
      } else if (o == null) {
        out.add(null);
      } else {
        throw new IllegalArgumentException("edges: expected Tensor or List<Tensor>, got "
            + o.getClass().getName());
      }
    }
    return any ? out.toArray(new Tensor[0]) : null;
  }

  private static boolean anyTracked(Object[] inputs) {
    for (Object o : inputs) {
      if (o instanceof Tensor t) {
        if (t.requiresGrad()) {
          return true;
        }
      } else if (o instanceof List<?> list) {
        for (Object e : list) {
          if (e instanceof Tensor t && t.requiresGrad()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The input if it is tracked, else null: what a node keeps as its gradient edge. */
  public static Tensor edge(Tensor t) {
    return t != null && t.requiresGrad() ? t : null;
  }

  /** {@code sum + g}, where null means zero: how generated code accumulates gradients. */
  public static Tensor accumulate(Tensor sum, Tensor g) {
    if (g == null) {
      return sum;
    }
    return sum == null ? g : sum.add(g);
  }

  /**
   * Runs backward from {@code root}: {@code gradient} is d(something)/d(root), and may be null
   * only for a one-element root (then it is 1).
   */
  public static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException("backward: the tensor does not require grad and has no"
          + " gradient function; call requiresGrad_(true) on an input before computing it");
    }
    // Storages made from here on belong to this backward pass (the implicit seed included).
    long start = Backends.of(root.device()).nextSerial();
    if (gradient == null) {
      if (root.numel() != 1) {
        throw new IllegalArgumentException("backward: a gradient can be implicitly created only"
            + " for one-element outputs; this output has shape " + Arrays.toString(root.shape())
            + ", pass backward(gradient) with a tensor of that shape");
      }
      gradient = root.onesLike();
    } else if (!Arrays.equals(gradient.shape(), root.shape())) {
      throw new IllegalArgumentException("backward: gradient shape "
          + Arrays.toString(gradient.shape()) + " does not match the output's shape "
          + Arrays.toString(root.shape()));
    }
    Tensor seed = gradient;
    GradMode.noGrad(() -> propagate(root, seed, retainGraph, start));
  }

  /**
   * Sends {@code gradient} from {@code root} through its graph, with recording off.
   *
   * <p>Ownership: a gradient whose storage was made during this pass (its serial at least
   * {@code firstSerial}), on the root's backend, that no other live gradient shares (same
   * storage), belongs to the engine. The first gradient of a leaf is adopted as its
   * {@code grad} without a copy when the engine owns it; a node's incoming gradient is released
   * once the node has run, unless a gradient it produced, a pending one or an adopted one shares
   * its storage. Values that existed before (the user's seed, saved forward values, parameters)
   * are never released.
   */
  private static void propagate(Tensor root, Tensor gradient, boolean retainGraph,
      long firstSerial) {
    Node start = root.gradFn();
    if (start == null) {
      root.accumulateGrad(gradient);
      return;
    }
    List<Node> order = topologicalOrder(start);
    Map<Node, Tensor> pending = new IdentityHashMap<>();
    pending.put(start, gradient);
    for (Node node : order) {
      Tensor g = pending.remove(node);
      if (g == null) {
        continue; // no gradient reached this node (all paths were cut)
      }
      Tensor[] grads = node.run(g);
      for (int i = 0; i < node.inputCount(); i++) {
        Tensor input = node.input(i);
        Tensor gi = grads[i];
        if (input == null || gi == null) {
          continue;
        }
        Node next = input.gradFn();
        if (next != null) {
          pending.merge(next, gi, Tensor::add);
        } else if (input.requiresGrad()) {
          if (input.grad() == null && gi.dtype() == input.dtype()
              && owned(gi, root, firstSerial) && wholeStorage(gi)
              && !sharedWith(gi, grads, i, pending, g)) {
            input.setGrad(gi); // the engine's own gradient: adopted, not copied
            Temporaries.escape(gi); // (a backward run inside another's must not release it)
          } else {
            input.accumulateGrad(gi);
          }
        }
      }
      if (owned(g, root, firstSerial) && !sharedWith(g, grads, -1, pending, null)) {
        Backends.of(g.device()).release(g.storage());
      }
    }
    if (!retainGraph) {
      for (Node node : order) {
        node.markReleased();
      }
    }
  }

  /** Whether this backward pass made {@code t}'s storage (on the root's backend). */
  private static boolean owned(Tensor t, Tensor root, long start) {
    return t.device().equals(root.device()) && t.storage().serial() >= start
        && !t.storage().isReleased();
  }

  /** Whether {@code t} is a dense view of all of its storage (nothing else can hide in it). */
  private static boolean wholeStorage(Tensor t) {
    return t.isContiguous() && t.layout().offset() == 0 && t.numel() == t.storage().size();
  }

  /**
   * Whether a gradient other than {@code grads[skip]} ({@code grads} may be null), a pending
   * one, or {@code also} shares {@code t}'s storage.
   */
  private static boolean sharedWith(Tensor t, Tensor[] grads, int skip,
      Map<Node, Tensor> pending, Tensor also) {
    Object s = t.storage();
    for (int j = 0; j < grads.length; j++) {
      if (j != skip && grads[j] != null && grads[j].storage() == s) {
        return true;
      }
    }
    for (Tensor p : pending.values()) {
      if (p.storage() == s) {
        return true;
      }
    }
    return also != null && also.storage() == s;
  }

  /** Nodes reachable from {@code start}, each before every node it sends gradients to. */
  private static List<Node> topologicalOrder(Node start) {
    List<Node> postOrder = new ArrayList<>();
    Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    // Iterative DFS: deep graphs (long loops) must not overflow the stack.
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {start, 0});
    seen.add(start);
    while (!stack.isEmpty()) {
      Object[] frame = stack.peek();
      Node node = (Node) frame[0];
      int i = (Integer) frame[1];
      if (i < node.inputCount()) {
        frame[1] = i + 1;
        Tensor input = node.input(i);
        Node next = input == null ? null : input.gradFn();
        if (next != null && seen.add(next)) {
          stack.push(new Object[] {next, 0});
        }
      } else {
        stack.pop();
        postOrder.add(node);
      }
    }
    java.util.Collections.reverse(postOrder);
    return postOrder;
  }
}
