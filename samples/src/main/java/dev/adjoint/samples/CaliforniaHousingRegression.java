package dev.adjoint.samples;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.Data;
import dev.adjoint.data.StandardScaler;
import dev.adjoint.data.Subset;
import dev.adjoint.data.datasets.CaliforniaHousing;
import dev.adjoint.metrics.Metrics;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.train.LineChart;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The notebook's linear regression on California housing, done properly: standardised features,
 * a seeded 80/20 split, full-batch gradient descent with {@code SGD}, {@code train()} /
 * {@code eval()} and {@code noGrad()} evaluation, printed beside the closed-form least-squares
 * solution from the normal equations (computed with {@code inverse}).
 *
 * <p>Run: {@code mvn -q -pl samples -am compile exec:java
 * -Dsample=dev.adjoint.samples.CaliforniaHousingRegression [-Dexec.args="path/to.csv epochs"]}.
 * Without a path it uses {@code ADJOINT_CALIFORNIA_HOUSING}, then {@code
 * ../shared/data/california_housing.csv}, then the loader's cache/download.
 */
public final class CaliforniaHousingRegression {
  /**
   * Train and test MSE of gradient descent and of the closed-form solution, the test R^2 of
   * gradient descent, and the train loss of each step.
   */
  public record Result(double gdTrain, double gdTest, double exactTrain, double exactTest,
      double gdTestR2, List<Double> losses) {}

  private CaliforniaHousingRegression() {}

  /** Runs with an optional CSV path and number of epochs (default 500). */
  public static void main(String[] args) throws IOException {
    Path csv = args.length > 0 ? Path.of(args[0]) : defaultCsv();
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Result r = run(csv, epochs, 42, System.out, true);
    Path chart = Path.of("california_housing_loss.png");
    lossChart(r).save(chart);
    System.out.println("loss curve written to " + chart.toAbsolutePath());
  }

  /**
   * The train MSE per step on a log axis, with the closed-form least-squares train MSE as a
   * dashed line that gradient descent approaches.
   */
  public static LineChart lossChart(Result r) {
    return new LineChart("California housing: gradient descent", "epoch", "train MSE")
        .addSeries("SGD(lr=0.1)", r.losses())
        .addReferenceLine(String.format(java.util.Locale.ROOT,
            "least squares (normal equations) %.4f", r.exactTrain()), r.exactTrain())
        .logY();
  }

  private static Path defaultCsv() {
    if (System.getenv(CaliforniaHousing.ENV) != null) {
      return null;
    }
    Path shared = Path.of("../shared/data/california_housing.csv");
    return Files.isRegularFile(shared) ? shared : null;
  }

  /**
   * Loads the data ({@code csv} null: the loader's search), trains for {@code epochs} full-batch
   * steps and evaluates; prints a report to {@code out}.
   */
  public static Result run(Path csv, int epochs, long seed, PrintStream out, boolean progress)
      throws IOException {
    CaliforniaHousing housing = csv == null ? CaliforniaHousing.load()
        : CaliforniaHousing.load(csv);
    Device device = Device.best();
    Generator gen = new Generator(seed);
    List<Subset<Tensor[]>> split = Data.randomSplit(housing.toDataset(), new double[] {0.8, 0.2},
        gen);
    Tensor[] train = Data.toTensors(split.get(0));
    Tensor[] test = Data.toTensors(split.get(1));
    StandardScaler scaler = new StandardScaler().fit(train[0]); // fitted on the training rows only
    Tensor xTrain = scaler.transform(train[0]).to(device);
    Tensor yTrain = train[1].to(device);
    Tensor xTest = scaler.transform(test[0]).to(device);
    Tensor yTest = test[1].to(device);
    out.printf("California housing: %d training and %d test rows, %d features, on %s%n",
        xTrain.size(0), xTest.size(0), xTrain.size(1), device);

    Tensor.manualSeed(seed);
    HousingModel model = new HousingModel(xTrain.size(1)).to(device);
    MSELoss lossFn = new MSELoss();
    SGD optimizer = new SGD(model.parameters(), 0.1);
    List<Double> losses = new ArrayList<>();
    for (int epoch = 0; epoch < epochs; epoch++) {
      model.train();
      optimizer.zeroGrad();
      Tensor loss = lossFn.call(model.call(xTrain), yTrain);
      loss.backward();
      optimizer.step();
      losses.add(loss.item());
      if (progress && (epoch % 100 == 0 || epoch == epochs - 1)) {
        out.printf("step %4d  train MSE %.6f%n", epoch, loss.item());
      }
    }
    model.eval();
    double gdTrain = GradMode.noGrad(() -> Metrics.meanSquaredError(model.call(xTrain), yTrain));
    Tensor testPrediction = GradMode.noGrad(() -> model.call(xTest));
    double gdTest = Metrics.meanSquaredError(testPrediction, yTest);
    double gdTestR2 = Metrics.r2Score(testPrediction, yTest);

    // Normal equations in float64: theta = (A^T A)^-1 A^T y with A = [X, 1].
    Tensor a = withOnes(xTrain.toDouble());
    Tensor theta = a.t().matmul(a).inverse().matmul(a.t()).matmul(yTrain.toDouble());
    double exactTrain = Metrics.meanSquaredError(a.matmul(theta), yTrain);
    double exactTest = Metrics.meanSquaredError(withOnes(xTest.toDouble()).matmul(theta), yTest);

    out.printf("%-28s %12s %12s%n", "", "train MSE", "test MSE");
    out.printf("%-28s %12.6f %12.6f%n", "gradient descent (" + epochs + " steps)", gdTrain,
        gdTest);
    out.printf("%-28s %12.6f %12.6f%n", "closed form (normal eqs.)", exactTrain, exactTest);
    out.printf("gradient descent is within %.3f%% of the closed-form train MSE; test R^2 %.4f%n",
        100 * (gdTrain / exactTrain - 1), gdTestR2);
    out.println("learned parameters (print(model.state_dict())):");
    out.println(model.stateDict());
    return new Result(gdTrain, gdTest, exactTrain, exactTest, gdTestR2, losses);
  }

  private static Tensor withOnes(Tensor x) {
    return Tensor.cat(List.of(x, Tensor.ones(DType.FLOAT64, x.size(0), 1).to(x.device())), 1);
  }
}
