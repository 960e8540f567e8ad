package dev.adjoint.metrics;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Counts of (true class, predicted class) pairs over batches, as
 * {@code sklearn.metrics.confusion_matrix} lays them out: row {@code t}, column {@code p} counts
 * the samples of class {@code t} predicted as {@code p}, so the diagonal holds the correct ones.
 *
 * <pre>{@code
 * ConfusionMatrix cm = new ConfusionMatrix(FashionMnist.CLASSES);
 * GradMode.noGrad(() -> {
 *   for (Tensor[] b : testLoader) {
 *     cm.update(model.call(b[0]), b[1]);     // logits [n, C] or predicted labels [n]
 *   }
 * });
 * System.out.println(cm);                  // the table, with per-class precision and recall
 * double acc = cm.accuracy();
 * }</pre>
 *
 * <p>Precision of class {@code c} is {@code TP / (TP + FP)} (its column), recall {@code TP /
 * (TP + FN)} (its row); where the denominator is 0 they are 0, scikit-learn's default
 * ({@code zero_division="warn"} returns 0). Not thread-safe.
 */
public final class ConfusionMatrix {
  private final int classes;
  private final List<String> names;
  private final long[][] counts;

  /** A matrix for {@code numClasses} classes labelled {@code 0 .. numClasses - 1}. */
  public ConfusionMatrix(int numClasses) {
    this(numberNames(numClasses));
  }

  /** A matrix for classes {@code 0 .. names.size() - 1}, printed with {@code names}. */
  public ConfusionMatrix(List<String> names) {
    Objects.requireNonNull(names, "ConfusionMatrix: names");
    if (names.isEmpty()) {
      throw new IllegalArgumentException("ConfusionMatrix: at least one class is needed");
    }
    this.names = List.copyOf(names);
    this.classes = names.size();
    this.counts = new long[classes][classes];
  }

  private static List<String> numberNames(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("ConfusionMatrix: numClasses must be at least 1, got "
          + n);
    }
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = Integer.toString(i);
    }
    return List.of(out);
  }

  /**
   * Adds a batch: {@code predictions} are scores {@code [n, C]} (the arg-max is the predicted
   * class) or predicted labels of the shape of {@code targets}; {@code targets} are labels.
   *
   * @throws IllegalArgumentException when the shapes do not fit or a label is outside
   *     {@code 0 .. numClasses - 1}; nothing is counted then
   */
  public ConfusionMatrix update(Tensor predictions, Tensor targets) {
    if (predictions.dim() == 2 && targets.dim() == 1 && predictions.size(1) != classes) {
      throw new IllegalArgumentException("ConfusionMatrix.update: scores have "
          + predictions.size(1) + " classes, the matrix " + classes);
    }
    long[] p = Metrics.predictedLabels("ConfusionMatrix.update", predictions, targets);
    long[] t = targets.toLongArray();
    for (int i = 0; i < t.length; i++) {
      check("target", t[i], i);
      check("prediction", p[i], i);
    }
    for (int i = 0; i < t.length; i++) {
      counts[(int) t[i]][(int) p[i]]++;
    }
    return this;
  }

  private void check(String what, long label, int i) {
    if (label < 0 || label >= classes) {
      throw new IllegalArgumentException("ConfusionMatrix.update: " + what + " " + label
          + " (sample " + i + " of the batch) is outside 0.." + (classes - 1));
    }
  }

  /** Forgets all counts. */
  public void reset() {
    for (long[] row : counts) {
      Arrays.fill(row, 0);
    }
  }

  /** The number of classes. */
  public int numClasses() {
    return classes;
  }

  /** A copy of the counts, {@code [true class][predicted class]}. */
  public long[][] counts() {
    long[][] out = new long[classes][];
    for (int i = 0; i < classes; i++) {
      out[i] = counts[i].clone();
    }
    return out;
  }

  /** The samples of class {@code trueClass} predicted as {@code predictedClass}. */
  public long count(int trueClass, int predictedClass) {
    return counts[trueClass][predictedClass];
  }

  /** All samples counted. */
  public long total() {
    long n = 0;
    for (long[] row : counts) {
      for (long c : row) {
        n += c;
      }
    }
    return n;
  }

  /** The fraction on the diagonal (NaN before any sample). */
  public double accuracy() {
    long diag = 0;
    for (int i = 0; i < classes; i++) {
      diag += counts[i][i];
    }
    long n = total();
    return n == 0 ? Double.NaN : (double) diag / n;
  }

  /** Of the samples predicted as {@code c}, the fraction that are {@code c}; 0 if none. */
  public double precision(int c) {
    long predicted = 0;
    for (int t = 0; t < classes; t++) {
      predicted += counts[t][c];
    }
    return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
  }

  /** Of the samples of class {@code c}, the fraction predicted as {@code c}; 0 if none. */
  public double recall(int c) {
    long actual = 0;
    for (long x : counts[c]) {
      actual += x;
    }
    return actual == 0 ? 0 : (double) counts[c][c] / actual;
  }

  /**
   * The table: one row per true class, one column per predicted class (headed by the class
   * index), then each class's precision and recall, and the accuracy.
   */
  @Override
  public String toString() {
    String corner = "true \\ predicted";
    String[] labels = new String[classes];
    int labelWidth = corner.length();
    for (int t = 0; t < classes; t++) {
      String n = names.get(t);
      labels[t] = n.equals(Integer.toString(t)) ? n : t + " " + n;
      labelWidth = Math.max(labelWidth, labels[t].length());
    }
    int w = Integer.toString(classes - 1).length();
    for (long[] row : counts) {
      for (long c : row) {
        w = Math.max(w, Long.toString(c).length());
      }
    }
    StringBuilder sb = new StringBuilder(pad(corner, labelWidth, false));
    for (int p = 0; p < classes; p++) {
      sb.append(' ').append(pad(Integer.toString(p), w, true));
    }
    sb.append("  precision  recall\n");
    for (int t = 0; t < classes; t++) {
      sb.append(pad(labels[t], labelWidth, false));
      for (int p = 0; p < classes; p++) {
        sb.append(' ').append(pad(Long.toString(counts[t][p]), w, true));
      }
      sb.append(String.format(Locale.ROOT, "  %9.4f  %6.4f\n", precision(t), recall(t)));
    }
    sb.append(String.format(Locale.ROOT, "accuracy %.4f (%d samples)", accuracy(), total()));
    return sb.toString();
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return right ? fill + s : s + fill;
  }
}
