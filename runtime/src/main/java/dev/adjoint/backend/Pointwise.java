package dev.adjoint.backend;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A fused elementwise expression: several inputs and scalar parameters combined by elementwise
 * operations into one or more outputs, which a backend evaluates in a single pass over memory
 * ({@link Backend#pointwise}). Optimizer updates are the main users: Adam's step reads the
 * parameter, its gradient and two moments once and writes three tensors, where the same update
 * written with tensor operations makes eleven passes and six temporaries.
 *
 * <p>A program is immutable and meant to be built once and reused; values that change between
 * calls (a step size, a bias correction) are {@linkplain Builder#scalar scalar parameters} given
 * at each call. Every operation rounds to the operands' dtype, exactly as the same sequence of
 * tensor operations would (float32 programs compute in float32, scalars converted to float32 as
 * PyTorch converts a Python float), so fusing never changes a result.
 *
 * <pre>{@code
 * Pointwise.Builder b = Pointwise.builder();
 * Pointwise.Value x = b.input(), y = b.input();
 * b.output(b.add(b.mul(x, b.scalar()), y));     // out = x * s0 + y
 * Pointwise axpy = b.build();
 * axpy.apply(new double[] {2.0}, new Tensor[] {x, y}, new Tensor[] {y});
 * }</pre>
 */
public final class Pointwise {
  /** The operation computing one value of a program. */
  public enum Op {
    /** Input number {@code arg}. */
    INPUT(0),
    /** Scalar parameter number {@code arg}, given at each call. */
    SCALAR(0),
    /** A constant fixed when the program is built. */
    CONSTANT(0),
    /** {@code -a}. */
    NEG(1),
    /** {@code sqrt(a)}. */
    SQRT(1),
    /** {@code e^a}. */
    EXP(1),
    /** {@code ln(a)}. */
    LOG(1),
    /** {@code |a|}. */
    ABS(1),
    /** {@code a + b}. */
    ADD(2),
    /** {@code a - b}. */
    SUB(2),
    /** {@code a * b}. */
    MUL(2),
    /** {@code a / b}. */
    DIV(2),
    /** {@code max(a, b)}, NaN if either is NaN (as {@code torch.maximum}). */
    MAXIMUM(2),
    /** {@code min(a, b)}, NaN if either is NaN (as {@code torch.minimum}). */
    MINIMUM(2);

    private final int arity;

    Op(int arity) {
      this.arity = arity;
    }

    /** How many values the operation reads: 0 for leaves, 1 or 2. */
    public int arity() {
      return arity;
    }
  }

  /** One value of a program under construction; only meaningful with the builder that made it. */
  public static final class Value {
    private final Builder owner;
    private final int index;

    private Value(Builder owner, int index) {
      this.owner = owner;
      this.index = index;
    }
  }

  /**
   * One step of a program: {@code op} applied to the values at positions {@code a} and {@code b}
   * (earlier steps; -1 where unused), or, for leaves, input or scalar number {@code arg}, or the
   * constant {@code constant}.
   */
  public record Step(Op op, int a, int b, int arg, double constant) {}

  private final List<Step> steps;
  private final int[] outputs;
  private final int inputs;
  private final int scalars;
  private final Object form;

  private Pointwise(List<Step> steps, int[] outputs, int inputs, int scalars, Object form) {
    this.steps = Collections.unmodifiableList(new ArrayList<>(steps));
    this.outputs = outputs.clone();
    this.inputs = inputs;
    this.scalars = scalars;
    this.form = form;
  }

  /** A builder for a new program. */
  public static Builder builder() {
    return new Builder();
  }

  /** The steps in evaluation order; step {@code i} computes value {@code i}. */
  public List<Step> steps() {
    return steps;
  }

  /** How many tensors the program reads. */
  public int inputCount() {
    return inputs;
  }

  /** How many scalar parameters each call gives. */
  public int scalarCount() {
    return scalars;
  }

  /** How many tensors the program writes. */
  public int outputCount() {
    return outputs.length;
  }

  /** The value (step position) written to output {@code k}. */
  public int output(int k) {
    return outputs[k];
  }

  /**
   * Evaluates the program elementwise: output {@code k} of element {@code i} is computed from
   * element {@code i} of every input and is written to element {@code i} of {@code outputs[k]}.
   * Outputs may be inputs (an in-place update); each element's inputs are read before any of its
   * outputs is written. Writes count as in-place writes of the outputs ({@link Tensor#version()}).
   *
   * @param scalars one value per {@linkplain Builder#scalar scalar parameter}
   * @param inputs one tensor per input, all contiguous, of one shape, one floating dtype and one
   *     device
   * @param outputs one tensor per output, likewise; written as an in-place op would be (not
   *     recorded in the graph: a parameter is updated inside {@code GradMode.noGrad})
   * @throws IllegalArgumentException when counts, shapes, dtypes, devices or layouts differ
   */
  public void apply(double[] scalars, Tensor[] inputs, Tensor[] outputs) {
    Objects.requireNonNull(scalars, "Pointwise.apply: scalars is null");
    Objects.requireNonNull(inputs, "Pointwise.apply: inputs is null");
    Objects.requireNonNull(outputs, "Pointwise.apply: outputs is null");
    if (scalars.length != this.scalars || inputs.length != this.inputs
        || outputs.length != this.outputs.length) {
      throw new IllegalArgumentException("Pointwise.apply: the program takes " + this.scalars
          + " scalars, " + this.inputs + " inputs and " + this.outputs.length + " outputs; got "
          + scalars.length + ", " + inputs.length + " and " + outputs.length);
    }
    Tensor first = outputs[0];
    Objects.requireNonNull(first, "Pointwise.apply: outputs[0] is null");
    if (!first.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException("Pointwise.apply: needs floating tensors, got "
          + first.dtype());
    }
    for (int k = 0; k < inputs.length + outputs.length; k++) {
      boolean out = k >= inputs.length;
      Tensor t = out ? outputs[k - inputs.length] : inputs[k];
      String name = out ? "outputs[" + (k - inputs.length) + "]" : "inputs[" + k + "]";
      if (t == null) {
        throw new NullPointerException("Pointwise.apply: " + name + " is null");
      }
      if (!Arrays.equals(t.shape(), first.shape()) || t.dtype() != first.dtype()
          || !t.device().equals(first.device())) {
        throw new IllegalArgumentException("Pointwise.apply: " + name + " is "
            + Arrays.toString(t.shape()) + " " + t.dtype() + " on " + t.device() + ", outputs[0] "
            + Arrays.toString(first.shape()) + " " + first.dtype() + " on " + first.device());
      }
      if (!t.isContiguous()) {
        throw new IllegalArgumentException("Pointwise.apply: " + name + " is not contiguous");
      }
    }
    for (Tensor t : outputs) {
      t.checkWrite("Pointwise.apply");
    }
    Storage[] in = new Storage[inputs.length];
    long[] inOffsets = new long[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      in[k] = inputs[k].storage();
      inOffsets[k] = inputs[k].layout().offset();
    }
    Storage[] out = new Storage[outputs.length];
    long[] outOffsets = new long[outputs.length];
    for (int k = 0; k < outputs.length; k++) {
      out[k] = outputs[k].storage();
      outOffsets[k] = outputs[k].layout().offset();
    }
    Backends.of(first.device()).pointwise(this, scalars, first.numel(), in, inOffsets, out,
        outOffsets);
  }

  /**
   * What this program is when {@link UpdatePrograms} built it (an {@link UpdatePrograms.Adam} or
   * {@link UpdatePrograms.Sgd} naming its options), so that a backend may run a hand-fused loop
   * of exactly these steps instead of evaluating them one by one; null for any other program.
   * Only {@code UpdatePrograms} can set it, from the same options it built the steps from.
   */
  public Object form() {
    return form;
  }

  /** Whether every tensor is contiguous, of one shape, dtype and device: what apply needs. */
  public static boolean fusable(Tensor... tensors) {
    Tensor first = tensors[0];
    for (Tensor t : tensors) {
      if (!t.isContiguous() || t.dtype() != first.dtype() || !t.dtype().isFloatingPoint()
          || !Arrays.equals(t.shape(), first.shape()) || !t.device().equals(first.device())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Pointwise[");
    for (int i = 0; i < steps.size(); i++) {
      Step st = steps.get(i);
      s.append(i == 0 ? "" : "; ").append('v').append(i).append(" = ");
      switch (st.op()) {
        case INPUT -> s.append("in").append(st.arg());
        case SCALAR -> s.append("s").append(st.arg());
        case CONSTANT -> s.append(st.constant());
        default -> {
          s.append(st.op().name().toLowerCase(java.util.Locale.ROOT)).append("(v").append(st.a());
          if (st.op().arity() == 2) {
            s.append(", v").append(st.b());
          }
          s.append(')');
        }
      }
    }
    s.append(" -> ");
    for (int k = 0; k < outputs.length; k++) {
      s.append(k == 0 ? "v" : ", v").append(outputs[k]);
    }
    return s.append(']').toString();
  }

  /** Builds a program value by value; each method returns the new value. */
  public static final class Builder {
    private final List<Step> steps = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private int inputs;
    private int scalars;

    private Builder() {}

    private Value add(Step step) {
      steps.add(step);
      return new Value(this, steps.size() - 1);
    }

    private int check(Value v) {
      Objects.requireNonNull(v, "Pointwise: value is null");
      if (v.owner != this) {
        throw new IllegalArgumentException("Pointwise: a value made by another builder");
      }
      return v.index;
    }

    /** The next input tensor (numbered from 0 in the order of these calls). */
    public Value input() {
      return add(new Step(Op.INPUT, -1, -1, inputs++, 0));
    }

    /** The next scalar parameter (numbered from 0 in the order of these calls). */
    public Value scalar() {
      return add(new Step(Op.SCALAR, -1, -1, scalars++, 0));
    }

    /** A constant; converted to the operands' dtype like a scalar parameter. */
    public Value constant(double c) {
      return add(new Step(Op.CONSTANT, -1, -1, -1, c));
    }

    /** {@code op(a)} for a one-operand op. */
    public Value unary(Op op, Value a) {
      if (op.arity() != 1) {
        throw new IllegalArgumentException("Pointwise: " + op + " does not take one operand");
      }
      return add(new Step(op, check(a), -1, -1, 0));
    }

    /** {@code op(a, b)} for a two-operand op. */
    public Value binary(Op op, Value a, Value b) {
      if (op.arity() != 2) {
        throw new IllegalArgumentException("Pointwise: " + op + " does not take two operands");
      }
      return add(new Step(op, check(a), check(b), -1, 0));
    }

    /** {@code a + b}. */
    public Value add(Value a, Value b) {
      return binary(Op.ADD, a, b);
    }

    /** {@code a - b}. */
    public Value sub(Value a, Value b) {
      return binary(Op.SUB, a, b);
    }

    /** {@code a * b}. */
    public Value mul(Value a, Value b) {
      return binary(Op.MUL, a, b);
    }

    /** {@code a / b}. */
    public Value div(Value a, Value b) {
      return binary(Op.DIV, a, b);
    }

    /** {@code max(a, b)}. */
    public Value maximum(Value a, Value b) {
      return binary(Op.MAXIMUM, a, b);
    }

    /** {@code sqrt(a)}. */
    public Value sqrt(Value a) {
      return unary(Op.SQRT, a);
    }

    /** {@code -a}. */
    public Value neg(Value a) {
      return unary(Op.NEG, a);
    }

    /** Makes {@code v} the next output (numbered from 0 in the order of these calls). */
    public Builder output(Value v) {
      outputs.add(check(v));
      return this;
    }

    /** The program; at least one output is needed. */
    public Pointwise build() {
      return build(null);
    }

    /** The program, with the {@link Pointwise#form} {@link UpdatePrograms} gives it. */
    Pointwise build(Object form) {
      if (outputs.isEmpty()) {
        throw new IllegalStateException("Pointwise: a program needs at least one output");
      }
      return new Pointwise(steps, outputs.stream().mapToInt(Integer::intValue).toArray(), inputs,
          scalars, form);
    }
  }
}
