package dev.adjoint.samples;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.Tensor;
import java.io.PrintStream;

/**
 * The autograd cells of the PyTorch intro notebook, ported one by one, plus one gradient step of
 * the notebook's linear regression through the generated backward of {@link LinReg}.
 */
public final class NotebookAutograd {
  private NotebookAutograd() {}

  /** Runs every cell, printing to standard output. */
  public static void main(String[] args) {
    run(System.out, 0);
  }

  /** Runs every cell, printing to {@code out}; {@code seed} seeds the layer's initialisation. */
  public static void run(PrintStream out, long seed) {
    cell(out, "x = torch.tensor(2.); x");
    Tensor x = Tensor.scalar(2.0);
    out.println(x);

    cell(out, "x = torch.tensor(2., requires_grad=True); x");
    x = Tensor.scalar(2.0).requiresGrad_(true);
    out.println(x);

    cell(out, "print(x.grad)");
    out.println(show(x.grad()));

    cell(out, "y = x ** 2; print(\"Grad of x:\", x.grad)");
    Tensor y = x.pow(2.0);
    out.println("Grad of x: " + show(x.grad()));

    cell(out, "y = x ** 2; y.backward(); print(\"Grad of x:\", x.grad)");
    y = x.pow(2.0);
    y.backward();
    out.println("Grad of x: " + show(x.grad()));

    cell(out, "with torch.no_grad(): y = x * x; print(y.grad_fn)");
    Tensor leaf = x;
    y = GradMode.noGrad(() -> leaf.mul(leaf));
    out.println(show(y.gradFn()));

    cell(out, "y = x * x; print(y.grad_fn)");
    y = x.mul(x);
    out.println(y.gradFn()); // <MulBackward0 object>, PyTorch's print without the address

    cell(out, "model = LinReg(3); y_ = model(X); loss = ((y_ - y) ** 2).mean(); loss.backward()");
    Tensor.manualSeed(seed);
    LinReg model = new LinReg(3);
    Tensor features = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    Tensor target = Tensor.of(new float[][] {{1}, {2}});
    Tensor loss = model.call(features).sub(target).pow(2.0).mean();
    loss.backward();
    out.println("loss " + loss);
    model.namedParameters().forEach((name, p) -> out.println(name + ".grad " + p.grad()));
  }

  private static String show(Object value) {
    return value == null ? "None" : value.toString();
  }

  private static void cell(PrintStream out, String pytorch) {
    out.println();
    out.println(">>> " + pytorch);
  }
}
