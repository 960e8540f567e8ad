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
 * Indexing by tensors ({@code indexSelect}, {@code gather}, {@code scatterAdd}, masks) and joining
 * ({@code cat}, {@code stack}), each forward beside its adjoints. The public methods are the rule
 * table's adjoints, which generated backward code calls; the forwards are package-private behind
 * {@link Tensor}.
 */
public final class Indexing {
  private Indexing() {}

  // ---------------------------------------------------------------- indexSelect

  static Tensor indexSelect(Tensor self, int dim, Tensor index) {
    Objects.requireNonNull(index, "indexSelect: index");

    int d = Layout.dim("indexSelect", dim, Math.max(self.shape.length, 1));
    Tensor atLeast1d = self.shape.length == 0 ? self.reshape(1) : self;
    requireIndexTensor("indexSelect", index);
    if (index.dim() > 1) {
      throw new IllegalArgumentException("indexSelect: index must be 0-d or 1-d, got shape "
          + Layout.str(index.shape));
    }
    OpSupport.checkSameDevice(self, "indexSelect", index);
    // The backend checks the indices (on a device: where they lie, no host copy).
    int count = index.numel();
    int[] outShape = atLeast1d.shape.clone();
    outShape[d] = count;
    Tensor out = Tensor.zeroed(self.dtype, self.device(), outShape);
    Tensor ix = index.reshape(count).contiguous();
    self.backend().indexSelect(atLeast1d.storage, atLeast1d.layout, d, ix.storage, ix.layout,
        out.storage, out.layout);
    return TensorTape.indexSelect(self.shape.length == 0 ? out.reshape() : out,
        self, dim, index);
  }

  @Adjoint(of = "indexSelect", wrt = "self")
  public static Tensor indexSelectSelf(Tensor g, int dim, Tensor index, int[] selfShape) {
    // A 0-d input was indexed as if it were 1-d.
    int[] shape = selfShape.length == 0 ? new int[] {1} : selfShape;
    int d = wrap(dim, shape.length);
    int[] picked = shape.clone();
    picked[d] = index.numel();
    return zeros(g, shape).indexAdd(d, index, g.reshape(picked)).reshape(selfShape);
  }

  // ---------------------------------------------------------------- gather

  static Tensor gather(Tensor self, int dim, Tensor index) {
    Objects.requireNonNull(index, "gather: index");

    requireIndexTensor("gather", index);
    OpSupport.checkSameDevice(self, "gather", index);
    int d = Layout.dim("gather", dim, Math.max(self.shape.length, 1));
    if (index.dim() != self.shape.length) {
      throw new IllegalArgumentException("gather: index " + Layout.str(index.shape)
          + " must have as many dimensions as the input " + Layout.str(self.shape));
    }
    for (int i = 0; i < self.shape.length; i++) {
      if (i != d && index.shape[i] > self.shape[i]) {
        throw new IllegalArgumentException("gather: index size " + index.shape[i]
            + " at dimension " + i + " exceeds the input's size " + self.shape[i] + " (index "
            + Layout.str(index.shape) + ", input " + Layout.str(self.shape) + ")");
      }
    }
    // The backend checks the indices.
    Tensor out = Tensor.zeroed(self.dtype, self.device(), index.shape);
    Tensor ix = index.contiguous();
    self.backend().gather(self.storage, self.layout, d, ix.storage, ix.layout, out.storage,
        out.layout);
    return TensorTape.gather(out, self, dim, index);
  }

  @Adjoint(of = "gather", wrt = "self")
  public static Tensor gatherSelf(Tensor g, int dim, Tensor index, int[] selfShape) {
    return zeros(g, selfShape).scatterAdd(dim, index, g);
  }

  // ---------------------------------------------------------------- indexAdd

  static Tensor indexAdd(Tensor self, int dim, Tensor index, Tensor source) {
    Objects.requireNonNull(index, "indexAdd: index");
    Objects.requireNonNull(source, "indexAdd: source");
    requireIndexTensor("indexAdd", index);
    OpSupport.checkSameDevice(self, "indexAdd", index);
    OpSupport.checkSameDevice(self, "indexAdd", source);
    int d = Layout.dim("indexAdd", dim, Math.max(self.shape.length, 1));
    if (index.dim() > 1) {
      throw new IllegalArgumentException("indexAdd: index must be 0-d or 1-d, got shape "
          + Layout.str(index.shape));
    }
    if (source.dtype != self.dtype) {
      throw new IllegalArgumentException("indexAdd: source dtype " + source.dtype
          + " must match the input's dtype " + self.dtype);
    }
    int[] rows = self.shape.length == 0 ? new int[] {1} : self.shape;
    int[] expected = rows.clone();
    expected[d] = index.numel();
    int[] given = source.shape.length == 0 ? new int[] {1} : source.shape;
    if (!Arrays.equals(given, expected)) {
      throw new IllegalArgumentException("indexAdd: source shape " + Layout.str(source.shape)
          + " must be the input's shape " + Layout.str(self.shape) + " with size " + index.numel()
          + " (the number of indices) at dimension " + d + ", i.e. " + Layout.str(expected));
    }
    // The backend checks the indices.
    int count = index.numel();
    Tensor out = Views.copyUntracked(self);
    if (count > 0 && self.numel > 0) {
      Tensor dst = out.view(rows);
      Tensor ix = index.reshape(count).contiguous();
      Tensor src = source.contiguous().view(given);
      self.backend().indexAdd(dst.storage, dst.layout, d, ix.storage, ix.layout, src.storage,
          src.layout);
    }
    return TensorTape.indexAdd(out, self, dim, index, source);
  }

  // out = self with source added at index: self's gradient passes through unchanged, and each
  // slice of source gets the gradient of the slice it was added to.
  @Adjoint(of = "indexAdd", wrt = "self")
  public static Tensor indexAddSelf(Tensor g) {
    return g;
  }

  @Adjoint(of = "indexAdd", wrt = "source")
  public static Tensor indexAddSource(Tensor g, int dim, Tensor index, int[] sourceShape) {
    // A 0-d input was indexed as if it were 1-d, like indexSelect.
    Tensor rows = g.dim() == 0 ? g.reshape(1) : g;
    return rows.indexSelect(dim, index).reshape(sourceShape);
  }

  // ---------------------------------------------------------------- scatterAdd

  static Tensor scatterAdd(Tensor self, int dim, Tensor index, Tensor src) {
    Objects.requireNonNull(index, "scatterAdd: index");
    Objects.requireNonNull(src, "scatterAdd: src");
    requireIndexTensor("scatterAdd", index);
    OpSupport.checkSameDevice(self, "scatterAdd", index);
    OpSupport.checkSameDevice(self, "scatterAdd", src);
    int d = Layout.dim("scatterAdd", dim, Math.max(self.shape.length, 1));
    if (src.dtype != self.dtype) {
      throw new IllegalArgumentException("scatterAdd: src dtype " + src.dtype
          + " must match the input's dtype " + self.dtype);
    }
    if (index.dim() != self.shape.length || src.dim() != self.shape.length) {
      throw new IllegalArgumentException("scatterAdd: index " + Layout.str(index.shape)
          + " and src " + Layout.str(src.shape) + " must have as many dimensions as the input "
          + Layout.str(self.shape));
    }
    for (int i = 0; i < self.shape.length; i++) {
      if (index.shape[i] > src.shape[i]) {
        throw new IllegalArgumentException("scatterAdd: index size " + index.shape[i]
            + " at dimension " + i + " exceeds src's size " + src.shape[i] + " (index "
            + Layout.str(index.shape) + ", src " + Layout.str(src.shape) + ")");
      }
      if (i != d && index.shape[i] > self.shape[i]) {
        throw new IllegalArgumentException("scatterAdd: index size " + index.shape[i]
            + " at dimension " + i + " exceeds the input's size " + self.shape[i] + " (index "
            + Layout.str(index.shape) + ", input " + Layout.str(self.shape) + ")");
      }
    }
    // The backend checks the indices.
    Tensor out = Views.copyUntracked(self);
    if (index.numel() > 0) {
      Tensor ix = index.contiguous();
      self.backend().scatterAdd(out.storage, out.layout, d, ix.storage, ix.layout, src.storage,
          src.layout);
    }
    return TensorTape.scatterAdd(out, self, dim, index, src);
  }

  // out = self with src[p] added at self[p with index[p] along dim], for the positions p of
  // index: src's gradient is g gathered at those positions, and 0 where index does not reach.
  @Adjoint(of = "scatterAdd", wrt = "self")
  public static Tensor scatterAddSelf(Tensor g) {
    return g;
  }

  @Adjoint(of = "scatterAdd", wrt = "src")
  public static Tensor scatterAddSrc(Tensor g, int dim, Tensor index, int[] srcShape) {
    Tensor picked = g.gather(dim, index);
    if (Arrays.equals(index.shape(), srcShape)) {
      return picked;
    }
    Tensor grad = zeros(g, srcShape);
    Tensor covered = grad;
    for (int d = 0; d < srcShape.length; d++) {
      covered = covered.narrow(d, 0, index.size(d));
    }
    covered.copy_(picked);
    return grad;
  }

  private static void requireIndexTensor(String op, Tensor index) {
    if (index.dtype != DType.INT64) {
      throw new IllegalArgumentException(op + ": index must be torch.int64, got "
          + index.dtype);
    }
  }

  // ---------------------------------------------------------------- nonzero

  static Tensor nonzero(Tensor self) {
    boolean[] flags = self.toBooleanArray();
    int count = 0;
    for (boolean f : flags) {
      count += f ? 1 : 0;
    }
    long[] out = new long[Tensor.numel("nonzero", "result shape",
        new int[] {count, self.shape.length})];
    int[] pos = new int[self.shape.length];
    for (int e = 0, row = 0; e < flags.length; e++) {
      if (flags[e]) {
        for (int d = 0; d < self.shape.length; d++) {
          out[row * self.shape.length + d] = pos[d];
        }
        row++;
      }
      for (int d = self.shape.length - 1; d >= 0; d--) {
        if (++pos[d] < self.shape[d]) {
          break;
        }
        pos[d] = 0;
      }
    }
    return Tensor.fromArray(out, count, self.shape.length).to(self.device());
  }

  // ---------------------------------------------------------------- index

  static Tensor index(Tensor self, Tensor mask) {
    Objects.requireNonNull(mask, "index: mask");

    if (mask.dtype != DType.BOOL) {
      throw new IllegalArgumentException("index: a tensor index must be a bool mask here, got "
          + mask.dtype + "; use indexSelect or gather for integer indices");
    }
    OpSupport.checkSameDevice(self, "index", mask);
    int k = mask.dim();
    if (k > self.shape.length || !Arrays.equals(mask.shape, Arrays.copyOfRange(self.shape, 0, k))) {
      throw new IllegalArgumentException("index: the shape of the mask " + Layout.str(mask.shape)
          + " does not match the leading dimensions of the indexed tensor "
              + Layout.str(self.shape));
    }
    int lead = 1;
    for (int d = 0; d < k; d++) {
      lead *= self.shape[d];
    }
    int[] rest = Arrays.copyOfRange(self.shape, k, self.shape.length);
    int[] flatShape = OpSupport.insert(rest, 0, lead);
    Tensor rows = untracked(() -> self.reshape(flatShape));
    Tensor picks = mask.reshape(lead).nonzero().reshape(-1);
    return TensorTape.index(untracked(() -> rows.indexSelect(0, picks)), self, mask);
  }

  @Adjoint(of = "index", wrt = "self", signature = {"Tensor"})
  public static Tensor indexMaskSelf(Tensor g, Tensor mask, int[] selfShape) {
    int k = mask.dim();
    int[] rows = new int[selfShape.length - k + 1];
    rows[0] = Math.toIntExact(Layout.numel("index", Arrays.copyOfRange(selfShape, 0, k)));
    System.arraycopy(selfShape, k, rows, 1, selfShape.length - k);
    Tensor picks = mask.reshape(rows[0]).nonzero().reshape(-1);
    return zeros(g, rows).indexAdd(0, picks, g).reshape(selfShape);
  }

  // ---------------------------------------------------------------- maskedSelect

  static Tensor maskedSelect(Tensor self, Tensor mask) {
    Objects.requireNonNull(mask, "maskedSelect: mask");

    if (mask.dtype != DType.BOOL) {
      throw new IllegalArgumentException("maskedSelect: mask must be torch.bool, got "
          + mask.dtype);
    }
    int[] s = Tensor.broadcast("maskedSelect", self.shape, mask.shape);
    return TensorTape.maskedSelect(
        untracked(() -> self.expand(s).index(mask.expand(s).contiguous())), self, mask);
  }

  @Adjoint(of = "maskedSelect", wrt = "self")
  public static Tensor maskedSelectSelf(Tensor g, Tensor mask, int[] selfShape) {
    int[] shape = Layout.broadcast("maskedSelect", selfShape, mask.shape());
    Tensor picks = mask.expand(shape).reshape(-1).nonzero().reshape(-1);
    int count = Math.toIntExact(Layout.numel("maskedSelect", shape));
    Tensor full = zeros(g, new int[] {count}).indexAdd(0, picks, g).reshape(shape);
    return unbroadcast(full, selfShape);
  }

  // ---------------------------------------------------------------- cat

  static Tensor cat(List<Tensor> tensors) {
    return TensorTape.cat(untracked(() -> cat(tensors, 0)), tensors);
  }

  @Adjoint(of = "cat", wrt = "tensors", signature = {"List"})
  public static List<Tensor> catTensors(Tensor g, List<Tensor> tensors) {
    return split(g, tensors, 0);
  }

  static Tensor cat(List<Tensor> tensors, int dim) {
    if (tensors == null || tensors.isEmpty()) {
      throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
    }
    Tensor first = tensors.get(0);
    int rank = first.dim();
    if (rank == 0) {
      throw new IllegalArgumentException("cat: zero-dimensional tensor (at position 0) cannot be"
          + " concatenated; use stack");
    }
    int d = Layout.dim("cat", dim, rank);
    DType dt = first.dtype;
    long total = 0;
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      if (t == null) {
        throw new NullPointerException("cat: tensor " + i + " is null");
      }
      if (t.dim() != rank) {
        throw new IllegalArgumentException("cat: tensors must have the same number of dimensions;"
            + " tensor 0 has shape " + Layout.str(first.shape) + ", tensor " + i + " has "
            + Layout.str(t.shape));
      }
      for (int j = 0; j < rank; j++) {
        if (j != d && t.shape[j] != first.shape[j]) {
          throw new IllegalArgumentException("cat: sizes must match except in dimension " + d
              + "; tensor 0 has shape " + Layout.str(first.shape) + ", tensor " + i + " has "
              + Layout.str(t.shape));
        }
      }
      OpSupport.checkSameDevice(first, "cat", t);
      dt = DType.promote(dt, t.dtype);
      total += t.shape[d];
    }
    int[] outShape = first.shape.clone();
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cat: the sizes along dimension " + d + " of "
          + tensors.size() + " tensors add up to " + total + ", more than 2^31 - 1");
    }
    outShape[d] = (int) total;
    Tensor.numel("cat", "result shape", outShape);
    Tensor out = Tensor.zeroed(dt, first.device(), outShape);
    int at = 0;
    for (Tensor t : tensors) {
      if (t.shape[d] > 0) {
        Tensor part = out.narrow(d, at, t.shape[d]);
        out.backend().copy(t.storage, t.layout, part.storage, part.layout);
      }
      at += t.shape[d];
    }
    return TensorTape.cat(out, tensors, dim);
  }

  @Adjoint(of = "cat", wrt = "tensors", signature = {"List", "int"})
  public static List<Tensor> catDimTensors(Tensor g, List<Tensor> tensors, int dim) {
    return split(g, tensors, wrap(dim, g.dim()));
  }

  // ---------------------------------------------------------------- stack

  static Tensor stack(List<Tensor> tensors) {
    return TensorTape.stack(untracked(() -> stack(tensors, 0)), tensors);
  }

  @Adjoint(of = "stack", wrt = "tensors", signature = {"List"})
  public static List<Tensor> stackTensors(Tensor g) {
    return unstack(g, 0);
  }

  static Tensor stack(List<Tensor> tensors, int dim) {
    if (tensors == null || tensors.isEmpty()) {
      throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
    }
    int[] s = tensors.get(0).shape;
    List<Tensor> lifted = new ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      if (t == null) {
        throw new NullPointerException("stack: tensor " + i + " is null");
      }
      if (!Arrays.equals(t.shape, s)) {
        throw new IllegalArgumentException("stack: expects each tensor to be equal size, but got "
            + Layout.str(s) + " at entry 0 and " + Layout.str(t.shape) + " at entry " + i);
      }
      lifted.add(untracked(() -> t.unsqueeze(Layout.dim("stack", dim, s.length + 1))));
    }
    Tensor.numel("stack", "result shape",
        OpSupport.insert(s, Layout.dim("stack", dim, s.length + 1), tensors.size()));
    int d = Layout.dim("stack", dim, s.length + 1);
    return TensorTape.stack(untracked(() -> cat(lifted, d)), tensors, dim);
  }

  @Adjoint(of = "stack", wrt = "tensors", signature = {"List", "int"})
  public static List<Tensor> stackDimTensors(Tensor g, int dim) {
    return unstack(g, wrap(dim, g.dim()));
  }

  // ---------------------------------------------------------------- rule helpers

  private static List<Tensor> split(Tensor g, List<Tensor> tensors, int d) {
    List<Tensor> out = new ArrayList<>(tensors.size());
    int at = 0;
    for (Tensor t : tensors) {
      out.add(g.narrow(d, at, t.size(d)));
      at += t.size(d);
    }
    return out;
  }

  private static List<Tensor> unstack(Tensor g, int d) {
    List<Tensor> out = new ArrayList<>(g.size(d));
    for (int i = 0; i < g.size(d); i++) {
      out.add(g.select(d, i));
    }
    return out;
  }
}
