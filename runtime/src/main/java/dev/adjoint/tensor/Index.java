package dev.adjoint.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * One component of a multi-dimensional index, the Java spelling of Python's subscripts:
 *
 * <pre>{@code
 * A[0, 0]        A.index(at(0), at(0))            or A.get(0, 0)
 * A[:, 1:3]      A.index(all(), range(1, 3))      or A.index(":, 1:3")
 * A[..., ::2]    A.index(ellipsis(), range(null, null, 2))
 * A[None, -1]    A.index(newAxis(), at(-1))
 * }</pre>
 */
public final class Index {
  enum Kind { AT, SLICE, NEW_AXIS, ELLIPSIS }

  final Kind kind;
  final int at;
  final Integer start;
  final Integer stop;
  final int step;

  private Index(Kind kind, int at, Integer start, Integer stop, int step) {
    this.kind = kind;
    this.at = at;
    this.start = start;
    this.stop = stop;
    this.step = step;
  }

  /** One position (negative counts from the end); the dimension is removed. */
  public static Index at(int i) {
    return new Index(Kind.AT, i, null, null, 1);
  }

  /** The whole dimension ({@code :}). */
  public static Index all() {
    return new Index(Kind.SLICE, 0, null, null, 1);
  }

  /** {@code start:stop}; negative values count from the end, out-of-range values are clipped. */
  public static Index range(int start, int stop) {
    return new Index(Kind.SLICE, 0, start, stop, 1);
  }

  /**
   * {@code start:stop:step}; {@code null} start or stop means the end of the dimension, as an
   * empty field in Python. The step must be positive (as in PyTorch).
   */
  public static Index range(Integer start, Integer stop, int step) {
    if (step <= 0) {
      throw new IllegalArgumentException("Index.range: step must be greater than zero, got " + step);
    }
    return new Index(Kind.SLICE, 0, start, stop, step);
  }

  /** {@code start:}. */
  public static Index from(int start) {
    return new Index(Kind.SLICE, 0, start, null, 1);
  }

  /** {@code :stop}. */
  public static Index to(int stop) {
    return new Index(Kind.SLICE, 0, null, stop, 1);
  }

  /** {@code None}: inserts a dimension of size 1. */
  public static Index newAxis() {
    return new Index(Kind.NEW_AXIS, 0, null, null, 1);
  }

  /** {@code ...}: as many whole dimensions as the other components leave. */
  public static Index ellipsis() {
    return new Index(Kind.ELLIPSIS, 0, null, null, 1);
  }

  /**
   * Parses a NumPy subscript such as {@code ":, 1:3"}, {@code "0, ::2"}, {@code "..., -1"} or
   * {@code "None, :"}.
   *
   * @throws IllegalArgumentException naming the component that does not parse
   */
  public static Index[] parse(String spec) {
    List<Index> out = new ArrayList<>();
    for (String raw : spec.split(",", -1)) {
      String part = raw.strip();
      try {
        if (part.equals("...")) {
          out.add(ellipsis());
        } else if (part.equals("None")) {
          out.add(newAxis());
        } else if (part.contains(":")) {
          String[] f = part.split(":", -1);
          if (f.length > 3) {
            throw new NumberFormatException();
          }
          Integer start = f[0].isBlank() ? null : Integer.valueOf(f[0].strip());
          Integer stop = f[1].isBlank() ? null : Integer.valueOf(f[1].strip());
          int step = f.length == 3 && !f[2].isBlank() ? Integer.parseInt(f[2].strip()) : 1;
          if (step <= 0) {
            throw new IllegalArgumentException("index: step must be greater than zero, got "
                + step + " in \"" + spec + "\"");
          }
          out.add(range(start, stop, step));
        } else {
          out.add(at(Integer.parseInt(part)));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("index: cannot parse \"" + part + "\" in \"" + spec
            + "\"; expected an integer, start:stop:step, ..., or None");
      }
    }
    return out.toArray(new Index[0]);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case AT -> Integer.toString(at);
      case NEW_AXIS -> "None";
      case ELLIPSIS -> "...";
      case SLICE -> (start == null ? "" : start) + ":" + (stop == null ? "" : stop)
          + (step == 1 ? "" : ":" + step);
    };
  }
}
