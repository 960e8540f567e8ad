package dev.adjoint.data;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;

/**
 * Standardises features to zero mean and unit variance, as scikit-learn's
 * {@code sklearn.preprocessing.StandardScaler}: {@code z = (x - mean) / scale} per column of a
 * {@code [samples, features]} tensor.
 *
 * <p>Fit it on the training split only, then transform every split with the training statistics,
 * so nothing about the validation or test rows leaks into training:
 *
 * <pre>{@code
 * var scaler = new StandardScaler();
 * Tensor xTrain = scaler.fitTransform(train[0]);
 * Tensor xTest = scaler.transform(test[0]);
 * }</pre>
 *
 * <p>As in scikit-learn, {@link #scale()} is the population standard deviation (dividing by
 * {@code n}, not {@code n - 1}), and a feature whose training values are all equal keeps scale 1,
 * so it is centred but not divided by zero. Statistics are computed in float64; the output has
 * the input's floating dtype (integer and bool inputs give float32).
 */
public final class StandardScaler {
  private final boolean withMean;
  private final boolean withStd;
  private double[] mean;
  private double[] var;
  private double[] scale;
  private long samplesSeen;

  /** A scaler that centres and scales ({@code with_mean=True, with_std=True}). */
  public StandardScaler() {
    this(true, true);
  }

  /**
   * A scaler that centres only when {@code withMean} and scales only when {@code withStd}
   * (mean and variance are learned either way).
   */
  public StandardScaler(boolean withMean, boolean withStd) {
    this.withMean = withMean;
    this.withStd = withStd;
  }

  /**
   * Learns each column's mean and population variance from {@code x} ({@code [samples,
   * features]}), replacing what an earlier fit learned.
   *
   * @return this scaler
   * @throws IllegalArgumentException when {@code x} is not 2-d, has no rows, or holds NaN or
   *     infinity
   */
  public StandardScaler fit(Tensor x) {
    check2d("fit", x);
    int n = x.size(0);
    int f = x.size(1);
    if (n == 0) {
      throw new IllegalArgumentException("StandardScaler.fit: x has no rows (shape "
          + Arrays.toString(x.shape()) + "); fit needs at least one sample");
    }
    double[] values = x.toDoubleArray();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("StandardScaler.fit: x[" + i / f + ", " + i % f
            + "] is " + values[i] + "; remove or impute non-finite values before fitting");
      }
    }
    double[] m = new double[f];
    double[] lo = new double[f];
    double[] hi = new double[f];
    Arrays.fill(lo, Double.POSITIVE_INFINITY);
    Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        double v = values[i * f + j];
        m[j] += v;
        lo[j] = Math.min(lo[j], v);
        hi[j] = Math.max(hi[j], v);
      }
    }
    for (int j = 0; j < f; j++) {
      m[j] /= n;
    }
    // Two passes: the sum of squared deviations from the mean loses no precision to cancellation.
    double[] v2 = new double[f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        double d = values[i * f + j] - m[j];
        v2[j] += d * d;
      }
    }
    double[] s = new double[f];
    for (int j = 0; j < f; j++) {
      // A constant column: the exact test, where the computed variance may be a rounding error.
      boolean constant = lo[j] == hi[j];
      v2[j] = constant ? 0 : v2[j] / n;
      s[j] = constant ? 1 : Math.sqrt(v2[j]);
    }
    mean = m;
    var = v2;
    scale = s;
    samplesSeen = n;
    return this;
  }

  /**
   * {@code (x - mean) / scale} with the fitted statistics.
   *
   * @throws IllegalStateException when the scaler has not been fitted
   * @throws IllegalArgumentException when {@code x} is not 2-d or has another number of features
   */
  public Tensor transform(Tensor x) {
    checkFitted("transform", x);
    Tensor z = x.toDouble();
    if (withMean) {
      z = z.sub(row(mean, x));
    }
    if (withStd) {
      z = z.div(row(scale, x));
    }
    return z.to(outputType(x));
  }

  /** {@link #fit} then {@link #transform} on the same rows. */
  public Tensor fitTransform(Tensor x) {
    return fit(x).transform(x);
  }

  /**
   * {@code z * scale + mean}: back to the original units (e.g. a model's standardised
   * predictions back to dollars).
   *
   * @throws IllegalStateException when the scaler has not been fitted
   */
  public Tensor inverseTransform(Tensor z) {
    checkFitted("inverseTransform", z);
    Tensor x = z.toDouble();
    if (withStd) {
      x = x.mul(row(scale, z));
    }
    if (withMean) {
      x = x.add(row(mean, z));
    }
    return x.to(outputType(z));
  }

  /** Per-feature means ({@code mean_}), float64 {@code [features]}. */
  public Tensor mean() {
    requireFitted("mean");
    return Tensor.fromArray(mean.clone(), mean.length);
  }

  /** Per-feature population variances ({@code var_}), float64 {@code [features]}. */
  public Tensor var() {
    requireFitted("var");
    return Tensor.fromArray(var.clone(), var.length);
  }

  /**
   * Per-feature divisors ({@code scale_}): the population standard deviation, or 1 for a
   * constant feature; float64 {@code [features]}.
   */
  public Tensor scale() {
    requireFitted("scale");
    return Tensor.fromArray(scale.clone(), scale.length);
  }

  /** The number of features seen by {@link #fit} ({@code n_features_in_}). */
  public int numFeatures() {
    requireFitted("numFeatures");
    return mean.length;
  }

  /** The number of rows seen by {@link #fit} ({@code n_samples_seen_}). */
  public long samplesSeen() {
    requireFitted("samplesSeen");
    return samplesSeen;
  }

  /** Whether {@link #fit} has been called. */
  public boolean isFitted() {
    return mean != null;
  }

  private static Tensor row(double[] values, Tensor like) {
    return Tensor.fromArray(values.clone(), values.length).to(like.device());
  }

  private static DType outputType(Tensor x) {
    return x.dtype().isFloatingPoint() ? x.dtype() : DType.FLOAT32;
  }

  private static void check2d(String op, Tensor x) {
    if (x == null) {
      throw new NullPointerException("StandardScaler." + op + ": x");
    }
    if (x.dim() != 2) {
      throw new IllegalArgumentException("StandardScaler." + op
          + ": expected a 2-d tensor [samples, features], got shape "
          + Arrays.toString(x.shape()) + (x.dim() == 1 ? "; for one feature use x.unsqueeze(1)"
          : ""));
    }
  }

  private void requireFitted(String op) {
    if (mean == null) {
      throw new IllegalStateException("StandardScaler." + op
          + ": this scaler is not fitted yet; call fit(xTrain) first");
    }
  }

  private void checkFitted(String op, Tensor x) {
    requireFitted(op);
    check2d(op, x);
    if (x.size(1) != mean.length) {
      throw new IllegalArgumentException("StandardScaler." + op + ": x has " + x.size(1)
          + " features (shape " + Arrays.toString(x.shape()) + ") but the scaler was fitted on "
          + mean.length);
    }
  }

  @Override
  public String toString() {
    return "StandardScaler(withMean=" + withMean + ", withStd=" + withStd
        + (mean == null ? ", not fitted)" : ", features=" + mean.length + ")");
  }
}
