package dev.adjoint.spark;

import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.Sequential;
import dev.adjoint.nn.Tanh;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.TaskContext;

/** A small regression problem, its trainer, and the single-process run it must reproduce. */
final class Fixtures {
  private Fixtures() {}

  static final int EXAMPLES = 160;   // 2 partitions of 80
  static final int BATCH = 16;       // 8 per rank: 10 steps per epoch
  static final int EPOCHS = 2;
  static final long SEED = 5;

  /** One example: 5 features, 3 targets. */
  record Sample(float[] x, float[] y) implements Serializable {}

  static List<Sample> data() {
    Random r = new Random(42);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < EXAMPLES; i++) {
      float[] x = new float[5];
      for (int j = 0; j < 5; j++) {
        x[j] = (float) r.nextGaussian();
      }
      float[] y = {x[0] - 2 * x[1], (float) Math.sin(x[2]), x[3] * x[4]};
      out.add(new Sample(x, y));
    }
    return out;
  }

  static Module model() {
    return new Sequential(new Linear(5, 16), new Tanh(), new Linear(16, 3));
  }

  static SGD optimizer(List<Tensor> params) {
    return SGD.builder(params).lr(0.05).momentum(0.9).build();
  }

  static Tensor[] collate(List<Sample> batch) {
    float[][] x = new float[batch.size()][];
    float[][] y = new float[batch.size()][];
    for (int i = 0; i < batch.size(); i++) {
      x[i] = batch.get(i).x();
      y[i] = batch.get(i).y();
    }
    return new Tensor[] {Tensor.of(x), Tensor.of(y)};
  }

  static SparkTrainer.Builder<Sample> trainer() {
    return SparkTrainer.<Sample>builder()
        .model(Fixtures::model)
        .loss(MSELoss::new)
        .optimizer(Fixtures::optimizer)
        .collator(Fixtures::collate)
        .globalBatchSize(BATCH)
        .epochs(EPOCHS)
        .seed(SEED);
  }

  /** A collator that throws on one call of partition 1 in the stage's first attempt only. */
  static final class FailingCollator implements SparkTrainer.Collator<Sample> {
    private static final long serialVersionUID = 1L;
    private final int failAtCall;
    private int calls;

    FailingCollator(int failAtCall) {
      this.failAtCall = failAtCall;
    }

    @Override
    public Tensor[] collate(List<Sample> examples) {
      TaskContext t = TaskContext.get();
      if (calls++ == failAtCall && t.partitionId() == 1 && t.stageAttemptNumber() == 0) {
        throw new IllegalStateException("injected failure at step " + failAtCall);
      }
      return Fixtures.collate(examples);
    }
  }

  /** The run's mean loss per epoch and the final state, computed by one process. */
  record Reference(List<Double> epochLosses, Map<String, Tensor> state) {}

  /**
   * One process, batches of 16: each step trains on the 8 examples rank 0 would take followed by
   * the 8 of rank 1 (partition 0 holds examples 0..79, partition 1 examples 80..159).
   */
  static Reference singleProcess() {
    List<Sample> data = data();
    int half = EXAMPLES / 2;
    int local = BATCH / 2;
    Tensor.manualSeed(SEED);
    Module model = model();
    SGD opt = optimizer(model.parameters());
    MSELoss loss = new MSELoss();
    List<Double> epochLosses = new ArrayList<>();
    int steps = half / local;
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      int[] order0 = TrainTask.order(half, SEED, epoch, 0);
      int[] order1 = TrainTask.order(half, SEED, epoch, 1);
      double sum = 0;
      for (int k = 0; k < steps; k++) {
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < local; i++) {
          batch.add(data.get(order0[k * local + i]));
        }
        for (int i = 0; i < local; i++) {
          batch.add(data.get(half + order1[k * local + i]));
        }
        Tensor[] xy = collate(batch);
        opt.zeroGrad();
        Tensor l = loss.call(model.call(xy[0]), xy[1]);
        l.backward();
        opt.step();
        sum += l.item();
      }
      epochLosses.add(sum / steps);
    }
    Map<String, Tensor> state = new LinkedHashMap<>();
    model.stateDict().forEach((k, v) -> state.put(k, v.clone()));
    return new Reference(epochLosses, state);
  }
}
