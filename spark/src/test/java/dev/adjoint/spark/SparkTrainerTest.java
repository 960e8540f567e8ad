package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training in Spark's local mode: two tasks of one JVM, talking over localhost sockets. */
class SparkTrainerTest {
  private static JavaSparkContext spark;
  private static TrainingResult uninterrupted;

  @BeforeAll
  static void start() {
    // local[2, 4]: 2 cores; a failed task may be retried (local mode's default allows none).
    spark = new JavaSparkContext(new SparkConf().setMaster("local[2,4]").setAppName("test")
        .set("spark.ui.enabled", "false")
        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s"));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static JavaRDD<Fixtures.Sample> data() {
    return spark.parallelize(Fixtures.data(), 2);
  }

  static synchronized TrainingResult uninterrupted() {
    if (uninterrupted == null) {
      uninterrupted = Fixtures.trainer().build().fit(data());
    }
    return uninterrupted;
  }

  /**
   * Float32 rounding: the two ranks add their halves of the batch's gradient in another order
   * than one process does (a few ulps per step); 4 float32 epsilons of max(1, |w|), as in
   * DistributedDataParallelTest, over these 20 steps.
   */
  static void assertCloseToReference(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<String, Tensor> e : expected.entrySet()) {
      float[] want = e.getValue().toFloatArray();
      float[] got = actual.get(e.getKey()).toFloatArray();
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 4 * 0x1p-23 * Math.max(1, Math.abs(want[i])),
            e.getKey() + "[" + i + "]");
      }
    }
  }

  @Test
  void twoTasksTrainAsOneProcessWithTheWholeBatch() {
    TrainingResult r = uninterrupted();
    Fixtures.Reference ref = Fixtures.singleProcess();
    assertEquals(2, r.worldSize());
    assertEquals(20, r.steps());
    assertEquals(0, r.resumedFromStep());
    assertCloseToReference(ref.state(), r.stateDict());
    List<EpochMetrics> epochs = r.epochs();
    assertEquals(2, epochs.size());
    for (int e = 0; e < 2; e++) {
      assertEquals(e, epochs.get(e).epoch());
      assertEquals(10, epochs.get(e).steps());
      assertEquals(160, epochs.get(e).examples());
      // the mean of the ranks' half-batch losses is the whole batch's loss, to float rounding
      assertEquals(ref.epochLosses().get(e), epochs.get(e).meanLoss(),
          1e-6 * ref.epochLosses().get(e), "epoch " + e);
      assertTrue(epochs.get(e).secondsPerStep() > 0);
    }
    assertTrue(epochs.get(1).meanLoss() < epochs.get(0).meanLoss());
  }

  @Test
  void aRetriedStageResumesFromTheLastCheckpointAndEndsWhereAnUninterruptedRunEnds(
      @TempDir Path dir) throws Exception {
    // Partition 1 fails at step 7 (its 8th batch) in the first attempt; rank 0 checkpointed
    // after step 6.
    TrainingResult r = Fixtures.trainer()
        .collator(new Fixtures.FailingCollator(7))
        .checkpointEvery(3, dir.toString())
        .build().fit(data());
    assertEquals(1, r.stageAttempt(), "the stage should have been retried once");
    assertEquals(6, r.resumedFromStep());
    assertTrue(Files.exists(dir.resolve(TrainTask.CHECKPOINT_FILE)));
    Map<String, Tensor> expected = uninterrupted().stateDict();
    Map<String, Tensor> actual = r.stateDict();
    assertEquals(expected.keySet(), actual.keySet());
    for (String k : expected.keySet()) {
      assertArrayEquals(expected.get(k).toFloatArray(), actual.get(k).toFloatArray(),
          k + " differs from the uninterrupted run's");
    }
    for (int e = 0; e < 2; e++) {
      // the same losses, summed in other groups (at checkpoints): double rounding only
      assertEquals(uninterrupted().epochs().get(e).meanLoss(), r.epochs().get(e).meanLoss(),
          1e-12);
    }
  }

  @Test
  void theGlobalBatchMustSplitEvenly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Fixtures.trainer().globalBatchSize(15).build().fit(data()));
    assertTrue(e.getMessage().contains("not a multiple of the 2 partitions"), e.getMessage());
  }
}
