package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
  // matplotlib's first two colours, which the chart gives its first two series.
  private static final Color BLUE = new Color(0x1f77b4);
  private static final Color ORANGE = new Color(0xff7f0e);

  @TempDir Path tmp;

  /** Pixels within a small distance of {@code color} (anti-aliased edges blend with white). */
  private static int count(BufferedImage image, Color color, int x0, int x1) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = x0; x < x1; x++) {
        Color c = new Color(image.getRGB(x, y));
        int d = Math.abs(c.getRed() - color.getRed()) + Math.abs(c.getGreen() - color.getGreen())
            + Math.abs(c.getBlue() - color.getBlue());
        if (d < 40) {
          n++;
        }
      }
    }
    return n;
  }

  private static int count(BufferedImage image, Color color) {
    return count(image, color, 0, image.getWidth());
  }

  private static LineChart losses() {
    return new LineChart("Training", "epoch", "loss")
        .addSeries("train", new double[] {2.3, 1.1, 0.7, 0.5, 0.42, 0.38})
        .addSeries("validation", List.of(2.4, 1.3, 0.9, 0.8, 0.79, 0.81));
  }

  @Test
  void writesAReadablePngOfTheRequestedSizeWithBothCurves() throws IOException {
    Path png = tmp.resolve("loss.png");
    losses().save(png, 640, 400);
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "ImageIO reads the file");
    assertEquals(640, image.getWidth());
    assertEquals(400, image.getHeight());
    int white = count(image, Color.WHITE);
    assertTrue(white < 640 * 400 * 0.97, "not blank: " + white + " white pixels");
    assertTrue(white > 640 * 400 * 0.5, "mostly background: " + white + " white pixels");
    assertTrue(count(image, BLUE) > 200, "the first series is drawn");
    assertTrue(count(image, ORANGE) > 200, "the second series is drawn");
    assertTrue(count(image, Color.BLACK) > 100, "text is drawn");
    assertEquals(List.of(), leftovers());
  }

  @Test
  void defaultSizeIs800By500() throws IOException {
    Path png = tmp.resolve("default.png");
    losses().save(png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(800, image.getWidth());
    assertEquals(500, image.getHeight());
  }

  @Test
  void nonFiniteValuesLeaveAGapAndAreCountedInTheLegend() {
    double[] y = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] gappy = y.clone();
    gappy[4] = Double.NaN;
    gappy[5] = Double.POSITIVE_INFINITY;
    LineChart full = new LineChart("", "", "").addSeries("loss", y);
    LineChart holed = new LineChart("", "", "").addSeries("loss", gappy);
    assertEquals("loss (2 non-finite values omitted)", holed.series().get(0).label());
    assertEquals("loss", full.series().get(0).label());
    // Three of nine segments are missing (3-4, 4-5, 5-6), about a third of the line.
    int drawn = count(full.render(400, 300), BLUE);
    int gapped = count(holed.render(400, 300), BLUE);
    assertTrue(gapped < drawn * 0.85, "gap: " + gapped + " of " + drawn + " blue pixels");
    assertTrue(gapped > drawn * 0.4, "the rest is drawn: " + gapped + " of " + drawn);
  }

  @Test
  void aSeriesWithNothingFiniteIsStillAChart() {
    LineChart chart = new LineChart("diverged", "epoch", "loss")
        .addSeries("train", new double[] {Double.NaN, Double.NaN});
    assertEquals("train (all 2 values non-finite, none drawn)", chart.series().get(0).label());
    BufferedImage image = chart.render(300, 200);
    assertTrue(count(image, Color.WHITE) < 300 * 200, "axes and legend are drawn");
  }

  @Test
  void badInputIsRejectedClearly() {
    LineChart chart = new LineChart("t", "x", "y");
    var e = assertThrows(IllegalArgumentException.class,
        () -> chart.addSeries("train", new double[0]));
    assertEquals("LineChart.addSeries: series \"train\" is empty; a series needs at least one"
        + " value", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> chart.addSeries("a", new double[] {1, Double.NaN}, new double[] {1, 2}));
    assertEquals("LineChart.addSeries: series \"a\": x[1] is NaN; x values must be finite",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> chart.addSeries("a", new double[] {1, 2}, new double[] {1}));
    assertEquals("LineChart.addSeries: series \"a\" has 2 x values but 1 y values",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> chart.addSeries(" ", new double[] {1}));
    assertTrue(e.getMessage().contains("non-blank name"), e.getMessage());
    chart.addSeries("a", new double[] {1});
    e = assertThrows(IllegalArgumentException.class, () -> chart.addSeries("a", new double[] {2}));
    assertEquals("LineChart.addSeries: series \"a\" was already added; give each series its own"
        + " name", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> chart.render(50, 300));
    assertTrue(e.getMessage().contains("image size 50x300 is outside 100..10000"), e.getMessage());

    var state = assertThrows(IllegalStateException.class,
        () -> new LineChart("empty", "", "").save(tmp.resolve("empty.png")));
    assertEquals("LineChart \"empty\": nothing to draw; add a series with addSeries(name, values)"
        + " first", state.getMessage());
    assertTrue(!Files.exists(tmp.resolve("empty.png")));
  }

  @Test
  void theLegendAvoidsTheCurve() {
    // A rising line ends in the top-right corner, where the legend would go first; it moves to
    // the empty top-left corner instead, so the last points stay visible.
    double[] y = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    BufferedImage image = new LineChart("", "", "").addSeries("rising", y).render(400, 300);
    int topRight = 0;
    int topLeft = 0;
    for (int py = 0; py < 60; py++) {
      for (int px = 0; px < 400; px++) {
        Color c = new Color(image.getRGB(px, py));
        boolean blue = Math.abs(c.getRed() - BLUE.getRed()) + Math.abs(c.getGreen()
            - BLUE.getGreen()) + Math.abs(c.getBlue() - BLUE.getBlue()) < 40;
        if (blue && px >= 320) {
          topRight++;
        } else if (blue && px < 160) {
          topLeft++;
        }
      }
    }
    assertTrue(topRight > 40, "the curve's end is drawn: " + topRight + " blue pixels");
    assertTrue(topLeft > 10 && topLeft < 80, "only the legend swatch is top left: " + topLeft);
  }

  @Test
  void aSinglePointIsVisible() {
    int point = count(new LineChart("", "", "").addSeries("one", new double[] {0.5})
        .render(300, 200), BLUE);
    int none = count(new LineChart("", "", "").addSeries("one", new double[] {Double.NaN})
        .render(300, 200), BLUE);
    // Both have the legend swatch; the marker (a disc 6 pixels across) adds about 28 pixels.
    assertTrue(point > none + 15, "a marker: " + point + " blue pixels against " + none);
  }

  @Test
  void chartsSideBySide() throws IOException {
    LineChart accuracy = new LineChart("Accuracy", "epoch", "accuracy")
        .addSeries("train", new double[] {0.5, 0.7, 0.8})
        .addSeries("validation", new double[] {0.45, 0.6, 0.7});
    Path png = tmp.resolve("row.png");
    LineChart.saveRow(png, 1000, 400, losses(), accuracy);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1000, image.getWidth());
    assertTrue(count(image, BLUE, 0, 500) > 200, "left chart drawn");
    assertTrue(count(image, BLUE, 500, 1000) > 200, "right chart drawn");
    assertThrows(IllegalArgumentException.class, () -> LineChart.saveRow(png, 1000, 400));
  }

  @Test
  void ticksAreRoundNumbers() {
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0},
        LineChart.ticks(0, 1, false), 1e-12);
    assertArrayEquals(new double[] {2, 4, 6, 8, 10}, LineChart.ticks(1, 10, true), 1e-12);
    assertArrayEquals(new double[] {1, 2, 3}, LineChart.ticks(1, 3, true), 1e-12);
    assertArrayEquals(new double[] {-50, 0, 50, 100}, LineChart.ticks(-60, 120, false), 1e-12);
    assertArrayEquals(new String[] {"0.0", "0.2", "0.4"},
        LineChart.labels(new double[] {0, 0.2, 0.4}));
    assertArrayEquals(new String[] {"0.38", "0.40"}, LineChart.labels(new double[] {0.38, 0.4}));
    assertArrayEquals(new String[] {"0", "50", "100"},
        LineChart.labels(new double[] {0, 50, 100}));
  }

  @Test
  void epochTicksAreWholeNumbersEvenForOneOrTwoEpochs() {
    // One epoch: x range 1 +- 0.1; a 1-2-5 step would be 0.05, but epochs have no halves.
    assertArrayEquals(new double[] {1}, LineChart.ticks(0.9, 1.1, true), 0);
    // Two epochs padded by 3%: 0.97 .. 2.03.
    assertArrayEquals(new double[] {1, 2}, LineChart.ticks(0.97, 2.03, true), 0);
    LineChart one = new LineChart("", "epoch", "loss").addSeries("train", new double[] {0.5});
    double[] xr = one.range(true);
    assertArrayEquals(new double[] {1}, LineChart.ticks(xr[0], xr[1], true), 0);
  }

  @Test
  void theYAxisIsPaddedBeyondTheData() {
    LineChart c = new LineChart("", "epoch", "loss").addSeries("train", new double[] {1, 3});
    // Data 1..3, span 2, padded by 5% of the span each way.
    assertArrayEquals(new double[] {0.9, 3.1}, c.yAxisRange(), 1e-12);
  }

  @Test
  void aReferenceLineWidensTheAxisAndIsInTheLegendAndTheImage() {
    LineChart c = new LineChart("", "epoch", "MSE").addSeries("SGD", new double[] {2, 1.5, 1})
        .addReferenceLine("closed form", 0.5);
    // Data 0.5 (the line) .. 2, span 1.5, padded by 0.075.
    assertArrayEquals(new double[] {0.425, 2.075}, c.yAxisRange(), 1e-12);
    assertEquals(List.of("SGD", "closed form"), c.legendLabels());
    assertEquals(List.of(new LineChart.ReferenceLine("closed form", 0.5)), c.referenceLines());
    // The line takes the next colour of the cycle (orange), dashed across the plot: compare
    // with the same chart without it.
    LineChart without = new LineChart("", "epoch", "MSE")
        .addSeries("SGD", new double[] {2, 1.5, 1}).addSeries("pad", new double[] {0.5});
    int withLine = rowsWithManyPixels(c.render(640, 400), ORANGE, 200);
    assertEquals(1, withLine, "one long horizontal run of the reference colour");
    assertEquals(0, rowsWithManyPixels(without.render(640, 400), ORANGE, 200));
    assertThrows(IllegalArgumentException.class, () -> c.addReferenceLine("SGD", 1));
    assertThrows(IllegalArgumentException.class, () -> c.addReferenceLine("x", Double.NaN));
  }

  /** Rows (allowing for 1-2 px thick anti-aliasing) with at least {@code min} such pixels. */
  private static int rowsWithManyPixels(BufferedImage image, Color color, int min) {
    int runs = 0;
    boolean previous = false;
    for (int y = 0; y < image.getHeight(); y++) {
      boolean many = count(image.getSubimage(0, y, image.getWidth(), 1), color) >= min;
      if (many && !previous) {
        runs++;
      }
      previous = many;
    }
    return runs;
  }

  @Test
  void logAxisMapsDecadesEvenlyWithPowerOfTenTicks() {
    LineChart c = new LineChart("", "epoch", "loss")
        .addSeries("train", new double[] {100, 10, 1, 0.1, 0.01}).logY();
    assertTrue(c.isLogY());
    // log10 span -2..2 = 4 decades, padded by 0.2 decade each way.
    double[] r = c.yAxisRange();
    assertArrayEquals(new double[] {Math.pow(10, -2.2), Math.pow(10, 2.2)}, r, 1e-12);
    assertArrayEquals(new double[] {0.01, 0.1, 1, 10, 100}, c.yTicks(r), 1e-15);
    assertArrayEquals(new String[] {"0.01", "0.1", "1", "10", "100"},
        LineChart.logLabels(c.yTicks(r)));
    LineChart.Mapping m = new LineChart.Mapping(new double[] {0, 1}, r, true, 0, 440, 10, 440);
    // Each decade takes 1/4.4 of the height: 1 is in the middle, 10 one decade above.
    assertEquals(0.5, m.fraction(1), 1e-12);
    assertEquals(0.5 + 1 / 4.4, m.fraction(10), 1e-12);
    assertEquals(220, m.py(1), 1e-9);
    assertEquals(220 - 100, m.py(10), 1e-9);
  }

  @Test
  void logTicksWithinADecadeAddTwosAndFives() {
    assertArrayEquals(new double[] {0.2, 0.5, 1, 2}, LineChart.logTicks(0.15, 3), 1e-15);
    assertArrayEquals(new String[] {"1e-05", "0.0001", "0.001"},
        LineChart.logLabels(new double[] {1e-5, 1e-4, 1e-3}));
    // Twenty decades: every second power.
    assertEquals(11, LineChart.logTicks(1e-10, 1e10).length);
  }

  @Test
  void nonPositiveValuesAreLeftOutOfALogAxis() {
    LineChart c = new LineChart("", "epoch", "loss")
        .addSeries("train", new double[] {1, 0, -1, 0.1}).logY();
    assertArrayEquals(new double[] {Math.pow(10, -1.05), Math.pow(10, 0.05)}, c.yAxisRange(),
        1e-12);
    assertEquals(List.of("train (2 values <= 0 not drawn on the log axis)"), c.legendLabels());
    assertNotNull(c.render(320, 200));
  }

  private List<Path> leftovers() throws IOException {
    try (var s = Files.list(tmp)) {
      return s.filter(p -> p.toString().endsWith(".part")).toList();
    }
  }
}
