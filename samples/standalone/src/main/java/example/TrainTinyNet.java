package example;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.Tensor;

/**
 * Fits {@link TinyNet} to {@code y = x . [2, -1, 0.5] + 0.3} plus a little noise with a few SGD
 * steps, printing the loss; exits with status 1 unless the loss fell at least tenfold, so a
 * broken set-up fails the build that runs it.
 */
public final class TrainTinyNet {
  private TrainTinyNet() {}

  public static void main(String[] args) {
    Tensor.manualSeed(0);
    Tensor x = Tensor.randn(256, 3);
    Tensor trueWeight = Tensor.of(new float[][] {{2f}, {-1f}, {0.5f}});
    Tensor y = x.matmul(trueWeight).add(0.3).add(Tensor.randn(256, 1).mul(0.01));

    TinyNet model = new TinyNet(3);
    MSELoss lossFn = new MSELoss();
    SGD optimizer = new SGD(model.parameters(), 0.1);

    double first = GradMode.noGrad(() -> lossFn.call(model.call(x), y).item());
    System.out.printf("step  0  loss %.6f%n", first);
    double last = first;
    for (int step = 1; step <= 30; step++) {
      optimizer.zeroGrad();
      Tensor loss = lossFn.call(model.call(x), y);
      loss.backward();
      optimizer.step();
      last = loss.item();
      if (step % 5 == 0) {
        System.out.printf("step %2d  loss %.6f%n", step, last);
      }
    }
    double fitted = GradMode.noGrad(() -> lossFn.call(model.call(x), y).item());
    System.out.printf("after training  loss %.6f%n", fitted);
    if (!(fitted < first / 10)) {
      System.err.printf("FAILED: the loss did not fall tenfold (%.6f -> %.6f)%n", first, fitted);
      System.exit(1);
    }
    System.out.println("OK: the loss fell from " + String.format("%.4f", first) + " to "
        + String.format("%.4f", fitted));
  }
}
