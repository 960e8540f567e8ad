package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer whose {@code @Forward} body notes which class runs it: the user's own class when the
 * body runs as written, the generated {@code Probed_Adjoint} when the generated forward runs.
 */
@Layer
public class Probed extends Module {
  /** The classes that ran the body's first statement, in call order. */
  static final List<Class<?>> RUN_BY = new ArrayList<>();

  @Param Tensor w;

  Probed(Generator g) {
    w = Layers.randn(g, 3, 3);
  }

  /** Records the class calling it; returns how many calls were recorded. */
  static int recordCaller() {
    RUN_BY.add(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .getCallerClass());
    return RUN_BY.size();
  }

  @Forward
  public Tensor forward(Tensor x) {
    int calls = recordCaller();
    return x.matmul(w).mul(calls).tanh();
  }
}
