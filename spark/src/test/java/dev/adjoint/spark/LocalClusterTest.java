package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on Spark's {@code local-cluster} master: two executor JVMs, as on a real cluster. The
 * surefire configuration sets {@code SPARK_HOME}, {@code SPARK_SCALA_VERSION} and
 * {@code SPARK_LOCAL_IP}; the executors run from the test classpath.
 */
class LocalClusterTest {
  private static JavaSparkContext spark;
  private static TrainingResult uninterrupted;

  @BeforeAll
  static void start() throws Exception {
    String home = System.getenv("SPARK_HOME");
    org.junit.jupiter.api.Assumptions.assumeTrue(home != null,
        "SPARK_HOME is not set: local-cluster needs a folder with an empty jars/ (surefire sets"
            + " it)");
    Files.createDirectories(Path.of(home, "jars"));
    spark = new JavaSparkContext(new SparkConf().setMaster("local-cluster[2,1,1024]")
        .setAppName("adjoint-local-cluster-test")
        .set("spark.ui.enabled", "false")
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        // the executors compute as this JVM does (Vector API kernels), so results match bit for bit
        .set("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector")
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

  private static synchronized TrainingResult uninterrupted() {
    if (uninterrupted == null) {
      uninterrupted = Fixtures.trainer().build().fit(data());
    }
    return uninterrupted;
  }

  @Test
  void twoExecutorsTrainAsOneProcessWithTheWholeBatch() {
    TrainingResult r = uninterrupted();
    Fixtures.Reference ref = Fixtures.singleProcess();
    SparkTrainerTest.assertCloseToReference(ref.state(), r.stateDict());
    List<EpochMetrics> epochs = r.epochs();
    for (int e = 0; e < 2; e++) {
      assertEquals(ref.epochLosses().get(e), epochs.get(e).meanLoss(),
          1e-6 * ref.epochLosses().get(e), "epoch " + e);
    }
  }

  /** Kills its own executor JVM at one step of partition 1 in the stage's first attempt. */
  static final class KillingCollator implements SparkTrainer.Collator<Fixtures.Sample> {
    private static final long serialVersionUID = 1L;
    private int calls;

    @Override
    public Tensor[] collate(List<Fixtures.Sample> examples) {
      TaskContext t = TaskContext.get();
      if (calls++ == 8 && t.partitionId() == 1 && t.stageAttemptNumber() == 0) {
        Runtime.getRuntime().halt(137);   // as a lost machine or an OOM kill: no clean-up
      }
      return Fixtures.collate(examples);
    }
  }

  @Test
  void aKilledExecutorIsRetriedAndTheRunEndsWhereAnUninterruptedOneEnds(@TempDir Path dir) {
    TrainingResult r = Fixtures.trainer()
        .collator(new KillingCollator())
        .checkpointEvery(4, dir.toString())
        .build().fit(data());
    assertTrue(r.stageAttempt() >= 1, "the stage should have been retried");
    assertEquals(8, r.resumedFromStep());
    Map<String, Tensor> expected = uninterrupted().stateDict();
    Map<String, Tensor> actual = r.stateDict();
    for (String k : expected.keySet()) {
      assertArrayEquals(expected.get(k).toFloatArray(), actual.get(k).toFloatArray(),
          k + " differs from the uninterrupted run's");
    }
  }
}
