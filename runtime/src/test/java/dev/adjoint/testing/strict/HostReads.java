package dev.adjoint.testing.strict;

import java.lang.StackWalker.StackFrame;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The strict backend's rule for host reads. A read is explicit when it comes from one of
 * {@link dev.adjoint.tensor.Tensor}'s transfer methods ({@code item}, {@code toFloatArray} and
 * kin, {@code toArray}, {@code toString}, {@code to(device)}, {@code equal}, {@code allclose})
 * called by the user (here: test code), or by a library class listed in {@link #ALLOWED} with the
 * reason it must read the host. Any other host read, a library-internal read on the training path
 * above all, throws {@link HostReadError} naming the frame that asked.
 */
final class HostReads {
  private HostReads() {}

  private static final String TENSOR = "dev.adjoint.tensor.Tensor";

  /**
   * The op-family classes behind Tensor's facade that hold transfer methods' bodies: a frame of
   * theirs counts as Tensor's own.
   */
  private static final Set<String> FAMILIES = Set.of("dev.adjoint.tensor.Transfers",
      "dev.adjoint.tensor.Arithmetic");

  /** Tensor's methods whose whole point is to bring values to the host. */
  private static final Set<String> TRANSFERS = Set.of("item", "itemLong", "itemBoolean",
      "toFloatArray", "toDoubleArray", "toLongArray", "toBooleanArray", "toFloatArray2d",
      "toDoubleArray2d", "toArray", "toString", "to", "cpu", "equal", "allclose", "tolist");

  /**
   * Library classes that read the host on purpose, each with its reason: what remains of the
   * host reads outside the user's own calls (issue 10.3 asks for the list).
   */
  static final Map<String, String> ALLOWED = Map.ofEntries(
      Map.entry("dev.adjoint.tensor.TensorFormatter", "printing a tensor"),
      Map.entry("dev.adjoint.tensor.PyRepr", "printing a tensor"),
      Map.entry("dev.adjoint.io.SafeTensors", "writing a file"),
      Map.entry("dev.adjoint.io.Checkpoint", "writing a file"),
      Map.entry("dev.adjoint.io.ModelFiles", "writing a file"),
      Map.entry("dev.adjoint.io.StateCodec", "writing a file"),
      Map.entry("dev.adjoint.tensor.Indexing#nonzero",
          "the result's shape depends on the values (PyTorch synchronizes here too)"),
      Map.entry("dev.adjoint.tensor.Arithmetic#inBlocksNoGrad",
          "equal and allClose answer a Java boolean"),
      Map.entry("dev.adjoint.optim.AdamUpdate#update",
          "the step counter is a 0-d tensor on the CPU whatever the parameters' device, as"
              + " PyTorch keeps it; the strict backend stands in for that CPU too"),
      Map.entry("dev.adjoint.optim.Optimizer#loadStep",
          "loading a saved step counter (not on a training step)"),
      Map.entry("dev.adjoint.optim.ClipGrad#requireFinite",
          "only with errorIfNonfinite = true, which asks for a host decision (as in PyTorch)"),
      Map.entry("dev.adjoint.optim.ReduceLROnPlateau#step",
          "the scheduler decides on the metric's value, as PyTorch's float(metrics) does"),
      Map.entry("dev.adjoint.data.StandardScaler#fit",
          "fitting a scaler once during data preparation"),
      Map.entry("dev.adjoint.metrics.Metrics", "metrics answer Java numbers"),
      Map.entry("dev.adjoint.metrics.ConfusionMatrix", "metrics count on the host"),
      Map.entry("dev.adjoint.distributed.ProcessGroup",
          "the TCP collectives send host bytes to other processes (a device collective such as"
              + " NCCL would not read the host)"),
      Map.entry("dev.adjoint.distributed.DistributedDataParallel",
          "packs gradients into host buckets for the TCP all-reduce, as ProcessGroup"));

  /** This thread's reads through the strict backend, by who asked ("test" for tests). */
  private static final ThreadLocal<List<String>> LOG = ThreadLocal.withInitial(ArrayList::new);

  /** Starts recording this thread's allowed host reads afresh. */
  static void startRecording() {
    LOG.get().clear();
  }

  /** The host reads recorded since {@link #startRecording()}: "test" or the allowed key. */
  static List<String> recorded() {
    return List.copyOf(LOG.get());
  }

  static void check() {
    check(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(s -> s.toList()));
  }

  /** Applies the rule to a stack, innermost frame first. */
  static void check(List<StackFrame> frames) {
    // The innermost transfer method of Tensor, then the first frame outside Tensor above it.
    int i = 0;
    while (i < frames.size() && !((frames.get(i).getClassName().equals(TENSOR)
        || FAMILIES.contains(frames.get(i).getClassName()))
        && TRANSFERS.contains(frames.get(i).getMethodName()))) {
      i++;
    }
    if (i == frames.size()) {
      throw new HostReadError("host read outside any transfer method of Tensor, from "
          + firstOutsideStrict(frames));
    }
    while (i < frames.size() && (frames.get(i).getClassName().startsWith(TENSOR)
        || FAMILIES.contains(frames.get(i).getClassName()))
        && (TRANSFERS.contains(frames.get(i).getMethodName())
            || frames.get(i).getMethodName().startsWith("lambda$"))) {
      i++;
    }
    if (i == frames.size()) {
      LOG.get().add("test");
      return;
    }
    StackFrame caller = frames.get(i);
    Class<?> c = caller.getDeclaringClass();
    String outer = outerName(c.getName());
    String method = outer + "#" + caller.getMethodName();
    if (isTestCode(c)) {
      LOG.get().add("test");
      return;
    }
    if (ALLOWED.containsKey(outer) || ALLOWED.containsKey(method)) {
      LOG.get().add(ALLOWED.containsKey(method) ? method : outer);
      return;
    }
    throw new HostReadError("host read by library code outside an explicit transfer: "
        + caller.getClassName() + "." + caller.getMethodName() + ":" + caller.getLineNumber()
        + " called Tensor." + frames.get(i - 1).getMethodName());
  }

  private static String outerName(String name) {
    int d = name.indexOf('$');
    return d < 0 ? name : name.substring(0, d);
  }

  private static String firstOutsideStrict(List<StackFrame> frames) {
    for (StackFrame f : frames) {
      if (!f.getClassName().startsWith("dev.adjoint.testing.strict.")) {
        return f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber();
      }
    }
    return "?";
  }

  /** Test classes live in test-classes (Maven) or another folder than the runtime's classes. */
  private static boolean isTestCode(Class<?> c) {
    if (!c.getName().startsWith("dev.adjoint.")) {
      return true; // JUnit, the JDK's reflection: called from a test
    }
    CodeSource cs = Optional.ofNullable(c.getProtectionDomain()).map(p -> p.getCodeSource())
        .orElse(null);
    return cs == null || !cs.getLocation().equals(RUNTIME);
  }

  /** Where the runtime's own classes come from. */
  private static final URL RUNTIME =
      dev.adjoint.tensor.Tensor.class.getProtectionDomain().getCodeSource().getLocation();

  /** A host read the strict backend refuses. */
  static final class HostReadError extends AssertionError {
    private static final long serialVersionUID = 1L;

    HostReadError(String message) {
      super(message);
    }
  }
}
