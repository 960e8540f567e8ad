package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long now;

  private ProgressBar bar(int epochs, int batches, boolean interactive) {
    return new ProgressBar(epochs, batches, out, interactive, () -> now);
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }

  private void at(double seconds) {
    now = Math.round(seconds * 1e9);
  }

  @Test
  void logOutputIsOneThrottledLinePerUpdate() {
    ProgressBar bar = bar(3, 4, false).minInterval(Duration.ofSeconds(1));
    at(0);
    bar.startEpoch(1);
    at(0.5);
    bar.step(1.0, 10); // within 1 s of the start: not printed
    at(1.2);
    bar.step(3.0, 30); // printed: loss (1 * 10 + 3 * 30) / 40 = 2.5, 40 samples / 1.2 s
    at(1.5);
    bar.step(2.0, 10); // 0.3 s after the last line: not printed
    at(2.0);
    bar.step(2.0, 10); // 0.8 s after it: not printed either
    at(3.0);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("val_loss", 0.123456);
    metrics.put("val_acc", 0.875);
    bar.endEpoch(metrics);
    // Line 1: 2 of 4 batches in 1.2 s, so 2 more take 1.2 s (ETA 1.2s). Line 2, the epoch's
    // end: loss (10 + 90 + 20 + 20) / 60 = 2.3333, 60 samples in 3 s, no ETA but the time.
    assertEquals("epoch 1/3  2/4 [==========>         ]  loss 2.5000  33.3 samples/s  ETA 1.2s\n"
        + "epoch 1/3  4/4 [====================]  loss 2.3333  20.0 samples/s  3.0s"
        + "  val_loss 0.1235  val_acc 0.8750\n", output());
    assertEquals(140.0 / 60, bar.epochLoss(), 1e-15);
  }

  @Test
  void terminalOutputRedrawsOneLine() {
    ProgressBar bar = bar(1, 200, true).minInterval(Duration.ZERO);
    at(0);
    bar.startEpoch(1);
    for (int i = 1; i <= 200; i++) {
      at(i * 0.01);
      bar.step(1e-5, 1000);
    }
    at(2.0);
    bar.endEpoch();
    String s = output();
    assertEquals(201, s.chars().filter(c -> c == '\r').count(), "one redraw per update");
    assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line in the end");
    assertTrue(s.endsWith("\repoch 1/1  200/200 [====================]  loss 1.0000e-05"
        + "  100000 samples/s  2.0s\n"), s);
    assertTrue(s.contains("\repoch 1/1  100/200 [==========>         ]  loss 1.0000e-05"
        + "  100000 samples/s  ETA 1.0s\r"), s);
  }

  @Test
  void aShorterLineIsPaddedOverTheLongerOne() {
    ProgressBar bar = bar(1, 3, true).minInterval(Duration.ZERO);
    at(0);
    bar.startEpoch(1);
    at(1);
    bar.step(100000.0, 1); // "loss 100000.0000  1.0 samples/s"
    at(2);
    bar.step(0.0, 99999); // "loss 1.0000  50000 samples/s": 3 characters shorter
    String[] draws = output().split("\r", -1);
    assertEquals(draws[1].length(), draws[2].length(), "the second draw covers the first");
    assertTrue(draws[2].endsWith(" "), draws[2]);
  }

  @Test
  void terminalUpdatesAreThrottledToTenPerSecond() {
    ProgressBar bar = bar(1, 1000, true);
    at(0);
    bar.startEpoch(1);
    for (int i = 1; i <= 1000; i++) {
      at(i * 0.001); // 1000 steps in one second
      bar.step(0.5, 1);
    }
    long draws = output().chars().filter(c -> c == '\r').count();
    assertEquals(10, draws, "redraws in one second at most every 100 ms");
  }

  @Test
  void nanLossIsShownAndUnknownTotalsHideBarAndEta() {
    ProgressBar bar = bar(0, 0, false).minInterval(Duration.ZERO);
    at(0);
    bar.step(Double.NaN, 4); // starts epoch 1 by itself
    at(2);
    bar.endEpoch();
    assertEquals("epoch 1  1  loss nan\nepoch 1  1  loss nan  2.0 samples/s  2.0s\n", output());
    assertTrue(Double.isNaN(bar.epochLoss()));
  }

  @Test
  void stepWithoutStartBeginsTheNextEpoch() {
    ProgressBar bar = bar(2, 1, false);
    bar.step(1, 1);
    bar.endEpoch();
    bar.step(1, 1);
    assertEquals(2, bar.epoch());
    assertEquals(1, bar.batches());
  }

  @Test
  void misuseIsExplained() {
    ProgressBar bar = bar(1, 1, false);
    var e = assertThrows(IllegalStateException.class, bar::endEpoch);
    assertEquals("ProgressBar.endEpoch: no epoch is running; call startEpoch(epoch) or step(...)"
        + " first", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> bar(-1, 1, false));
    assertThrows(IllegalArgumentException.class, () -> bar.step(1, -1));
    assertFalse(output().contains("epoch"));
  }

  @Test
  void timesFollowTheDocumentedRules() {
    assertEquals("<1s", ProgressBar.time(0));
    assertEquals("<1s", ProgressBar.time(0.999));
    assertEquals("1.0s", ProgressBar.time(1));
    assertEquals("12.3s", ProgressBar.time(12.34));
    assertEquals("59.9s", ProgressBar.time(59.94));
    assertEquals("1m 00s", ProgressBar.time(59.96)); // rounds to a minute, not "60.0s"
    assertEquals("1m 05s", ProgressBar.time(65));
    assertEquals("59m 59s", ProgressBar.time(3599.4));
    assertEquals("1h 00m 00s", ProgressBar.time(3599.6));
    assertEquals("1h 02m 05s", ProgressBar.time(3725));
    assertEquals("?", ProgressBar.time(-1));
    assertEquals("?", ProgressBar.time(Double.NaN));
  }

  @Test
  void epochsCountFromOne() {
    ProgressBar bar = bar(2, 1, false).minInterval(Duration.ZERO);
    bar.startEpoch();
    assertEquals(1, bar.epoch());
    bar.step(1, 1);
    bar.startEpoch();
    assertEquals(2, bar.epoch());
    var e = assertThrows(IllegalArgumentException.class, () -> bar.startEpoch(0));
    assertEquals("ProgressBar.startEpoch: epochs count from 1 (as the charts do), got 0; pass"
        + " the loop index + 1, or call startEpoch()", e.getMessage());
    assertTrue(output().startsWith("epoch 1/2  1/1"), output());
  }
}
