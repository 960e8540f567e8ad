package dev.adjoint.metrics;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/**
 * Metrics of predictions against targets, computed in float64 on the host.
 *
 * <p>Arguments come in the order of PyTorch losses and {@code torchmetrics}: predictions first,
 * then targets ({@code scikit-learn} takes {@code y_true} first). A tensor that tracks gradients
 * is read without recording anything.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * The fraction of correct predictions. {@code predictions} are either class scores (logits or
   * probabilities) {@code [n, C]} against int labels {@code [n]}, whose row-wise arg-max is the
   * predicted class (the first on ties, as {@code argmax}), or predicted labels of the same shape
   * as {@code targets}, compared element by element.
   *
   * @throws IllegalArgumentException for other shapes or empty inputs
   */
  public static double accuracy(Tensor predictions, Tensor targets) {
    long[] predicted = predictedLabels("accuracy", predictions, targets);
    long[] labels = targets.toLongArray();
    long correct = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  /**
   * The predicted label of each sample: the arg-max of each row of scores {@code [n, C]}, or the
   * labels themselves when {@code predictions} has the shape of {@code targets}.
   */
  static long[] predictedLabels(String op, Tensor predictions, Tensor targets) {
    if (predictions == null) {
      throw new NullPointerException(op + ": predictions");
    }
    if (targets == null) {
      throw new NullPointerException(op + ": targets");
    }
    int[] p = predictions.shape();
    int[] t = targets.shape();
    if (t.length == 1 && p.length == 2 && p[0] == t[0]) {
      if (p[1] == 0) {
        throw new IllegalArgumentException(op + ": scores " + Arrays.toString(p)
            + " have no classes");
      }
      nonEmpty(op, t);
      return predictions.detach().argmax(1, false).toLongArray();
    }
    if (Arrays.equals(p, t)) {
      nonEmpty(op, t);
      return predictions.detach().toLongArray();
    }
    throw new IllegalArgumentException(op + ": expected scores [n, C] with labels [n], or"
        + " predicted labels of the targets' shape; got predictions " + Arrays.toString(p)
        + " and targets " + Arrays.toString(t));
  }

  private static void nonEmpty(String op, int[] shape) {
    if (Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b) == 0) {
      throw new IllegalArgumentException(op + ": no samples (shape " + Arrays.toString(shape)
          + ")");
    }
  }

  /**
   * The mean of {@code (prediction - target)^2} over all elements ({@code MSELoss} with mean
   * reduction, {@code sklearn.metrics.mean_squared_error} for one output).
   *
   * @throws IllegalArgumentException when the shapes differ (no broadcasting: a {@code [n]}
   *     prediction against a {@code [n, 1]} target is a mistake, not an {@code [n, n]} grid) or
   *     the inputs are empty
   */
  public static double meanSquaredError(Tensor predictions, Tensor targets) {
    double[][] pt = sameShape("meanSquaredError", predictions, targets);
    double sum = 0;
    for (int i = 0; i < pt[0].length; i++) {
      double d = pt[0][i] - pt[1][i];
      sum += d * d;
    }
    return sum / pt[0].length;
  }

  /**
   * The coefficient of determination, as {@code sklearn.metrics.r2_score(targets, predictions)}
   * and {@code torchmetrics}' {@code r2_score(predictions, targets)} compute it: {@code 1 -
   * SS_res / SS_tot}, where {@code SS_res} is the sum of squared errors and {@code SS_tot} the sum
   * of squared deviations of the targets from their mean. A perfect prediction scores 1;
   * predicting the targets' mean everywhere scores 0; worse predictions score below 0. Targets
   * {@code [n, k]} with {@code k > 1} score each column and average the scores (scikit-learn's
   * {@code multioutput='uniform_average'}); {@code [n]} and {@code [n, 1]} are one output. When
   * a column's targets are all equal ({@code SS_tot = 0}), its score is 1 if the prediction is
   * exact and 0 otherwise, as scikit-learn's default {@code force_finite=True} gives.
   *
   * @throws IllegalArgumentException when the shapes differ, or there are fewer than 2 samples
   *     (R^2 is not defined for one)
   */
  public static double r2Score(Tensor predictions, Tensor targets) {
    double[][] pt = sameShape("r2Score", predictions, targets);
    int[] shape = targets.shape();
    if (shape.length > 2) {
      throw new IllegalArgumentException("r2Score: expected targets [n] or [n, k], got "
          + Arrays.toString(shape));
    }
    int n = shape[0];
    int k = shape.length == 2 ? shape[1] : 1;
    if (n < 2) {
      throw new IllegalArgumentException("r2Score: needs at least 2 samples, got " + n);
    }
    double total = 0;
    for (int c = 0; c < k; c++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += pt[1][i * k + c];
      }
      mean /= n;
      double ssRes = 0;
      double ssTot = 0;
      for (int i = 0; i < n; i++) {
        double y = pt[1][i * k + c];
        double e = y - pt[0][i * k + c];
        ssRes += e * e;
        ssTot += (y - mean) * (y - mean);
      }
      total += ssTot == 0 ? (ssRes == 0 ? 1 : 0) : 1 - ssRes / ssTot;
    }
    return total / k;
  }

  private static double[][] sameShape(String op, Tensor predictions, Tensor targets) {
    if (predictions == null) {
      throw new NullPointerException(op + ": predictions");
    }
    if (targets == null) {
      throw new NullPointerException(op + ": targets");
    }
    if (!Arrays.equals(predictions.shape(), targets.shape())) {
      throw new IllegalArgumentException(op + ": predictions " + Arrays.toString(
          predictions.shape()) + " and targets " + Arrays.toString(targets.shape())
          + " differ in shape; reshape one (e.g. predictions.reshape(-1, 1)) so they match");
    }
    nonEmpty(op, targets.shape());
    return new double[][] {predictions.detach().toDoubleArray(), targets.detach().toDoubleArray()};
  }
}
