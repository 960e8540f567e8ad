package dev.adjoint.autograd;

import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The temporaries of one node's backward: every storage allocated on this thread while a node's
 * backward runs ({@link Node}'s run, which covers generated layer backwards and the per-op
 * rules), released when it returns unless a gradient it returns shares it or it escaped into a
 * longer-lived place (a leaf's {@code grad}, see {@link #escape}). A backward keeps nothing of its
 * own between calls, so what it allocated and did not return is garbage the moment it returns:
 * released then, deterministically, instead of waiting for the garbage collector.
 */
public final class Temporaries {
  private Temporaries() {}

  private static final ThreadLocal<List<Storage>> ARENA = new ThreadLocal<>();

  /** Records a storage just allocated for a tensor: kept in the running arena, if any. */
  public static void allocated(Storage s) {
    List<Storage> arena = ARENA.get();
    if (arena != null) {
      arena.add(s);
    }
  }

  /** {@code t}'s storage outlives the running backward (it became a leaf's gradient). */
  public static void escape(Tensor t) {
    List<Storage> arena = ARENA.get();
    if (arena != null) {
      Storage s = t.storage();
      arena.removeIf(x -> x == s);
    }
  }

  /** Runs a node's backward in an arena; see the class comment. Nested runs join the outer. */
  static Tensor[] run(Node node, Tensor g) {
    if (ARENA.get() != null) {
      return node.apply(g);
    }
    List<Storage> arena = new ArrayList<>();
    ARENA.set(arena);
    Tensor[] grads;
    try {
      grads = node.apply(g);
    } finally {
      ARENA.remove();
    }
    Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor r : grads) {
      if (r != null) {
        kept.add(r.storage());
      }
    }
    for (Storage s : arena) {
      if (!kept.contains(s) && !s.isReleased()) {
        Backends.of(s.device()).release(s);
      }
    }
    return grads;
  }
}
