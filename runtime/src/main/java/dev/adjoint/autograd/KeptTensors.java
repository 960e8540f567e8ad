package dev.adjoint.autograd;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/**
 * Tensors kept for a backward pass, each with its {@link Tensor#version() version} at the time it
 * was kept. {@link #check} refuses to go on when one of them has since been written in place,
 * which would otherwise make the gradient silently wrong (PyTorch's saved-variable check).
 */
final class KeptTensors {
  private Tensor[] tensors = new Tensor[4];
  private int[] versions = new int[4];
  private String[] names = new String[4];
  private int[] lines = new int[4];
  private int count;

  /** Records {@code t} (not null) under {@code name}; {@code line} is a source line or 0. */
  void add(Tensor t, String name, int line) {
    if (count == tensors.length) {
      int n = count * 2;
      tensors = Arrays.copyOf(tensors, n);
      versions = Arrays.copyOf(versions, n);
      names = Arrays.copyOf(names, n);
      lines = Arrays.copyOf(lines, n);
    }
    tensors[count] = t;
    versions[count] = t.version();
    names[count] = name;
    lines[count] = line;
    count++;
  }

  /**
   * Throws when a kept tensor's version changed.
   *
   * @param owner what kept them, for the message: a node name or {@code Mlp.forward}
   * @param file the source file whose lines were recorded, or null
   */
  void check(String owner, String file) {
    for (int i = 0; i < count; i++) {
      int now = tensors[i].version();
      if (now != versions[i]) {
        throw new IllegalStateException(message(owner, file, i, now));
      }
    }
  }

  private String message(String owner, String file, int i, int now) {
    Tensor t = tensors[i];
    String where;
    if (file != null && lines[i] > 0) {
      where = "saved by " + owner + " at " + file + ":" + lines[i];
    } else if (file != null) {
      where = "saved on entry to " + owner;
    } else {
      where = "saved by " + owner;
    }
    return "backward of " + owner + ": one of the variables needed for gradient computation has"
        + " been modified by an inplace operation: '" + names[i] + "' (" + t.dtype() + " "
        + Arrays.toString(t.shape()) + "), " + where + ", is at version " + now
        + "; expected version " + versions[i] + " instead. An in-place write (an op ending in"
        + " '_' such as mul_ or copy_, an optimizer step, loadStateDict) changed it after the"
        + " forward pass and before this backward pass; write after backward(), or write into a"
        + " clone().";
  }
}
