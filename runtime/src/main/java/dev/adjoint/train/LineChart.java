package dev.adjoint.train;

import dev.adjoint.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A line chart of named series (loss and accuracy curves) written as a PNG, with a title, axis
 * titles, tick labels, grid lines and a legend. It draws with Java2D into an image, so it needs no
 * display (it works headless, on servers and in CI):
 *
 * <pre>{@code
 * new LineChart("Fashion-MNIST MLP", "epoch", "loss")
 *     .addSeries("train", trainLosses)          // x = 1, 2, ... (epochs)
 *     .addSeries("validation", valLosses)
 *     .save(Path.of("loss.png"));
 * LineChart.saveRow(Path.of("curves.png"), 1200, 450, lossChart, accuracyChart);
 * }</pre>
 *
 * <p>Series added without x values are plotted at epochs 1, 2, ..., and an x axis of whole
 * numbers gets whole-number ticks only. The y axis is padded by 5% of its range beyond the data
 * (matplotlib's margins), or by 5% of its decades on a {@link #logY() log axis}. A
 * {@link #addReferenceLine horizontal reference line} (a closed-form optimum, a baseline's loss)
 * is drawn dashed across the plot and named in the legend.
 *
 * <p>Non-finite values (a diverged loss) are not drawn: the line has a gap there and the legend
 * says how many values were left out; on a log axis, values at or below zero are left out the
 * same way. Colours follow matplotlib's default cycle.
 */
public final class LineChart {
  /** The width {@link #save(Path)} uses, in pixels. */
  public static final int DEFAULT_WIDTH = 800;
  /** The height {@link #save(Path)} uses, in pixels. */
  public static final int DEFAULT_HEIGHT = 500;

  private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e),
      new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b),
      new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
  private static final Color GRID = new Color(0xe6e6e6);
  private static final int MARKERS_UP_TO = 50;
  private static final int MIN_SIZE = 100;
  private static final int MAX_SIZE = 10_000;

  /**
   * One named curve: {@code y[i]} at {@code x[i]}.
   *
   * @param name the legend text
   * @param x the x values, finite
   * @param y the y values; NaN and infinities are left out of the drawing
   */
  public record Series(String name, double[] x, double[] y) {
    /** How many {@code y} values are NaN or infinite. */
    public int nonFiniteCount() {
      int n = 0;
      for (double v : y) {
        if (!Double.isFinite(v)) {
          n++;
        }
      }
      return n;
    }

    /** The legend text: the name, and how many values were left out if any. */
    public String label() {
      int bad = nonFiniteCount();
      if (bad == 0) {
        return name;
      }
      if (bad == y.length) {
        return name + " (all " + bad + " values non-finite, none drawn)";
      }
      return name + " (" + bad + " non-finite value" + (bad == 1 ? "" : "s") + " omitted)";
    }
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<ReferenceLine> referenceLines = new ArrayList<>();
  private boolean logY;

  /**
   * A horizontal line at {@code y}, drawn dashed across the plot.
   *
   * @param name the legend text
   * @param y the height, finite (and positive on a log axis)
   */
  public record ReferenceLine(String name, double y) {}

  /** An empty chart with a title and axis titles (each may be empty, none null). */
  public LineChart(String title, String xLabel, String yLabel) {
    this.title = Objects.requireNonNull(title, "LineChart: title");
    this.xLabel = Objects.requireNonNull(xLabel, "LineChart: xLabel");
    this.yLabel = Objects.requireNonNull(yLabel, "LineChart: yLabel");
  }

  /**
   * Adds a series plotted at x = 1, 2, ..., n (epoch numbers).
   *
   * @return this chart
   * @throws IllegalArgumentException when {@code y} is empty or the name is blank or taken
   */
  public LineChart addSeries(String name, double[] y) {
    Objects.requireNonNull(y, "LineChart.addSeries: y");
    double[] x = new double[y.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    return addSeries(name, x, y);
  }

  /**
   * Adds a series from a list (e.g. the losses collected during training), at x = 1, 2, ....
   * A {@code null} element counts as a missing value.
   *
   * @return this chart
   */
  public LineChart addSeries(String name, List<? extends Number> y) {
    Objects.requireNonNull(y, "LineChart.addSeries: y");
    double[] values = new double[y.size()];
    for (int i = 0; i < values.length; i++) {
      Number v = y.get(i);
      values[i] = v == null ? Double.NaN : v.doubleValue();
    }
    return addSeries(name, values);
  }

  /**
   * Adds a series of points {@code (x[i], y[i])}, joined in the given order.
   *
   * @return this chart
   * @throws IllegalArgumentException when the arrays are empty or differ in length, an x value is
   *     not finite, or the name is blank or taken
   */
  public LineChart addSeries(String name, double[] x, double[] y) {
    Objects.requireNonNull(name, "LineChart.addSeries: name");
    Objects.requireNonNull(x, "LineChart.addSeries: x");
    Objects.requireNonNull(y, "LineChart.addSeries: y");
    String what = "LineChart.addSeries: series \"" + name + "\"";
    if (name.isBlank()) {
      throw new IllegalArgumentException("LineChart.addSeries: a series needs a non-blank name"
          + " for the legend");
    }
    for (String taken : names()) {
      if (taken.equals(name)) {
        throw new IllegalArgumentException(what + " was already added; give each series its own"
            + " name");
      }
    }
    if (y.length == 0) {
      throw new IllegalArgumentException(what + " is empty; a series needs at least one value");
    }
    if (x.length != y.length) {
      throw new IllegalArgumentException(what + " has " + x.length + " x values but " + y.length
          + " y values");
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException(what + ": x[" + i + "] is " + x[i]
            + "; x values must be finite");
      }
    }
    series.add(new Series(name, x.clone(), y.clone()));
    return this;
  }

  /**
   * Adds a dashed horizontal line at {@code y} named {@code name} in the legend (e.g. the
   * closed-form least-squares loss a gradient-descent curve should approach). The y axis always
   * reaches it.
   *
   * @return this chart
   * @throws IllegalArgumentException when {@code y} is not finite or the name is blank or taken
   */
  public LineChart addReferenceLine(String name, double y) {
    Objects.requireNonNull(name, "LineChart.addReferenceLine: name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("LineChart.addReferenceLine: a line needs a non-blank"
          + " name for the legend");
    }
    if (!Double.isFinite(y)) {
      throw new IllegalArgumentException("LineChart.addReferenceLine: \"" + name + "\" at y = "
          + y + "; the height must be finite");
    }
    for (String taken : names()) {
      if (taken.equals(name)) {
        throw new IllegalArgumentException("LineChart.addReferenceLine: \"" + name + "\" is"
            + " already in the legend; give each line its own name");
      }
    }
    referenceLines.add(new ReferenceLine(name, y));
    return this;
  }

  private List<String> names() {
    List<String> out = new ArrayList<>();
    series.forEach(x -> out.add(x.name()));
    referenceLines.forEach(x -> out.add(x.name()));
    return out;
  }

  /** The reference lines added so far, in order. */
  public List<ReferenceLine> referenceLines() {
    return List.copyOf(referenceLines);
  }

  /**
   * Makes the y axis logarithmic (base 10), for losses that fall over orders of magnitude: ticks
   * at powers of ten (and at 2 and 5 times them when the data spans less than two decades);
   * values at or below zero are not drawn.
   *
   * @return this chart
   */
  public LineChart logY() {
    this.logY = true;
    return this;
  }

  /** Whether the y axis is logarithmic. */
  public boolean isLogY() {
    return logY;
  }

  /** The series added so far, in order. */
  public List<Series> series() {
    return List.copyOf(series);
  }

  /** The chart title. */
  public String title() {
    return title;
  }

  /**
   * Draws the chart into a new RGB image of {@code width} x {@code height} pixels.
   *
   * @throws IllegalStateException when no series was added
   * @throws IllegalArgumentException when a size is outside 100..10000
   */
  public BufferedImage render(int width, int height) {
    checkSize(width, height);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      draw(g, 0, 0, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Writes the chart as a PNG of {@value #DEFAULT_WIDTH} x {@value #DEFAULT_HEIGHT} pixels. */
  public void save(Path file) throws IOException {
    save(file, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /**
   * Writes the chart as a PNG of {@code width} x {@code height} pixels, replacing {@code file}
   * (written to a temporary file first, so a reader never sees half a PNG).
   *
   * @throws IllegalStateException when no series was added
   */
  public void save(Path file, int width, int height) throws IOException {
    writePng(render(width, height), file);
  }

  /**
   * Writes several charts side by side (e.g. loss and accuracy) into one PNG of {@code width} x
   * {@code height} pixels, each getting an equal share of the width.
   *
   * @throws IllegalArgumentException when no chart is given
   * @throws IllegalStateException when a chart has no series
   */
  public static void saveRow(Path file, int width, int height, LineChart... charts)
      throws IOException {
    Objects.requireNonNull(charts, "LineChart.saveRow: charts");
    if (charts.length == 0) {
      throw new IllegalArgumentException("LineChart.saveRow: no charts given");
    }
    checkSize(width / charts.length, height);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      for (int i = 0; i < charts.length; i++) {
        int x0 = width * i / charts.length;
        int x1 = width * (i + 1) / charts.length;
        if (charts[i] == null) {
          throw new NullPointerException("LineChart.saveRow: chart " + i);
        }
        charts[i].draw(g, x0, 0, x1 - x0, height);
      }
    } finally {
      g.dispose();
    }
    writePng(image, file);
  }

  private static void checkSize(int width, int height) {
    if (width < MIN_SIZE || height < MIN_SIZE || width > MAX_SIZE || height > MAX_SIZE) {
      throw new IllegalArgumentException("LineChart: image size " + width + "x" + height
          + " is outside " + MIN_SIZE + ".." + MAX_SIZE + " pixels per side (per chart)");
    }
  }

  private static void writePng(BufferedImage image, Path file) throws IOException {
    Objects.requireNonNull(file, "LineChart: file");
    // Atomic, with a short temporary name, keeping a replaced file's mode (else the umask's).
    AtomicFiles.write(file, ch -> {
      OutputStream out = Channels.newOutputStream(ch);
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("LineChart: this JDK has no PNG writer (javax.imageio)");
      }
      out.flush();
    });
  }

  // ------------------------------------------------------------------------------- drawing

  private void draw(Graphics2D g, int left, int top, int width, int height) {
    if (series.isEmpty()) {
      throw new IllegalStateException("LineChart \"" + title + "\": nothing to draw; add a"
          + " series with addSeries(name, values) first");
    }
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(left, top, width, height);

    double[] xr = range(true);
    double[] yr = yAxisRange();
    double[] xt = ticks(xr[0], xr[1], integralX());
    double[] yt = yTicks(yr);
    Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    FontMetrics tm = g.getFontMetrics(tickFont);
    FontMetrics lm = g.getFontMetrics(labelFont);
    FontMetrics hm = g.getFontMetrics(titleFont);
    String[] yLabels = logY ? logLabels(yt) : labels(yt);
    int yTickWidth = 0;
    for (String s : yLabels) {
      yTickWidth = Math.max(yTickWidth, tm.stringWidth(s));
    }
    int plotLeft = left + 12 + (yLabel.isEmpty() ? 0 : lm.getHeight() + 6) + yTickWidth + 6;
    int plotTop = top + 12 + (title.isEmpty() ? 0 : hm.getHeight() + 4);
    int plotRight = left + width - 20;
    int plotBottom = top + height - 10 - tm.getHeight() - 4
        - (xLabel.isEmpty() ? 0 : lm.getHeight() + 4);
    int pw = Math.max(1, plotRight - plotLeft);
    int ph = Math.max(1, plotBottom - plotTop);
    Mapping map = new Mapping(xr, yr, logY, plotLeft, plotBottom, pw, ph);

    // Grid, ticks and their labels.
    g.setFont(tickFont);
    g.setStroke(new BasicStroke(1f));
    String[] xLabels = labels(xt);
    for (int i = 0; i < xt.length; i++) {
      int px = (int) Math.round(map.px(xt[i]));
      g.setColor(GRID);
      g.drawLine(px, plotTop, px, plotBottom);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(px, plotBottom, px, plotBottom + 4);
      g.drawString(xLabels[i], px - tm.stringWidth(xLabels[i]) / 2,
          plotBottom + 4 + tm.getAscent());
    }
    for (int i = 0; i < yt.length; i++) {
      int py = (int) Math.round(map.py(yt[i]));
      g.setColor(GRID);
      g.drawLine(plotLeft, py, plotRight, py);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(plotLeft - 4, py, plotLeft, py);
      g.drawString(yLabels[i], plotLeft - 6 - tm.stringWidth(yLabels[i]),
          py + tm.getAscent() / 2 - 1);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(plotLeft, plotTop, pw, ph);

    // Titles.
    g.setColor(Color.BLACK);
    if (!title.isEmpty()) {
      g.setFont(titleFont);
      g.drawString(title, left + (width - hm.stringWidth(title)) / 2, top + 10 + hm.getAscent());
    }
    g.setFont(labelFont);
    if (!xLabel.isEmpty()) {
      g.drawString(xLabel, plotLeft + (pw - lm.stringWidth(xLabel)) / 2,
          top + height - 8 - lm.getDescent());
    }
    if (!yLabel.isEmpty()) {
      AffineTransform saved = g.getTransform();
      g.translate(left + 10 + lm.getAscent(), plotTop + (ph + lm.stringWidth(yLabel)) / 2);
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, 0, 0);
      g.setTransform(saved);
    }

    // The curves, clipped to the plot area.
    Shape clip = g.getClip();
    g.clipRect(plotLeft, plotTop, pw + 1, ph + 1);
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int s = 0; s < series.size(); s++) {
      drawSeries(g, series.get(s), PALETTE[s % PALETTE.length], map);
    }
    for (int r = 0; r < referenceLines.size(); r++) {
      double y = referenceLines.get(r).y();
      if (!logY || y > 0) {
        g.setColor(referenceColor(r));
        g.setStroke(DASHED);
        int py = (int) Math.round(map.py(y));
        g.drawLine(plotLeft, py, plotRight, py);
      }
    }
    g.setClip(clip);

    drawLegend(g, tickFont, tm, map, plotLeft, plotTop, plotRight, plotBottom);
  }

  private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);

  /** The colour of reference line {@code r}: after the series' colours in the cycle. */
  private Color referenceColor(int r) {
    return PALETTE[(series.size() + r) % PALETTE.length];
  }

  /** Whether {@code y} is drawn: finite, and positive on a log axis. */
  private static boolean drawn(double y, boolean logY) {
    return Double.isFinite(y) && (!logY || y > 0);
  }

  private static void drawSeries(Graphics2D g, Series s, Color color, Mapping map) {
    g.setColor(color);
    Path2D.Double path = new Path2D.Double();
    boolean open = false;
    int n = s.y().length;
    boolean log = map.logY();
    for (int i = 0; i < n; i++) {
      if (!drawn(s.y()[i], log)) {
        open = false;
        continue;
      }
      double px = map.px(s.x()[i]);
      double py = map.py(s.y()[i]);
      if (open) {
        path.lineTo(px, py);
      } else {
        path.moveTo(px, py);
        open = true;
      }
      boolean isolated = (i == 0 || !drawn(s.y()[i - 1], log))
          && (i == n - 1 || !drawn(s.y()[i + 1], log));
      if (n <= MARKERS_UP_TO || isolated) {
        g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
      }
    }
    g.draw(path);
  }

  /** The legend, in the plot corner that hides the fewest points (matplotlib's "best"). */
  private void drawLegend(Graphics2D g, Font font, FontMetrics fm, Mapping map, int left, int top,
      int right, int bottom) {
    int swatch = 22;
    int pad = 6;
    int rowHeight = fm.getHeight();
    List<String> labels = legendLabels();
    int textWidth = 0;
    for (String l : labels) {
      textWidth = Math.max(textWidth, fm.stringWidth(l));
    }
    int boxWidth = pad + swatch + pad + textWidth + pad;
    int boxHeight = pad + rowHeight * labels.size() + pad - 2;
    int[][] corners = {{right - 8 - boxWidth, top + 8}, {left + 8, top + 8},
        {right - 8 - boxWidth, bottom - 8 - boxHeight}, {left + 8, bottom - 8 - boxHeight}};
    int x0 = corners[0][0];
    int y0 = corners[0][1];
    int fewest = Integer.MAX_VALUE;
    for (int[] c : corners) {
      int hidden = pointsIn(map, c[0], c[1], boxWidth, boxHeight);
      if (hidden < fewest) {
        fewest = hidden;
        x0 = c[0];
        y0 = c[1];
      }
    }
    g.setColor(new Color(255, 255, 255, 230));
    g.fillRect(x0, y0, boxWidth, boxHeight);
    g.setColor(Color.LIGHT_GRAY);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x0, y0, boxWidth, boxHeight);
    g.setFont(font);
    for (int s = 0; s < labels.size(); s++) {
      int baseline = y0 + pad + rowHeight * s + fm.getAscent();
      int mid = baseline - fm.getAscent() / 2 + 1;
      boolean reference = s >= series.size();
      g.setColor(reference ? referenceColor(s - series.size()) : PALETTE[s % PALETTE.length]);
      g.setStroke(reference ? DASHED : new BasicStroke(2f));
      g.drawLine(x0 + pad, mid, x0 + pad + swatch, mid);
      g.setColor(Color.BLACK);
      g.drawString(labels.get(s), x0 + pad + swatch + pad, baseline);
    }
  }

  /**
   * The legend's lines: each series' label (with what was left out; on a log axis values at or
   * below zero count too), then each reference line's name.
   */
  List<String> legendLabels() {
    List<String> out = new ArrayList<>();
    for (Series s : series) {
      int nonPositive = 0;
      if (logY) {
        for (double v : s.y()) {
          if (Double.isFinite(v) && v <= 0) {
            nonPositive++;
          }
        }
      }
      out.add(nonPositive == 0 ? s.label() : s.label() + " (" + nonPositive + " value"
          + (nonPositive == 1 ? "" : "s") + " <= 0 not drawn on the log axis)");
    }
    for (ReferenceLine r : referenceLines) {
      out.add(logY && r.y() <= 0 ? r.name() + " (" + PyRound.g(r.y()) + ", not drawn on the log"
          + " axis)" : r.name());
    }
    return out;
  }

  /** How many points, and midpoints of drawn segments, fall in the rectangle. */
  private int pointsIn(Mapping map, int x0, int y0, int width, int height) {
    int n = 0;
    for (Series s : series) {
      double[] x = s.x();
      double[] y = s.y();
      for (int i = 0; i < y.length; i++) {
        if (!drawn(y[i], map.logY())) {
          continue;
        }
        n += inside(map.px(x[i]), map.py(y[i]), x0, y0, width, height);
        if (i + 1 < y.length && drawn(y[i + 1], map.logY())) {
          n += inside(map.px((x[i] + x[i + 1]) / 2), map.py((y[i] + y[i + 1]) / 2), x0, y0, width,
              height);
        }
      }
    }
    return n;
  }

  private static int inside(double px, double py, int x0, int y0, int width, int height) {
    return px >= x0 && px <= x0 + width && py >= y0 && py <= y0 + height ? 1 : 0;
  }

  /**
   * Data to pixel coordinates; {@code yr} is in data units, and on a log axis heights are
   * proportional to {@code log10(y)}.
   */
  record Mapping(double[] xr, double[] yr, boolean logY, int left, int bottom, int width,
      int height) {
    double px(double x) {
      return left + (x - xr[0]) / (xr[1] - xr[0]) * width;
    }

    double py(double y) {
      return bottom - fraction(y) * height;
    }

    /** How far up the axis {@code y} lies: 0 at the bottom, 1 at the top. */
    double fraction(double y) {
      if (logY) {
        return (Math.log10(y) - Math.log10(yr[0])) / (Math.log10(yr[1]) - Math.log10(yr[0]));
      }
      return (y - yr[0]) / (yr[1] - yr[0]);
    }
  }

  /**
   * The y axis range in data units: every drawn value and reference line, padded by 5% of the
   * span (of the span of {@code log10(y)} on a log axis); a flat range is widened (by 10% of
   * the value, or by one decade each way on a log axis).
   */
  double[] yAxisRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.y()) {
        if (drawn(v, logY)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    for (ReferenceLine r : referenceLines) {
      if (drawn(r.y(), logY)) {
        lo = Math.min(lo, r.y());
        hi = Math.max(hi, r.y());
      }
    }
    if (!logY) {
      return padded(lo, hi, 0.05);
    }
    if (lo > hi) {
      return new double[] {1, 10};
    }
    double[] l = lo == hi ? new double[] {Math.log10(lo) - 1, Math.log10(hi) + 1}
        : padded(Math.log10(lo), Math.log10(hi), 0.05);
    return new double[] {Math.pow(10, l[0]), Math.pow(10, l[1])};
  }

  /** {@code [lo, hi]} padded by {@code fraction} of the span, widened when flat or empty. */
  private static double[] padded(double lo, double hi, double fraction) {
    if (lo > hi) { // nothing finite to draw: an empty unit range
      return new double[] {0, 1};
    }
    if (lo == hi) {
      double d = lo == 0 ? 1 : Math.abs(lo) * 0.1;
      return new double[] {lo - d, hi + d};
    }
    // Like matplotlib's margins: markers at the ends stay inside the frame.
    double pad = (hi - lo) * fraction;
    return new double[] {lo - pad, hi + pad};
  }

  /** The y ticks for the range {@link #yAxisRange()} gives. */
  double[] yTicks(double[] range) {
    return logY ? logTicks(range[0], range[1]) : ticks(range[0], range[1], false);
  }

  /** The axis range over all drawn points, widened when flat and padded by 3% (x), 5% (y). */
  double[] range(boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      double[] v = x ? s.x() : s.y();
      for (int i = 0; i < v.length; i++) {
        if (drawn(s.y()[i], logY)) {
          lo = Math.min(lo, v[i]);
          hi = Math.max(hi, v[i]);
        }
      }
    }
    return padded(lo, hi, x ? 0.03 : 0.05);
  }

  private boolean integralX() {
    for (Series s : series) {
      for (double v : s.x()) {
        if (v != Math.rint(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Round tick values inside {@code [lo, hi]}: steps of 1, 2 or 5 times a power of ten, and
   * whole numbers only when {@code integral} (epochs have no halves: one epoch gets one tick).
   */
  static double[] ticks(double lo, double hi, boolean integral) {
    double raw = (hi - lo) / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / magnitude;
    double step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * magnitude;
    if (integral && step < 1) {
      step = 1;
    }
    double first = Math.ceil(lo / step - 1e-9) * step;
    List<Double> out = new ArrayList<>();
    for (int i = 0; first + i * step <= hi + step * 1e-9 && i < 100; i++) {
      double v = first + i * step;
      out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Ticks of a log axis inside {@code [lo, hi]} ({@code 0 < lo < hi}): the powers of ten, with 2
   * and 5 times each when fewer than two powers fall inside; every second, fifth, ... power
   * when more than eleven would.
   */
  static double[] logTicks(double lo, double hi) {
    int first = (int) Math.ceil(Math.log10(lo) - 1e-9);
    int last = (int) Math.floor(Math.log10(hi) + 1e-9);
    List<Double> out = new ArrayList<>();
    if (last - first + 1 < 2) {
      for (int e = first - 1; e <= last; e++) {
        for (int m : new int[] {1, 2, 5}) {
          double v = m * Math.pow(10, e);
          if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
            out.add(v);
          }
        }
      }
    } else {
      int every = Math.max(1, (last - first + 9) / 10); // at most 11 ticks
      for (int e = first; e <= last; e += every) {
        out.add(Math.pow(10, e));
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Labels of log ticks: {@code 0.01}, {@code 1}, {@code 500} from 1e-4 to below 1e6, else
   * {@code 1e-05}.
   */
  static String[] logLabels(double[] ticks) {
    String[] out = new String[ticks.length];
    for (int i = 0; i < ticks.length; i++) {
      out[i] = PyRound.g(ticks[i]);
    }
    return out;
  }

  /** Tick labels with as many decimals as the step needs, all alike. */
  static String[] labels(double[] ticks) {
    String[] out = new String[ticks.length];
    if (ticks.length == 0) {
      return out;
    }
    double step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.max(Math.abs(ticks[0]), 1);
    double largest = Arrays.stream(ticks).map(Math::abs).max().orElse(0);
    boolean scientific = largest >= 1e6 || step < 1e-4;
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    for (int i = 0; i < ticks.length; i++) {
      out[i] = scientific ? String.format(Locale.ROOT, "%.2e", ticks[i])
          : String.format(Locale.ROOT, "%." + decimals + "f", ticks[i]);
    }
    return out;
  }

  /** Short numbers as Python's {@code '%g'} would write them, for log ticks. */
  static final class PyRound {
    private PyRound() {}

    static String g(double v) {
      double a = Math.abs(v);
      if (v == 0 || a >= 1e-4 && a < 1e6) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v))
            .stripTrailingZeros().toPlainString();
      }
      return String.format(Locale.ROOT, "%.0e", v); // Java, like Python, pads the exponent: 1e-05
    }
  }
}
