package dev.adjoint.spark;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.datasets.FashionMnist;
import dev.adjoint.data.datasets.MnistDataset;
import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Fashion-MNIST MLP of {@code samples/FashionMnistMlp} (784-256-128-10, ReLU, Adam 1e-3,
 * batches of 128), trained data-parallel on Spark, then tested on the driver.
 *
 * <p>Run on {@code local-cluster} (N executor JVMs of one core on this machine):
 * {@code mvn -q -pl spark -am test-compile exec:exec -Dspark.sample.args="RANKS EPOCHS"} (default
 * 2 ranks, 10 epochs). Under {@code spark-submit} the master comes from the command line and the
 * data from the path in {@code -Dadjoint.data=...}, which every executor must read (see the
 * README). Needs Fashion-MNIST ({@code apt-get install dataset-fashion-mnist}).
 *
 * <p>The examples reach the executors as Spark data: the driver writes the training set as
 * records of 785 bytes (the label, then 784 pixels), one file per rank, and Spark's
 * {@code binaryRecords} reads them, one partition per rank.
 */
public final class FashionMnistDataParallel {
  private static final int RECORD = 1 + 28 * 28;

  private FashionMnistDataParallel() {}

  static Module model() {
    return new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
        new Linear(128, 10));
  }

  /** Records to {@code {images [n, 784] normalized, labels int64 [n]}}. */
  static Tensor[] collate(List<byte[]> records) {
    float[][] x = new float[records.size()][784];
    long[] y = new long[records.size()];
    for (int i = 0; i < records.size(); i++) {
      byte[] r = records.get(i);
      y[i] = r[0];
      for (int p = 0; p < 784; p++) {
        x[i][p] = (float) (((r[1 + p] & 0xff) / 255.0 - FashionMnist.MEAN) / FashionMnist.STD);
      }
    }
    return new Tensor[] {Tensor.of(x), Tensor.of(y)};
  }

  /** Writes the training set as {@code ranks} files of 785-byte records under {@code dir}. */
  static void writeRecords(MnistDataset train, int ranks, Path dir) throws IOException {
    Files.createDirectories(dir);
    float[] pixels = train.images().toFloatArray();
    long[] labels = train.labels().toLongArray();
    int n = labels.length;
    for (int rank = 0; rank < ranks; rank++) {
      int from = (int) ((long) n * rank / ranks);
      int to = (int) ((long) n * (rank + 1) / ranks);
      try (OutputStream out = Files.newOutputStream(dir.resolve("part-" + rank + ".bin"))) {
        byte[] record = new byte[RECORD];
        for (int i = from; i < to; i++) {
          record[0] = (byte) labels[i];
          for (int p = 0; p < 784; p++) {
            record[1 + p] = (byte) Math.round(pixels[i * 784 + p] * 255);
          }
          out.write(record);
        }
      }
    }
  }

  /** Args: {@code [ranks] [epochs]} (2 and 10). */
  public static void main(String[] args) throws IOException {
    int ranks = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    SparkConf conf = new SparkConf().setAppName("adjoint-fashion-mnist-data-parallel")
        .set("spark.ui.enabled", "false")
        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
    if (!conf.contains("spark.master")) {
      String home = System.getenv("SPARK_HOME");
      if (home == null) {
        throw new IllegalStateException("set SPARK_HOME to a folder with an empty jars/ (the"
            + " exec:exec of this module does) or run under spark-submit");
      }
      Files.createDirectories(Path.of(home, "jars"));
      conf.setMaster("local-cluster[" + ranks + ",1,1024]")
          .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
          .set("spark.executor.extraJavaOptions",
              "--add-modules=jdk.incubator.vector -Dadjoint.threads=1");   // 1 core each
    }
    Path dir = Path.of(System.getProperty("adjoint.data",
        System.getProperty("java.io.tmpdir") + "/adjoint-fashion-mnist-" + ranks));
    if (!Files.exists(dir.resolve("part-0.bin"))) {
      writeRecords(FashionMnist.train(), ranks, dir);
    }
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      JavaRDD<byte[]> data = spark.binaryRecords(dir.toString(), RECORD);
      if (data.getNumPartitions() != ranks) {
        data = data.repartition(ranks);
      }
      long t0 = System.nanoTime();
      TrainingResult r = SparkTrainer.<byte[]>builder()
          .model(FashionMnistDataParallel::model)
          .loss(CrossEntropyLoss::new)
          .optimizer(params -> new Adam(params, 1e-3))
          .collator(FashionMnistDataParallel::collate)
          .globalBatchSize(128).epochs(epochs).seed(1)
          .build().fit(data);
      double total = (System.nanoTime() - t0) / 1e9;
      for (EpochMetrics e : r.epochs()) {
        System.out.printf(Locale.ROOT, "epoch %d: loss %.4f, %d steps, %.1f s, %.2f ms/step"
            + " (%.2f ms averaging gradients)%n", e.epoch() + 1, e.meanLoss(), e.steps(),
            e.seconds(), 1e3 * e.secondsPerStep(), 1e3 * e.syncSeconds() / e.timedSteps());
      }
      Module model = model();
      model.loadStateDict(r.stateDict());
      System.out.printf(Locale.ROOT, "%d ranks, %s: test accuracy %.2f%% (fit took %.1f s)%n",
          r.worldSize(), r, 100 * accuracy(model, FashionMnist.test()), total);
    }
  }

  static double accuracy(Module model, MnistDataset test) {
    model.eval();
    try (GradMode.Scope s = GradMode.noGrad()) {
      Tensor x = test.images().reshape(test.images().size(0), 784)
          .sub(FashionMnist.MEAN).div(FashionMnist.STD);
      Tensor predicted = model.call(x).argmax(1, false);
      return predicted.eq(test.labels()).toDouble().mean().item();
    }
  }
}
