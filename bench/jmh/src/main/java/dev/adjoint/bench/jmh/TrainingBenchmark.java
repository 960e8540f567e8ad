package dev.adjoint.bench.jmh;

import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * The optimizer and a whole training step on the 784-256-128-10 MLP (ReLU between the layers,
 * 235146 parameters), the model of {@code bench/run}'s {@code mlp} workloads:
 * {@link #adamStep} is one {@link Adam} update (lr 1e-3) of every parameter from fixed
 * standard-normal gradients; {@link #mlpStep128} is one step at batch 128 (zero the gradients in
 * place, forward, cross-entropy loss, backward, Adam).
 */
public class TrainingBenchmark extends KernelBenchmark {
  private Adam adamOnly;
  private Sequential model;
  private Adam opt;
  private CrossEntropyLoss loss;
  private Tensor x;
  private Tensor y;

  /** The MLP with its initial weights. */
  private static Sequential mlp(Generator g) {
    return new Sequential(new Linear(784, 256, true, g), new ReLU(),
        new Linear(256, 128, true, g), new ReLU(), new Linear(128, 10, true, g));
  }

  /** Builds the model whose gradients are set once for {@link #adamStep}. */
  @Setup
  public void setUp() {
    Generator g = generator();
    Sequential fixed = mlp(g);
    for (Tensor p : fixed.parameters()) {
      p.setGrad(Tensor.randn(g, p.shape()));
    }
    adamOnly = new Adam(fixed.parameters(), 1e-3);
  }

  /**
   * Builds the model {@link #mlpStep128} trains, its optimizer and batch, the same at the start
   * of every iteration: trained for long on one batch, its loss would fall so far that the
   * softmax's gradients became subnormal floats, which run much slower on x86.
   */
  @Setup(Level.Iteration)
  public void setUpTraining() {
    Generator g = new Generator(SEED + 1);
    model = mlp(g);
    opt = new Adam(model.parameters(), 1e-3);
    loss = new CrossEntropyLoss();
    x = Tensor.randn(g, 128, 784);
    y = Tensor.randint(g, 0, 10, 128);
  }

  /** One Adam update of the 235146 parameters. */
  @Benchmark
  public void adamStep() {
    adamOnly.step();
  }

  /**
   * One training step at batch 128; {@code zeroGrad(false)} zeroes the gradients in place, as
   * {@code bench/run}'s workload (and PyTorch 1.13's {@code zero_grad()}) does.
   */
  @Benchmark
  public void mlpStep128() {
    opt.zeroGrad(false);
    Tensor l = loss.call(model.call(x), y);
    l.backward();
    opt.step();
  }
}
