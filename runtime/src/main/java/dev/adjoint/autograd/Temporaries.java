package dev.adjoint.autograd;

import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.ValuesIndices;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Step temporaries and who releases them: every storage allocated on this thread while a
 * generated forward or a node's backward runs is recorded here, and released deterministically
 * as soon as nothing can use it any more, instead of waiting for the garbage collector.
 *
 * <p><b>Backward arenas.</b> A node's backward ({@link Node}'s run, which covers generated layer
 * backwards and the per-op rules) keeps nothing of its own between calls, so what it allocated
 * and did not return is garbage the moment it returns: released then, unless a gradient it returns
 * shares it or it escaped into a longer-lived place (a leaf's {@code grad}, see {@link #escape}).
 *
 * <p><b>Forward frames.</b> A tracked call of a generated forward ({@link TrackedCall}) runs in a
 * frame; calls nested in it (sub-layers, {@code Sequential}'s elements) share it. When the
 * forward returns, each storage the frame recorded is
 * <ul>
 *   <li>the caller's if the result shares it, or if it escaped: into a field, or into or out of
 *       user code the processor does not model ({@link #mark}, {@link #escapeSince});</li>
 *   <li>the graph node's if the backward needs it ({@link SavedValues#keep}): released when the
 *       backward has run through the node without retaining the graph (at once when no node is
 *       recorded, as under {@code noGrad} or in {@code eval} without inputs that need
 *       gradients);</li>
 *   <li>otherwise garbage, released when the forward returns.</li>
 * </ul>
 * A frame inside a backward arena hands what it keeps to the arena.
 */
public final class Temporaries {
  private Temporaries() {}

  /** The storages of one running backward or top-level forward, and what escaped from them. */
  private static final class Scope {
    final Scope outer;
    final boolean forward;
    final List<Storage> made = new ArrayList<>();
    /** {@link #made} as a set, for {@link Temporaries#release(Tensor)}. */
    final Set<Storage> madeSet = identitySet();
    final Set<Storage> kept = identitySet();
    final Set<Storage> escaped = identitySet();

    Scope(Scope outer, boolean forward) {
      this.outer = outer;
      this.forward = forward;
    }
  }

  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private static Set<Storage> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }

  /** Records a storage just allocated for a tensor: kept in the running scope, if any. */
  public static void allocated(Storage s) {
    Scope scope = CURRENT.get();
    if (scope != null) {
      scope.made.add(s);
      scope.madeSet.add(s);
    }
  }

  /**
   * The last use of {@code t} in a generated forward has passed (the processor knows it: a
   * temporary of one expression, read once by an op whose result is new memory): its storage is
   * released now, if the running forward made it and neither kept it for the backward nor let it
   * escape. Otherwise (no forward running, an input, a saved value) this does nothing.
   */
  public static void release(Tensor t) {
    Scope scope = CURRENT.get();
    if (scope == null || !scope.forward || t == null) {
      return;
    }
    Storage s = t.storage();
    if (scope.madeSet.contains(s) && !scope.kept.contains(s) && !scope.escaped.contains(s)
        && !s.isReleased()) {
      release(s);
    }
  }

  /**
   * {@code t}'s storage outlives the running backward or forward (it became a leaf's gradient, a
   * field's value): it is never released by this class.
   */
  public static void escape(Tensor t) {
    Scope scope = CURRENT.get();
    if (scope != null && t != null) {
      scope.escaped.add(t.storage());
    }
  }

  /**
   * Where user code the processor does not model starts: pass the result to
   * {@link #escapeSince} after it. Generated forwards bracket such code (a field write, a call
   * of a helper that is not a primitive), since it may keep what it makes or is given.
   */
  public static int mark() {
    Scope scope = CURRENT.get();
    return scope == null ? 0 : scope.made.size();
  }

  /**
   * Everything allocated since {@code mark} (see {@link #mark}) and every tensor that each of
   * {@code given} holds (what the user code read: tensors, arrays, collections, maps, optionals,
   * max results; nulls are skipped) escape: none of it is released here.
   */
  public static void escapeSince(int mark, Object... given) {
    Scope scope = CURRENT.get();
    if (scope == null) {
      return;
    }
    for (int i = mark; i < scope.made.size(); i++) {
      scope.escaped.add(scope.made.get(i));
    }
    for (Object o : given) {
      escapeHeld(scope, o);
    }
  }

  /** Every tensor that {@code o} (a tensor, a max's result, an array or a collection) holds. */
  private static void escapeHeld(Scope scope, Object o) {
    if (o instanceof Tensor t) {
      scope.escaped.add(t.storage());
    } else if (o instanceof ValuesIndices vi) {
      escapeHeld(scope, vi.values());
      escapeHeld(scope, vi.indices());
    } else if (o instanceof Object[] array) {
      for (Object e : array) {
        escapeHeld(scope, e);
      }
    } else if (o instanceof Iterable<?> items) {
      for (Object e : items) {
        escapeHeld(scope, e);
      }
    } else if (o instanceof java.util.Map<?, ?> map) {
      escapeHeld(scope, map.values());
    } else if (o instanceof java.util.Optional<?> opt) {
      opt.ifPresent(e -> escapeHeld(scope, e));
    }
  }

  /** {@code t} is saved for the backward pass of the running forward (see the class comment). */
  static void kept(Tensor t) {
    Scope scope = CURRENT.get();
    if (scope != null && scope.forward) {
      scope.kept.add(t.storage());
    }
  }

  /**
   * Opens a forward frame, or returns null when one is already open on this thread (the call
   * joins it).
   */
  static Object openForward() {
    Scope current = CURRENT.get();
    if (current != null && current.forward) {
      return null;
    }
    Scope scope = new Scope(current, true);
    CURRENT.set(scope);
    return scope;
  }

  /**
   * Closes the forward frame {@code token} (null: nothing to do) whose call returned
   * {@code result}. Releases its garbage now and returns what the backward needs, for the node
   * to release after it ran (see {@link #releaseAll}); null when there is none.
   */
  static List<Storage> closeForward(Object token, Tensor result) {
    if (token == null) {
      return null;
    }
    Scope scope = (Scope) token;
    CURRENT.set(scope.outer);
    if (result != null) {
      scope.escaped.add(result.storage());
    }
    List<Storage> forBackward = null;
    for (Storage s : scope.made) {
      if (scope.escaped.contains(s) || s.isReleased()) {
        continue;
      }
      if (scope.kept.contains(s)) {
        if (forBackward == null) {
          forBackward = new ArrayList<>();
        }
        forBackward.add(s);
      } else {
        release(s);
      }
    }
    if (scope.outer != null && result != null) {
      // A forward run by a backward: its result is the arena's, released unless returned.
      if (scope.madeSet.contains(result.storage())) {
        allocated(result.storage());
      }
    }
    return forBackward;
  }

  /**
   * Runs library code that makes temporaries of its own (a gradient clip, an optimizer's step)
   * and releases, when it returns, every storage it allocated on this thread that {@code result}
   * does not share and that did not {@link #escape} (a new optimizer state). Inside a running
   * forward, backward or {@code releasing} it joins that one, which releases them in turn; what
   * {@code result} holds escapes that one too, so it outlives both (an optimizer's state made
   * on its first step inside a caller's {@code releasing}).
   */
  public static <T> T releasing(java.util.function.Supplier<T> body) {
    Scope current = CURRENT.get();
    if (current == null) {
      return inArena(body, false);
    }
    T result = body.get();
    escapeHeld(current, result);
    return result;
  }

  /**
   * Runs {@code body} in a new arena (or in the running scope when {@code join}), then releases
   * what the arena made, except what {@code body}'s result holds and what escaped.
   */
  private static <T> T inArena(java.util.function.Supplier<T> body, boolean join) {
    if (join) {
      return body.get();
    }
    Scope current = CURRENT.get();
    Scope arena = new Scope(current, false);
    CURRENT.set(arena);
    T result;
    try {
      result = body.get();
    } finally {
      CURRENT.set(current);
    }
    escapeHeld(arena, result);
    for (Storage s : arena.made) {
      if (!arena.escaped.contains(s) && !s.isReleased()) {
        release(s);
      }
    }
    return result;
  }

  /** Closes {@code token} after its forward threw: nothing is released, the collector has it. */
  static void abandonForward(Object token) {
    if (token != null) {
      CURRENT.set(((Scope) token).outer);
    }
  }

  /** Releases each of {@code storages} not yet released (null: none). */
  static void releaseAll(List<Storage> storages) {
    if (storages != null) {
      for (Storage s : storages) {
        if (!s.isReleased()) {
          release(s);
        }
      }
    }
  }

  private static void release(Storage s) {
    Backends.of(s.device()).release(s);
  }

  /** Runs a node's backward in an arena; see the class comment. Nested runs join the outer. */
  static Tensor[] run(Node node, Tensor g) {
    Scope current = CURRENT.get();
    return inArena(() -> node.apply(g), current != null && !current.forward);
  }
}
