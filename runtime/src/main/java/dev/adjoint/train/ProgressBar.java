package dev.adjoint.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A console progress line for training loops, in the spirit of Keras' progress bar and
 * {@code tqdm}:
 *
 * <pre>
 * epoch 3/10  120/469 [=====&gt;               ]  loss 0.4123  2345 samples/s  ETA 12.3s
 * </pre>
 *
 * <p>On a terminal the line is redrawn in place (carriage return) at most every 100 ms; when the
 * output is a file or a CI log, a plain line is printed instead, at most every 10 seconds, so logs
 * stay short. {@link #endEpoch} always prints the epoch's final line, with its total time and any
 * validation metrics, and ends it. Epochs count from 1, as the x axis of {@link LineChart} does;
 * times read {@code <1s}, {@code 12.3s}, {@code 1m 05s} or {@code 1h 02m 05s} (see
 * {@code time}). The loss shown is the mean over the epoch so far, weighted by
 * batch size; the time left assumes the remaining batches take as long as the past ones.
 *
 * <p>Not thread-safe: call it from the training loop's thread.
 */
public final class ProgressBar {
  private static final int BAR_WIDTH = 20;
  private static final Duration TERMINAL_INTERVAL = Duration.ofMillis(100);
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final int epochs;
  private final int batchesPerEpoch;
  private final PrintStream out;
  private final boolean interactive;
  private final LongSupplier clock;
  private long minIntervalNanos;

  private int epoch;
  private boolean inEpoch;
  private long epochStart;
  private long lastPrint;
  private int batches;
  private long samples;
  private double weightedLoss;
  private long lossSamples;
  private int lastLength;

  /**
   * A progress bar on {@code System.out} for {@code epochs} epochs of {@code batchesPerEpoch}
   * batches each ({@code loader.size()}; 0 if unknown, which hides the bar and the time left).
   * Redraws in place when the program runs on a terminal.
   */
  public ProgressBar(int epochs, int batchesPerEpoch) {
    this(epochs, batchesPerEpoch, System.out, System.console() != null);
  }

  /**
   * A progress bar printing to {@code out}; {@code interactive} redraws one line with carriage
   * returns (for a terminal), otherwise each update is a new line (for logs).
   */
  public ProgressBar(int epochs, int batchesPerEpoch, PrintStream out, boolean interactive) {
    this(epochs, batchesPerEpoch, out, interactive, System::nanoTime);
  }

  ProgressBar(int epochs, int batchesPerEpoch, PrintStream out, boolean interactive,
      LongSupplier nanoClock) {
    if (epochs < 0 || batchesPerEpoch < 0) {
      throw new IllegalArgumentException("ProgressBar: epochs and batchesPerEpoch must not be"
          + " negative (0 means unknown), got " + epochs + " and " + batchesPerEpoch);
    }
    this.epochs = epochs;
    this.batchesPerEpoch = batchesPerEpoch;
    this.out = Objects.requireNonNull(out, "ProgressBar: out");
    this.interactive = interactive;
    this.clock = Objects.requireNonNull(nanoClock, "ProgressBar: clock");
    this.minIntervalNanos = (interactive ? TERMINAL_INTERVAL : LOG_INTERVAL).toNanos();
  }

  /**
   * Sets the least time between two printed updates (default 100 ms on a terminal, 10 s
   * otherwise); {@link Duration#ZERO} prints every step.
   *
   * @return this progress bar
   */
  public ProgressBar minInterval(Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("ProgressBar.minInterval: negative " + interval);
    }
    this.minIntervalNanos = interval.toNanos();
    return this;
  }

  /**
   * Starts the next epoch: 1 first, as the x axis of a {@link LineChart} counts them, resetting
   * the running loss and the clock.
   */
  public void startEpoch() {
    startEpoch(epoch + 1);
  }

  /**
   * Starts epoch {@code epoch}, counting from 1 as {@link LineChart} does, resetting the running
   * loss and the clock. In a loop {@code for (int e = 0; e < n; e++)} pass {@code e + 1}, or
   * call {@link #startEpoch()}.
   *
   * @throws IllegalArgumentException when {@code epoch} is below 1 (a 0-based loop index)
   */
  public void startEpoch(int epoch) {
    if (epoch < 1) {
      throw new IllegalArgumentException("ProgressBar.startEpoch: epochs count from 1 (as the"
          + " charts do), got " + epoch + "; pass the loop index + 1, or call startEpoch()");
    }
    if (inEpoch) {
      endEpoch();
    }
    this.epoch = epoch;
    inEpoch = true;
    epochStart = clock.getAsLong();
    lastPrint = epochStart;
    batches = 0;
    samples = 0;
    weightedLoss = 0;
    lossSamples = 0;
    lastLength = 0;
  }

  /**
   * Records one batch of {@code batchSize} samples with mean loss {@code loss} and prints an
   * update unless one was printed less than the minimum interval ago. Starts the next epoch if
   * none is running. A NaN loss is shown as {@code nan} and makes the epoch's loss NaN.
   */
  public void step(double loss, int batchSize) {
    if (batchSize < 0) {
      throw new IllegalArgumentException("ProgressBar.step: batchSize must not be negative, got "
          + batchSize);
    }
    if (!inEpoch) {
      startEpoch(epoch + 1);
    }
    batches++;
    samples += batchSize;
    weightedLoss += loss * batchSize;
    lossSamples += batchSize;
    long now = clock.getAsLong();
    if (now - lastPrint >= minIntervalNanos) {
      lastPrint = now;
      print(line(now, false, null), false);
    }
  }

  /** Ends the epoch: prints its final line and a newline. */
  public void endEpoch() {
    endEpoch(Map.of());
  }

  /**
   * Ends the epoch, appending {@code metrics} (e.g. {@code val_loss}, {@code val_acc}; a
   * {@link java.util.LinkedHashMap} keeps their order) to its final line.
   */
  public void endEpoch(Map<String, ? extends Number> metrics) {
    Objects.requireNonNull(metrics, "ProgressBar.endEpoch: metrics");
    if (!inEpoch) {
      throw new IllegalStateException("ProgressBar.endEpoch: no epoch is running; call"
          + " startEpoch(epoch) or step(...) first");
    }
    print(line(clock.getAsLong(), true, metrics), true);
    inEpoch = false;
  }

  /** The current epoch's mean loss so far, weighted by batch size (NaN before any step). */
  public double epochLoss() {
    return lossSamples == 0 ? Double.NaN : weightedLoss / lossSamples;
  }

  /** The current (or last) epoch's number. */
  public int epoch() {
    return epoch;
  }

  /** Batches recorded in the current (or last) epoch. */
  public int batches() {
    return batches;
  }

  private void print(String line, boolean last) {
    if (interactive) {
      String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
      out.print("\r" + line + pad + (last ? System.lineSeparator() : ""));
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  String line(long now, boolean last, Map<String, ? extends Number> metrics) {
    double seconds = (now - epochStart) / 1e9;
    StringBuilder sb = new StringBuilder("epoch ").append(epoch);
    if (epochs > 0) {
      sb.append('/').append(epochs);
    }
    sb.append("  ").append(batches);
    if (batchesPerEpoch > 0) {
      sb.append('/').append(batchesPerEpoch).append(' ').append(bar());
    }
    if (lossSamples > 0) {
      sb.append("  loss ").append(number(epochLoss()));
    }
    if (seconds > 0 && samples > 0) {
      double rate = samples / seconds;
      sb.append("  ").append(String.format(Locale.ROOT, rate >= 100 ? "%.0f" : "%.1f", rate))
          .append(" samples/s");
    }
    if (last) {
      sb.append("  ").append(time(seconds));
      metrics.forEach((k, v) -> sb.append("  ").append(k).append(' ')
          .append(number(v.doubleValue())));
    } else if (batchesPerEpoch > 0 && batches > 0 && batches < batchesPerEpoch) {
      sb.append("  ETA ").append(time(seconds / batches * (batchesPerEpoch - batches)));
    }
    return sb.toString();
  }

  private String bar() {
    int filled = (int) Math.min(BAR_WIDTH, (long) BAR_WIDTH * batches / batchesPerEpoch);
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < BAR_WIDTH; i++) {
      sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    return sb.append(']').toString();
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a != 0 && (a < 1e-3 || a >= 1e6) ? "%.4e" : "%.4f", v);
  }

  /**
   * A duration for the progress line: {@code <1s} under a second; seconds with one decimal under
   * a minute ({@code 12.3s}, rounded half-up, so 59.96 s reads {@code 1m 00s}); whole minutes and
   * two-digit seconds under an hour ({@code 1m 05s}); hours, minutes and seconds from an hour
   * on ({@code 1h 02m 05s}). NaN or negative (a clock that went back) reads {@code ?}.
   */
  static String time(double seconds) {
    if (!(seconds >= 0)) {
      return "?";
    }
    if (seconds < 1) {
      return "<1s";
    }
    double tenths = Math.round(seconds * 10) / 10.0;
    if (tenths < 60) {
      return String.format(Locale.ROOT, "%.1fs", tenths);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, s / 60 % 60, s % 60);
  }
}
