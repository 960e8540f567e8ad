package dev.adjoint.io;

import static dev.adjoint.io.StateTreeAssertions.assertTreeEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.adjoint.data.DataLoader;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.nn.Dropout;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.SGD;
import dev.adjoint.optim.StepLR;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guarantee a checkpoint exists for: on the CPU, N training steps straight through equal k
 * steps, a save, a load into freshly built model, optimizer, scheduler, loader and generators,
 * and N - k more steps, bit for bit: every loss, every parameter, the optimizer's and the
 * scheduler's state and the generators' states. The model uses dropout (so the default
 * generator's state matters) and the loader shuffles with a generator of its own (so its state
 * matters); a checkpoint is taken at an epoch boundary and in the middle of an epoch.
 */
class ExactResumeTest {
  @TempDir Path dir;

  private static final int SAMPLES = 40;
  private static final int BATCH = 8;
  private static final int PER_EPOCH = SAMPLES / BATCH;
  private static final int TOTAL = 4 * PER_EPOCH;
  private static final TensorDataset DATA = data();
  private static final MSELoss LOSS = new MSELoss();

  private static TensorDataset data() {
    Tensor x = Tensor.randn(new Generator(100), SAMPLES, 4);
    Tensor w = Tensor.randn(new Generator(101), 4, 1);
    Tensor noise = Tensor.randn(new Generator(102), SAMPLES, 1).mul(0.1);
    return new TensorDataset(x, x.matmul(w).add(noise));
  }

  /** Everything one training run holds; {@code seed} makes fresh objects differ from the saved. */
  private static final class Run {
    final Module model;
    final Optimizer opt;
    final StepLR scheduler;
    final Generator loaderGenerator;
    final DataLoader loader;
    final List<Float> losses = new ArrayList<>();

    Run(String optimizer, long seed) {
      Generator.manualSeed(seed); // initialisation and dropout draw from the default generator
      model = new Sequential(new Linear(4, 16), new ReLU(), new Dropout(0.3), new Linear(16, 1));
      model.train();
      opt = switch (optimizer) {
        case "Adam" -> new Adam(model.parameters(), 0.01);
        case "SGD" -> SGD.builder(model.parameters()).lr(0.02).momentum(0.9).build();
        default -> throw new AssertionError(optimizer);
      };
      scheduler = new StepLR(opt, 1, 0.7);
      loaderGenerator = new Generator(seed * 31 + 7);
      loader = DataLoader.builder(DATA).batchSize(BATCH).shuffle(true)
          .generator(loaderGenerator).build();
    }

    /**
     * Trains from batch {@code skip} of epoch {@code epoch} to step {@link #TOTAL}; when
     * {@code saveAt} is reached, saves a checkpoint to {@code path}: after the epoch's scheduler
     * step when it is an epoch boundary, else before the batch, with the loader's generator as it
     * was when the epoch began.
     */
    void train(int epoch, int skip, int saveAt, Path path) throws Exception {
      int step = epoch * PER_EPOCH + skip;
      for (; step < TOTAL; epoch++) {
        long[] epochStart = loaderGenerator.getState();
        Iterator<Tensor[]> batches = loader.iterator();
        for (int b = 0; b < skip; b++) {
          batches.next();
        }
        skip = 0;
        while (batches.hasNext()) {
          if (step == saveAt && step % PER_EPOCH != 0) {
            Checkpoint.builder().model(model).optimizer(opt).scheduler(scheduler).epoch(epoch)
                .step(step).generator("loader", epochStart).save(path);
          }
          Tensor[] batch = batches.next();
          opt.zeroGrad();
          Tensor loss = LOSS.call(model.call(batch[0]), batch[1]);
          loss.backward();
          opt.step();
          losses.add((float) loss.item());
          step++;
        }
        scheduler.step();
        if (step == saveAt) {
          Checkpoint.builder().model(model).optimizer(opt).scheduler(scheduler).epoch(epoch)
              .step(step).loss(losses.get(losses.size() - 1)).generator("loader", loaderGenerator)
              .save(path);
        }
      }
    }

    /** Where training resumes from {@code c}: the epoch and the batches of it already done. */
    void resume(Checkpoint c) throws Exception {
      boolean boundary = c.step() % PER_EPOCH == 0;
      int epoch = boundary ? c.epoch() + 1 : c.epoch();
      train(epoch, (int) (c.step() - (long) epoch * PER_EPOCH), -1, null);
    }
  }

  @ParameterizedTest(name = "{0}, checkpoint after step {1}")
  @CsvSource({"Adam, 10", "Adam, 12", "SGD, 10", "SGD, 13"})
  void resumingRepeatsTheStraightRunBitForBit(String optimizer, int saveAt) throws Exception {
    Path path = dir.resolve("resume.ckpt");
    Run straight = new Run(optimizer, 1);
    straight.train(0, 0, saveAt, path);
    long[] defaultAtEnd = Generator.defaultGenerator().getState();

    Run resumed = new Run(optimizer, 2);
    Generator.manualSeed(777);
    Checkpoint c = Checkpoint.load(path);
    assertEquals(saveAt, c.step());
    c.restorer().model(resumed.model).optimizer(resumed.opt).scheduler(resumed.scheduler)
        .generator("loader", resumed.loaderGenerator).restore();
    resumed.resume(c);

    assertEquals(TOTAL - saveAt, resumed.losses.size());
    assertBitsEqual(straight.losses.subList(saveAt, TOTAL), resumed.losses);
    assertTreeEquals(straight.model.stateDict(), resumed.model.stateDict());
    assertTreeEquals(straight.opt.stateDict(), resumed.opt.stateDict());
    assertTreeEquals(straight.scheduler.stateDict(), resumed.scheduler.stateDict());
    assertArrayEquals(straight.loaderGenerator.getState(), resumed.loaderGenerator.getState());
    assertArrayEquals(defaultAtEnd, Generator.defaultGenerator().getState());
  }

  /** Shows that the test above can fail: leaving out either generator changes the losses. */
  @Test
  void withoutTheGeneratorsTheRunDiffers() throws Exception {
    Path path = dir.resolve("resume.ckpt");
    Run straight = new Run("Adam", 1);
    straight.train(0, 0, 12, path);
    List<Float> expected = straight.losses.subList(12, TOTAL);

    Run noDropoutState = new Run("Adam", 2);
    Checkpoint c = Checkpoint.load(path);
    c.restorer().model(noDropoutState.model).optimizer(noDropoutState.opt)
        .scheduler(noDropoutState.scheduler).generator("loader", noDropoutState.loaderGenerator)
        .defaultGenerator(false).restore();
    noDropoutState.resume(c);
    assertNotEquals(bits(expected), bits(noDropoutState.losses));

    Run noLoaderState = new Run("Adam", 2);
    c.restorer().model(noLoaderState.model).optimizer(noLoaderState.opt)
        .scheduler(noLoaderState.scheduler).restore();
    noLoaderState.resume(c);
    assertNotEquals(bits(expected), bits(noLoaderState.losses));

    // With both, the same run again.
    Run both = new Run("Adam", 2);
    c.restorer().model(both.model).optimizer(both.opt).scheduler(both.scheduler)
        .generator("loader", both.loaderGenerator).restore();
    both.resume(c);
    assertBitsEqual(expected, both.losses);
  }

  private static void assertBitsEqual(List<Float> expected, List<Float> actual) {
    assertEquals(bits(expected), bits(actual), "losses as float bits");
  }

  private static List<String> bits(List<Float> values) {
    return values.stream().map(f -> Integer.toHexString(Float.floatToRawIntBits(f))).toList();
  }
}
