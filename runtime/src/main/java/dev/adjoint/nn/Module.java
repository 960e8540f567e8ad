package dev.adjoint.nn;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.PyRepr;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Base class of layers, the counterpart of {@code torch.nn.Module}. Subclasses are annotated
 * {@code @Layer}; the processor generates their registry (parameters, buffers, sub-layers, by
 * dotted name) and the backward pass of their {@code @Forward} method.
 *
 * <pre>{@code
 * Tensor yHat = model.call(x);   // generated forward; the result's node runs the generated backward
 * model.train(); model.eval();
 * for (Tensor p : model.parameters()) { ... }
 * }</pre>
 *
 * <p>Parameters are marked {@code requiresGrad} the first time the registry is used (any method
 * here or {@link #call}); to freeze one, call {@code requiresGrad_(false)} on it after that, or
 * {@link #requiresGrad_(boolean)} on the module.
 */
public abstract class Module {
  private boolean training = true;
  private boolean parametersMarked;

  /** Subclasses build their parameters and sub-layers in their constructors. */
  protected Module() {}

  @SuppressWarnings("unchecked")
  private LayerBinding<Module> binding() {
    return (LayerBinding<Module>) Bindings.of(getClass());
  }

  /**
   * Runs this layer's {@code @Forward} method through the generated code
   * ({@code model(x)} in PyTorch). Under {@link ForwardMode#setEager eager mode} it runs the
   * method's body as written instead, recording one graph node per op, so that a breakpoint in
   * it is hit during training; the gradients are the same.
   */
  public final Tensor call(Tensor... inputs) {
    markParameters();
    LayerBinding<Module> b = binding();
    return ForwardMode.isEager() ? b.callEager(this, inputs) : b.call(this, inputs);
  }

  // ------------------------------------------------------------------ registry walks

  /**
   * The name under which the sub-layer that the generated registry calls {@code field} appears in
   * dotted names: {@code field} itself ({@code fc1}, or {@code blocks.0} for element 0 of a list
   * field {@code blocks}) unless a container renames its entries, as {@link Sequential} names its
   * layers {@code 0}, {@code 1}, ... like PyTorch.
   */
  protected String childName(String field) {
    return field;
  }

  /** Visits this module and every sub-module, depth first, with dotted prefixes. */
  private void walk(String prefix, LayerBinding.Visitor visitor) {
    binding().visit(this, new LayerBinding.Visitor() {
      @Override
      public void parameter(String name, Tensor value, Consumer<Tensor> set) {
        visitor.parameter(prefix + name, value, set);
      }

      @Override
      public void buffer(String name, Tensor value, boolean persistent, Consumer<Tensor> set) {
        visitor.buffer(prefix + name, value, persistent, set);
      }

      @Override
      public void child(String name, Module child) {
        String n = childName(name);
        visitor.child(prefix + n, child);
        child.walk(prefix + n + ".", visitor);
      }
    });
  }

  private abstract static class Collect implements LayerBinding.Visitor {
    @Override
    public void parameter(String name, Tensor value, Consumer<Tensor> set) {}

    @Override
    public void buffer(String name, Tensor value, boolean persistent, Consumer<Tensor> set) {}

    @Override
    public void child(String name, Module child) {}
  }

  private void markParameters() {
    if (parametersMarked) {
      return;
    }
    parametersMarked = true;
    walk("", new Collect() {
      @Override
      public void parameter(String name, Tensor value, Consumer<Tensor> set) {
        if (value != null && value.isLeaf() && value.dtype().isFloatingPoint()
            && !value.requiresGrad()) {
          value.requiresGrad_(true);
        }
      }

      @Override
      public void child(String name, Module child) {
        child.parametersMarked = true;
      }
    });
  }

  /**
   * Whether a call should record a graph node for this module's parameters: one of them requires
   * grad. Generated entry points call this.
   */
  public final boolean recordsGradients() {
    markParameters();
    boolean[] any = {false};
    walk("", new Collect() {
      @Override
      public void parameter(String name, Tensor value, Consumer<Tensor> set) {
        any[0] |= value != null && value.requiresGrad();
      }
    });
    return any[0];
  }

  /** Parameters by dotted name ({@code fc1.weight}), in declaration order. */
  public final Map<String, Tensor> namedParameters() {
    markParameters();
    Map<String, Tensor> out = new LinkedHashMap<>();
    walk("", new Collect() {
      @Override
      public void parameter(String name, Tensor value, Consumer<Tensor> set) {
        if (value != null) {
          out.putIfAbsent(name, value);
        }
      }
    });
    return out;
  }

  /**
   * The parameter with this dotted name ({@code blocks.0.fc.weight}).
   *
   * @throws IllegalArgumentException naming the known parameters when there is none
   */
  public final Tensor parameter(String name) {
    Tensor t = namedParameters().get(name);
    if (t == null) {
      throw new IllegalArgumentException("no parameter '" + name + "' in "
          + getClass().getSimpleName() + "; it has " + namedParameters().keySet());
    }
    return t;
  }

  /**
   * Replaces the parameter with this dotted name; the new tensor must have the old one's shape
   * and dtype, and is marked {@code requiresGrad} like the old one.
   */
  public final void setParameter(String name, Tensor value) {
    Tensor old = parameter(name);
    if (!Arrays.equals(old.shape(), value.shape()) || old.dtype() != value.dtype()) {
      throw new IllegalArgumentException("setParameter: '" + name + "' is "
          + Arrays.toString(old.shape()) + " " + old.dtype() + ", got "
          + Arrays.toString(value.shape()) + " " + value.dtype());
    }
    boolean[] done = {false};
    walk("", new Collect() {
      @Override
      public void parameter(String n, Tensor v, Consumer<Tensor> set) {
        if (n.equals(name) && !done[0]) {
          Tensor fresh = value.isLeaf() ? value : value.detach();
          if (old.requiresGrad() && !fresh.requiresGrad()) {
            fresh.requiresGrad_(true);
          }
          set.accept(fresh);
          done[0] = true;
        }
      }
    });
  }

  /** Parameters in declaration order; a tensor shared by two layers is listed once. */
  public final List<Tensor> parameters() {
    java.util.Set<Tensor> seen = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : namedParameters().values()) {
      if (seen.add(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /** Buffers by dotted name. */
  public final Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    walk("", new Collect() {
      @Override
      public void buffer(String name, Tensor value, boolean persistent, Consumer<Tensor> set) {
        if (value != null) {
          out.put(name, value);
        }
      }
    });
    return out;
  }

  /** Direct and indirect sub-layers by dotted name. */
  public final Map<String, Module> namedModules() {
    Map<String, Module> out = new LinkedHashMap<>();
    walk("", new Collect() {
      @Override
      public void child(String name, Module child) {
        out.put(name, child);
      }
    });
    return out;
  }

  /**
   * Parameters and persistent buffers by dotted name, in registry order: the port of
   * {@code state_dict()}. The tensors share storage with the module's (detached views), so
   * saving them reads the live values without copying. The map prints as PyTorch prints a
   * state dict: {@code OrderedDict([('fc.weight', tensor([[...]])), ('fc.bias', tensor([...]))])}.
   */
  public final Map<String, Tensor> stateDict() {
    markParameters();
    Map<String, Tensor> out = PyRepr.orderedDict();
    walk("", new Collect() {
      @Override
      public void parameter(String name, Tensor value, Consumer<Tensor> set) {
        if (value != null) {
          out.putIfAbsent(name, value.detach());
        }
      }

      @Override
      public void buffer(String name, Tensor value, boolean persistent, Consumer<Tensor> set) {
        if (value != null && persistent) {
          out.putIfAbsent(name, value.detach());
        }
      }
    });
    return out;
  }

  /**
   * What {@link #loadStateDict} matched: keys the module has but the map lacks, and keys the map
   * has but the module does not ({@code <All keys matched successfully>} when both are empty).
   *
   * @param missingKeys module entries absent from the map
   * @param unexpectedKeys map entries the module does not have
   */
  public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    @Override
    public String toString() {
      return missingKeys.isEmpty() && unexpectedKeys.isEmpty()
          ? "<All keys matched successfully>"
          : "LoadResult(missingKeys=" + missingKeys + ", unexpectedKeys=" + unexpectedKeys + ")";
    }
  }

  /**
   * Copies {@code state} into this module's parameters and persistent buffers, in place (the
   * tensors stay the same objects, so optimizers holding them keep working), as
   * {@code load_state_dict}. Every problem is checked before anything changes: with
   * {@code strict}, missing and unexpected keys are errors; shape and dtype mismatches always are.
   * All of them are listed in one exception, and on failure the module is unchanged.
   *
   * @throws IllegalArgumentException listing every missing or unexpected key and mismatch
   */
  public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
    Map<String, Tensor> own = stateDict();
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      Tensor given = state.get(e.getKey());
      if (given == null) {
        missing.add(e.getKey());
      } else if (!Arrays.equals(given.shape(), e.getValue().shape())) {
        mismatched.add(e.getKey() + ": shape " + Arrays.toString(given.shape())
            + " in the state dict, " + Arrays.toString(e.getValue().shape()) + " in the module");
      } else if (given.dtype() != e.getValue().dtype()) {
        mismatched.add(e.getKey() + ": dtype " + given.dtype() + " in the state dict, "
            + e.getValue().dtype() + " in the module");
      }
    }
    for (String k : state.keySet()) {
      if (!own.containsKey(k)) {
        unexpected.add(k);
      }
    }
    if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
      StringBuilder sb = new StringBuilder("Error(s) in loading state dict for ")
          .append(getClass().getSimpleName()).append(':');
      if (strict && !missing.isEmpty()) {
        sb.append("\n  Missing key(s): ").append(String.join(", ", missing));
      }
      if (strict && !unexpected.isEmpty()) {
        sb.append("\n  Unexpected key(s): ").append(String.join(", ", unexpected));
      }
      for (String m : mismatched) {
        sb.append("\n  Size or dtype mismatch for ").append(m);
      }
      throw new IllegalArgumentException(sb.toString());
    }
    dev.adjoint.autograd.GradMode.noGrad(() -> {
      for (Map.Entry<String, Tensor> e : own.entrySet()) {
        Tensor given = state.get(e.getKey());
        if (given != null) {
          e.getValue().copy_(given.to(e.getValue().device()));
        }
      }
    });
    return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
  }

  /** {@link #loadStateDict(Map, boolean)} with {@code strict = true}. */
  public final LoadResult loadStateDict(Map<String, Tensor> state) {
    return loadStateDict(state, true);
  }

  /** Total number of parameter elements (shared tensors counted once). */
  public final long numParameters() {
    long n = 0;
    for (Tensor t : parameters()) {
      n += t.numel();
    }
    return n;
  }

  /** Clears every parameter's gradient ({@code zero_grad(set_to_none=True)}). */
  public final void zeroGrad() {
    for (Tensor t : parameters()) {
      t.setGrad(null);
    }
  }

  /** Sets {@code requiresGrad} on every parameter (freezing with false); returns this. */
  public final Module requiresGrad_(boolean requiresGrad) {
    for (Tensor t : parameters()) {
      t.requiresGrad_(requiresGrad);
    }
    return this;
  }

  /**
   * Moves every parameter and buffer to {@code device}; returns this, typed as the caller's
   * variable ({@code LinReg m = new LinReg(8).to(device)}). Parameters move in place (see {@link
   * Tensor#setData}): the same tensor objects, so optimizers built earlier keep working; their
   * state moves with the parameters (see {@link dev.adjoint.optim.Optimizer}).
   */
  @SuppressWarnings("unchecked")
  public final <M extends Module> M to(Device device) {
    markParameters();
    walk("", new Collect() {
      @Override
      public void parameter(String name, Tensor value, Consumer<Tensor> set) {
        if (value != null && !value.device().equals(device)) {
          dev.adjoint.autograd.GradMode.noGrad(() -> {
            value.setData(value.detach().to(device));
          });
        }
      }

      @Override
      public void buffer(String name, Tensor value, boolean persistent, Consumer<Tensor> set) {
        if (value != null && !value.device().equals(device)) {
          set.accept(value.to(device));
        }
      }
    });
    return (M) this;
  }

  /**
   * Converts every floating point parameter and buffer to {@code dtype} ({@code model.to(dtype)}
   * in PyTorch); returns this, typed as the caller's variable. Parameters are converted in place
   * (see {@link Tensor#setData}): the same tensor objects, with their {@code requiresGrad} flags
   * and their gradients converted too, so optimizers built earlier keep updating them (their
   * state is converted too, see {@link dev.adjoint.optim.Optimizer}). Integer
   * and bool buffers (such as {@code numBatchesTracked}) keep their dtype, as in PyTorch.
   *
   * <pre>{@code
   * Mlp model = new Mlp().to(DType.FLOAT64);   // float64 weights, float64 outputs
   * }</pre>
   *
   * @throws IllegalArgumentException when {@code dtype} is not floating point (PyTorch:
   *     "nn.Module.to only accepts floating point or complex dtypes")
   */
  @SuppressWarnings("unchecked")
  public final <M extends Module> M to(DType dtype) {
    Objects.requireNonNull(dtype, "dtype");
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("to: a module only converts to floating point dtypes"
          + " (its integer buffers keep their dtype), got " + dtype);
    }
    markParameters();
    dev.adjoint.autograd.GradMode.noGrad(() -> {
      walk("", new Collect() {
        @Override
        public void parameter(String name, Tensor value, Consumer<Tensor> set) {
          if (value != null && value.dtype().isFloatingPoint() && value.dtype() != dtype) {
            value.setData(value.detach().to(dtype));
          }
        }

        @Override
        public void buffer(String name, Tensor value, boolean persistent, Consumer<Tensor> set) {
          if (value != null && value.dtype().isFloatingPoint() && value.dtype() != dtype) {
            set.accept(value.to(dtype));
          }
        }
      });
    });
    return (M) this;
  }

  /** {@link #to(DType) to(FLOAT64)}: PyTorch's {@code model.double()}. */
  public final <M extends Module> M double_() {
    return to(DType.FLOAT64);
  }

  /** {@link #to(DType) to(FLOAT32)}: PyTorch's {@code model.float()}. */
  public final <M extends Module> M float_() {
    return to(DType.FLOAT32);
  }

  // ------------------------------------------------------------------ modes

  /** Training mode on for this module and all sub-modules; returns this. */
  public final Module train() {
    return train(true);
  }

  /** Sets training mode recursively; returns this. */
  public final Module train(boolean mode) {
    training = mode;
    for (Module m : namedModules().values()) {
      m.training = mode;
    }
    return this;
  }

  /** Evaluation mode ({@code train(false)}); returns this. */
  public final Module eval() {
    return train(false);
  }

  /** Whether this module is in training mode; {@code @Forward} code may branch on it. */
  public final boolean training() {
    return training;
  }

  // ------------------------------------------------------------------ printing

  /**
   * A table of every parameter: dotted name, shape, dtype, element count, and the total, like
   * {@code torchinfo}'s summary.
   */
  public final String summary() {
    Map<String, Tensor> params = namedParameters();
    int width = "parameter".length();
    for (String n : params.keySet()) {
      width = Math.max(width, n.length());
    }
    StringBuilder sb = new StringBuilder();
    String row = "%-" + width + "s  %-18s  %-14s  %,12d%n";
    sb.append(String.format("%-" + width + "s  %-18s  %-14s  %12s%n", "parameter", "shape",
        "dtype", "elements"));
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      Tensor t = e.getValue();
      sb.append(String.format(row, e.getKey(), Arrays.toString(t.shape()), t.dtype(),
          (long) t.numel()));
    }
    sb.append(String.format("%s: %,d parameters%n", getClass().getSimpleName(), numParameters()));
    return sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
    Map<String, Module> children = new LinkedHashMap<>();
    binding().visit(this, new Collect() {
      @Override
      public void child(String name, Module child) {
        children.put(childName(name), child);
      }
    });
    if (children.isEmpty()) {
      return sb.append(')').toString();
    }
    sb.append('\n');
    for (Map.Entry<String, Module> e : children.entrySet()) {
      sb.append("  (").append(e.getKey()).append("): ")
          .append(e.getValue().toString().replace("\n", "\n  ")).append('\n');
    }
    return sb.append(')').toString();
  }
}
