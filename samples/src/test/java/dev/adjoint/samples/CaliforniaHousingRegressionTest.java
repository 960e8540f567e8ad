package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.train.LineChart;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The intro's linear regression on California housing, run as the sample runs it. */
class CaliforniaHousingRegressionTest {
  private static Path csv() {
    Path p = Path.of(System.getProperty("adjoint.shared", "../shared"),
        "data/california_housing.csv");
    if (!Files.isRegularFile(p)) {
      MissingFiles.announce("../shared/data/*.csv", "data sets");
    }
    assumeTrue(Files.isRegularFile(p), () -> "skipped: needs " + p.toAbsolutePath().normalize()
        + " (../shared/data/california_housing.csv) which is not present");
    return p;
  }

  @Test
  void gradientDescentReachesTheClosedFormWithinOnePercent() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CaliforniaHousingRegression.Result r = CaliforniaHousingRegression.run(csv(), 500, 42,
        new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    // The bar: GD within 1% of the least-squares train MSE.
    assertTrue(r.gdTrain() <= r.exactTrain() * 1.01, r.gdTrain() + " vs " + r.exactTrain());
    // The closed form is the minimum of the train MSE: GD cannot beat it (float32 slack 1e-5).
    assertTrue(r.gdTrain() >= r.exactTrain() * (1 - 1e-5), r.gdTrain() + " vs " + r.exactTrain());
    // Linear regression on these 8 features explains about half the variance (MSE ~0.5-0.6 in
    // units of $100k squared, as scikit-learn's LinearRegression gives).
    assertTrue(r.exactTrain() > 0.45 && r.exactTrain() < 0.6, "train MSE " + r.exactTrain());
    assertTrue(r.exactTest() > 0.4 && r.exactTest() < 0.7, "test MSE " + r.exactTest());
    assertEquals(500, r.losses().size());
    assertTrue(r.losses().get(0) > 2 * r.losses().get(499), "the loss goes down");
    // scikit-learn's LinearRegression scores R^2 of about 0.6 on a random 20% of this data.
    assertTrue(r.gdTestR2() > 0.5 && r.gdTestR2() < 0.7, "test R^2 " + r.gdTestR2());
    LineChart chart = CaliforniaHousingRegression.lossChart(r);
    assertTrue(chart.isLogY());
    assertEquals(r.exactTrain(), chart.referenceLines().get(0).y(), 0);
    assertNotNull(chart.render(400, 300));
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("test R^2 0."), report);
    assertTrue(report.contains("closed form (normal eqs.)"), report);
    assertTrue(report.contains("OrderedDict([('beta.weight', tensor([["), report);
    assertTrue(report.contains("('beta.bias', tensor(["), report);
  }
}
