package dev.adjoint.tensor;

import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.annotations.Primitive;
import dev.adjoint.autograd.ArithmeticRules;
import dev.adjoint.autograd.IndexingRules;
import dev.adjoint.autograd.LinalgRules;
import dev.adjoint.autograd.Node;
import dev.adjoint.autograd.PointwiseRules;
import dev.adjoint.autograd.ReductionRules;
import dev.adjoint.autograd.ShapeRules;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.ReduceOp;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * An n-dimensional array of one {@link DType} on one {@link Device}: the counterpart of
 * {@code torch.Tensor}.
 *
 * <p>A tensor is a view over a {@link Storage}: a shape, strides (in elements) and an offset.
 * {@link #t()}, {@link #transpose}, {@link #permute}, {@link #index slicing}, {@link #view},
 * {@link #squeeze}, {@link #unsqueeze} and {@link #expand} return views that share storage; writes
 * through one are seen by the others. {@link #contiguous()} and {@link #clone()} copy.
 *
 * <p>Elementwise ops broadcast like NumPy and PyTorch and promote dtypes like PyTorch
 * ({@code bool < int64 < float32 < float64}; a Java {@code double} scalar counts as a float, a
 * {@code long} scalar as an integer, and neither widens a floating tensor). Methods ending in
 * {@code _} work in place and return this tensor.
 *
 * <p>Bad input throws at once with a message naming the op and the shapes, dtypes or indices
 * involved.
 */
public final class Tensor {
  // Not final only so that setData can convert a parameter in place (Module.to).
  private Storage storage;
  private DType dtype;
  /** {@code layout}'s sizes, kept as an array of their own because ops read them constantly. */
  private int[] shape;
  private Layout layout;
  private int numel;

  /**
   * In-place writes so far; shared by every view of the same data, detached ones included.
   * Replaced (one higher) only by {@link #setData}, which gives this tensor other data.
   */
  private VersionCounter version;

  // Autograd state: mutable, unlike the layout above.
  private boolean requiresGrad;
  private Tensor grad;
  private Node gradFn;

  private Tensor(Storage storage, Layout layout) {
    this(storage, layout, new VersionCounter());
  }

  private Tensor(Storage storage, Layout layout, VersionCounter version) {
    this.version = version;
    this.storage = storage;
    this.dtype = storage.dtype();
    this.layout = layout;
    this.shape = layout.shape();
    this.numel = numel("tensor", "shape", shape);
  }

  /**
   * A view over {@code storage}; the layout is checked to stay inside it. For backends and io.
   *
   * @throws IllegalArgumentException when an element would fall outside the storage
   */
  public static Tensor wrap(Storage storage, int[] shape, int[] strides, int offset) {
    Objects.requireNonNull(strides, "wrap: strides");
    long[] st = new long[strides.length];
    for (int d = 0; d < st.length; d++) {
      st[d] = strides[d];
    }
    Objects.requireNonNull(shape, "wrap: shape");
    if (shape.length != strides.length) {
      throw new IllegalArgumentException("wrap: shape " + Layout.str(shape) + " and strides "
          + Layout.str(strides) + " differ in length");
    }
    return wrap(storage, Layout.of(shape, st, offset));
  }

  /**
   * A view of {@code layout} over {@code storage}; the layout is checked to stay inside it. For
   * backends and io.
   *
   * @throws IllegalArgumentException when an element would fall outside the storage
   */
  public static Tensor wrap(Storage storage, Layout layout) {
    Objects.requireNonNull(storage, "wrap: storage");
    Objects.requireNonNull(layout, "wrap: layout");
    numel("wrap", "shape", layout.shape());
    if (!layout.fitsIn(storage.size())) {
      throw new IllegalArgumentException("wrap: shape " + Layout.str(layout.shape())
          + ", strides " + Arrays.toString(layout.strides()) + " and offset " + layout.offset()
          + " reach outside a storage of " + storage.size() + " elements");
    }
    return new Tensor(storage, layout);
  }

  /**
   * The element count of {@code shape}, checked to fit one tensor: {@link Tensor#numel()} is an
   * int (as {@code Tensor.numel()} is in Java code that indexes arrays), so one tensor holds at
   * most 2^31 - 9 elements whatever its device; the backend interface itself counts in long.
   *
   * @throws IllegalArgumentException naming {@code op} for a negative size or too many elements
   */
  static int numel(String op, String what, int[] shape) {
    long n = Layout.numel(op, what, shape);
    if (n > MAX_NUMEL) {
      throw new IllegalArgumentException(op + ": " + what + " " + Layout.str(shape)
          + " would have " + Layout.exactCount(shape) + " elements, more than the 2^31 - 9 that"
          + " one tensor can hold");
    }
    return (int) n;
  }

  /** {@link #numel(String, String, int[])} of an argument named "shape". */
  static int numel(String op, int[] shape) {
    return numel(op, "shape", shape);
  }

  /**
   * NumPy broadcasting of two shapes, the result checked to fit one tensor.
   *
   * @throws IllegalArgumentException naming {@code op} when the shapes conflict or the result
   *     would hold too many elements
   */
  static int[] broadcast(String op, int[] a, int[] b) {
    int[] out = Layout.broadcast(op, a, b);
    numel(op, "broadcast shape", out);
    return out;
  }

  /** The most elements one tensor may hold (see {@link #numel(String, String, int[])}). */
  static final int MAX_NUMEL = Integer.MAX_VALUE - 8;

  private static Tensor dense(Storage storage, int[] shape) {
    return new Tensor(storage, Layout.contiguous(shape));
  }

  /** A new zero-filled contiguous tensor on {@code device}. */
  static Tensor empty(DType dtype, Device device, int[] shape) {
    int n = numel("empty", shape);
    Storage s = Backends.of(device).allocate(dtype, n);
    Temporaries.allocated(s);
    return dense(s, shape);
  }

  /**
   * {@code body} run without recording: a composite op records one node for itself, so the ops
   * it is built from must record none (Tensor.setGradFn refuses a second node on one result).
   */
  private static <T> T untracked(java.util.function.Supplier<T> body) {
    return GradMode.noGrad(body);
  }

  private Tensor viewOf(Layout newLayout) {
    return new Tensor(storage, newLayout, version);
  }

  private Backend backend() {
    return Backends.of(device());
  }

  // ================================================================== properties

  /** The element type. */
  public DType dtype() {
    return dtype;
  }

  /** Where the data lives. */
  public Device device() {
    return storage.device();
  }

  /** The sizes of each dimension (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** The size of dimension {@code dim} (negative counts from the end). */
  public int size(int dim) {
    requireDims("size");
    return shape[Layout.dim("size", dim, shape.length)];
  }

  /**
   * Element strides of each dimension (a copy).
   *
   * @throws ArithmeticException for a stride beyond an int, which only a device storage of more
   *     than 2^31 elements can have ({@link #layout()} has it as a long)
   */
  public int[] strides() {
    int[] out = new int[shape.length];
    for (int d = 0; d < out.length; d++) {
      out[d] = Math.toIntExact(layout.stride(d));
    }
    return out;
  }

  /**
   * Offset of the first element in the storage.
   *
   * @throws ArithmeticException for an offset beyond an int ({@link #layout()} has it as a long)
   */
  public int storageOffset() {
    return Math.toIntExact(layout.offset());
  }

  /** Where the elements lie in {@link #storage()}: sizes, strides and offset. */
  public Layout layout() {
    return layout;
  }

  /** The shared storage. */
  public Storage storage() {
    return storage;
  }

  /** Number of dimensions. */
  public int dim() {
    return shape.length;
  }

  /** Number of elements. */
  public int numel() {
    return numel;
  }

  /** Whether the elements are laid out densely in row-major order (always, when empty). */
  public boolean isContiguous() {
    return layout.isContiguous();
  }

  // ================================================================== autograd

  /** Whether gradients are computed for this tensor ({@code requires_grad}). */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /**
   * Asks for this leaf's gradient to be accumulated into {@link #grad()} by
   * {@link #backward()}; returns this ({@code x.requires_grad_()}).
   *
   * @throws IllegalArgumentException for integer or bool tensors, or for a non-leaf asked to stop
   */
  public Tensor requiresGrad_(boolean requiresGrad) {
    if (requiresGrad && !dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("requiresGrad_: only floating point tensors can require"
          + " gradients, this one is " + dtype);
    }
    if (!requiresGrad && gradFn != null) {
      throw new IllegalArgumentException("requiresGrad_: this tensor was computed by "
          + gradFn.name() + "; use detach() to get a tensor outside the graph");
    }
    this.requiresGrad = requiresGrad;
    return this;
  }

  /** The accumulated gradient, or null before any backward pass reached this leaf. */
  public Tensor grad() {
    return grad;
  }

  /** Replaces the gradient (null clears it, as {@code zero_grad(set_to_none=True)}). */
  public void setGrad(Tensor grad) {
    if (grad != null && !Arrays.equals(grad.shape, shape)) {
      throw new IllegalArgumentException("setGrad: gradient shape " + Layout.str(grad.shape)
          + " does not match the tensor's shape " + Layout.str(shape));
    }
    this.grad = grad;
  }

  /**
   * Adds {@code g} to this leaf's gradient (the first call stores a copy). Generated backward code
   * calls this for parameters.
   */
  public void accumulateGrad(Tensor g) {
    Objects.requireNonNull(g, "accumulateGrad: g");

    if (!Arrays.equals(g.shape, shape)) {
      throw new IllegalArgumentException("accumulateGrad: gradient shape " + Layout.str(g.shape)
          + " does not match the tensor's shape " + Layout.str(shape));
    }
    if (grad == null) {
      grad = g.to(dtype).clone();
      Temporaries.escape(grad); // the parameter owns it now, not the running backward
    } else {
      grad.add_(g);
    }
  }

  /** The node that computed this tensor, or null for a leaf ({@code grad_fn}). */
  public Node gradFn() {
    return gradFn;
  }

  /**
   * Attaches the node that computed this tensor and marks it as requiring grad. For generated
   * code and custom ops; a user rarely calls it.
   *
   * @throws IllegalStateException when the tensor already carries another node (a composite op
   *     that recorded the ops it is built from)
   */
  public void setGradFn(Node node) {
    if (node != null && !dtype.isFloatingPoint()) {
      return; // integer and bool results carry no gradient (x.toLong() cuts the graph)
    }
    if (node != null && gradFn != null && gradFn != node) {
      // One op, one node: an op whose result already carries a node recorded the ops it is made
      // of too, and those nodes would be built and thrown away on every call.
      throw new IllegalStateException(node.name() + " would replace " + gradFn.name()
          + " on the same result: an op recorded the ops it is built from; compute them"
          + " untracked");
    }
    this.gradFn = node;
    this.requiresGrad = node != null || requiresGrad;
  }

  /**
   * How many in-place writes this tensor's data has seen ({@code tensor._version} in PyTorch).
   * Every in-place op ({@code add_}, {@code copy_}, {@code fill_}, ...; optimizer steps and
   * {@code loadStateDict}, which use them) counts one. Views of the same data and
   * {@link #detach() detached} tensors share the count, so a write through any of them is seen.
   *
   * <p>Graph nodes and the generated {@code Saved} classes record the version of each tensor
   * they keep for the backward pass; the backward pass refuses to run when it has changed, so an
   * in-place write can never make a gradient silently wrong.
   */
  public int version() {
    return version.value;
  }

  /**
   * For code outside the tensor ops that writes this tensor's storage directly (a fused update
   * through {@link dev.adjoint.backend.Pointwise#apply}): refuses the write where an in-place op
   * would be refused (a tensor that requires grad while grad mode is on, an expanded view) and
   * counts it in {@link #version()}. Call it before writing.
   *
   * @param op the name of the operation, for the error message
   */
  public void checkWrite(String op) {
    checkInPlace(Objects.requireNonNull(op, "checkWrite: op is null"));
  }

  /**
   * Refuses an in-place write that would corrupt gradients or write one memory location twice:
   * into a tensor that requires grad while the graph is being recorded (PyTorch refuses leaves and
   * tracks versions of the rest; Adjoint refuses both), or into an expanded (stride 0) view. Every
   * in-place op calls this before it writes; it counts the write in {@link #version()}.
   */
  private void checkInPlace(String op) {
    if (requiresGrad && GradMode.isEnabled()) {
      throw new IllegalStateException(op + ": " + (gradFn == null
          ? "a leaf tensor that requires grad is used in an in-place operation; update it inside"
              + " GradMode.noGrad(() -> ...) (as optimizers do) or use the out-of-place op"
          : "this tensor was computed by " + gradFn.name() + " and is part of the recorded"
              + " graph, so changing it in place would make its gradients wrong; use the"
              + " out-of-place op"));
    }
    for (int d = 0; d < shape.length; d++) {
      if (layout.stride(d) == 0 && shape[d] > 1) {
        throw new IllegalArgumentException(op + ": more than one element of the written-to"
            + " tensor refers to a single memory location (dimension " + d + " of shape "
            + Layout.str(shape) + " is expanded); call clone() before writing to it");
      }
    }
    version.value++;
  }

  /**
   * Makes this leaf hold {@code data}'s values, dtype, device and layout (it then shares
   * {@code data}'s storage), keeping this object, its {@code requiresGrad} flag and its gradient
   * (converted to the new dtype and device): PyTorch's {@code param.data = data}. This is how
   * {@code Module.to} converts parameters in place so that optimizers built earlier keep updating
   * the same tensors. Views taken of this tensor before the call keep the old storage. The call
   * counts as a write in {@link #version()}, so a graph that saved this tensor before it refuses
   * to run backward (the old data is gone from this object).
   *
   * @throws IllegalArgumentException when the shapes differ, or when this tensor requires grad
   *     and {@code data} is not floating point
   * @throws IllegalStateException when a recorded op computed this tensor (it is not a leaf)
   */
  public void setData(Tensor data) {
    Objects.requireNonNull(data, "setData: data");
    if (gradFn != null) {
      throw new IllegalStateException("setData: this tensor was computed by " + gradFn.name()
          + "; only a leaf (a parameter or an input) can have its data replaced");
    }
    if (!Arrays.equals(data.shape, shape)) {
      throw new IllegalArgumentException("setData: data of shape " + Layout.str(data.shape)
          + " cannot replace a tensor of shape " + Layout.str(shape));
    }
    if (requiresGrad && !data.dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("setData: this tensor requires grad, so its data must"
          + " be floating point, got " + data.dtype);
    }
    Tensor oldGrad = grad;
    // New data, so a new counter: views of the old data keep theirs, and a graph that saved this
    // tensor before the swap sees a higher version and refuses to run backward.
    VersionCounter next = new VersionCounter();
    next.value = version.value + 1;
    this.version = next;
    this.storage = data.storage;
    this.dtype = data.dtype;
    this.shape = data.shape.clone();
    this.layout = data.layout;
    this.numel = data.numel;
    if (oldGrad != null) {
      GradMode.noGrad(() -> {
        grad = oldGrad.to(data.dtype).to(data.device());
      });
    }
  }

  /**
   * Refuses a tracked operand of an in-place op: in-place ops record no graph node, so its
   * gradient would be lost without a word (PyTorch records one; Adjoint refuses, as it refuses
   * in-place writes to tracked tensors).
   */
  private static void checkUntrackedOperand(String op, Tensor operand) {
    if (operand.requiresGrad && GradMode.isEnabled()) {
      throw new IllegalStateException(op + ": the operand requires grad, but an in-place op"
          + " records no gradient for it, so the gradient would be lost; use the out-of-place"
          + " op (a = a.add(b) rather than a.add_(b)), or detach() the operand when no gradient"
          + " should flow through it");
    }
  }

  /** True when no recorded op computed this tensor. */
  public boolean isLeaf() {
    return gradFn == null;
  }

  /** Backpropagates from this one-element tensor: {@code loss.backward()}. */
  public void backward() {
    Autograd.backward(this, null, false);
  }

  /** Backpropagates {@code gradient} (d something / d this) from this tensor. */
  public void backward(Tensor gradient) {
    Autograd.backward(this, gradient, false);
  }

  /**
   * Backpropagates, keeping the graph's saved values when {@code retainGraph} so that another
   * backward pass can run through it.
   */
  public void backward(Tensor gradient, boolean retainGraph) {
    Autograd.backward(this, gradient, retainGraph);
  }

  /** The same data outside the graph: shares storage, needs no gradient. */
  @Primitive(differentiable = false)
  public Tensor detach() {
    return new Tensor(storage, layout, version);
  }

  // ================================================================== creation

  /** The {@code n x n} identity matrix, float32. */
  public static Tensor eye(int n) {
    return eye(n, n, DType.FLOAT32);
  }

  /** An {@code n x m} matrix with ones on the diagonal, float32. */
  public static Tensor eye(int n, int m) {
    return eye(n, m, DType.FLOAT32);
  }

  /** An {@code n x m} matrix with ones on the diagonal. */
  public static Tensor eye(int n, int m, DType dtype) {
    Objects.requireNonNull(dtype, "eye: dtype");
    if (n < 0 || m < 0) {
      throw new IllegalArgumentException("eye: sizes must be non-negative, got " + n + ", " + m);
    }
    numel("eye", new int[] {n, m});
    Tensor out = zeros(dtype, n, m);
    Tensor diagonal =
        out.viewOf(Layout.of(new int[] {Math.min(n, m)}, new long[] {m + 1L}, 0));
    diagonal.fill_(1);
    return out;
  }

  /** Zeros of {@code shape}, float32. */
  public static Tensor zeros(int... shape) {
    return zeros(DType.FLOAT32, shape);
  }

  /** Zeros of {@code shape}. */
  public static Tensor zeros(DType dtype, int... shape) {
    return filled("zeros", 0, dtype, shape);
  }

  /**
   * Zeros of {@code shape} made on {@code device} ({@code torch.zeros(shape, dtype=, device=)}),
   * without a host copy first.
   */
  public static Tensor zeros(DType dtype, Device device, int... shape) {
    Objects.requireNonNull(dtype, "zeros: dtype");
    Objects.requireNonNull(device, "zeros: device");
    numel("zeros", shape);
    return empty(dtype, device, shape);
  }

  /** Ones of {@code shape}, float32. */
  public static Tensor ones(int... shape) {
    return filled("ones", 1, DType.FLOAT32, shape);
  }

  /** Ones of {@code shape}. */
  public static Tensor ones(DType dtype, int... shape) {
    return filled("ones", 1, dtype, shape);
  }

  /** {@code value} everywhere, float32. */
  public static Tensor full(double value, int... shape) {
    return full(value, DType.FLOAT32, shape);
  }

  /** {@code value} everywhere. */
  public static Tensor full(double value, DType dtype, int... shape) {
    return filled("full", value, dtype, shape);
  }

  /** A new tensor of {@code shape} filled with {@code value}, its shape checked as {@code op}. */
  private static Tensor filled(String op, double value, DType dtype, int[] shape) {
    Objects.requireNonNull(dtype, op + ": dtype");
    numel(op, shape);
    Tensor out = empty(dtype, Device.cpu(), shape);
    return value == 0 ? out : out.fill_(value);
  }

  /** Zeros with this tensor's shape, dtype and device. */
  @Primitive(differentiable = false)
  public Tensor zerosLike() {
    return empty(dtype, device(), shape);
  }

  /** Ones with this tensor's shape, dtype and device. */
  @Primitive(differentiable = false)
  public Tensor onesLike() {
    return zerosLike().fill_(1);
  }

  /** {@code 0, 1, ..., end - 1} as int64. */
  public static Tensor arange(long end) {
    return arange(0, end, 1);
  }

  /** {@code start, start + 1, ..., end - 1} as int64. */
  public static Tensor arange(long start, long end) {
    return arange(start, end, 1);
  }

  /** {@code start, start + step, ...} up to but excluding {@code end}, as int64. */
  public static Tensor arange(long start, long end, long step) {
    int n;
    if (step == 0 || (step > 0 ? end <= start : end >= start)) {
      n = arangeLength(start, end, step); // refuses step 0 and a wrong sign; else empty
    } else {
      // Exactly, where doubles would round: the span as an unsigned 64-bit number.
      long span = step > 0 ? end - start : start - end;
      long stride = step > 0 ? step : -step; // Long.MIN_VALUE stays itself: unsigned 2^63
      long count = Long.divideUnsigned(span - 1, stride) + 1;
      if (Long.compareUnsigned(count, MAX_NUMEL) > 0) {
        throw new IllegalArgumentException("arange: start=" + start + ", end=" + end + ", step="
            + step + " gives " + Long.toUnsignedString(count) + " elements, more than the"
            + " 2^31 - 9 that one tensor can hold");
      }
      n = (int) count;
    }
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = start + i * step;
    }
    return fromArray(values, n);
  }

  /** {@code start, start + step, ...} up to but excluding {@code end}, as float32. */
  public static Tensor arange(double start, double end, double step) {
    int n = arangeLength(start, end, step);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (start + i * step);
    }
    return fromArray(values, n);
  }

  private static int arangeLength(double start, double end, double step) {
    if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
      throw new IllegalArgumentException("arange: start, end and step must be finite and step"
          + " nonzero, got start=" + start + ", end=" + end + ", step=" + step);
    }
    if ((end - start) / step < 0) {
      throw new IllegalArgumentException("arange: upper bound and larger bound inconsistent with"
          + " step sign (start=" + start + ", end=" + end + ", step=" + step + ")");
    }
    double n = Math.ceil((end - start) / step);
    if (n > MAX_NUMEL) {
      throw new IllegalArgumentException("arange: start=" + start + ", end=" + end + ", step="
          + step + " gives " + n + " elements, more than the 2^31 - 9 that one tensor can hold");
    }
    return (int) n;
  }

  /** {@code steps} evenly spaced float32 values from {@code start} to {@code end} inclusive. */
  public static Tensor linspace(double start, double end, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("linspace: number of steps must be non-negative, got "
          + steps);
    }
    numel("linspace", "steps", new int[] {steps});
    float[] values = new float[steps];
    double step = steps > 1 ? (end - start) / (steps - 1) : 0;
    int half = steps == 1 ? 1 : steps / 2; // one step gives start, as torch.linspace does
    for (int i = 0; i < steps; i++) {
      // Fill from both ends, as PyTorch does, so the last value is exactly end.
      values[i] = (float) (i < half ? start + i * step : end - (steps - 1 - i) * step);
    }
    return fromArray(values, steps);
  }

  /** Uniform in {@code [0, 1)}, float32, from the default generator. */
  public static Tensor rand(int... shape) {
    return rand(Generator.defaultGenerator(), shape);
  }

  /**
   * Uniform in {@code [0, 1)}, float32: element {@code i} (row-major) is the top 24 bits of the
   * generator's stream value {@code i}, the same on every device and thread count.
   */
  public static Tensor rand(Generator gen, int... shape) {
    Objects.requireNonNull(gen, "rand: gen");
    numel("rand", shape); // checked here, so that errors name rand
    Tensor out = empty(DType.FLOAT32, Device.cpu(), shape);
    long n = out.numel();
    out.backend().randomUniform(out.storage, 0, n, gen.initialSeed(), gen.reserve(n), 0, 1);
    return out;
  }

  /** Standard normal, float32, from the default generator. */
  public static Tensor randn(int... shape) {
    return randn(Generator.defaultGenerator(), shape);
  }

  /** Standard normal, float32 (Box-Muller on the generator's stream; see {@link Generator}). */
  public static Tensor randn(Generator gen, int... shape) {
    Objects.requireNonNull(gen, "randn: gen");
    numel("randn", shape); // checked here, so that errors name randn
    Tensor out = empty(DType.FLOAT32, Device.cpu(), shape);
    long n = out.numel();
    out.backend().randomNormal(out.storage, 0, n, gen.initialSeed(), gen.reserve(n), 0, 1);
    return out;
  }

  /** Uniform integers in {@code [low, high)}, int64, from the default generator. */
  public static Tensor randint(long low, long high, int... shape) {
    return randint(Generator.defaultGenerator(), low, high, shape);
  }

  /**
   * Uniform integers in {@code [low, high)}, int64; each value's probability is within {@code
   * 2^-64} of {@code 1 / (high - low)} (see {@link dev.adjoint.backend.Philox}).
   */
  public static Tensor randint(Generator gen, long low, long high, int... shape) {
    if (high <= low) {
      throw new IllegalArgumentException(
          "randint: expected low < high, got low=" + low + ", high=" + high);
    }
    if (high - low <= 0) {
      throw new IllegalArgumentException("randint: the range [" + low + ", " + high
          + ") is wider than 2^63 - 1");
    }
    Objects.requireNonNull(gen, "randint: gen");
    numel("randint", shape); // checked here, so that errors name randint
    Tensor out = empty(DType.INT64, Device.cpu(), shape);
    long n = out.numel();
    out.backend().randomInt(out.storage, 0, n, gen.initialSeed(), gen.reserve(n), low, high);
    return out;
  }

  /** Reseeds the default generator, as {@code torch.manual_seed}. */
  public static void manualSeed(long seed) {
    Generator.manualSeed(seed);
  }

  /** A 1-d float32 tensor of these values. */
  public static Tensor of(float... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  /** A 2-d float32 tensor of these rows (all the same length). */
  public static Tensor of(float[]... rows) {
    Objects.requireNonNull(rows, "of: rows");

    int cols = checkRows("of", rows, r -> ((float[]) r).length);
    float[] flat = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return fromArray(flat, rows.length, cols);
  }

  /** A 1-d float64 tensor of these values (float64 is kept, like {@code torch.from_numpy}). */
  public static Tensor of(double... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  /** A 2-d float64 tensor of these rows, like {@code torch.from_numpy(np.eye(3))}. */
  public static Tensor of(double[]... rows) {
    Objects.requireNonNull(rows, "of: rows");

    int cols = checkRows("of", rows, r -> ((double[]) r).length);
    double[] flat = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return fromArray(flat, rows.length, cols);
  }

  /** A 1-d int64 tensor of these values. */
  public static Tensor of(long... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  /** A 2-d int64 tensor of these rows. */
  public static Tensor of(long[]... rows) {
    Objects.requireNonNull(rows, "of: rows");

    int cols = checkRows("of", rows, r -> ((long[]) r).length);
    long[] flat = new long[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return fromArray(flat, rows.length, cols);
  }

  /** A 1-d bool tensor of these values. */
  public static Tensor of(boolean... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  private static int checkRows(String op, Object[] rows,
      java.util.function.ToIntFunction<Object> len) {
    if (rows.length == 0) {
      return 0;
    }
    int cols = len.applyAsInt(Objects.requireNonNull(rows[0], op + ": row 0 is null"));
    for (int i = 1; i < rows.length; i++) {
      Objects.requireNonNull(rows[i], op + ": row " + i + " is null");
      if (len.applyAsInt(rows[i]) != cols) {
        throw new IllegalArgumentException(op + ": rows must have the same length; row 0 has "
            + cols + " values, row " + i + " has " + len.applyAsInt(rows[i]));
      }
    }
    // Rows may share one array, so their total can pass an int though each exists.
    numel(op, "shape", new int[] {rows.length, cols});
    return cols;
  }

  /**
   * A tensor of {@code shape} holding a copy of {@code data} (float[], double[], long[] or
   * boolean[], which fixes the dtype) in row-major order.
   */
  public static Tensor fromArray(Object data, int... shape) {
    Objects.requireNonNull(data, "fromArray: data");
    if (!(data instanceof float[] || data instanceof double[] || data instanceof long[]
        || data instanceof boolean[])) {
      throw new IllegalArgumentException("fromArray: data must be a float[], double[], long[] or"
          + " boolean[], got " + data.getClass().getSimpleName());
    }
    int n = numel("fromArray", shape);
    int length = java.lang.reflect.Array.getLength(data);
    if (length != n) {
      throw new IllegalArgumentException("fromArray: " + length + " values do not fill shape "
          + Layout.str(shape) + " (" + n + " elements)");
    }
    Object copy = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), n);
    System.arraycopy(data, 0, copy, 0, n);
    return dense(Backends.cpu().fromHostArray(copy), shape.clone());
  }

  /** A 0-d float32 tensor, as {@code torch.tensor(2.)}. */
  public static Tensor scalar(double value) {
    return scalar(value, DType.FLOAT32);
  }

  /** A 0-d tensor of {@code dtype}. */
  public static Tensor scalar(double value, DType dtype) {
    Objects.requireNonNull(dtype, "scalar: dtype");

    return full(value, dtype);
  }

  /** A 0-d int64 tensor, as {@code torch.tensor(2)}. */
  public static Tensor scalar(long value) {
    return fromArray(new long[] {value});
  }

  /** A 0-d bool tensor. */
  public static Tensor scalar(boolean value) {
    return fromArray(new boolean[] {value});
  }

  // ================================================================== devices and dtypes

  /**
   * This tensor on {@code device}: itself when already there, else a copy whose gradient flows
   * back to this tensor's device.
   */
  @Primitive(rules = ShapeRules.class)
  public Tensor to(Device device) {
    Objects.requireNonNull(device, "to: device");
    if (device.equals(device())) {
      return this;
    }
    Backend target = Backends.of(device);
    Tensor c = contiguous();
    Object host = c.backend().toHostArray(c.storage, c.layout);
    return TensorTape.to(dense(target.fromHostArray(host), shape.clone()), this, device);
  }

  /**
   * This tensor converted to {@code dtype}: itself when already that type, else a copy. Between
   * floating dtypes the gradient flows back converted; an int64 or bool result carries none.
   */
  @Primitive(rules = ShapeRules.class)
  public Tensor to(DType dtype) {
    Objects.requireNonNull(dtype, "to: dtype");

    return TensorTape.to(converted(dtype), this, dtype);
  }

  private Tensor converted(DType dtype) {
    if (dtype == this.dtype) {
      return this;
    }
    Tensor out = empty(dtype, device(), shape);
    backend().copy(storage, layout, out.storage, out.layout);
    return out;
  }

  /** This tensor on {@code device} as {@code dtype}. */
  public Tensor to(Device device, DType dtype) {
    Objects.requireNonNull(dtype, "to: dtype");

    return to(dtype).to(device);
  }

  /** On the CPU ({@code .cpu()}). */
  public Tensor cpu() {
    return to(Device.cpu());
  }

  /** As float32 ({@code .float()}); the gradient flows back in this tensor's dtype. */
  @Primitive(rules = ShapeRules.class)
  public Tensor toFloat() {
    return TensorTape.toFloat(converted(DType.FLOAT32), this);
  }

  /** As float64 ({@code .double()}); the gradient flows back in this tensor's dtype. */
  @Primitive(rules = ShapeRules.class)
  public Tensor toDouble() {
    return TensorTape.toDouble(converted(DType.FLOAT64), this);
  }

  /** As int64, truncating toward zero ({@code .long()}); cuts the gradient. */
  @Primitive(differentiable = false)
  public Tensor toLong() {
    return converted(DType.INT64);
  }

  /** As bool, nonzero is true ({@code .bool()}); cuts the gradient. */
  @Primitive(differentiable = false)
  public Tensor toBool() {
    return converted(DType.BOOL);
  }

  // ================================================================== back to Java

  private Object hostArray() {
    Tensor c = contiguous();
    return c.backend().toHostArray(c.storage, c.layout);
  }

  /** The elements in row-major order as float32 values (converting if needed). */
  public float[] toFloatArray() {
    return (float[]) to(DType.FLOAT32).hostArray();
  }

  /** The elements in row-major order as float64 values. */
  public double[] toDoubleArray() {
    return (double[]) to(DType.FLOAT64).hostArray();
  }

  /** The elements in row-major order as int64 values (floats truncated toward zero). */
  public long[] toLongArray() {
    return (long[]) to(DType.INT64).hostArray();
  }

  /** The elements in row-major order as booleans (nonzero is true). */
  public boolean[] toBooleanArray() {
    return (boolean[]) to(DType.BOOL).hostArray();
  }

  /** A 2-d tensor as rows of float32 values ({@code A.numpy()} for a matrix). */
  public float[][] toFloatArray2d() {
    require2d("toFloatArray2d");
    float[] flat = toFloatArray();
    float[][] rows = new float[shape[0]][];
    for (int i = 0; i < shape[0]; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * shape[1], (i + 1) * shape[1]);
    }
    return rows;
  }

  /** A 2-d tensor as rows of float64 values. */
  public double[][] toDoubleArray2d() {
    require2d("toDoubleArray2d");
    double[] flat = toDoubleArray();
    double[][] rows = new double[shape[0]][];
    for (int i = 0; i < shape[0]; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * shape[1], (i + 1) * shape[1]);
    }
    return rows;
  }

  private void require2d(String op) {
    if (shape.length != 2) {
      throw new IllegalArgumentException(op + ": expected a 2-d tensor, got shape "
          + Layout.str(shape));
    }
  }

  /**
   * The elements as nested Java arrays of the dtype's element type, {@code A.tolist()} style: a
   * 2-d float32 tensor gives {@code float[][]}, a 0-d one a boxed {@code Float}.
   */
  public Object toArray() {
    Object flat = hostArray();
    if (shape.length == 0) {
      return java.lang.reflect.Array.get(flat, 0);
    }
    return nest(flat, 0, 0);
  }

  private Object nest(Object flat, int dim, int start) {
    int n = shape[dim];
    if (dim == shape.length - 1) {
      Object row = java.lang.reflect.Array.newInstance(flat.getClass().getComponentType(), n);
      System.arraycopy(flat, start, row, 0, n);
      return row;
    }
    int block = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      block *= shape[d];
    }
    Class<?> rowType = flat.getClass();
    for (int d = dim + 2; d < shape.length; d++) {
      rowType = rowType.arrayType();
    }
    Object out = java.lang.reflect.Array.newInstance(rowType, n);
    for (int i = 0; i < n; i++) {
      java.lang.reflect.Array.set(out, i, nest(flat, dim + 1, start + i * block));
    }
    return out;
  }

  /** The value of a one-element tensor as a double ({@code .item()}). */
  public double item() {
    requireOneElement("item");
    return toDoubleArray()[0];
  }

  /** The value of a one-element tensor as a long (exact for int64). */
  public long itemLong() {
    requireOneElement("itemLong");
    return toLongArray()[0];
  }

  /** The value of a one-element tensor as a boolean. */
  public boolean itemBoolean() {
    requireOneElement("itemBoolean");
    return toBooleanArray()[0];
  }

  private void requireOneElement(String op) {
    if (numel != 1) {
      throw new IllegalStateException(op + ": a tensor with " + numel
          + " elements cannot be converted to a scalar (shape " + Layout.str(shape) + ")");
    }
  }

  // ================================================================== views

  /**
   * The transpose of a matrix ({@code .t()}); 0-d and 1-d tensors are returned as they are.
   *
   * @throws IllegalArgumentException for more than 2 dimensions (use {@link #transpose})
   */
  @Primitive(rules = ShapeRules.class)
  public Tensor t() {
    if (shape.length > 2) {
      throw new IllegalArgumentException("t: expects a tensor with <= 2 dimensions, but it has "
          + shape.length + " (shape " + Layout.str(shape) + "); use transpose(dim0, dim1)");
    }
    return TensorTape.t(shape.length < 2 ? this : untracked(() -> transpose(0, 1)), this);
  }

  /** Swaps two dimensions (a view). */
  @Primitive(rules = ShapeRules.class)
  public Tensor transpose(int dim0, int dim1) {
    int a = Layout.dim("transpose", dim0, shape.length);
    int b = Layout.dim("transpose", dim1, shape.length);
    return TensorTape.transpose(viewOf(shape.length > 0 ? layout.transpose(a, b) : layout),
        this, dim0, dim1);
  }

  /** Reorders the dimensions (a view): result dim {@code i} is this tensor's {@code dims[i]}. */
  @Primitive(rules = ShapeRules.class)
  public Tensor permute(int... dims) {
    Objects.requireNonNull(dims, "permute: dims");

    if (dims.length != shape.length) {
      throw new IllegalArgumentException("permute: " + dims.length + " dims given for a "
          + shape.length + "-d tensor (shape " + Layout.str(shape) + ")");
    }
    int[] wrapped = new int[dims.length];
    boolean[] seen = new boolean[dims.length];
    for (int i = 0; i < dims.length; i++) {
      int d = Layout.dim("permute", dims[i], shape.length);
      if (seen[d]) {
        throw new IllegalArgumentException("permute: dim " + d + " appears more than once in "
            + Arrays.toString(dims));
      }
      seen[d] = true;
      wrapped[i] = d;
    }
    return TensorTape.permute(viewOf(layout.permute(wrapped)), this, dims);
  }

  /**
   * The same elements with another shape, sharing storage; one size may be -1.
   *
   * @throws IllegalArgumentException when the sizes do not match or the layout needs a copy (use
   *     {@link #reshape})
   */
  @Primitive(rules = ShapeRules.class)
  public Tensor view(int... newShape) {
    int[] s = Layout.inferSize("view", newShape, numel, shape);
    Layout viewed = layout.view(s);
    if (viewed == null) {
      throw new IllegalArgumentException("view: size " + Layout.str(s) + " is not compatible with"
          + " the input's size " + Layout.str(shape) + " and strides "
          + Arrays.toString(layout.strides())
          + " (at least one dimension spans two contiguous subspaces); use reshape(...) instead");
    }
    return TensorTape.view(viewOf(viewed), this, newShape);
  }

  /** The same elements with another shape: a view when the layout allows, else a copy. */
  @Primitive(rules = ShapeRules.class)
  public Tensor reshape(int... newShape) {
    int[] s = Layout.inferSize("reshape", newShape, numel, shape);
    Layout viewed = layout.view(s);
    if (viewed != null) {
      return TensorTape.reshape(viewOf(viewed), this, newShape);
    }
    return TensorTape.reshape(untracked(() -> contiguous().view(s)), this, newShape);
  }

  /** All dimensions merged into one. */
  @Primitive(rules = ShapeRules.class)
  public Tensor flatten() {
    return TensorTape.flatten(untracked(() -> reshape(numel)), this);
  }

  /** Dimensions {@code startDim..endDim} (inclusive) merged into one. */
  @Primitive(rules = ShapeRules.class)
  public Tensor flatten(int startDim, int endDim) {
    if (shape.length == 0) {
      return TensorTape.flatten(untracked(() -> reshape(1)), this, startDim, endDim);
    }
    int a = Layout.dim("flatten", startDim, shape.length);
    int b = Layout.dim("flatten", endDim, shape.length);
    if (a > b) {
      throw new IllegalArgumentException("flatten: startDim " + startDim
          + " comes after endDim " + endDim);
    }
    int[] s = new int[shape.length - (b - a)];
    // Only an empty tensor's dims can multiply past an int; then the merged size must still fit.
    s[a] = numel("flatten", "merged dimensions", Arrays.copyOfRange(shape, a, b + 1));
    System.arraycopy(shape, 0, s, 0, a);
    System.arraycopy(shape, b + 1, s, a + 1, shape.length - b - 1);
    return TensorTape.flatten(untracked(() -> reshape(s)), this, startDim, endDim);
  }

  /** Removes every dimension of size 1. */
  @Primitive(rules = ShapeRules.class)
  public Tensor squeeze() {
    int kept = 0;
    for (int s : shape) {
      kept += s == 1 ? 0 : 1;
    }
    return TensorTape.squeeze(kept == shape.length ? viewOf(layout) : viewOf(layout.squeezeAll()),
        this);
  }

  /** Removes dimension {@code dim} if its size is 1; otherwise returns this tensor. */
  @Primitive(rules = ShapeRules.class)
  public Tensor squeeze(int dim) {
    if (shape.length == 0) {
      Layout.dim("squeeze", dim, 0);
      return TensorTape.squeeze(this, this, dim);
    }
    int d = Layout.dim("squeeze", dim, shape.length);
    if (shape[d] != 1) {
      return TensorTape.squeeze(this, this, dim);
    }
    return TensorTape.squeeze(viewOf(layout.squeeze(d)), this, dim);
  }

  /** Inserts a dimension of size 1 at {@code dim} ({@code -1} appends). */
  @Primitive(rules = ShapeRules.class)
  public Tensor unsqueeze(int dim) {
    int d = Layout.dim("unsqueeze", dim, shape.length + 1);
    return TensorTape.unsqueeze(viewOf(layout.unsqueeze(d)), this, dim);
  }

  /**
   * A view with size-1 dimensions repeated to {@code sizes} without copying (stride 0); -1 keeps
   * a size, and new leading dimensions may be added.
   */
  @Primitive(rules = ShapeRules.class)
  public Tensor expand(int... sizes) {
    return TensorTape.expand(expanded("expand", sizes), this, sizes);
  }

  /** The view {@link #expand} returns, its arguments checked as {@code op}. */
  private Tensor expanded(String op, int[] sizes) {
    Objects.requireNonNull(sizes, op + ": sizes");
    if (sizes.length < shape.length) {
      throw new IllegalArgumentException(op + ": the number of sizes provided ("
          + sizes.length + ") must be at least the number of dimensions (" + shape.length
          + "), shape " + Layout.str(shape));
    }
    int lead = sizes.length - shape.length;
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
      } else if (sizes[i] == -1 || sizes[i] == shape[d]) {
        s[i] = shape[d];
        st[i] = layout.stride(d);
      } else if (shape[d] == 1 && sizes[i] >= 0) {
        s[i] = sizes[i];
        st[i] = 0;
      } else {
        throw new IllegalArgumentException(op + ": the expanded size of the tensor ("
            + sizes[i] + ") must match the existing size (" + shape[d]
            + ") at non-singleton dimension " + i + "; target sizes " + Arrays.toString(sizes)
            + ", tensor shape " + Layout.str(shape));
      }
    }
    numel(op, "expanded shape", s);
    return viewOf(Layout.of(s, st, layout.offset()));
  }

  /** {@link #expand} to another tensor's shape. */
  @Primitive(rules = ShapeRules.class, nondifferentiable = "other")
  public Tensor expandAs(Tensor other) {
    Objects.requireNonNull(other, "expandAs: other");
    return TensorTape.expandAs(expanded("expandAs", other.shape), this, other);
  }

  /** This tensor if it is contiguous, else a contiguous copy. */
  @Primitive(rules = ShapeRules.class)
  public Tensor contiguous() {
    return TensorTape.contiguous(isContiguous() ? this : copyUntracked(), this);
  }

  /** A contiguous copy that records nothing: the start of an out-of-place op's result. */
  private Tensor copyUntracked() {
    Tensor out = zerosLike();
    backend().copy(storage, layout, out.storage, out.layout);
    return out;
  }

  /** A contiguous copy with its own storage. */
  @Override
  @Primitive(rules = ShapeRules.class)
  public Tensor clone() {
    Tensor out = zerosLike();
    backend().copy(storage, layout, out.storage, out.layout);
    return TensorTape.clone(out, this);
  }

  // ================================================================== indexing

  /**
   * Indexes the leading dimensions: {@code A.get(0, 0)} is {@code A[0, 0]}, a 0-d view;
   * {@code A.get(1)} is row 1. Negative indices count from the end.
   */
  @Primitive(rules = ShapeRules.class)
  public Tensor get(int... indices) {
    Objects.requireNonNull(indices, "get: indices");

    if (indices.length > shape.length) {
      throw new IndexOutOfBoundsException("get: too many indices (" + indices.length
          + ") for a tensor of dimension " + shape.length);
    }
    for (int i = 0; i < indices.length; i++) {
      checkIndex("get", indices[i], i); // names dimension i of this tensor, as PyTorch does
    }
    Tensor t = untracked(() -> {
      Tensor v = this;
      for (int index : indices) {
        v = v.select(0, index);
      }
      return v;
    });
    return TensorTape.get(t, this, indices);
  }

  /** The slice at position {@code index} of dimension {@code dim}, which is removed (a view). */
  @Primitive(rules = ShapeRules.class)
  public Tensor select(int dim, int index) {
    if (shape.length == 0) {
      throw new IndexOutOfBoundsException("select: invalid index of a 0-dim tensor");
    }
    int d = Layout.dim("select", dim, shape.length);
    int i = checkIndex("select", index, d);
    return TensorTape.select(viewOf(layout.select(d, i)), this, dim, index);
  }

  /** Ops that pick along a dimension cannot be applied to a 0-d tensor, which has none. */
  private void requireDims(String op) {
    if (shape.length == 0) {
      throw new IndexOutOfBoundsException(op + ": cannot be applied to a 0-dim tensor (it has"
          + " no dimensions)");
    }
  }

  private int checkIndex(String op, int index, int d) {
    int size = shape[d];
    if (index < -size || index >= size) {
      throw new IndexOutOfBoundsException(op + ": index " + index
          + " is out of bounds for dimension " + d + " with size " + size);
    }
    return index < 0 ? index + size : index;
  }

  /** {@code length} elements of dimension {@code dim} from {@code start} (a view). */
  @Primitive(rules = ShapeRules.class)
  public Tensor narrow(int dim, int start, int length) {
    requireDims("narrow");
    int d = Layout.dim("narrow", dim, shape.length);
    long s = start < 0 ? (long) start + shape[d] : start;
    if (s < 0 || length < 0 || s + length > shape[d]) {
      throw new IndexOutOfBoundsException("narrow: start " + start + " and length " + length
          + " do not fit dimension " + d + " of size " + shape[d]);
    }
    return TensorTape.narrow(viewOf(layout.slice(d, s, length, 1)), this, dim, start, length);
  }

  /**
   * Python's {@code start:stop:step} on dimension {@code dim} (a view). {@code null} start or stop
   * means the end; negative values count from the end; out-of-range values are clipped.
   */
  @Primitive(rules = ShapeRules.class)
  public Tensor slice(int dim, Integer start, Integer stop, int step) {
    requireDims("slice");
    int d = Layout.dim("slice", dim, shape.length);
    if (step <= 0) {
      throw new IllegalArgumentException("slice: step must be greater than zero, got " + step);
    }
    int size = shape[d];
    int a = clip(start == null ? 0 : start, size);
    int b = clip(stop == null ? size : stop, size);
    int len = b > a ? (int) (((long) b - a + step - 1) / step) : 0;
    // With two or more elements, step * stride stays inside the storage; with one, the layout
    // keeps the stride rather than a meaningless huge one.
    return TensorTape.slice(viewOf(layout.slice(d, a, len, step)), this, dim, start, stop,
        step);
  }

  private static int clip(int i, int size) {
    if (i < 0) {
      i += size;
    }
    return Math.max(0, Math.min(size, i));
  }

  /** Indexes with a NumPy subscript such as {@code ":, 1:3"} (see {@link Index#parse}). */
  @Primitive(rules = ShapeRules.class)
  public Tensor index(String subscript) {
    Objects.requireNonNull(subscript, "index: subscript");

    return TensorTape.index(untracked(() -> index(Index.parse(subscript))), this, subscript);
  }

  /** Indexes with positions, slices, new axes and an ellipsis (a view); see {@link Index}. */
  @Primitive(rules = ShapeRules.class)
  public Tensor index(Index... components) {
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
    if (consumed > shape.length) {
      throw new IndexOutOfBoundsException("index: too many indices for tensor of dimension "
          + shape.length + " (got " + Arrays.toString(components) + ")");
    }
    int unconsumed = shape.length - consumed;
    Tensor t = untracked(() -> {
      Tensor v = this;
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
    return TensorTape.index(t, this, components);
  }

  /**
   * The elements at {@code index} (int64, 1-d or 0-d) along {@code dim}, copied
   * ({@code torch.index_select}). Indices lie in {@code [0, size(dim))}; as in PyTorch, -1 is out
   * of range, not the last row.
   *
   * @throws IndexOutOfBoundsException naming the op and the index when one is out of range
   */
  @Primitive(rules = IndexingRules.class, nondifferentiable = "index")
  public Tensor indexSelect(int dim, Tensor index) {
    Objects.requireNonNull(index, "indexSelect: index");

    int d = Layout.dim("indexSelect", dim, Math.max(shape.length, 1));
    Tensor self = shape.length == 0 ? reshape(1) : this;
    requireIndexTensor("indexSelect", index);
    if (index.dim() > 1) {
      throw new IllegalArgumentException("indexSelect: index must be 0-d or 1-d, got shape "
          + Layout.str(index.shape));
    }
    checkSameDevice("indexSelect", index);
    // The backend checks the indices (on a device: where they lie, no host copy).
    int count = index.numel();
    int[] outShape = self.shape.clone();
    outShape[d] = count;
    Tensor out = empty(dtype, device(), outShape);
    Tensor ix = index.reshape(count).contiguous();
    backend().indexSelect(self.storage, self.layout, d, ix.storage, ix.layout, out.storage,
        out.layout);
    return TensorTape.indexSelect(shape.length == 0 ? out.reshape() : out,
        this, dim, index);
  }

  /**
   * {@code out[i][j] = this[i][index[i][j]]} for {@code dim = 1}, and so on for other dims
   * ({@code torch.gather}). {@code index} is int64 with this tensor's number of dimensions and
   * sizes no larger than its own outside {@code dim}.
   */
  @Primitive(rules = IndexingRules.class, nondifferentiable = "index")
  public Tensor gather(int dim, Tensor index) {
    Objects.requireNonNull(index, "gather: index");

    requireIndexTensor("gather", index);
    checkSameDevice("gather", index);
    int d = Layout.dim("gather", dim, Math.max(shape.length, 1));
    if (index.dim() != shape.length) {
      throw new IllegalArgumentException("gather: index " + Layout.str(index.shape)
          + " must have as many dimensions as the input " + Layout.str(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      if (i != d && index.shape[i] > shape[i]) {
        throw new IllegalArgumentException("gather: index size " + index.shape[i]
            + " at dimension " + i + " exceeds the input's size " + shape[i] + " (index "
            + Layout.str(index.shape) + ", input " + Layout.str(shape) + ")");
      }
    }
    // The backend checks the indices.
    Tensor out = empty(dtype, device(), index.shape);
    Tensor ix = index.contiguous();
    backend().gather(storage, layout, d, ix.storage, ix.layout, out.storage, out.layout);
    return TensorTape.gather(out, this, dim, index);
  }

  /**
   * A copy of this tensor with the slices of {@code source} added at positions {@code index}
   * along {@code dim} ({@code torch.index_add}, out of place): {@code out[..., index[i], ...] +=
   * source[..., i, ...]}, repeated indices accumulating (bool: logical or). {@code index} is
   * int64, 0-d or 1-d, with values in {@code [0, size(dim))} (as in PyTorch, -1 is out of range,
   * not the last row); {@code source} has this tensor's dtype and shape except
   * {@code index.numel()} at {@code dim}.
   *
   * @throws IndexOutOfBoundsException naming the op and the index when one is out of range
   */
  @Primitive(rules = IndexingRules.class, nondifferentiable = "index")
  public Tensor indexAdd(int dim, Tensor index, Tensor source) {
    Objects.requireNonNull(index, "indexAdd: index");
    Objects.requireNonNull(source, "indexAdd: source");
    requireIndexTensor("indexAdd", index);
    checkSameDevice("indexAdd", index);
    checkSameDevice("indexAdd", source);
    int d = Layout.dim("indexAdd", dim, Math.max(shape.length, 1));
    if (index.dim() > 1) {
      throw new IllegalArgumentException("indexAdd: index must be 0-d or 1-d, got shape "
          + Layout.str(index.shape));
    }
    if (source.dtype != dtype) {
      throw new IllegalArgumentException("indexAdd: source dtype " + source.dtype
          + " must match the input's dtype " + dtype);
    }
    int[] rows = shape.length == 0 ? new int[] {1} : shape;
    int[] expected = rows.clone();
    expected[d] = index.numel();
    int[] given = source.shape.length == 0 ? new int[] {1} : source.shape;
    if (!Arrays.equals(given, expected)) {
      throw new IllegalArgumentException("indexAdd: source shape " + Layout.str(source.shape)
          + " must be the input's shape " + Layout.str(shape) + " with size " + index.numel()
          + " (the number of indices) at dimension " + d + ", i.e. " + Layout.str(expected));
    }
    // The backend checks the indices.
    int count = index.numel();
    Tensor out = copyUntracked();
    if (count > 0 && numel > 0) {
      Tensor dst = out.view(rows);
      Tensor ix = index.reshape(count).contiguous();
      Tensor src = source.contiguous().view(given);
      backend().indexAdd(dst.storage, dst.layout, d, ix.storage, ix.layout, src.storage,
          src.layout);
    }
    return TensorTape.indexAdd(out, this, dim, index, source);
  }

  /**
   * A copy of this tensor with {@code src} added at the positions {@code index} gives
   * ({@code torch.scatter_add}, out of place): {@code out[i][index[i][j]] += src[i][j]} for
   * {@code dim = 1}, and so on for other dims, repeated indices accumulating (bool: logical or).
   * {@code index} is int64 with as many dimensions as this tensor and {@code src}, and sizes no
   * larger than {@code src}'s, nor than this tensor's outside {@code dim}; {@code src} has this
   * tensor's dtype. Only the part of {@code src} that {@code index} covers is used.
   */
  @Primitive(rules = IndexingRules.class, nondifferentiable = "index")
  public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
    Objects.requireNonNull(index, "scatterAdd: index");
    Objects.requireNonNull(src, "scatterAdd: src");
    requireIndexTensor("scatterAdd", index);
    checkSameDevice("scatterAdd", index);
    checkSameDevice("scatterAdd", src);
    int d = Layout.dim("scatterAdd", dim, Math.max(shape.length, 1));
    if (src.dtype != dtype) {
      throw new IllegalArgumentException("scatterAdd: src dtype " + src.dtype
          + " must match the input's dtype " + dtype);
    }
    if (index.dim() != shape.length || src.dim() != shape.length) {
      throw new IllegalArgumentException("scatterAdd: index " + Layout.str(index.shape)
          + " and src " + Layout.str(src.shape) + " must have as many dimensions as the input "
          + Layout.str(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      if (index.shape[i] > src.shape[i]) {
        throw new IllegalArgumentException("scatterAdd: index size " + index.shape[i]
            + " at dimension " + i + " exceeds src's size " + src.shape[i] + " (index "
            + Layout.str(index.shape) + ", src " + Layout.str(src.shape) + ")");
      }
      if (i != d && index.shape[i] > shape[i]) {
        throw new IllegalArgumentException("scatterAdd: index size " + index.shape[i]
            + " at dimension " + i + " exceeds the input's size " + shape[i] + " (index "
            + Layout.str(index.shape) + ", input " + Layout.str(shape) + ")");
      }
    }
    // The backend checks the indices.
    Tensor out = copyUntracked();
    if (index.numel() > 0) {
      Tensor ix = index.contiguous();
      backend().scatterAdd(out.storage, out.layout, d, ix.storage, ix.layout, src.storage,
          src.layout);
    }
    return TensorTape.scatterAdd(out, this, dim, index, src);
  }

  private static void requireIndexTensor(String op, Tensor index) {
    if (index.dtype != DType.INT64) {
      throw new IllegalArgumentException(op + ": index must be torch.int64, got "
          + index.dtype);
    }
  }

  /**
   * The positions of nonzero (true) elements as an int64 tensor of shape {@code [count, dim()]},
   * in row-major order ({@code torch.nonzero}).
   */
  @Primitive(differentiable = false)
  public Tensor nonzero() {
    boolean[] flags = toBooleanArray();
    int count = 0;
    for (boolean f : flags) {
      count += f ? 1 : 0;
    }
    long[] out = new long[numel("nonzero", "result shape", new int[] {count, shape.length})];
    int[] pos = new int[shape.length];
    for (int e = 0, row = 0; e < flags.length; e++) {
      if (flags[e]) {
        for (int d = 0; d < shape.length; d++) {
          out[row * shape.length + d] = pos[d];
        }
        row++;
      }
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++pos[d] < shape[d]) {
          break;
        }
        pos[d] = 0;
      }
    }
    return fromArray(out, count, shape.length).to(device());
  }

  /**
   * Boolean-mask indexing, {@code A[mask]}: {@code mask} (bool) covers the leading dimensions of
   * this tensor; the result stacks the selected sub-tensors into a new first dimension (a copy).
   */
  @Primitive(rules = IndexingRules.class, nondifferentiable = "mask")
  public Tensor index(Tensor mask) {
    Objects.requireNonNull(mask, "index: mask");

    if (mask.dtype != DType.BOOL) {
      throw new IllegalArgumentException("index: a tensor index must be a bool mask here, got "
          + mask.dtype + "; use indexSelect or gather for integer indices");
    }
    checkSameDevice("index", mask);
    int k = mask.dim();
    if (k > shape.length || !Arrays.equals(mask.shape, Arrays.copyOfRange(shape, 0, k))) {
      throw new IllegalArgumentException("index: the shape of the mask " + Layout.str(mask.shape)
          + " does not match the leading dimensions of the indexed tensor " + Layout.str(shape));
    }
    int lead = 1;
    for (int d = 0; d < k; d++) {
      lead *= shape[d];
    }
    int[] rest = Arrays.copyOfRange(shape, k, shape.length);
    int[] flatShape = insert(rest, 0, lead);
    Tensor rows = untracked(() -> reshape(flatShape));
    Tensor picks = mask.reshape(lead).nonzero().reshape(-1);
    return TensorTape.index(untracked(() -> rows.indexSelect(0, picks)), this, mask);
  }

  /** The elements where {@code mask} (broadcast to this shape) is true, as a 1-d copy. */
  @Primitive(rules = IndexingRules.class, nondifferentiable = "mask")
  public Tensor maskedSelect(Tensor mask) {
    Objects.requireNonNull(mask, "maskedSelect: mask");

    if (mask.dtype != DType.BOOL) {
      throw new IllegalArgumentException("maskedSelect: mask must be torch.bool, got "
          + mask.dtype);
    }
    int[] s = broadcast("maskedSelect", shape, mask.shape);
    return TensorTape.maskedSelect(
        untracked(() -> expand(s).index(mask.expand(s).contiguous())), this, mask);
  }

  /** A copy with {@code value} where {@code mask} is true. */
  @Primitive(rules = PointwiseRules.class, nondifferentiable = "mask")
  public Tensor maskedFill(Tensor mask, double value) {
    Objects.requireNonNull(mask, "maskedFill: mask");

    if (mask.dtype != DType.BOOL) {
      throw new IllegalArgumentException("maskedFill: mask must be torch.bool, got "
          + mask.dtype);
    }
    broadcast("maskedFill", shape, mask.shape);
    return TensorTape.maskedFill(untracked(() -> where(mask, scalarLike(value, dtype), this)),
        this, mask, value);
  }

  /** Joins tensors along dimension 0. */
  @Primitive(rules = IndexingRules.class)
  public static Tensor cat(List<Tensor> tensors) {
    return TensorTape.cat(untracked(() -> cat(tensors, 0)), tensors);
  }

  /**
   * Joins tensors along an existing dimension; all other sizes must match. dtypes are promoted.
   */
  @Primitive(rules = IndexingRules.class)
  public static Tensor cat(List<Tensor> tensors, int dim) {
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
      Tensor t = Objects.requireNonNull(tensors.get(i), "cat: tensor " + i + " is null");
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
      first.checkSameDevice("cat", t);
      dt = DType.promote(dt, t.dtype);
      total += t.shape[d];
    }
    int[] outShape = first.shape.clone();
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cat: the sizes along dimension " + d + " of "
          + tensors.size() + " tensors add up to " + total + ", more than 2^31 - 1");
    }
    outShape[d] = (int) total;
    numel("cat", "result shape", outShape);
    Tensor out = empty(dt, first.device(), outShape);
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

  /** Stacks same-shaped tensors along a new dimension 0. */
  @Primitive(rules = IndexingRules.class)
  public static Tensor stack(List<Tensor> tensors) {
    return TensorTape.stack(untracked(() -> stack(tensors, 0)), tensors);
  }

  /** Stacks same-shaped tensors along a new dimension {@code dim}. */
  @Primitive(rules = IndexingRules.class)
  public static Tensor stack(List<Tensor> tensors, int dim) {
    if (tensors == null || tensors.isEmpty()) {
      throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
    }
    int[] s = tensors.get(0).shape;
    List<Tensor> lifted = new ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = Objects.requireNonNull(tensors.get(i), "stack: tensor " + i + " is null");
      if (!Arrays.equals(t.shape, s)) {
        throw new IllegalArgumentException("stack: expects each tensor to be equal size, but got "
            + Layout.str(s) + " at entry 0 and " + Layout.str(t.shape) + " at entry " + i);
      }
      lifted.add(untracked(() -> t.unsqueeze(Layout.dim("stack", dim, s.length + 1))));
    }
    numel("stack", "result shape",
        insert(s, Layout.dim("stack", dim, s.length + 1), tensors.size()));
    return TensorTape.stack(untracked(() -> cat(lifted, Layout.dim("stack", dim, s.length + 1))),
        tensors, dim);
  }

  /** Splits into views of {@code splitSize} along {@code dim}; the last may be smaller. */
  public List<Tensor> split(int splitSize, int dim) {
    requireDims("split");
    int d = Layout.dim("split", dim, shape.length);
    if (splitSize <= 0) {
      throw new IllegalArgumentException("split: split size must be positive, got " + splitSize);
    }
    List<Tensor> out = new ArrayList<>();
    for (long at = 0; at < shape[d] || (at == 0 && shape[d] == 0); at += splitSize) {
      out.add(narrow(d, (int) at, (int) Math.min(splitSize, shape[d] - at)));
      if (shape[d] == 0) {
        break;
      }
    }
    return out;
  }

  /** Splits into views of the given sizes along {@code dim}; they must add up to its size. */
  public List<Tensor> split(int[] sizes, int dim) {
    Objects.requireNonNull(sizes, "split: sizes");

    requireDims("split");
    int d = Layout.dim("split", dim, shape.length);
    long sum = 0;
    for (int s : sizes) {
      if (s < 0) {
        throw new IllegalArgumentException("split: sizes must be non-negative, got "
            + Arrays.toString(sizes));
      }
      sum += s;
    }
    if (sum != shape[d]) {
      throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to "
          + sum + " but dimension " + d + " has size " + shape[d]);
    }
    List<Tensor> out = new ArrayList<>();
    int at = 0;
    for (int s : sizes) {
      out.add(narrow(d, at, s));
      at += s;
    }
    return out;
  }

  /** Splits into {@code chunks} nearly equal views along {@code dim}. */
  public List<Tensor> chunk(int chunks, int dim) {
    requireDims("chunk");
    if (chunks <= 0) {
      throw new IllegalArgumentException("chunk: number of chunks must be positive, got "
          + chunks);
    }
    int d = Layout.dim("chunk", dim, shape.length);
    return split(Math.max(1, (shape[d] + chunks - 1) / chunks), d);
  }

  // ================================================================== elementwise

  /** {@code this + other}, broadcast. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor add(Tensor other) {
    return TensorTape.add(binary(BinaryOp.ADD, "add", other, null), this, other);
  }

  /** {@code this + alpha * other} ({@code torch.add(input, other, alpha=...)}). */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor add(Tensor other, double alpha) {
    Objects.requireNonNull(other, "add: other");

    return TensorTape.add(untracked(() -> add(other.mul(alpha))), this, other, alpha);
  }

  /** {@code this + value}; a float scalar makes integer tensors float32. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor add(double value) {
    return TensorTape.add(binary(BinaryOp.ADD, "add", floatScalar(value), null), this, value);
  }

  /** {@code this + value}; keeps integer tensors integer. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor add(long value) {
    return TensorTape.add(binaryInt(BinaryOp.ADD, "add", value, null), this, value);
  }

  /** {@code this - other}, broadcast. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor sub(Tensor other) {
    return TensorTape.sub(binary(BinaryOp.SUB, "sub", other, null), this, other);
  }

  /** {@code this - value}. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor sub(double value) {
    return TensorTape.sub(binary(BinaryOp.SUB, "sub", floatScalar(value), null), this, value);
  }

  /** {@code this - value}. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor sub(long value) {
    return TensorTape.sub(binaryInt(BinaryOp.SUB, "sub", value, null), this, value);
  }

  /** {@code this * other}, broadcast. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor mul(Tensor other) {
    return TensorTape.mul(binary(BinaryOp.MUL, "mul", other, null), this, other);
  }

  /** {@code this * value}. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor mul(double value) {
    return TensorTape.mul(binary(BinaryOp.MUL, "mul", floatScalar(value), null), this, value);
  }

  /** {@code this * value}. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor mul(long value) {
    return TensorTape.mul(binaryInt(BinaryOp.MUL, "mul", value, null), this, value);
  }

  /** {@code this / other}, true division: integer inputs give float32. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor div(Tensor other) {
    return TensorTape.div(binary(BinaryOp.DIV, "div", other, null), this, other);
  }

  /** {@code this / value}. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor div(double value) {
    return TensorTape.div(binary(BinaryOp.DIV, "div", floatScalar(value), null), this, value);
  }

  /** {@code this ** exponent}, broadcast. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor pow(Tensor exponent) {
    return TensorTape.pow(binary(BinaryOp.POW, "pow", exponent, null), this, exponent);
  }

  /** {@code this ** exponent} ({@code x ** 2}). */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor pow(double exponent) {
    return TensorTape.pow(binary(BinaryOp.POW, "pow", floatScalar(exponent), null), this, exponent);
  }

  /** {@code this ** exponent}; integer tensors stay integer. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor pow(long exponent) {
    if (exponent < 0 && !dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("pow: integers to negative integer powers are not"
          + " allowed (" + dtype + " tensor ** " + exponent + "); use pow(" + exponent + ".0)");
    }
    return TensorTape.pow(binaryInt(BinaryOp.POW, "pow", exponent, null), this, exponent);
  }

  /** Elementwise maximum; NaN propagates. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor maximum(Tensor other) {
    return TensorTape.maximum(binary(BinaryOp.MAXIMUM, "maximum", other, null), this, other);
  }

  /** Elementwise minimum; NaN propagates. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor minimum(Tensor other) {
    return TensorTape.minimum(binary(BinaryOp.MINIMUM, "minimum", other, null), this, other);
  }

  /** {@code this == other} as bool. */
  @Primitive(differentiable = false)
  public Tensor eq(Tensor other) {
    return binary(BinaryOp.EQ, "eq", other, null);
  }

  /** {@code this == value} as bool. */
  @Primitive(differentiable = false)
  public Tensor eq(double value) {
    return binary(BinaryOp.EQ, "eq", floatScalar(value), null);
  }

  /** {@code this != other} as bool. */
  @Primitive(differentiable = false)
  public Tensor ne(Tensor other) {
    return binary(BinaryOp.NE, "ne", other, null);
  }

  /** {@code this != value} as bool. */
  @Primitive(differentiable = false)
  public Tensor ne(double value) {
    return binary(BinaryOp.NE, "ne", floatScalar(value), null);
  }

  /** {@code this < other} as bool. */
  @Primitive(differentiable = false)
  public Tensor lt(Tensor other) {
    return binary(BinaryOp.LT, "lt", other, null);
  }

  /** {@code this < value} as bool. */
  @Primitive(differentiable = false)
  public Tensor lt(double value) {
    return binary(BinaryOp.LT, "lt", floatScalar(value), null);
  }

  /** {@code this <= other} as bool. */
  @Primitive(differentiable = false)
  public Tensor le(Tensor other) {
    return binary(BinaryOp.LE, "le", other, null);
  }

  /** {@code this <= value} as bool. */
  @Primitive(differentiable = false)
  public Tensor le(double value) {
    return binary(BinaryOp.LE, "le", floatScalar(value), null);
  }

  /** {@code this > other} as bool. */
  @Primitive(differentiable = false)
  public Tensor gt(Tensor other) {
    return binary(BinaryOp.GT, "gt", other, null);
  }

  /** {@code this > value} as bool. */
  @Primitive(differentiable = false)
  public Tensor gt(double value) {
    return binary(BinaryOp.GT, "gt", floatScalar(value), null);
  }

  /** {@code this >= other} as bool. */
  @Primitive(differentiable = false)
  public Tensor ge(Tensor other) {
    return binary(BinaryOp.GE, "ge", other, null);
  }

  /** {@code this >= value} as bool. */
  @Primitive(differentiable = false)
  public Tensor ge(double value) {
    return binary(BinaryOp.GE, "ge", floatScalar(value), null);
  }

  /** Elementwise logical and (nonzero is true), bool. */
  @Primitive(differentiable = false)
  public Tensor logicalAnd(Tensor other) {
    Objects.requireNonNull(other, "logicalAnd: other");

    return toBool().binary(BinaryOp.LOGICAL_AND, "logicalAnd", other.toBool(), null);
  }

  /** Elementwise logical or (nonzero is true), bool. */
  @Primitive(differentiable = false)
  public Tensor logicalOr(Tensor other) {
    Objects.requireNonNull(other, "logicalOr: other");

    return toBool().binary(BinaryOp.LOGICAL_OR, "logicalOr", other.toBool(), null);
  }

  /** Elementwise logical not (zero is true), bool. */
  @Primitive(differentiable = false)
  public Tensor logicalNot() {
    return eq(scalarLike(0, dtype));
  }

  /**
   * {@code condition ? x : y} elementwise, all three broadcast together ({@code torch.where});
   * the result has the promoted dtype of {@code x} and {@code y}.
   */
  @Primitive(rules = PointwiseRules.class, nondifferentiable = "condition")
  public static Tensor where(Tensor condition, Tensor x, Tensor y) {
    Objects.requireNonNull(condition, "where: condition");
    Objects.requireNonNull(x, "where: x");
    Objects.requireNonNull(y, "where: y");

    if (condition.dtype != DType.BOOL) {
      throw new IllegalArgumentException("where: condition must be torch.bool, got "
          + condition.dtype);
    }
    condition.checkSameDevice("where", x);
    condition.checkSameDevice("where", y);
    int[] s = broadcast("where", broadcast("where", condition.shape, x.shape),
        y.shape);
    DType dt = resultType(x, y);
    Tensor out = empty(dt, x.device(), s);
    Tensor c = condition.expand(s);
    Tensor a = x.to(dt).expand(s);
    Tensor b = y.to(dt).expand(s);
    out.backend().where(c.storage, c.layout, a.storage, a.layout, b.storage, b.layout,
        out.storage, out.layout);
    return TensorTape.where(out, condition, x, y);
  }

  /** {@code -this}. */
  @Primitive(rules = ArithmeticRules.class)
  public Tensor neg() {
    return TensorTape.neg(unary(UnaryOp.NEG, 0, 0, false), this);
  }

  /**
   * {@code e ** this}. Float32 results are within 1 ulp of the correctly rounded value (not
   * necessarily bit-identical to {@code (float) Math.exp}: with the Vector API module the CPU
   * backend uses vector math routines, as PyTorch does); see {@link
   * dev.adjoint.backend.UnaryOp#EXP}.
   */
  @Primitive(rules = PointwiseRules.class)
  public Tensor exp() {
    return TensorTape.exp(unary(UnaryOp.EXP, 0, 0, false), this);
  }

  /** Natural logarithm (NaN below 0, -inf at 0, as in PyTorch). */
  @Primitive(rules = PointwiseRules.class)
  public Tensor log() {
    return TensorTape.log(unary(UnaryOp.LOG, 0, 0, false), this);
  }

  /** Square root (NaN below 0). */
  @Primitive(rules = PointwiseRules.class)
  public Tensor sqrt() {
    return TensorTape.sqrt(unary(UnaryOp.SQRT, 0, 0, false), this);
  }

  /** Absolute value. */
  @Primitive(rules = PointwiseRules.class)
  public Tensor abs() {
    return TensorTape.abs(unary(UnaryOp.ABS, 0, 0, false), this);
  }

  /** -1, 0 or 1 by sign. */
  @Primitive(rules = PointwiseRules.class)
  public Tensor sign() {
    return TensorTape.sign(unary(UnaryOp.SIGN, 0, 0, false), this);
  }

  /**
   * Hyperbolic tangent. Float32 results are within 1 ulp of the correctly rounded value (not
   * necessarily bit-identical to {@code (float) Math.tanh}: with the Vector API module the CPU
   * backend uses vector math routines, as PyTorch does); see {@link
   * dev.adjoint.backend.UnaryOp#EXP}.
   */
  @Primitive(rules = PointwiseRules.class)
  public Tensor tanh() {
    return TensorTape.tanh(unary(UnaryOp.TANH, 0, 0, false), this);
  }

  /**
   * {@code 1 / (1 + e ** -this)}. Float32 results are within 1 ulp of the correctly rounded
   * value (not necessarily bit-identical to a computation with {@code Math.exp}: with the Vector
   * API module the CPU backend uses vector math routines, as PyTorch does); see {@link
   * dev.adjoint.backend.UnaryOp#EXP}.
   */
  @Primitive(rules = PointwiseRules.class)
  public Tensor sigmoid() {
    return TensorTape.sigmoid(unary(UnaryOp.SIGMOID, 0, 0, false), this);
  }

  /** {@code max(this, 0)}. */
  @Primitive(rules = PointwiseRules.class)
  public Tensor relu() {
    return TensorTape.relu(unary(UnaryOp.RELU, 0, 0, false), this);
  }

  /** Clamps into {@code [min, max]}; use infinities for one-sided bounds. */
  @Primitive(rules = PointwiseRules.class)
  public Tensor clamp(double min, double max) {
    return TensorTape.clamp(clampTo(min, max, false), this, min, max);
  }

  /** {@code max(this, min)}. */
  @Primitive(rules = PointwiseRules.class)
  public Tensor clampMin(double min) {
    return TensorTape.clampMin(clampTo(min, Double.POSITIVE_INFINITY, false), this, min);
  }

  /** {@code min(this, max)}. */
  @Primitive(rules = PointwiseRules.class)
  public Tensor clampMax(double max) {
    return TensorTape.clampMax(clampTo(Double.NEGATIVE_INFINITY, max, false), this, max);
  }

  private Tensor clampTo(double min, double max, boolean inPlace) {
    if (Double.isNaN(min) || Double.isNaN(max)) {
      throw new IllegalArgumentException("clamp: bounds must not be NaN, got min=" + min
          + ", max=" + max);
    }
    boolean integral = (Double.isInfinite(min) || min == Math.rint(min))
        && (Double.isInfinite(max) || max == Math.rint(max));
    if (inPlace && dtype == DType.INT64 && !integral) {
      throw new IllegalArgumentException("clamp_: result type " + DType.FLOAT32
          + " can't be cast to the desired output type " + dtype + " (bounds " + min + ", "
          + max + ")");
    }
    if (!inPlace && dtype == DType.INT64 && !integral) {
      return toFloat().clampTo(min, max, false);
    }
    return unary(UnaryOp.CLAMP, min, max, inPlace);
  }

  // ------------------------------------------------------------------ in place

  /** {@code this += other} in place; returns this. */
  public Tensor add_(Tensor other) {
    return binary(BinaryOp.ADD, "add_", other, this);
  }

  /** {@code this += value} in place. */
  public Tensor add_(double value) {
    return binary(BinaryOp.ADD, "add_", floatScalar(value), this);
  }

  /** {@code this += value} in place; an integer scalar keeps integer tensors valid targets. */
  public Tensor add_(long value) {
    return binaryInt(BinaryOp.ADD, "add_", value, this);
  }

  /** {@code this += alpha * other} in place. */
  public Tensor add_(Tensor other, double alpha) {
    Objects.requireNonNull(other, "add_: other");

    return add_(other.mul(alpha));
  }

  /** {@code this -= other} in place. */
  public Tensor sub_(Tensor other) {
    return binary(BinaryOp.SUB, "sub_", other, this);
  }

  /** {@code this -= value} in place. */
  public Tensor sub_(double value) {
    return binary(BinaryOp.SUB, "sub_", floatScalar(value), this);
  }

  /** {@code this -= value} in place. */
  public Tensor sub_(long value) {
    return binaryInt(BinaryOp.SUB, "sub_", value, this);
  }

  /** {@code this *= other} in place. */
  public Tensor mul_(Tensor other) {
    return binary(BinaryOp.MUL, "mul_", other, this);
  }

  /** {@code this *= value} in place. */
  public Tensor mul_(double value) {
    return binary(BinaryOp.MUL, "mul_", floatScalar(value), this);
  }

  /** {@code this *= value} in place. */
  public Tensor mul_(long value) {
    return binaryInt(BinaryOp.MUL, "mul_", value, this);
  }

  /** {@code this /= other} in place (floating tensors only). */
  public Tensor div_(Tensor other) {
    return binary(BinaryOp.DIV, "div_", other, this);
  }

  /** {@code this /= value} in place (floating tensors only). */
  public Tensor div_(double value) {
    return binary(BinaryOp.DIV, "div_", floatScalar(value), this);
  }

  /** {@code this = this ** exponent} in place. */
  public Tensor pow_(double exponent) {
    return binary(BinaryOp.POW, "pow_", floatScalar(exponent), this);
  }

  /** Negates in place. */
  public Tensor neg_() {
    return unary(UnaryOp.NEG, 0, 0, true);
  }

  /** {@link #exp()} in place. */
  public Tensor exp_() {
    return unary(UnaryOp.EXP, 0, 0, true);
  }

  /** {@link #log()} in place. */
  public Tensor log_() {
    return unary(UnaryOp.LOG, 0, 0, true);
  }

  /** {@link #sqrt()} in place. */
  public Tensor sqrt_() {
    return unary(UnaryOp.SQRT, 0, 0, true);
  }

  /** {@link #abs()} in place. */
  public Tensor abs_() {
    return unary(UnaryOp.ABS, 0, 0, true);
  }

  /** {@link #sign()} in place. */
  public Tensor sign_() {
    return unary(UnaryOp.SIGN, 0, 0, true);
  }

  /** {@link #tanh()} in place. */
  public Tensor tanh_() {
    return unary(UnaryOp.TANH, 0, 0, true);
  }

  /** {@link #sigmoid()} in place. */
  public Tensor sigmoid_() {
    return unary(UnaryOp.SIGMOID, 0, 0, true);
  }

  /** {@link #relu()} in place. */
  public Tensor relu_() {
    return unary(UnaryOp.RELU, 0, 0, true);
  }

  /** {@link #clamp} in place. */
  public Tensor clamp_(double min, double max) {
    return clampTo(min, max, true);
  }

  /** Sets every element to {@code value}; returns this. */
  public Tensor fill_(double value) {
    checkInPlace("fill_");
    backend().fill(storage, layout, value);
    return this;
  }

  /** Sets every element to zero; returns this. */
  public Tensor zero_() {
    return fill_(0);
  }

  /** Copies {@code src} (broadcast to this shape, converted to this dtype) into this tensor. */
  public Tensor copy_(Tensor src) {
    Objects.requireNonNull(src, "copy_: src");

    checkInPlace("copy_");
    checkUntrackedOperand("copy_", src);
    checkSameDevice("copy_", src);
    int[] s = broadcast("copy_", shape, src.shape);
    if (!Arrays.equals(s, shape)) {
      throw new IllegalArgumentException("copy_: source shape " + Layout.str(src.shape)
          + " cannot be broadcast to destination shape " + Layout.str(shape));
    }
    Tensor from = src.storage == storage ? src.clone() : src;
    Tensor expanded = from.expand(shape);
    backend().copy(expanded.storage, expanded.layout, storage, layout);
    return this;
  }

  // ------------------------------------------------------------------ machinery

  /** A Python float operand: a 0-d tensor of this dtype when floating, else float32. */
  private Scalar floatScalar(double value) {
    DType dt = dtype.isFloatingPoint() ? dtype : DType.FLOAT32;
    return new Scalar(dt == DType.FLOAT32 ? (float) value : value, dt);
  }

  /**
   * A scalar operand: what a 0-d tensor of {@code dtype} holding {@code value} would be, passed to
   * the backend as a kernel argument instead ({@link Backend#binaryScalar}), so no tensor is
   * allocated or filled. {@code value} is already rounded to {@code dtype}.
   */
  private record Scalar(double value, DType dtype) {}

  /**
   * {@link #binary} with a Python int operand, which does not widen a floating tensor. Integers
   * beyond 2^53 (not exact in a double) go through a 0-d int64 tensor, exactly.
   */
  private Tensor binaryInt(BinaryOp op, String name, long value, Tensor out) {
    if (Math.abs(value) <= 1L << 53) {
      return binary(op, name, new Scalar(value, DType.INT64), out);
    }
    return binary(op, name, fromArray(new long[] {value}).to(device()), out);
  }

  private Tensor scalarLike(double value, DType dt) {
    return empty(dt, device(), new int[0]).fill_(value);
  }

  /**
   * PyTorch's result type for two operands: the larger category wins, but a 0-d operand does not
   * widen a dimensioned one of the same category ({@code float32 tensor + float64 0-d} stays
   * float32).
   */
  static DType resultType(Tensor a, Tensor b) {
    return resultType(a.dtype, a.dim() == 0, b.dtype, b.dim() == 0);
  }

  private static DType resultType(DType a, boolean aScalar, DType b, boolean bScalar) {
    if (aScalar == bScalar) {
      return DType.promote(a, b);
    }
    DType dimmed = aScalar ? b : a;
    DType zero = aScalar ? a : b;
    if (category(zero) > category(dimmed)) {
      return zero.isFloatingPoint() && !dimmed.isFloatingPoint()
          ? zero
          : DType.promote(zero, dimmed);
    }
    return dimmed;
  }

  private static int category(DType d) {
    return switch (d) {
      case BOOL -> 0;
      case INT64 -> 1;
      case FLOAT32, FLOAT64 -> 2;
    };
  }

  private void checkSameDevice(String op, Tensor other) {
    if (!device().equals(other.device())) {
      throw new IllegalArgumentException(op + ": expected all tensors to be on the same device,"
          + " but found at least two devices, " + device() + " and " + other.device());
    }
  }

  /** The dtype {@code op} computes in for operands whose result type is {@code common}. */
  private static DType computeType(BinaryOp op, String name, DType common) {
    if (op == BinaryOp.DIV && !common.isFloatingPoint()) {
      return DType.FLOAT32;
    } else if (op == BinaryOp.POW && common == DType.BOOL) {
      return DType.INT64;
    } else if (common == DType.BOOL && (op == BinaryOp.SUB)) {
      throw new IllegalArgumentException(name + ": subtraction of two bool tensors is not"
          + " supported; use logicalXor or logicalNot instead");
    }
    return common;
  }

  /**
   * {@code this op scalar} (into {@code out} when in place): the result of {@link #binary} with a
   * 0-d tensor of the scalar's dtype, without the tensor.
   */
  private Tensor binary(BinaryOp op, String name, Scalar other, Tensor out) {
    DType compute = computeType(op, name, resultType(dtype, shape.length == 0, other.dtype, true));
    DType resultDtype = op.isComparison() ? DType.BOOL : compute;
    if (out != null) {
      checkInPlace(name);
      if (!DType.canCast(resultDtype, dtype)) {
        throw new IllegalArgumentException(name + ": result type " + resultDtype
            + " can't be cast to the desired output type " + dtype);
      }
      compute = op.isComparison() ? compute : dtype;
    } else {
      out = empty(resultDtype, device(), shape);
    }
    Tensor x = to(compute);
    backend().binaryScalar(op, x.storage, x.layout, other.value, false, out.storage,
        out.layout);
    return out;
  }

  private Tensor binary(BinaryOp op, String name, Tensor other, Tensor out) {
    Objects.requireNonNull(other, name + ": other");
    checkSameDevice(name, other);
    DType compute = computeType(op, name, resultType(this, other));
    int[] s = broadcast(name, shape, other.shape);
    DType resultDtype = op.isComparison() ? DType.BOOL : compute;
    Tensor a = this;
    Tensor b = other;
    if (out != null) {
      checkInPlace(name);
      checkUntrackedOperand(name, other);
      if (!Arrays.equals(s, shape)) {
        throw new IllegalArgumentException(name + ": output with shape " + Layout.str(shape)
            + " doesn't match the broadcast shape " + Layout.str(s));
      }
      if (!DType.canCast(resultDtype, dtype)) {
        throw new IllegalArgumentException(name + ": result type " + resultDtype
            + " can't be cast to the desired output type " + dtype);
      }
      // In place, compute in the destination's own type; copy an operand that aliases it.
      compute = op.isComparison() ? compute : dtype;
      if (b.storage == storage) {
        b = b.clone();
      }
    } else {
      out = empty(resultDtype, device(), s);
    }
    Tensor x = a.to(compute).expand(s);
    Tensor y = b.to(compute).expand(s);
    backend().binary(op, x.storage, x.layout, y.storage, y.layout, out.storage, out.layout);
    return out;
  }

  private Tensor unary(UnaryOp op, double p1, double p2, boolean inPlace) {
    String name = op.opName() + (inPlace ? "_" : "");
    DType compute = dtype;
    if (dtype == DType.BOOL || (dtype == DType.INT64 && !op.keepsIntegers())) {
      if (op.keepsIntegers()) {
        throw new IllegalArgumentException(name + ": not supported for torch.bool tensors");
      }
      compute = DType.FLOAT32;
    }
    if (inPlace) {
      checkInPlace(name);
      if (compute != dtype) {
        throw new IllegalArgumentException(name + ": result type " + compute
            + " can't be cast to the desired output type " + dtype);
      }
      backend().unary(op, storage, layout, storage, layout, p1, p2);
      return this;
    }
    Tensor src = to(compute);
    Tensor out = empty(compute, device(), shape);
    backend().unary(op, src.storage, src.layout, out.storage, out.layout, p1, p2);
    return out;
  }

  // ================================================================== reductions

  /** Sum of all elements (0-d); integer and bool tensors sum to int64. */
  @Primitive(rules = ReductionRules.class)
  public Tensor sum() {
    return TensorTape.sum(reduce("sum", ReduceOp.SUM, null, false, 0).values(), this);
  }

  /** Sum over {@code dim}. */
  @Primitive(rules = ReductionRules.class)
  public Tensor sum(int dim) {
    return TensorTape.sum(untracked(() -> sum(new int[] {dim}, false)), this, dim);
  }

  /** Sum over {@code dim}, keeping it as size 1 when {@code keepdim}. */
  @Primitive(rules = ReductionRules.class)
  public Tensor sum(int dim, boolean keepdim) {
    return TensorTape.sum(untracked(() -> sum(new int[] {dim}, keepdim)), this, dim, keepdim);
  }

  /** Sum over several dims. */
  @Primitive(rules = ReductionRules.class)
  public Tensor sum(int[] dims, boolean keepdim) {
    return TensorTape.sum(reduce("sum", ReduceOp.SUM, dims, keepdim, 0).values(),
        this, dims, keepdim);
  }

  /** Product of all elements (0-d); integer and bool tensors multiply to int64. */
  @Primitive(rules = ReductionRules.class)
  public Tensor prod() {
    return TensorTape.prod(reduce("prod", ReduceOp.PROD, null, false, 0).values(), this);
  }

  /** Product over {@code dim}, keeping it as size 1 when {@code keepdim}. */
  @Primitive(rules = ReductionRules.class)
  public Tensor prod(int dim, boolean keepdim) {
    return TensorTape.prod(reduce("prod", ReduceOp.PROD, new int[] {dim}, keepdim, 0).values(),
        this, dim, keepdim);
  }

  /** Mean of all elements (floating tensors only). */
  @Primitive(rules = ReductionRules.class)
  public Tensor mean() {
    return TensorTape.mean(reduce("mean", ReduceOp.MEAN, null, false, 0).values(), this);
  }

  /** Mean over {@code dim}. */
  @Primitive(rules = ReductionRules.class)
  public Tensor mean(int dim) {
    return TensorTape.mean(untracked(() -> mean(new int[] {dim}, false)), this, dim);
  }

  /** Mean over {@code dim}, keeping it when {@code keepdim}. */
  @Primitive(rules = ReductionRules.class)
  public Tensor mean(int dim, boolean keepdim) {
    return TensorTape.mean(untracked(() -> mean(new int[] {dim}, keepdim)), this, dim,
        keepdim);
  }

  /** Mean over several dims. */
  @Primitive(rules = ReductionRules.class)
  public Tensor mean(int[] dims, boolean keepdim) {
    return TensorTape.mean(reduce("mean", ReduceOp.MEAN, dims, keepdim, 0).values(),
        this, dims, keepdim);
  }

  /** The largest element (0-d); NaN if any element is NaN. */
  @Primitive(rules = ReductionRules.class)
  public Tensor max() {
    return TensorTape.max(reduce("max", ReduceOp.MAX, null, false, 0).values(), this);
  }

  /** Largest values along {@code dim} and their indices. */
  @Primitive(rules = ReductionRules.class, output = "values")
  public ValuesIndices max(int dim) {
    return TensorTape.max(untracked(() -> max(dim, false)), this, dim);
  }

  /** Largest values along {@code dim} and their indices, keeping the dim when asked. */
  @Primitive(rules = ReductionRules.class, output = "values")
  public ValuesIndices max(int dim, boolean keepdim) {
    return TensorTape.max(reduce("max", ReduceOp.MAX, new int[] {dim}, keepdim, 0),
        this, dim, keepdim);
  }

  /** The smallest element (0-d). */
  @Primitive(rules = ReductionRules.class)
  public Tensor min() {
    return TensorTape.min(reduce("min", ReduceOp.MIN, null, false, 0).values(), this);
  }

  /** Smallest values along {@code dim} and their indices. */
  @Primitive(rules = ReductionRules.class, output = "values")
  public ValuesIndices min(int dim) {
    return TensorTape.min(untracked(() -> min(dim, false)), this, dim);
  }

  /** Smallest values along {@code dim} and their indices, keeping the dim when asked. */
  @Primitive(rules = ReductionRules.class, output = "values")
  public ValuesIndices min(int dim, boolean keepdim) {
    return TensorTape.min(reduce("min", ReduceOp.MIN, new int[] {dim}, keepdim, 0),
        this, dim, keepdim);
  }

  /** Index of the largest element in the flattened tensor (0-d int64). */
  @Primitive(differentiable = false)
  public Tensor argmax() {
    return reduce("argmax", ReduceOp.MAX, null, false, 0).indices();
  }

  /** Indices of the largest values along {@code dim}. */
  @Primitive(differentiable = false)
  public Tensor argmax(int dim, boolean keepdim) {
    return reduce("argmax", ReduceOp.MAX, new int[] {dim}, keepdim, 0).indices();
  }

  /** Index of the smallest element in the flattened tensor (0-d int64). */
  @Primitive(differentiable = false)
  public Tensor argmin() {
    return reduce("argmin", ReduceOp.MIN, null, false, 0).indices();
  }

  /** Indices of the smallest values along {@code dim}. */
  @Primitive(differentiable = false)
  public Tensor argmin(int dim, boolean keepdim) {
    return reduce("argmin", ReduceOp.MIN, new int[] {dim}, keepdim, 0).indices();
  }

  /** Unbiased variance of all elements (divides by n - 1, as {@code torch.var}). */
  @Primitive(rules = ReductionRules.class)
  public Tensor var() {
    return TensorTape.var(untracked(() -> var(null, 1, false)), this);
  }

  /** Unbiased variance along {@code dim}. */
  @Primitive(rules = ReductionRules.class)
  public Tensor var(int dim) {
    return TensorTape.var(untracked(() -> var(new int[] {dim}, 1, false)), this, dim);
  }

  /**
   * Variance over {@code dims} (null: all) dividing by {@code n - correction}: 1 is unbiased
   * (Bessel), 0 the population variance.
   */
  @Primitive(rules = ReductionRules.class)
  public Tensor var(int[] dims, int correction, boolean keepdim) {
    return TensorTape.var(reduce("var", ReduceOp.VAR, dims, keepdim, correction).values(),
        this, dims, correction, keepdim);
  }

  /** Unbiased standard deviation of all elements. */
  @Primitive(rules = ReductionRules.class)
  public Tensor std() {
    return TensorTape.std(reduce("std", ReduceOp.VAR, null, false, 1).values().sqrt(), this);
  }

  /** Unbiased standard deviation along {@code dim}. */
  @Primitive(rules = ReductionRules.class)
  public Tensor std(int dim) {
    return TensorTape.std(reduce("std", ReduceOp.VAR, new int[] {dim}, false, 1).values().sqrt(),
        this, dim);
  }

  /** Standard deviation over {@code dims} with the given correction. */
  @Primitive(rules = ReductionRules.class)
  public Tensor std(int[] dims, int correction, boolean keepdim) {
    return TensorTape.std(reduce("std", ReduceOp.VAR, dims, keepdim, correction).values().sqrt(),
        this, dims, correction, keepdim);
  }

  /** {@code log(sum(exp(this)))} along {@code dim}, computed without overflow. */
  @Primitive(rules = ReductionRules.class)
  public Tensor logsumexp(int dim) {
    return TensorTape.logsumexp(untracked(() -> logsumexp(new int[] {dim}, false)), this, dim);
  }

  /** {@code log(sum(exp(this)))} along {@code dim}, keeping it when asked. */
  @Primitive(rules = ReductionRules.class)
  public Tensor logsumexp(int dim, boolean keepdim) {
    return TensorTape.logsumexp(untracked(() -> logsumexp(new int[] {dim}, keepdim)), this,
        dim, keepdim);
  }

  /** {@code log(sum(exp(this)))} over several dims. */
  @Primitive(rules = ReductionRules.class)
  public Tensor logsumexp(int[] dims, boolean keepdim) {
    return TensorTape.logsumexp(reduce("logsumexp", ReduceOp.LOGSUMEXP, dims, keepdim, 0).values(),
        this, dims, keepdim);
  }

  private ValuesIndices reduce(String name, ReduceOp op, int[] dims, boolean keepdim,
      double param) {
    int rank = shape.length;
    boolean[] reduced = new boolean[rank];
    boolean all = dims == null;
    if (all) {
      Arrays.fill(reduced, true);
    } else {
      for (int dim : dims) {
        int d = Layout.dim(name, dim, rank);
        if (rank > 0 && reduced[d]) {
          throw new IllegalArgumentException(name + ": dim " + d + " appears multiple times in "
              + Arrays.toString(dims));
        }
        if (rank > 0) {
          reduced[d] = true;
        }
      }
    }
    DType outType;
    switch (op) {
      case SUM, PROD -> outType = dtype.isFloatingPoint() ? dtype : DType.INT64;
      case MAX, MIN -> outType = dtype;
      default -> {
        if (!dtype.isFloatingPoint()) {
          if (op == ReduceOp.LOGSUMEXP) {
            outType = DType.FLOAT32;
          } else {
            throw new IllegalArgumentException(name + ": input dtype must be floating point, got "
                + dtype);
          }
        } else {
          outType = dtype;
        }
      }
    }
    int[] perm = new int[rank];
    int k = 0;
    int outer = 1;
    int inner = 1;
    List<Integer> outShape = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      if (!reduced[d]) {
        perm[k++] = d;
        outer *= shape[d];
        outShape.add(shape[d]);
      } else if (keepdim) {
        outShape.add(1);
      }
    }
    boolean reducedEmpty = false; // tested apart: an empty input's product may wrap to 0
    for (int d = 0; d < rank; d++) {
      if (reduced[d]) {
        perm[k++] = d;
        inner *= shape[d];
        reducedEmpty |= shape[d] == 0;
      }
    }
    int[] resultShape = outShape.stream().mapToInt(Integer::intValue).toArray();
    boolean indexed = op == ReduceOp.MAX || op == ReduceOp.MIN;
    if (reducedEmpty) {
      if (indexed) {
        throw new IllegalArgumentException(name + ": cannot reduce over a dimension of size 0"
            + " (shape " + Layout.str(shape) + "); the operation has no identity");
      }
      // Only an empty input can have kept dims that multiply past an int.
      numel(name, "result shape", resultShape);
      double identity = switch (op) {
        case SUM -> 0;
        case PROD -> 1;
        case LOGSUMEXP -> Double.NEGATIVE_INFINITY;
        default -> Double.NaN;
      };
      return new ValuesIndices(empty(outType, device(), resultShape).fill_(identity), null);
    }
    // The backend reads any strided view in place: a broadcast or permuted input is never copied,
    // and it converts the input's dtype as it reads.
    Tensor src = permute(perm);
    Tensor values = empty(outType, device(), new int[] {outer});
    Tensor indices = indexed ? empty(DType.INT64, device(), new int[] {outer}) : null;
    if (outer > 0) {
      backend().reduce(op, src.storage, src.layout, outer, inner, values.storage, 0,
          indices == null ? null : indices.storage, 0, param);
    }
    return new ValuesIndices(values.view(resultShape),
        indices == null ? null : indices.view(resultShape));
  }

  // ================================================================== linear algebra

  /**
   * Matrix product with PyTorch's rules: 1-d by 1-d is a dot product (0-d), 2-d by 2-d a matrix
   * product, a 1-d operand is treated as a row (left) or column (right) vector and that dimension
   * removed afterwards, and leading batch dimensions broadcast.
   */
  @Primitive(rules = LinalgRules.class)
  public Tensor matmul(Tensor other) {
    return TensorTape.matmul(product("matmul", other), this, other);
  }

  /**
   * How a 2-d tensor lies for {@link Backend#gemm}: {@code {0, ld}} row-major (unit stride along
   * columns), {@code {1, ld}} column-major (a transposed matrix), or null when neither (a stepped
   * or broadcast view, which is copied first). Dimensions of size 1 fit either.
   */
  private long[] gemmLayout() {
    return gemmLayout(shape[0], shape[1], layout.stride(0), layout.stride(1));
  }

  /** {@link #gemmLayout()} of a {@code rows x cols} matrix with these strides. */
  private static long[] gemmLayout(int rows, int cols, long rowStride, long colStride) {
    if (cols == 1 || colStride == 1) {
      long ld = rows == 1 ? Math.max(1, cols) : rowStride;
      if (ld >= Math.max(1, cols)) {
        return new long[] {0, ld};
      }
    }
    if (rows == 1 || rowStride == 1) {
      long ld = cols == 1 ? Math.max(1, rows) : colStride;
      if (ld >= Math.max(1, rows)) {
        return new long[] {1, ld};
      }
    }
    return null;
  }

  /**
   * How {@code t}, broadcast to {@code [batch..., rows, cols]}, lies for a strided batched GEMM
   * read in place: {@code {trans, ld, batchStride}} with its layout seen as {@code [count, rows,
   * cols]} (a broadcast batch has stride 0), or null when the batch dimensions do not merge into
   * one stride or a matrix is neither row- nor column-major (then it is copied).
   */
  private static Layout batchedGemmView(Tensor t, int[] batch, int count, int rows, int cols) {
    Layout l = t.layout.expand(concat(batch, rows, cols)).view(new int[] {count, rows, cols});
    return l == null || gemmLayout(rows, cols, l.stride(1), l.stride(2)) == null ? null : l;
  }

  /** {@link #matmul}, its arguments checked as {@code op} (matmul, mm or bmm). */
  private Tensor product(String op, Tensor other) {
    Objects.requireNonNull(other, op + ": other");
    checkSameDevice(op, other);
    if (dim() == 0 || other.dim() == 0) {
      throw new IllegalArgumentException(op + ": both arguments need at least 1 dimension, got "
          + Layout.str(shape) + " and " + Layout.str(other.shape));
    }
    DType dt = DType.promote(dtype, other.dtype);
    if (dt == DType.BOOL) {
      throw new IllegalArgumentException(op + ": not supported for torch.bool tensors");
    }
    Tensor a = dim() == 1 ? unsqueeze(0) : this;
    Tensor b = other.dim() == 1 ? other.unsqueeze(1) : other;
    int m = a.shape[a.dim() - 2];
    int k = a.shape[a.dim() - 1];
    int k2 = b.shape[b.dim() - 2];
    int n = b.shape[b.dim() - 1];
    if (k != k2) {
      throw new IllegalArgumentException(op + ": shapes " + Layout.str(shape) + " and "
          + Layout.str(other.shape) + " cannot be multiplied (" + m + "x" + k + " and " + k2
          + "x" + n + ")");
    }
    int[] batchA = Arrays.copyOf(a.shape, a.dim() - 2);
    int[] batchB = Arrays.copyOf(b.shape, b.dim() - 2);
    int[] batch = broadcast(op, batchA, batchB);
    int bn = numel(op, "broadcast batch shape", batch);
    numel(op, "result shape", concat(batch, m, n));
    numel(op, "broadcast left operand shape", concat(batch, m, k));
    numel(op, "broadcast right operand shape", concat(batch, k, n));
    Tensor result;
    long[] la = a.dim() == 2 && a.dtype == dt && dt.isFloatingPoint() ? a.gemmLayout() : null;
    long[] lb = b.dim() == 2 && b.dtype == dt && dt.isFloatingPoint() ? b.gemmLayout() : null;
    if (la != null && lb != null) {
      // 2-d @ 2-d: both read where they lie (a transposed weight is not copied).
      result = empty(dt, device(), new int[] {m, n});
      if (m > 0 && n > 0) {
        backend().gemm(la[0] == 1, lb[0] == 1, m, n, k, 1, a.storage, a.layout.offset(), la[1],
            0, b.storage, b.layout.offset(), lb[1], 0, 0, result.storage, 0, n, 0, 1);
      }
    } else if (batchB.length == 0 && bn > 1) {
      // [..., m, k] @ [k, n]: fold the batch into the rows instead of copying b per batch entry.
      Tensor a2 = a.to(dt).reshape(bn * m, k).contiguous();
      Tensor b2 = b.to(dt);
      long[] lb2 = dt.isFloatingPoint() ? b2.gemmLayout() : null;
      if (lb2 == null) {
        b2 = b2.contiguous();
        lb2 = new long[] {0, Math.max(1, n)};
      }
      Tensor out = empty(dt, device(), new int[] {bn * m, n});
      if (m > 0 && n > 0) {
        backend().gemm(false, lb2[0] == 1, bn * m, n, k, 1, a2.storage, a2.layout.offset(),
            Math.max(1, k), 0, b2.storage, b2.layout.offset(), lb2[1], 0, 0, out.storage, 0, n,
            0, 1);
      }
      result = out.view(concat(batch, m, n));
    } else {
      // Each operand is read where it lies when its batch dimensions merge into one stride (a
      // broadcast batch reads one matrix with stride 0) and its matrices are row- or
      // column-major, as a transposed batch is; otherwise it is copied once.
      Tensor a1 = a.to(dt);
      Tensor b1 = b.to(dt);
      Layout la3 = batchedGemmView(a1, batch, bn, m, k);
      if (la3 == null) {
        a1 = a1.expand(concat(batch, m, k)).reshape(bn, m, k).contiguous();
        la3 = a1.layout;
      }
      Layout lb3 = batchedGemmView(b1, batch, bn, k, n);
      if (lb3 == null) {
        b1 = b1.expand(concat(batch, k, n)).reshape(bn, k, n).contiguous();
        lb3 = b1.layout;
      }
      long[] ga = k == 0 ? null : gemmLayout(m, k, la3.stride(1), la3.stride(2));
      long[] gb = k == 0 ? null : gemmLayout(k, n, lb3.stride(1), lb3.stride(2));
      Tensor out = empty(dt, device(), new int[] {bn, m, n});
      if (bn > 0 && m > 0 && n > 0 && k > 0) {
        backend().gemm(ga[0] == 1, gb[0] == 1, m, n, k, 1, a1.storage, la3.offset(), ga[1],
            bn == 1 ? 0 : la3.stride(0), b1.storage, lb3.offset(), gb[1],
            bn == 1 ? 0 : lb3.stride(0), 0, out.storage, 0, n, (long) m * n, bn);
      }
      result = out.view(concat(batch, m, n));
    }
    if (other.dim() == 1) {
      result = result.squeeze(-1);
    }
    if (dim() == 1) {
      result = result.squeeze(-2 + (other.dim() == 1 ? 1 : 0));
    }
    return result;
  }

  /** Product of two matrices (2-d only). */
  @Primitive(rules = LinalgRules.class)
  public Tensor mm(Tensor other) {
    Objects.requireNonNull(other, "mm: other");

    if (dim() != 2 || other.dim() != 2) {
      throw new IllegalArgumentException("mm: expected two 2-d tensors, got "
          + Layout.str(shape) + " and " + Layout.str(other.shape));
    }
    return TensorTape.mm(product("mm", other), this, other);
  }

  /** Batched product of 3-d tensors {@code [B, n, m] @ [B, m, p]} (no broadcasting). */
  @Primitive(rules = LinalgRules.class)
  public Tensor bmm(Tensor other) {
    Objects.requireNonNull(other, "bmm: other");

    if (dim() != 3 || other.dim() != 3) {
      throw new IllegalArgumentException("bmm: expected two 3-d tensors, got "
          + Layout.str(shape) + " and " + Layout.str(other.shape));
    }
    if (shape[0] != other.shape[0]) {
      throw new IllegalArgumentException("bmm: batch sizes differ: " + Layout.str(shape)
          + " and " + Layout.str(other.shape));
    }
    return TensorTape.bmm(product("bmm", other), this, other);
  }

  /**
   * The inverse of a square matrix, or of each matrix in a batch {@code [..., n, n]}, by LU
   * decomposition with partial pivoting.
   *
   * @throws SingularMatrixException when a matrix is singular (to the input's precision)
   */
  @Primitive(rules = LinalgRules.class)
  public Tensor inverse() {
    if (dim() < 2 || shape[dim() - 1] != shape[dim() - 2]) {
      throw new IllegalArgumentException("inverse: expected a square matrix or a batch of them"
          + " ([..., n, n]), got shape " + Layout.str(shape));
    }
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("inverse: expected a floating point tensor, got "
          + dtype);
    }
    int n = shape[dim() - 1];
    int batch = numel / Math.max(1, n * n);
    Tensor out = empty(dtype, device(), shape);
    if (n > 0 && batch > 0) {
      Tensor a = reshape(batch, n, n).contiguous();
      backend().inverse(a.storage, a.layout.offset(), out.storage, 0, batch, n);
    }
    return TensorTape.inverse(out, this);
  }

  // ================================================================== comparison helpers

  /** True when both have the same shape and dtype and equal elements ({@code torch.equal}). */
  public boolean equal(Tensor other) {
    Objects.requireNonNull(other, "equal: other");
    return Arrays.equals(shape, other.shape) && dtype == other.dtype
        && inBlocks(this, other, (a, b) -> a.eq(b).logicalNot().sum().itemLong() == 0);
  }

  /**
   * {@code |this - other| <= atol + rtol * |other|} everywhere (broadcast), NaN never equal
   * ({@code torch.allclose}).
   */
  public boolean allClose(Tensor other, double rtol, double atol) {
    Objects.requireNonNull(other, "allClose: other");
    int[] common = broadcast("allClose", shape, other.shape);
    return inBlocks(expandTo(common), other.expandTo(common), (x, y) -> {
      Tensor a = x.toDouble();
      Tensor b = y.toDouble();
      Tensor diff = a.sub(b).abs();
      // Equal infinities are close; otherwise an infinite difference never is (torch.isclose).
      Tensor ok = a.eq(b).logicalOr(diff.le(b.abs().mul(rtol).add(atol))
          .logicalAnd(diff.lt(Double.POSITIVE_INFINITY)));
      return ok.logicalNot().sum().itemLong() == 0;
    });
  }

  private Tensor expandTo(int[] common) {
    return Arrays.equals(shape, common) ? this : expand(common);
  }

  /** Elements compared per call of {@link #inBlocks}: temporaries stay a few MiB. */
  private static final long COMPARE_BLOCK = 1 << 18;

  /**
   * Whether {@code test} holds for every pair of matching blocks of {@code a} and {@code b}
   * (same shape), stopping at the first that fails. The temporaries a comparison makes are
   * sized by the block, not by the tensors, so comparing a huge broadcast view allocates little.
   */
  private static boolean inBlocks(Tensor a, Tensor b, BiPredicate<Tensor, Tensor> test) {
    return GradMode.noGrad(() -> {
      return inBlocksNoGrad(a, b, test);
    });
  }

  private static boolean inBlocksNoGrad(Tensor a, Tensor b, BiPredicate<Tensor, Tensor> test) {
    long n = a.numel;
    int d = 0;
    while (d < a.shape.length && a.shape[d] == 1) {
      d++;
    }
    if (n <= COMPARE_BLOCK || d == a.shape.length) {
      return test.test(a, b);
    }
    int size = a.shape[d];
    long per = n / size;
    int step = (int) Math.max(1, COMPARE_BLOCK / per);
    for (int i = 0; i < size; i += step) {
      int len = Math.min(step, size - i);
      if (!inBlocksNoGrad(a.narrow(d, i, len), b.narrow(d, i, len), test)) {
        return false;
      }
    }
    return true;
  }

  // ================================================================== printing

  /** Prints like PyTorch: {@code tensor([[1., 0.], [0., 1.]], dtype=torch.float64)}. */
  @Override
  public String toString() {
    return TensorFormatter.format(this);
  }

  // ================================================================== small helpers

  private static int[] insert(int[] a, int i, int v) {
    int[] out = new int[a.length + 1];
    System.arraycopy(a, 0, out, 0, i);
    out[i] = v;
    System.arraycopy(a, i, out, i + 1, a.length - i);
    return out;
  }

  private static int[] concat(int[] a, int... b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
