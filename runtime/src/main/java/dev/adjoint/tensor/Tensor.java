package dev.adjoint.tensor;

import dev.adjoint.annotations.Primitive;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.autograd.Node;
import dev.adjoint.autograd.Temporaries;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 *
 * <p>This class is a facade: each op is one call of its forward in an op family of this package
 * ({@code Creation}, {@link Transfers}, {@link Views}, {@link Indexing}, {@link Arithmetic},
 * {@link Elementwise}, {@link Reductions}, {@link LinearAlgebra}), where the forward, its kernel
 * entry and its {@code @Adjoint} rules sit in one block; the primitive's {@code rules} names that
 * family.
 */
public final class Tensor {
  // Not final only so that setData can convert a parameter in place (Module.to).
  Storage storage;
  DType dtype;
  /** {@code layout}'s sizes, kept as an array of their own because ops read them constantly. */
  int[] shape;
  Layout layout;
  int numel;

  /**
   * In-place writes so far; shared by every view of the same data, detached ones included.
   * Replaced (one higher) only by {@link #setData}, which gives this tensor other data.
   */
  VersionCounter version;

  // Autograd state: mutable, unlike the layout above.
  boolean requiresGrad;
  Tensor grad;
  Node gradFn;

  Tensor(Storage storage, Layout layout) {
    this(storage, layout, new VersionCounter());
  }

  Tensor(Storage storage, Layout layout, VersionCounter version) {
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

  static Tensor dense(Storage storage, int[] shape) {
    return new Tensor(storage, Layout.contiguous(shape));
  }

  /** A new zero-filled contiguous tensor on {@code device}. */
  static Tensor zeroed(DType dtype, Device device, int[] shape) {
    return allocated(dtype, device, shape, true);
  }

  /**
   * {@link #zeroed}, except that the elements may hold anything: for an op's result its kernel
   * writes in full before reading (the strict test backend fills it with NaN to prove that).
   */
  static Tensor uninitialized(DType dtype, Device device, int[] shape) {
    return allocated(dtype, device, shape, false);
  }

  private static Tensor allocated(DType dtype, Device device, int[] shape, boolean zeroed) {
    int n = numel("empty", shape);
    Backend backend = Backends.of(device);
    Storage s = zeroed ? backend.allocate(dtype, n) : backend.allocateUninitialized(dtype, n);
    Temporaries.allocated(s);
    return dense(s, shape);
  }

  Tensor viewOf(Layout newLayout) {
    return new Tensor(storage, newLayout, version);
  }

  Backend backend() {
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
    Temporaries.escape(grad); // this leaf holds it now, not a running forward, backward or arena
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
  void checkInPlace(String op) {
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
    Temporaries.escape(data); // this tensor holds it now (Module.to inside a caller's arena)
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
  static void checkUntrackedOperand(String op, Tensor operand) {
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
    return Views.detach(this);
  }

  // ============================================================================ creation: Creation

  /** The {@code n x n} identity matrix, float32. */
  public static Tensor eye(int n) {
    return Creation.eye(n);
  }

  /** An {@code n x m} matrix with ones on the diagonal, float32. */
  public static Tensor eye(int n, int m) {
    return Creation.eye(n, m);
  }

  /** An {@code n x m} matrix with ones on the diagonal. */
  public static Tensor eye(int n, int m, DType dtype) {
    return Creation.eye(n, m, dtype);
  }

  /** Zeros of {@code shape}, float32. */
  public static Tensor zeros(int... shape) {
    return Creation.zeros(shape);
  }

  /** Zeros of {@code shape}. */
  public static Tensor zeros(DType dtype, int... shape) {
    return Creation.zeros(dtype, shape);
  }

  /**
   * Zeros of {@code shape} made on {@code device} ({@code torch.zeros(shape, dtype=, device=)}),
   * without a host copy first.
   */
  public static Tensor zeros(DType dtype, Device device, int... shape) {
    return Creation.zeros(dtype, device, shape);
  }

  /**
   * A new contiguous tensor of {@code shape} on {@code device} whose elements are not initialized
   * ({@code torch.empty(shape, dtype=, device=)}): they may hold anything, often what a released
   * tensor of the same size held, so write every element before reading one. For an output
   * that is filled in full (the nn kernels' results, {@code out=} style buffers); use
   * {@link #zeros(DType, Device, int...)} when zeros are needed.
   */
  public static Tensor empty(DType dtype, Device device, int... shape) {
    Objects.requireNonNull(dtype, "empty: dtype");
    Objects.requireNonNull(device, "empty: device");
    numel("empty", shape);
    return uninitialized(dtype, device, shape);
  }

  /** Ones of {@code shape}, float32. */
  public static Tensor ones(int... shape) {
    return Creation.ones(shape);
  }

  /** Ones of {@code shape}. */
  public static Tensor ones(DType dtype, int... shape) {
    return Creation.ones(dtype, shape);
  }

  /** {@code value} everywhere, float32. */
  public static Tensor full(double value, int... shape) {
    return Creation.full(value, shape);
  }

  /** {@code value} everywhere. */
  public static Tensor full(double value, DType dtype, int... shape) {
    return Creation.full(value, dtype, shape);
  }

  /** Zeros with this tensor's shape, dtype and device. */
  @Primitive(differentiable = false)
  public Tensor zerosLike() {
    return Creation.zerosLike(this);
  }

  /** Ones with this tensor's shape, dtype and device. */
  @Primitive(differentiable = false)
  public Tensor onesLike() {
    return Creation.onesLike(this);
  }

  /** {@code 0, 1, ..., end - 1} as int64. */
  public static Tensor arange(long end) {
    return Creation.arange(end);
  }

  /** {@code start, start + 1, ..., end - 1} as int64. */
  public static Tensor arange(long start, long end) {
    return Creation.arange(start, end);
  }

  /** {@code start, start + step, ...} up to but excluding {@code end}, as int64. */
  public static Tensor arange(long start, long end, long step) {
    return Creation.arange(start, end, step);
  }

  /** {@code start, start + step, ...} up to but excluding {@code end}, as float32. */
  public static Tensor arange(double start, double end, double step) {
    return Creation.arange(start, end, step);
  }

  /** {@code steps} evenly spaced float32 values from {@code start} to {@code end} inclusive. */
  public static Tensor linspace(double start, double end, int steps) {
    return Creation.linspace(start, end, steps);
  }

  /** Uniform in {@code [0, 1)}, float32, from the default generator. */
  public static Tensor rand(int... shape) {
    return Creation.rand(shape);
  }

  /**
   * Uniform in {@code [0, 1)}, float32: element {@code i} (row-major) is the top 24 bits of the
   * generator's stream value {@code i}, the same on every device and thread count.
   */
  public static Tensor rand(Generator gen, int... shape) {
    return Creation.rand(gen, shape);
  }

  /** Standard normal, float32, from the default generator. */
  public static Tensor randn(int... shape) {
    return Creation.randn(shape);
  }

  /** Standard normal, float32 (Box-Muller on the generator's stream; see {@link Generator}). */
  public static Tensor randn(Generator gen, int... shape) {
    return Creation.randn(gen, shape);
  }

  /** Uniform integers in {@code [low, high)}, int64, from the default generator. */
  public static Tensor randint(long low, long high, int... shape) {
    return Creation.randint(low, high, shape);
  }

  /**
   * Uniform integers in {@code [low, high)}, int64; each value's probability is within {@code
   * 2^-64} of {@code 1 / (high - low)} (see {@link dev.adjoint.backend.Philox}).
   */
  public static Tensor randint(Generator gen, long low, long high, int... shape) {
    return Creation.randint(gen, low, high, shape);
  }

  /** Reseeds the default generator, as {@code torch.manual_seed}. */
  public static void manualSeed(long seed) {
    Creation.manualSeed(seed);
  }

  /** A 1-d float32 tensor of these values. */
  public static Tensor of(float... values) {
    return Creation.of(values);
  }

  /** A 2-d float32 tensor of these rows (all the same length). */
  public static Tensor of(float[]... rows) {
    return Creation.of(rows);
  }

  /** A 1-d float64 tensor of these values (float64 is kept, like {@code torch.from_numpy}). */
  public static Tensor of(double... values) {
    return Creation.of(values);
  }

  /** A 2-d float64 tensor of these rows, like {@code torch.from_numpy(np.eye(3))}. */
  public static Tensor of(double[]... rows) {
    return Creation.of(rows);
  }

  /** A 1-d int64 tensor of these values. */
  public static Tensor of(long... values) {
    return Creation.of(values);
  }

  /** A 2-d int64 tensor of these rows. */
  public static Tensor of(long[]... rows) {
    return Creation.of(rows);
  }

  /** A 1-d bool tensor of these values. */
  public static Tensor of(boolean... values) {
    return Creation.of(values);
  }

  /**
   * A tensor of {@code shape} holding a copy of {@code data} (float[], double[], long[] or
   * boolean[], which fixes the dtype) in row-major order.
   */
  public static Tensor fromArray(Object data, int... shape) {
    return Creation.fromArray(data, shape);
  }

  /** A 0-d float32 tensor, as {@code torch.tensor(2.)}. */
  public static Tensor scalar(double value) {
    return Creation.scalar(value);
  }

  /** A 0-d tensor of {@code dtype}. */
  public static Tensor scalar(double value, DType dtype) {
    return Creation.scalar(value, dtype);
  }

  /** A 0-d int64 tensor, as {@code torch.tensor(2)}. */
  public static Tensor scalar(long value) {
    return Creation.scalar(value);
  }

  /** A 0-d bool tensor. */
  public static Tensor scalar(boolean value) {
    return Creation.scalar(value);
  }

  // ============================================================== devices, dtypes, host: Transfers

  /**
   * This tensor on {@code device}: itself when already there, else a copy whose gradient flows
   * back to this tensor's device.
   */
  @Primitive(rules = Transfers.class)
  public Tensor to(Device device) {
    return Transfers.to(this, device);
  }

  /**
   * This tensor converted to {@code dtype}: itself when already that type, else a copy. Between
   * floating dtypes the gradient flows back converted; an int64 or bool result carries none.
   */
  @Primitive(rules = Transfers.class)
  public Tensor to(DType dtype) {
    return Transfers.to(this, dtype);
  }

  /** This tensor on {@code device} as {@code dtype}. */
  public Tensor to(Device device, DType dtype) {
    return Transfers.to(this, device, dtype);
  }

  /** On the CPU ({@code .cpu()}). */
  public Tensor cpu() {
    return Transfers.cpu(this);
  }

  /** As float32 ({@code .float()}); the gradient flows back in this tensor's dtype. */
  @Primitive(rules = Transfers.class)
  public Tensor toFloat() {
    return Transfers.toFloat(this);
  }

  /** As float64 ({@code .double()}); the gradient flows back in this tensor's dtype. */
  @Primitive(rules = Transfers.class)
  public Tensor toDouble() {
    return Transfers.toDouble(this);
  }

  /** As int64, truncating toward zero ({@code .long()}); cuts the gradient. */
  @Primitive(differentiable = false)
  public Tensor toLong() {
    return Transfers.toLong(this);
  }

  /** As bool, nonzero is true ({@code .bool()}); cuts the gradient. */
  @Primitive(differentiable = false)
  public Tensor toBool() {
    return Transfers.toBool(this);
  }

  /** The elements in row-major order as float32 values (converting if needed). */
  public float[] toFloatArray() {
    return Transfers.toFloatArray(this);
  }

  /** The elements in row-major order as float64 values. */
  public double[] toDoubleArray() {
    return Transfers.toDoubleArray(this);
  }

  /** The elements in row-major order as int64 values (floats truncated toward zero). */
  public long[] toLongArray() {
    return Transfers.toLongArray(this);
  }

  /** The elements in row-major order as booleans (nonzero is true). */
  public boolean[] toBooleanArray() {
    return Transfers.toBooleanArray(this);
  }

  /** A 2-d tensor as rows of float32 values ({@code A.numpy()} for a matrix). */
  public float[][] toFloatArray2d() {
    return Transfers.toFloatArray2d(this);
  }

  /** A 2-d tensor as rows of float64 values. */
  public double[][] toDoubleArray2d() {
    return Transfers.toDoubleArray2d(this);
  }

  /**
   * The elements as nested Java arrays of the dtype's element type, {@code A.tolist()} style: a
   * 2-d float32 tensor gives {@code float[][]}, a 0-d one a boxed {@code Float}.
   */
  public Object toArray() {
    return Transfers.toArray(this);
  }

  /** The value of a one-element tensor as a double ({@code .item()}). */
  public double item() {
    return Transfers.item(this);
  }

  /** The value of a one-element tensor as a long (exact for int64). */
  public long itemLong() {
    return Transfers.itemLong(this);
  }

  /** The value of a one-element tensor as a boolean. */
  public boolean itemBoolean() {
    return Transfers.itemBoolean(this);
  }

  // ================================================================================== views: Views

  /**
   * The transpose of a matrix ({@code .t()}); 0-d and 1-d tensors are returned as they are.
   *
   * @throws IllegalArgumentException for more than 2 dimensions (use {@link #transpose})
   */
  @Primitive(rules = Views.class)
  public Tensor t() {
    return Views.t(this);
  }

  /** Swaps two dimensions (a view). */
  @Primitive(rules = Views.class)
  public Tensor transpose(int dim0, int dim1) {
    return Views.transpose(this, dim0, dim1);
  }

  /** Reorders the dimensions (a view): result dim {@code i} is this tensor's {@code dims[i]}. */
  @Primitive(rules = Views.class)
  public Tensor permute(int... dims) {
    return Views.permute(this, dims);
  }

  /**
   * The same elements with another shape, sharing storage; one size may be -1.
   *
   * @throws IllegalArgumentException when the sizes do not match or the layout needs a copy (use
   *     {@link #reshape})
   */
  @Primitive(rules = Views.class)
  public Tensor view(int... newShape) {
    return Views.view(this, newShape);
  }

  /** The same elements with another shape: a view when the layout allows, else a copy. */
  @Primitive(rules = Views.class)
  public Tensor reshape(int... newShape) {
    return Views.reshape(this, newShape);
  }

  /** All dimensions merged into one. */
  @Primitive(rules = Views.class)
  public Tensor flatten() {
    return Views.flatten(this);
  }

  /** Dimensions {@code startDim..endDim} (inclusive) merged into one. */
  @Primitive(rules = Views.class)
  public Tensor flatten(int startDim, int endDim) {
    return Views.flatten(this, startDim, endDim);
  }

  /** Removes every dimension of size 1. */
  @Primitive(rules = Views.class)
  public Tensor squeeze() {
    return Views.squeeze(this);
  }

  /** Removes dimension {@code dim} if its size is 1; otherwise returns this tensor. */
  @Primitive(rules = Views.class)
  public Tensor squeeze(int dim) {
    return Views.squeeze(this, dim);
  }

  /** Inserts a dimension of size 1 at {@code dim} ({@code -1} appends). */
  @Primitive(rules = Views.class)
  public Tensor unsqueeze(int dim) {
    return Views.unsqueeze(this, dim);
  }

  /**
   * A view with size-1 dimensions repeated to {@code sizes} without copying (stride 0); -1 keeps
   * a size, and new leading dimensions may be added.
   */
  @Primitive(rules = Views.class)
  public Tensor expand(int... sizes) {
    return Views.expand(this, sizes);
  }

  /** {@link #expand} to another tensor's shape. */
  @Primitive(rules = Views.class, nondifferentiable = "other")
  public Tensor expandAs(Tensor other) {
    return Views.expandAs(this, other);
  }

  /** This tensor if it is contiguous, else a contiguous copy. */
  @Primitive(rules = Views.class)
  public Tensor contiguous() {
    return Views.contiguous(this);
  }

  /** A contiguous copy with its own storage. */
  @Override
  @Primitive(rules = Views.class)
  public Tensor clone() {
    return Views.clone(this);
  }

  // ============================================================================ indexing: Indexing

  /**
   * Indexes the leading dimensions: {@code A.get(0, 0)} is {@code A[0, 0]}, a 0-d view;
   * {@code A.get(1)} is row 1. Negative indices count from the end.
   */
  @Primitive(rules = Views.class)
  public Tensor get(int... indices) {
    return Views.get(this, indices);
  }

  /** The slice at position {@code index} of dimension {@code dim}, which is removed (a view). */
  @Primitive(rules = Views.class)
  public Tensor select(int dim, int index) {
    return Views.select(this, dim, index);
  }

  /** Ops that pick along a dimension cannot be applied to a 0-d tensor, which has none. */
  void requireDims(String op) {
    if (shape.length == 0) {
      throw new IndexOutOfBoundsException(op + ": cannot be applied to a 0-dim tensor (it has"
          + " no dimensions)");
    }
  }

  /** {@code length} elements of dimension {@code dim} from {@code start} (a view). */
  @Primitive(rules = Views.class)
  public Tensor narrow(int dim, int start, int length) {
    return Views.narrow(this, dim, start, length);
  }

  /**
   * Python's {@code start:stop:step} on dimension {@code dim} (a view). {@code null} start or stop
   * means the end; negative values count from the end; out-of-range values are clipped.
   */
  @Primitive(rules = Views.class)
  public Tensor slice(int dim, Integer start, Integer stop, int step) {
    return Views.slice(this, dim, start, stop, step);
  }

  /** Indexes with a NumPy subscript such as {@code ":, 1:3"} (see {@link Index#parse}). */
  @Primitive(rules = Views.class)
  public Tensor index(String subscript) {
    return Views.index(this, subscript);
  }

  /** Indexes with positions, slices, new axes and an ellipsis (a view); see {@link Index}. */
  @Primitive(rules = Views.class)
  public Tensor index(Index... components) {
    return Views.index(this, components);
  }

  /**
   * The elements at {@code index} (int64, 1-d or 0-d) along {@code dim}, copied
   * ({@code torch.index_select}). Indices lie in {@code [0, size(dim))}; as in PyTorch, -1 is out
   * of range, not the last row.
   *
   * @throws IndexOutOfBoundsException naming the op and the index when one is out of range
   */
  @Primitive(rules = Indexing.class, nondifferentiable = "index")
  public Tensor indexSelect(int dim, Tensor index) {
    return Indexing.indexSelect(this, dim, index);
  }

  /**
   * {@code out[i][j] = this[i][index[i][j]]} for {@code dim = 1}, and so on for other dims
   * ({@code torch.gather}). {@code index} is int64 with this tensor's number of dimensions and
   * sizes no larger than its own outside {@code dim}.
   */
  @Primitive(rules = Indexing.class, nondifferentiable = "index")
  public Tensor gather(int dim, Tensor index) {
    return Indexing.gather(this, dim, index);
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
  @Primitive(rules = Indexing.class, nondifferentiable = "index")
  public Tensor indexAdd(int dim, Tensor index, Tensor source) {
    return Indexing.indexAdd(this, dim, index, source);
  }

  /**
   * A copy of this tensor with {@code src} added at the positions {@code index} gives
   * ({@code torch.scatter_add}, out of place): {@code out[i][index[i][j]] += src[i][j]} for
   * {@code dim = 1}, and so on for other dims, repeated indices accumulating (bool: logical or).
   * {@code index} is int64 with as many dimensions as this tensor and {@code src}, and sizes no
   * larger than {@code src}'s, nor than this tensor's outside {@code dim}; {@code src} has this
   * tensor's dtype. Only the part of {@code src} that {@code index} covers is used.
   */
  @Primitive(rules = Indexing.class, nondifferentiable = "index")
  public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
    return Indexing.scatterAdd(this, dim, index, src);
  }

  /**
   * The positions of nonzero (true) elements as an int64 tensor of shape {@code [count, dim()]},
   * in row-major order ({@code torch.nonzero}).
   */
  @Primitive(differentiable = false)
  public Tensor nonzero() {
    return Indexing.nonzero(this);
  }

  /**
   * Boolean-mask indexing, {@code A[mask]}: {@code mask} (bool) covers the leading dimensions of
   * this tensor; the result stacks the selected sub-tensors into a new first dimension (a copy).
   */
  @Primitive(rules = Indexing.class, nondifferentiable = "mask")
  public Tensor index(Tensor mask) {
    return Indexing.index(this, mask);
  }

  /** The elements where {@code mask} (broadcast to this shape) is true, as a 1-d copy. */
  @Primitive(rules = Indexing.class, nondifferentiable = "mask")
  public Tensor maskedSelect(Tensor mask) {
    return Indexing.maskedSelect(this, mask);
  }

  /** A copy with {@code value} where {@code mask} is true. */
  @Primitive(rules = Elementwise.class, nondifferentiable = "mask")
  public Tensor maskedFill(Tensor mask, double value) {
    return Elementwise.maskedFill(this, mask, value);
  }

  /** Joins tensors along dimension 0. */
  @Primitive(rules = Indexing.class)
  public static Tensor cat(List<Tensor> tensors) {
    return Indexing.cat(tensors);
  }

  /**
   * Joins tensors along an existing dimension; all other sizes must match. dtypes are promoted.
   */
  @Primitive(rules = Indexing.class)
  public static Tensor cat(List<Tensor> tensors, int dim) {
    return Indexing.cat(tensors, dim);
  }

  /** Stacks same-shaped tensors along a new dimension 0. */
  @Primitive(rules = Indexing.class)
  public static Tensor stack(List<Tensor> tensors) {
    return Indexing.stack(tensors);
  }

  /** Stacks same-shaped tensors along a new dimension {@code dim}. */
  @Primitive(rules = Indexing.class)
  public static Tensor stack(List<Tensor> tensors, int dim) {
    return Indexing.stack(tensors, dim);
  }

  /** Splits into views of {@code splitSize} along {@code dim}; the last may be smaller. */
  public List<Tensor> split(int splitSize, int dim) {
    return Views.split(this, splitSize, dim);
  }

  /** Splits into views of the given sizes along {@code dim}; they must add up to its size. */
  public List<Tensor> split(int[] sizes, int dim) {
    return Views.split(this, sizes, dim);
  }

  /** Splits into {@code chunks} nearly equal views along {@code dim}. */
  public List<Tensor> chunk(int chunks, int dim) {
    return Views.chunk(this, chunks, dim);
  }

  // ========================================================== elementwise: Arithmetic, Elementwise

  /** {@code this + other}, broadcast. */
  @Primitive(rules = Arithmetic.class)
  public Tensor add(Tensor other) {
    return Arithmetic.add(this, other);
  }

  /** {@code this + alpha * other} ({@code torch.add(input, other, alpha=...)}). */
  @Primitive(rules = Arithmetic.class)
  public Tensor add(Tensor other, double alpha) {
    return Arithmetic.add(this, other, alpha);
  }

  /** {@code this + value}; a float scalar makes integer tensors float32. */
  @Primitive(rules = Arithmetic.class)
  public Tensor add(double value) {
    return Arithmetic.add(this, value);
  }

  /** {@code this + value}; keeps integer tensors integer. */
  @Primitive(rules = Arithmetic.class)
  public Tensor add(long value) {
    return Arithmetic.add(this, value);
  }

  /** {@code this - other}, broadcast. */
  @Primitive(rules = Arithmetic.class)
  public Tensor sub(Tensor other) {
    return Arithmetic.sub(this, other);
  }

  /** {@code this - value}. */
  @Primitive(rules = Arithmetic.class)
  public Tensor sub(double value) {
    return Arithmetic.sub(this, value);
  }

  /** {@code this - value}. */
  @Primitive(rules = Arithmetic.class)
  public Tensor sub(long value) {
    return Arithmetic.sub(this, value);
  }

  /** {@code this * other}, broadcast. */
  @Primitive(rules = Arithmetic.class)
  public Tensor mul(Tensor other) {
    return Arithmetic.mul(this, other);
  }

  /** {@code this * value}. */
  @Primitive(rules = Arithmetic.class)
  public Tensor mul(double value) {
    return Arithmetic.mul(this, value);
  }

  /** {@code this * value}. */
  @Primitive(rules = Arithmetic.class)
  public Tensor mul(long value) {
    return Arithmetic.mul(this, value);
  }

  /** {@code this / other}, true division: integer inputs give float32. */
  @Primitive(rules = Arithmetic.class)
  public Tensor div(Tensor other) {
    return Arithmetic.div(this, other);
  }

  /** {@code this / value}. */
  @Primitive(rules = Arithmetic.class)
  public Tensor div(double value) {
    return Arithmetic.div(this, value);
  }

  /** {@code this ** exponent}, broadcast. */
  @Primitive(rules = Arithmetic.class)
  public Tensor pow(Tensor exponent) {
    return Arithmetic.pow(this, exponent);
  }

  /** {@code this ** exponent} ({@code x ** 2}). */
  @Primitive(rules = Arithmetic.class)
  public Tensor pow(double exponent) {
    return Arithmetic.pow(this, exponent);
  }

  /** {@code this ** exponent}; integer tensors stay integer. */
  @Primitive(rules = Arithmetic.class)
  public Tensor pow(long exponent) {
    return Arithmetic.pow(this, exponent);
  }

  /** Elementwise maximum; NaN propagates. */
  @Primitive(rules = Arithmetic.class)
  public Tensor maximum(Tensor other) {
    return Arithmetic.maximum(this, other);
  }

  /** Elementwise minimum; NaN propagates. */
  @Primitive(rules = Arithmetic.class)
  public Tensor minimum(Tensor other) {
    return Arithmetic.minimum(this, other);
  }

  /** {@code this == other} as bool. */
  @Primitive(differentiable = false)
  public Tensor eq(Tensor other) {
    return Arithmetic.eq(this, other);
  }

  /** {@code this == value} as bool. */
  @Primitive(differentiable = false)
  public Tensor eq(double value) {
    return Arithmetic.eq(this, value);
  }

  /** {@code this != other} as bool. */
  @Primitive(differentiable = false)
  public Tensor ne(Tensor other) {
    return Arithmetic.ne(this, other);
  }

  /** {@code this != value} as bool. */
  @Primitive(differentiable = false)
  public Tensor ne(double value) {
    return Arithmetic.ne(this, value);
  }

  /** {@code this < other} as bool. */
  @Primitive(differentiable = false)
  public Tensor lt(Tensor other) {
    return Arithmetic.lt(this, other);
  }

  /** {@code this < value} as bool. */
  @Primitive(differentiable = false)
  public Tensor lt(double value) {
    return Arithmetic.lt(this, value);
  }

  /** {@code this <= other} as bool. */
  @Primitive(differentiable = false)
  public Tensor le(Tensor other) {
    return Arithmetic.le(this, other);
  }

  /** {@code this <= value} as bool. */
  @Primitive(differentiable = false)
  public Tensor le(double value) {
    return Arithmetic.le(this, value);
  }

  /** {@code this > other} as bool. */
  @Primitive(differentiable = false)
  public Tensor gt(Tensor other) {
    return Arithmetic.gt(this, other);
  }

  /** {@code this > value} as bool. */
  @Primitive(differentiable = false)
  public Tensor gt(double value) {
    return Arithmetic.gt(this, value);
  }

  /** {@code this >= other} as bool. */
  @Primitive(differentiable = false)
  public Tensor ge(Tensor other) {
    return Arithmetic.ge(this, other);
  }

  /** {@code this >= value} as bool. */
  @Primitive(differentiable = false)
  public Tensor ge(double value) {
    return Arithmetic.ge(this, value);
  }

  /** Elementwise logical and (nonzero is true), bool. */
  @Primitive(differentiable = false)
  public Tensor logicalAnd(Tensor other) {
    return Arithmetic.logicalAnd(this, other);
  }

  /** Elementwise logical or (nonzero is true), bool. */
  @Primitive(differentiable = false)
  public Tensor logicalOr(Tensor other) {
    return Arithmetic.logicalOr(this, other);
  }

  /** Elementwise logical not (zero is true), bool. */
  @Primitive(differentiable = false)
  public Tensor logicalNot() {
    return Arithmetic.logicalNot(this);
  }

  /**
   * {@code condition ? x : y} elementwise, all three broadcast together ({@code torch.where});
   * the result has the promoted dtype of {@code x} and {@code y}.
   */
  @Primitive(rules = Elementwise.class, nondifferentiable = "condition")
  public static Tensor where(Tensor condition, Tensor x, Tensor y) {
    return Elementwise.where(condition, x, y);
  }

  /** {@code -this}. */
  @Primitive(rules = Arithmetic.class)
  public Tensor neg() {
    return Arithmetic.neg(this);
  }

  /**
   * {@code e ** this}. Float32 results are within 1 ulp of the correctly rounded value, computed
   * by Adjoint's own approximation with the same bits on every path and CPU (not always
   * bit-identical to {@code (float) Math.exp}); see {@link dev.adjoint.backend.UnaryOp#EXP}.
   */
  @Primitive(rules = Elementwise.class)
  public Tensor exp() {
    return Elementwise.exp(this);
  }

  /** Natural logarithm (NaN below 0, -inf at 0, as in PyTorch). */
  @Primitive(rules = Elementwise.class)
  public Tensor log() {
    return Elementwise.log(this);
  }

  /** Square root (NaN below 0). */
  @Primitive(rules = Elementwise.class)
  public Tensor sqrt() {
    return Elementwise.sqrt(this);
  }

  /** Absolute value. */
  @Primitive(rules = Elementwise.class)
  public Tensor abs() {
    return Elementwise.abs(this);
  }

  /** -1, 0 or 1 by sign. */
  @Primitive(rules = Elementwise.class)
  public Tensor sign() {
    return Elementwise.sign(this);
  }

  /**
   * Hyperbolic tangent. Float32 results are within 1 ulp of the correctly rounded value, with the
   * same bits on every path and CPU (not always bit-identical to {@code (float) Math.tanh}); see
   * {@link dev.adjoint.backend.UnaryOp#EXP}.
   */
  @Primitive(rules = Elementwise.class)
  public Tensor tanh() {
    return Elementwise.tanh(this);
  }

  /**
   * {@code 1 / (1 + e ** -this)}. Float32 results are within 1 ulp of the correctly rounded
   * value, with the same bits on every path and CPU (not always bit-identical to a computation
   * with {@code Math.exp}); see {@link dev.adjoint.backend.UnaryOp#EXP}.
   */
  @Primitive(rules = Elementwise.class)
  public Tensor sigmoid() {
    return Elementwise.sigmoid(this);
  }

  /** {@code max(this, 0)}. */
  @Primitive(rules = Elementwise.class)
  public Tensor relu() {
    return Elementwise.relu(this);
  }

  /** Clamps into {@code [min, max]}; use infinities for one-sided bounds. */
  @Primitive(rules = Elementwise.class)
  public Tensor clamp(double min, double max) {
    return Elementwise.clamp(this, min, max);
  }

  /** {@code max(this, min)}. */
  @Primitive(rules = Elementwise.class)
  public Tensor clampMin(double min) {
    return Elementwise.clampMin(this, min);
  }

  /** {@code min(this, max)}. */
  @Primitive(rules = Elementwise.class)
  public Tensor clampMax(double max) {
    return Elementwise.clampMax(this, max);
  }

  // ------------------------------------------------------------------ in place

  /** {@code this += other} in place; returns this. */
  public Tensor add_(Tensor other) {
    return Arithmetic.add_(this, other);
  }

  /** {@code this += value} in place. */
  public Tensor add_(double value) {
    return Arithmetic.add_(this, value);
  }

  /** {@code this += value} in place; an integer scalar keeps integer tensors valid targets. */
  public Tensor add_(long value) {
    return Arithmetic.add_(this, value);
  }

  /** {@code this += alpha * other} in place. */
  public Tensor add_(Tensor other, double alpha) {
    return Arithmetic.add_(this, other, alpha);
  }

  /** {@code this -= other} in place. */
  public Tensor sub_(Tensor other) {
    return Arithmetic.sub_(this, other);
  }

  /** {@code this -= value} in place. */
  public Tensor sub_(double value) {
    return Arithmetic.sub_(this, value);
  }

  /** {@code this -= value} in place. */
  public Tensor sub_(long value) {
    return Arithmetic.sub_(this, value);
  }

  /** {@code this *= other} in place. */
  public Tensor mul_(Tensor other) {
    return Arithmetic.mul_(this, other);
  }

  /** {@code this *= value} in place. */
  public Tensor mul_(double value) {
    return Arithmetic.mul_(this, value);
  }

  /** {@code this *= value} in place. */
  public Tensor mul_(long value) {
    return Arithmetic.mul_(this, value);
  }

  /** {@code this /= other} in place (floating tensors only). */
  public Tensor div_(Tensor other) {
    return Arithmetic.div_(this, other);
  }

  /** {@code this /= value} in place (floating tensors only). */
  public Tensor div_(double value) {
    return Arithmetic.div_(this, value);
  }

  /** {@code this = this ** exponent} in place. */
  public Tensor pow_(double exponent) {
    return Arithmetic.pow_(this, exponent);
  }

  /** Negates in place. */
  public Tensor neg_() {
    return Arithmetic.neg_(this);
  }

  /** {@link #exp()} in place. */
  public Tensor exp_() {
    return Elementwise.exp_(this);
  }

  /** {@link #log()} in place. */
  public Tensor log_() {
    return Elementwise.log_(this);
  }

  /** {@link #sqrt()} in place. */
  public Tensor sqrt_() {
    return Elementwise.sqrt_(this);
  }

  /** {@link #abs()} in place. */
  public Tensor abs_() {
    return Elementwise.abs_(this);
  }

  /** {@link #sign()} in place. */
  public Tensor sign_() {
    return Elementwise.sign_(this);
  }

  /** {@link #tanh()} in place. */
  public Tensor tanh_() {
    return Elementwise.tanh_(this);
  }

  /** {@link #sigmoid()} in place. */
  public Tensor sigmoid_() {
    return Elementwise.sigmoid_(this);
  }

  /** {@link #relu()} in place. */
  public Tensor relu_() {
    return Elementwise.relu_(this);
  }

  /** {@link #clamp} in place. */
  public Tensor clamp_(double min, double max) {
    return Elementwise.clamp_(this, min, max);
  }

  /** Sets every element to {@code value}; returns this. */
  public Tensor fill_(double value) {
    return Elementwise.fill_(this, value);
  }

  /** Sets every element to zero; returns this. */
  public Tensor zero_() {
    return Elementwise.zero_(this);
  }

  /** Copies {@code src} (broadcast to this shape, converted to this dtype) into this tensor. */
  public Tensor copy_(Tensor src) {
    return Transfers.copy_(this, src);
  }

  // ======================================================================== reductions: Reductions

  /** Sum of all elements (0-d); integer and bool tensors sum to int64. */
  @Primitive(rules = Reductions.class)
  public Tensor sum() {
    return Reductions.sum(this);
  }

  /** Sum over {@code dim}. */
  @Primitive(rules = Reductions.class)
  public Tensor sum(int dim) {
    return Reductions.sum(this, dim);
  }

  /** Sum over {@code dim}, keeping it as size 1 when {@code keepdim}. */
  @Primitive(rules = Reductions.class)
  public Tensor sum(int dim, boolean keepdim) {
    return Reductions.sum(this, dim, keepdim);
  }

  /** Sum over several dims. */
  @Primitive(rules = Reductions.class)
  public Tensor sum(int[] dims, boolean keepdim) {
    return Reductions.sum(this, dims, keepdim);
  }

  /** Product of all elements (0-d); integer and bool tensors multiply to int64. */
  @Primitive(rules = Reductions.class)
  public Tensor prod() {
    return Reductions.prod(this);
  }

  /** Product over {@code dim}, keeping it as size 1 when {@code keepdim}. */
  @Primitive(rules = Reductions.class)
  public Tensor prod(int dim, boolean keepdim) {
    return Reductions.prod(this, dim, keepdim);
  }

  /** Mean of all elements (floating tensors only). */
  @Primitive(rules = Reductions.class)
  public Tensor mean() {
    return Reductions.mean(this);
  }

  /** Mean over {@code dim}. */
  @Primitive(rules = Reductions.class)
  public Tensor mean(int dim) {
    return Reductions.mean(this, dim);
  }

  /** Mean over {@code dim}, keeping it when {@code keepdim}. */
  @Primitive(rules = Reductions.class)
  public Tensor mean(int dim, boolean keepdim) {
    return Reductions.mean(this, dim, keepdim);
  }

  /** Mean over several dims. */
  @Primitive(rules = Reductions.class)
  public Tensor mean(int[] dims, boolean keepdim) {
    return Reductions.mean(this, dims, keepdim);
  }

  /** The largest element (0-d); NaN if any element is NaN. */
  @Primitive(rules = Reductions.class)
  public Tensor max() {
    return Reductions.max(this);
  }

  /** Largest values along {@code dim} and their indices. */
  @Primitive(rules = Reductions.class, output = "values")
  public ValuesIndices max(int dim) {
    return Reductions.max(this, dim);
  }

  /** Largest values along {@code dim} and their indices, keeping the dim when asked. */
  @Primitive(rules = Reductions.class, output = "values")
  public ValuesIndices max(int dim, boolean keepdim) {
    return Reductions.max(this, dim, keepdim);
  }

  /** The smallest element (0-d). */
  @Primitive(rules = Reductions.class)
  public Tensor min() {
    return Reductions.min(this);
  }

  /** Smallest values along {@code dim} and their indices. */
  @Primitive(rules = Reductions.class, output = "values")
  public ValuesIndices min(int dim) {
    return Reductions.min(this, dim);
  }

  /** Smallest values along {@code dim} and their indices, keeping the dim when asked. */
  @Primitive(rules = Reductions.class, output = "values")
  public ValuesIndices min(int dim, boolean keepdim) {
    return Reductions.min(this, dim, keepdim);
  }

  /** Index of the largest element in the flattened tensor (0-d int64). */
  @Primitive(differentiable = false)
  public Tensor argmax() {
    return Reductions.argmax(this);
  }

  /** Indices of the largest values along {@code dim}. */
  @Primitive(differentiable = false)
  public Tensor argmax(int dim, boolean keepdim) {
    return Reductions.argmax(this, dim, keepdim);
  }

  /** Index of the smallest element in the flattened tensor (0-d int64). */
  @Primitive(differentiable = false)
  public Tensor argmin() {
    return Reductions.argmin(this);
  }

  /** Indices of the smallest values along {@code dim}. */
  @Primitive(differentiable = false)
  public Tensor argmin(int dim, boolean keepdim) {
    return Reductions.argmin(this, dim, keepdim);
  }

  /** Unbiased variance of all elements (divides by n - 1, as {@code torch.var}). */
  @Primitive(rules = Reductions.class)
  public Tensor var() {
    return Reductions.var(this);
  }

  /** Unbiased variance along {@code dim}. */
  @Primitive(rules = Reductions.class)
  public Tensor var(int dim) {
    return Reductions.var(this, dim);
  }

  /**
   * Variance over {@code dims} (null: all) dividing by {@code n - correction}: 1 is unbiased
   * (Bessel), 0 the population variance.
   */
  @Primitive(rules = Reductions.class)
  public Tensor var(int[] dims, int correction, boolean keepdim) {
    return Reductions.var(this, dims, correction, keepdim);
  }

  /** Unbiased standard deviation of all elements. */
  @Primitive(rules = Reductions.class)
  public Tensor std() {
    return Reductions.std(this);
  }

  /** Unbiased standard deviation along {@code dim}. */
  @Primitive(rules = Reductions.class)
  public Tensor std(int dim) {
    return Reductions.std(this, dim);
  }

  /** Standard deviation over {@code dims} with the given correction. */
  @Primitive(rules = Reductions.class)
  public Tensor std(int[] dims, int correction, boolean keepdim) {
    return Reductions.std(this, dims, correction, keepdim);
  }

  /** {@code log(sum(exp(this)))} along {@code dim}, computed without overflow. */
  @Primitive(rules = Reductions.class)
  public Tensor logsumexp(int dim) {
    return Reductions.logsumexp(this, dim);
  }

  /** {@code log(sum(exp(this)))} along {@code dim}, keeping it when asked. */
  @Primitive(rules = Reductions.class)
  public Tensor logsumexp(int dim, boolean keepdim) {
    return Reductions.logsumexp(this, dim, keepdim);
  }

  /** {@code log(sum(exp(this)))} over several dims. */
  @Primitive(rules = Reductions.class)
  public Tensor logsumexp(int[] dims, boolean keepdim) {
    return Reductions.logsumexp(this, dims, keepdim);
  }

  // ================================================================= linear algebra: LinearAlgebra

  /**
   * Matrix product with PyTorch's rules: 1-d by 1-d is a dot product (0-d), 2-d by 2-d a matrix
   * product, a 1-d operand is treated as a row (left) or column (right) vector and that dimension
   * removed afterwards, and leading batch dimensions broadcast.
   */
  @Primitive(rules = LinearAlgebra.class)
  public Tensor matmul(Tensor other) {
    return LinearAlgebra.matmul(this, other);
  }

  /** Product of two matrices (2-d only). */
  @Primitive(rules = LinearAlgebra.class)
  public Tensor mm(Tensor other) {
    return LinearAlgebra.mm(this, other);
  }

  /** Batched product of 3-d tensors {@code [B, n, m] @ [B, m, p]} (no broadcasting). */
  @Primitive(rules = LinearAlgebra.class)
  public Tensor bmm(Tensor other) {
    return LinearAlgebra.bmm(this, other);
  }

  /**
   * The inverse of a square matrix, or of each matrix in a batch {@code [..., n, n]}, by LU
   * decomposition with partial pivoting.
   *
   * @throws SingularMatrixException when a matrix is singular (to the input's precision)
   */
  @Primitive(rules = LinearAlgebra.class)
  public Tensor inverse() {
    return LinearAlgebra.inverse(this);
  }

  // ================================================================ comparison helpers: Arithmetic

  /** True when both have the same shape and dtype and equal elements ({@code torch.equal}). */
  public boolean equal(Tensor other) {
    return Arithmetic.equal(this, other);
  }

  /**
   * {@code |this - other| <= atol + rtol * |other|} everywhere (broadcast), NaN never equal
   * ({@code torch.allclose}).
   */
  public boolean allClose(Tensor other, double rtol, double atol) {
    return Arithmetic.allClose(this, other, rtol, atol);
  }

  // ================================================================== printing

  /** Prints like PyTorch: {@code tensor([[1., 0.], [0., 1.]], dtype=torch.float64)}. */
  @Override
  public String toString() {
    return TensorFormatter.format(this);
  }
}
