package dev.adjoint.tensor;

import static dev.adjoint.autograd.Broadcasting.unbroadcast;
import static dev.adjoint.tensor.OpSupport.untracked;
import static dev.adjoint.tensor.OpSupport.wrap;
import static dev.adjoint.tensor.OpSupport.zeros;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.backend.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * View ops and their shape rules: transposes, reshapes, squeezes, expansion, slicing and basic
 * indexing, each forward beside its adjoints. The public methods are the rule table's adjoints,
 * which generated backward code calls; the forwards are package-private behind {@link Tensor}.
 */
public final class Views {
  private Views() {}

  // ---------------------------------------------------------------- detach

  static Tensor detach(Tensor self) {
    return new Tensor(self.storage, self.layout, self.version);
  }

  // ---------------------------------------------------------------- t

  static Tensor t(Tensor self) {
    if (self.shape.length > 2) {
      throw new IllegalArgumentException("t: expects a tensor with <= 2 dimensions, but it has "
          + self.shape.length + " (shape " + Layout.str(self.shape)
              + "); use transpose(dim0, dim1)");
    }
    return TensorTape.t(self.shape.length < 2 ? self : untracked(() -> self.transpose(0, 1)), self);
  }

  @Adjoint(of = "t", wrt = "self")
  public static Tensor tSelf(Tensor g) {
    return g.t();
  }

  // ---------------------------------------------------------------- transpose

  static Tensor transpose(Tensor self, int dim0, int dim1) {
    int a = Layout.dim("transpose", dim0, self.shape.length);
    int b = Layout.dim("transpose", dim1, self.shape.length);
    Tensor out = self.viewOf(self.shape.length > 0 ? self.layout.transpose(a, b) : self.layout);
    return TensorTape.transpose(out, self, dim0, dim1);
  }

  @Adjoint(of = "transpose", wrt = "self")
  public static Tensor transposeSelf(Tensor g, int dim0, int dim1) {
    return g.transpose(dim0, dim1);
  }

  // ---------------------------------------------------------------- permute

  static Tensor permute(Tensor self, int... dims) {
    Objects.requireNonNull(dims, "permute: dims");

    if (dims.length != self.shape.length) {
      throw new IllegalArgumentException("permute: " + dims.length + " dims given for a "
          + self.shape.length + "-d tensor (shape " + Layout.str(self.shape) + ")");
    }
    int[] wrapped = new int[dims.length];
    boolean[] seen = new boolean[dims.length];
    for (int i = 0; i < dims.length; i++) {
      int d = Layout.dim("permute", dims[i], self.shape.length);
      if (seen[d]) {
        throw new IllegalArgumentException("permute: dim " + d + " appears more than once in "
            + Arrays.toString(dims));
      }
      seen[d] = true;
      wrapped[i] = d;
    }
    return TensorTape.permute(self.viewOf(self.layout.permute(wrapped)), self, dims);
  }

  @Adjoint(of = "permute", wrt = "self")
  public static Tensor permuteSelf(Tensor g, int[] dims) {
    int[] inverse = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      inverse[wrap(dims[i], dims.length)] = i;
    }
    return g.permute(inverse);
  }

  // ---------------------------------------------------------------- view

  static Tensor view(Tensor self, int... newShape) {
    int[] s = Layout.inferSize("view", newShape, self.numel, self.shape);
    Layout viewed = self.layout.view(s);
    if (viewed == null) {
      throw new IllegalArgumentException("view: size " + Layout.str(s) + " is not compatible with"
          + " the input's size " + Layout.str(self.shape) + " and strides "
          + Arrays.toString(self.layout.strides())
          + " (at least one dimension spans two contiguous subspaces); use reshape(...) instead");
    }
    return TensorTape.view(self.viewOf(viewed), self, newShape);
  }

  @Adjoint(of = "view", wrt = "self")
  public static Tensor viewSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  // ---------------------------------------------------------------- reshape

  static Tensor reshape(Tensor self, int... newShape) {
    int[] s = Layout.inferSize("reshape", newShape, self.numel, self.shape);
    Layout viewed = self.layout.view(s);
    if (viewed != null) {
      return TensorTape.reshape(self.viewOf(viewed), self, newShape);
    }
    return TensorTape.reshape(untracked(() -> self.contiguous().view(s)), self, newShape);
  }

  @Adjoint(of = "reshape", wrt = "self")
  public static Tensor reshapeSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  // ---------------------------------------------------------------- flatten

  static Tensor flatten(Tensor self) {
    return TensorTape.flatten(untracked(() -> self.reshape(self.numel)), self);
  }

  @Adjoint(of = "flatten", wrt = "self", signature = {})
  public static Tensor flattenSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  static Tensor flatten(Tensor self, int startDim, int endDim) {
    if (self.shape.length == 0) {
      return TensorTape.flatten(untracked(() -> self.reshape(1)), self, startDim, endDim);
    }
    int a = Layout.dim("flatten", startDim, self.shape.length);
    int b = Layout.dim("flatten", endDim, self.shape.length);
    if (a > b) {
      throw new IllegalArgumentException("flatten: startDim " + startDim
          + " comes after endDim " + endDim);
    }
    int[] s = new int[self.shape.length - (b - a)];
    // Only an empty tensor's dims can multiply past an int; then the merged size must still fit.
    s[a] = Tensor.numel("flatten", "merged dimensions", Arrays.copyOfRange(self.shape, a, b + 1));
    System.arraycopy(self.shape, 0, s, 0, a);
    System.arraycopy(self.shape, b + 1, s, a + 1, self.shape.length - b - 1);
    return TensorTape.flatten(untracked(() -> self.reshape(s)), self, startDim, endDim);
  }

  @Adjoint(of = "flatten", wrt = "self", signature = {"int", "int"})
  public static Tensor flattenRangeSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  // ---------------------------------------------------------------- squeeze

  static Tensor squeeze(Tensor self) {
    int kept = 0;
    for (int s : self.shape) {
      kept += s == 1 ? 0 : 1;
    }
    Layout squeezed = kept == self.shape.length ? self.layout : self.layout.squeezeAll();
    return TensorTape.squeeze(self.viewOf(squeezed), self);
  }

  @Adjoint(of = "squeeze", wrt = "self", signature = {})
  public static Tensor squeezeSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  static Tensor squeeze(Tensor self, int dim) {
    if (self.shape.length == 0) {
      Layout.dim("squeeze", dim, 0);
      return TensorTape.squeeze(self, self, dim);
    }
    int d = Layout.dim("squeeze", dim, self.shape.length);
    if (self.shape[d] != 1) {
      return TensorTape.squeeze(self, self, dim);
    }
    return TensorTape.squeeze(self.viewOf(self.layout.squeeze(d)), self, dim);
  }

  @Adjoint(of = "squeeze", wrt = "self", signature = {"int"})
  public static Tensor squeezeDimSelf(Tensor g, int[] selfShape) {
    return g.reshape(selfShape);
  }

  // ---------------------------------------------------------------- unsqueeze

  static Tensor unsqueeze(Tensor self, int dim) {
    int d = Layout.dim("unsqueeze", dim, self.shape.length + 1);
    return TensorTape.unsqueeze(self.viewOf(self.layout.unsqueeze(d)), self, dim);
  }

  @Adjoint(of = "unsqueeze", wrt = "self")
  public static Tensor unsqueezeSelf(Tensor g, int dim) {
    return g.squeeze(dim);
  }

  // ---------------------------------------------------------------- expand

  static Tensor expand(Tensor self, int... sizes) {
    return TensorTape.expand(expanded(self, "expand", sizes), self, sizes);
  }

  @Adjoint(of = "expand", wrt = "self")
  public static Tensor expandSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  /** The view {@link #expand} returns, its arguments checked as {@code op}. */
  private static Tensor expanded(Tensor self, String op, int[] sizes) {
    if (sizes == null) {
      throw new NullPointerException(op + ": sizes");
    }
    if (sizes.length < self.shape.length) {
      throw new IllegalArgumentException(op + ": the number of sizes provided ("
          + sizes.length + ") must be at least the number of dimensions (" + self.shape.length
          + "), shape " + Layout.str(self.shape));
    }
    int lead = sizes.length - self.shape.length;
    int[] s = new int[sizes.length];
    long[] st = new long[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      int d = i - lead;
      if (d < 0) {
        if (sizes[i] < 0) {
          throw new IllegalArgumentException(op + ": size -1 is not allowed in a new leading"
              + " dimension (" + Arrays.toString(sizes) + ")");
        }
        s[i] = sizes[i];
        st[i] = 0;
      } else if (sizes[i] == -1 || sizes[i] == self.shape[d]) {
        s[i] = self.shape[d];
        st[i] = self.layout.stride(d);
      } else if (self.shape[d] == 1 && sizes[i] >= 0) {
        s[i] = sizes[i];
        st[i] = 0;
      } else {
        throw new IllegalArgumentException(op + ": the expanded size of the tensor ("
            + sizes[i] + ") must match the existing size (" + self.shape[d]
            + ") at non-singleton dimension " + i + "; target sizes " + Arrays.toString(sizes)
            + ", tensor shape " + Layout.str(self.shape));
      }
    }
    Tensor.numel(op, "expanded shape", s);
    return self.viewOf(Layout.of(s, st, self.layout.offset()));
  }

  // ---------------------------------------------------------------- expandAs

  static Tensor expandAs(Tensor self, Tensor other) {
    Objects.requireNonNull(other, "expandAs: other");
    return TensorTape.expandAs(expanded(self, "expandAs", other.shape), self, other);
  }

  @Adjoint(of = "expandAs", wrt = "self")
  public static Tensor expandAsSelf(Tensor g, int[] selfShape) {
    return unbroadcast(g, selfShape);
  }

  // ---------------------------------------------------------------- contiguous

  static Tensor contiguous(Tensor self) {
    return TensorTape.contiguous(self.isContiguous() ? self : copyUntracked(self), self);
  }

  @Adjoint(of = "contiguous", wrt = "self")
  public static Tensor contiguousSelf(Tensor g) {
    return g;
  }

  /** A contiguous copy that records nothing: the start of an out-of-place op's result. */
  static Tensor copyUntracked(Tensor self) {
    Tensor out = Tensor.uninitialized(self.dtype, self.device(), self.shape);
    self.backend().copy(self.storage, self.layout, out.storage, out.layout);
    return out;
  }

  // ---------------------------------------------------------------- clone

  static Tensor clone(Tensor self) {
    Tensor out = self.zerosLike();
    self.backend().copy(self.storage, self.layout, out.storage, out.layout);
    return TensorTape.clone(out, self);
  }

  @Adjoint(of = "clone", wrt = "self")
  public static Tensor cloneSelf(Tensor g) {
    return g;
  }

  // ---------------------------------------------------------------- get

  static Tensor get(Tensor self, int... indices) {
    Objects.requireNonNull(indices, "get: indices");

    if (indices.length > self.shape.length) {
      throw new IndexOutOfBoundsException("get: too many indices (" + indices.length
          + ") for a tensor of dimension " + self.shape.length);
    }
    for (int i = 0; i < indices.length; i++) {
      checkIndex(self, "get", indices[i], i); // names dimension i of this tensor, as PyTorch does
    }
    Tensor t = untracked(() -> {
      Tensor v = self;
      for (int index : indices) {
        v = v.select(0, index);
      }
      return v;
    });
    return TensorTape.get(t, self, indices);
  }

  @Adjoint(of = "get", wrt = "self")
  public static Tensor getSelf(Tensor g, int[] indices, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.get(indices).copy_(g);
    return z;
  }

  // ---------------------------------------------------------------- select

  static Tensor select(Tensor self, int dim, int index) {
    if (self.shape.length == 0) {
      throw new IndexOutOfBoundsException("select: invalid index of a 0-dim tensor");
    }
    int d = Layout.dim("select", dim, self.shape.length);
    int i = checkIndex(self, "select", index, d);
    return TensorTape.select(self.viewOf(self.layout.select(d, i)), self, dim, index);
  }

  @Adjoint(of = "select", wrt = "self")
  public static Tensor selectSelf(Tensor g, int dim, int index, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.select(dim, index).copy_(g);
    return z;
  }

  private static int checkIndex(Tensor self, String op, int index, int d) {
    int size = self.shape[d];
    if (index < -size || index >= size) {
      throw new IndexOutOfBoundsException(op + ": index " + index
          + " is out of bounds for dimension " + d + " with size " + size);
    }
    return index < 0 ? index + size : index;
  }

  // ---------------------------------------------------------------- narrow

  static Tensor narrow(Tensor self, int dim, int start, int length) {
    self.requireDims("narrow");
    int d = Layout.dim("narrow", dim, self.shape.length);
    long s = start < 0 ? (long) start + self.shape[d] : start;
    if (s < 0 || length < 0 || s + length > self.shape[d]) {
      throw new IndexOutOfBoundsException("narrow: start " + start + " and length " + length
          + " do not fit dimension " + d + " of size " + self.shape[d]);
    }
    Tensor out = self.viewOf(self.layout.slice(d, s, length, 1));
    return TensorTape.narrow(out, self, dim, start, length);
  }

  @Adjoint(of = "narrow", wrt = "self")
  public static Tensor narrowSelf(Tensor g, int dim, int start, int length, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.narrow(dim, start, length).copy_(g);
    return z;
  }

  // ---------------------------------------------------------------- slice

  static Tensor slice(Tensor self, int dim, Integer start, Integer stop, int step) {
    self.requireDims("slice");
    int d = Layout.dim("slice", dim, self.shape.length);
    if (step <= 0) {
      throw new IllegalArgumentException("slice: step must be greater than zero, got " + step);
    }
    int size = self.shape[d];
    int a = clip(start == null ? 0 : start, size);
    int b = clip(stop == null ? size : stop, size);
    int len = b > a ? (int) (((long) b - a + step - 1) / step) : 0;
    // With two or more elements, step * stride stays inside the storage; with one, the layout
    // keeps the stride rather than a meaningless huge one.
    Tensor out = self.viewOf(self.layout.slice(d, a, len, step));
    return TensorTape.slice(out, self, dim, start, stop, step);
  }

  @Adjoint(of = "slice", wrt = "self")
  public static Tensor sliceSelf(Tensor g, int dim, Integer start, Integer stop, int step,
      int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.slice(dim, start, stop, step).copy_(g);
    return z;
  }

  private static int clip(int i, int size) {
    if (i < 0) {
      i += size;
    }
    return Math.max(0, Math.min(size, i));
  }

  // ---------------------------------------------------------------- index

  static Tensor index(Tensor self, String subscript) {
    Objects.requireNonNull(subscript, "index: subscript");

    return TensorTape.index(untracked(() -> self.index(Index.parse(subscript))), self, subscript);
  }

  @Adjoint(of = "index", wrt = "self", signature = {"String"})
  public static Tensor indexSubscriptSelf(Tensor g, String subscript, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.index(subscript).copy_(g);
    return z;
  }

  static Tensor index(Tensor self, Index... components) {
    Objects.requireNonNull(components, "index: components");

    int consumed = 0;
    int ellipses = 0;
    for (Index c : components) {
      if (c.kind == Index.Kind.AT || c.kind == Index.Kind.SLICE) {
        consumed++;
      } else if (c.kind == Index.Kind.ELLIPSIS) {
        ellipses++;
      }
    }
    if (ellipses > 1) {
      throw new IllegalArgumentException("index: an index can only have a single ellipsis");
    }
    if (consumed > self.shape.length) {
      throw new IndexOutOfBoundsException("index: too many indices for tensor of dimension "
          + self.shape.length + " (got " + Arrays.toString(components) + ")");
    }
    int unconsumed = self.shape.length - consumed;
    Tensor t = untracked(() -> {
      Tensor v = self;
      int dim = 0;
      int source = 0; // the dimension of this tensor that the next AT or SLICE consumes
      for (Index c : components) {
        switch (c.kind) {
          case AT -> {
            int size = v.shape[dim];
            if (c.at < -size || c.at >= size) {
              throw new IndexOutOfBoundsException("index: index " + c.at
                  + " is out of bounds for dimension " + source + " with size " + size);
            }
            v = v.select(dim, c.at);
            source++;
          }
          case SLICE -> {
            v = v.slice(dim++, c.start, c.stop, c.step);
            source++;
          }
          case NEW_AXIS -> v = v.unsqueeze(dim++);
          case ELLIPSIS -> {
            dim += unconsumed;
            source += unconsumed;
          }
        }
      }
      return v;
    });
    return TensorTape.index(t, self, components);
  }

  @Adjoint(of = "index", wrt = "self", signature = {"Index[]"})
  public static Tensor indexSelf(Tensor g, Index[] components, int[] selfShape) {
    Tensor z = zeros(g, selfShape);
    z.index(components).copy_(g);
    return z;
  }

  // ---------------------------------------------------------------- split

  static List<Tensor> split(Tensor self, int splitSize, int dim) {
    self.requireDims("split");
    int d = Layout.dim("split", dim, self.shape.length);
    if (splitSize <= 0) {
      throw new IllegalArgumentException("split: split size must be positive, got " + splitSize);
    }
    List<Tensor> out = new ArrayList<>();
    for (long at = 0; at < self.shape[d] || (at == 0 && self.shape[d] == 0); at += splitSize) {
      out.add(self.narrow(d, (int) at, (int) Math.min(splitSize, self.shape[d] - at)));
      if (self.shape[d] == 0) {
        break;
      }
    }
    return out;
  }

  static List<Tensor> split(Tensor self, int[] sizes, int dim) {
    Objects.requireNonNull(sizes, "split: sizes");

    self.requireDims("split");
    int d = Layout.dim("split", dim, self.shape.length);
    long sum = 0;
    for (int s : sizes) {
      if (s < 0) {
        throw new IllegalArgumentException("split: sizes must be non-negative, got "
            + Arrays.toString(sizes));
      }
      sum += s;
    }
    if (sum != self.shape[d]) {
      throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to "
          + sum + " but dimension " + d + " has size " + self.shape[d]);
    }
    List<Tensor> out = new ArrayList<>();
    int at = 0;
    for (int s : sizes) {
      out.add(self.narrow(d, at, s));
      at += s;
    }
    return out;
  }

  // ---------------------------------------------------------------- chunk

  static List<Tensor> chunk(Tensor self, int chunks, int dim) {
    self.requireDims("chunk");
    if (chunks <= 0) {
      throw new IllegalArgumentException("chunk: number of chunks must be positive, got "
          + chunks);
    }
    int d = Layout.dim("chunk", dim, self.shape.length);
    return self.split(Math.max(1, (self.shape[d] + chunks - 1) / chunks), d);
  }
}
