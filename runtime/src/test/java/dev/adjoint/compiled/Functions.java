package dev.adjoint.compiled;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Primitive;
import dev.adjoint.tensor.Tensor;

/** Static {@code @Forward} functions and a user-defined primitive with its adjoint. */
public final class Functions {
  private Functions() {}

  /**
   * The fixture chain of ops.safetensors: {@code log_softmax(exp(tanh(x @ w)).sum(1)
   * / (1 + |x|.sum(1)), dim 0)}.
   */
  @Forward
  public static Tensor chain(Tensor x, Tensor w) {
    Tensor s = x.matmul(w).tanh().exp().sum(1);
    Tensor d = x.abs().sum(1).add(1.0);
    Tensor v = s.div(d);
    return v.sub(v.logsumexp(0, true));
  }

  /** A user op: {@code x^3}, computed without the rule table's pow. */
  @Primitive
  public static Tensor cube(Tensor x) {
    return x.mul(x).mul(x);
  }

  /** d(x^3)/dx = 3 x^2. */
  @Adjoint(of = "cube", wrt = "x")
  public static Tensor cubeX(Tensor g, Tensor x) {
    return g.mul(x.mul(x).mul(3.0));
  }

  /** Uses the user primitive inside differentiated code. */
  @Forward
  public static Tensor cubic(Tensor x, Tensor w) {
    return cube(x.matmul(w)).sum(0);
  }
}
