package dev.adjoint.processor.model;

import java.util.HashSet;
import java.util.Set;

/**
 * The names of one scope of generated code (the forward's locals, the fields of a {@code Saved}
 * class, the backward's locals): every name it hands out is new in its scope. A name is made
 * from what it holds ({@code matmul}, {@code hShape}, {@code g_h}) and numbered when taken, in
 * the scope's style: the forward numbers its op results from 2
 * ({@code matmul}, {@code matmul2}, as a reader counts them), the backward and the saved record
 * number the copies of one value from 1 ({@code h}, {@code h_1}, {@code h_2}).
 */
public final class NameAllocator {
  private final Set<String> taken = new HashSet<>();
  private final boolean copies;
  private int temporaries;

  private NameAllocator(boolean copies) {
    this.copies = copies;
  }

  /** A scope numbering its names {@code name}, {@code name2}, {@code name3}. */
  public static NameAllocator counting() {
    return new NameAllocator(false);
  }

  /** A scope numbering its names {@code name}, {@code name_1}, {@code name_2}. */
  public static NameAllocator copies() {
    return new NameAllocator(true);
  }

  /** Marks {@code name} as taken (a user's name, a parameter, a name the writer uses). */
  public void reserve(String name) {
    taken.add(name);
  }

  /** Whether {@code name} is taken in this scope. */
  public boolean isTaken(String name) {
    return taken.contains(name);
  }

  /** A new name made from {@code base}, an identifier. */
  public String newName(String base) {
    String name = base;
    for (int i = copies ? 1 : 2; taken.contains(name); i++) {
      name = copies ? base + "_" + i : base + i;
    }
    taken.add(name);
    return name;
  }

  /** A new temporary for a value with nothing better to be named after: {@code t1}, {@code t2}. */
  public String newTemporary() {
    String name;
    do {
      name = "t" + (++temporaries);
    } while (taken.contains(name));
    taken.add(name);
    return name;
  }
}
