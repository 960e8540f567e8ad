package dev.adjoint.bench.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The entry point of {@code bench/jmh/run}: JMH's own command line (the same options as
 * {@code org.openjdk.jmh.Main}: a benchmark regex, {@code -p threads=1,2}, {@code -i},
 * {@code -wi}, {@code -f}, {@code -rf json}, ...), run in two passes unless {@code -bm} picks the
 * mode: throughput ({@code ops/s}, JMH's score is the mean over the measured iterations with its
 * 99.9% confidence error), then sample time (each op timed on its own, in {@code us/op}, with
 * JMH's percentiles). After JMH's tables it prints one summary line per benchmark and parameter
 * set: ops/s (mean and error), the median op time with the 10th and 90th percentiles, the
 * fastest and slowest op, and the rate the median gives (GFLOP/s for the matrix products, GB/s
 * of the bytes read and written at least for the memory-bound kernels).
 *
 * <p>{@code -h} prints JMH's help, {@code -l} lists the benchmarks. With {@code -rf} or
 * {@code -rff} and both passes, each pass writes its own file, the mode before the extension
 * ({@code jmh-result-thrpt.json}, {@code jmh-result-sample.json}).
 */
public final class BenchMain {
  private BenchMain() {}

  /**
   * Runs the benchmarks the arguments select and prints the summary.
   *
   * @param args JMH's command-line options
   */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cli;
    try {
      cli = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams()
        || cli.shouldListProfilers() || cli.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    List<RunResult> results = new ArrayList<>();
    if (!cli.getBenchModes().isEmpty()) {
      results.addAll(run(cli));
    } else {
      boolean unitGiven = cli.getTimeUnit().hasValue();
      results.addAll(run(pass(cli, Mode.Throughput, unitGiven ? null : TimeUnit.SECONDS)));
      results.addAll(run(pass(cli, Mode.SampleTime, unitGiven ? null : TimeUnit.MICROSECONDS)));
    }
    System.out.println();
    System.out.println(summary(results));
  }

  /**
   * The options of one pass: {@code parent}'s in {@code mode} and {@code unit} (null: the
   * parent's), writing a result file (when {@code -rf} or {@code -rff} asks for one) whose name
   * carries the mode, so the second pass does not overwrite the first's.
   */
  private static Options pass(Options parent, Mode mode, TimeUnit unit) {
    OptionsBuilder b = new OptionsBuilder();
    b.parent(parent).mode(mode);
    if (unit != null) {
      b.timeUnit(unit);
    }
    if (parent.getResult().hasValue() || parent.getResultFormat().hasValue()) {
      String format = parent.getResultFormat().orElse(ResultFormatType.CSV).toString()
          .toLowerCase(Locale.ROOT);
      String file = parent.getResult().orElse("jmh-result." + format);
      int dot = file.lastIndexOf('.');
      String tag = "-" + mode.shortLabel();
      b.result(dot > file.lastIndexOf('/') ? file.substring(0, dot) + tag + file.substring(dot)
          : file + tag);
    }
    return b.build();
  }

  private static Collection<RunResult> run(Options options) throws RunnerException {
    return new Runner(options).run();
  }

  /** One benchmark with one parameter set: its throughput and sample-time results. */
  private static final class Row {
    String name;
    String params;
    double work;
    String rateUnit;
    RunResult throughput;
    RunResult sample;
  }

  /** The summary table, one row per benchmark and parameter set, in the order they ran. */
  static String summary(List<RunResult> results) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      BenchmarkParams bp = r.getParams();
      String full = bp.getBenchmark();
      String[] parts = full.split("\\.");
      String name = parts[parts.length - 2] .replace("Benchmark", "") + "." + parts[parts.length - 1];
      StringBuilder params = new StringBuilder();
      for (String key : bp.getParamsKeys()) {
        params.append(params.length() == 0 ? "" : " ").append(key).append('=')
            .append(bp.getParam(key));
      }
      Row row = rows.computeIfAbsent(name + " " + params, k -> new Row());
      row.name = name;
      row.params = params.toString();
      String n = bp.getParam("n");
      row.work = work(parts[parts.length - 1], n == null ? 0 : Integer.parseInt(n));
      row.rateUnit = parts[parts.length - 1].equals("sgemm")
          || parts[parts.length - 1].startsWith("mv") ? "GFLOP/s" : "GB/s";
      if (bp.getMode() == Mode.Throughput) {
        row.throughput = r;
      } else if (bp.getMode() == Mode.SampleTime) {
        row.sample = r;
      }
    }
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"Benchmark", "Params", "ops/s", "± error", "median us", "p10 us",
        "p90 us", "min us", "max us", "samples", "rate (median)"});
    for (Row row : rows.values()) {
      String[] line = new String[11];
      line[0] = row.name;
      line[1] = row.params;
      if (row.throughput != null) {
        double f = opsPerSecond(row.throughput.getPrimaryResult().getScoreUnit());
        line[2] = num(row.throughput.getPrimaryResult().getScore() * f);
        line[3] = num(row.throughput.getPrimaryResult().getScoreError() * f);
      }
      double median = Double.NaN;
      if (row.sample != null) {
        var stats = row.sample.getPrimaryResult().getStatistics();
        double f = micros(row.sample.getPrimaryResult().getScoreUnit());
        median = stats.getPercentile(50) * f;
        line[4] = num(median);
        line[5] = num(stats.getPercentile(10) * f);
        line[6] = num(stats.getPercentile(90) * f);
        line[7] = num(stats.getMin() * f);
        line[8] = num(stats.getMax() * f);
        line[9] = Long.toString(stats.getN());
      } else if (row.throughput != null) {
        double f = opsPerSecond(row.throughput.getPrimaryResult().getScoreUnit());
        median = 1e6 / (row.throughput.getPrimaryResult().getStatistics().getPercentile(50) * f);
      }
      if (row.work > 0 && median > 0) {
        line[10] = String.format(Locale.ROOT, "%.2f %s", row.work / (median * 1e-6) / 1e9,
            row.rateUnit);
      }
      table.add(line);
    }
    return format(table);
  }

  /**
   * The work of one op: floating-point operations for the products, else the bytes it must
   * read and write at least (0 where no rate is printed).
   */
  static double work(String method, int n) {
    double big = 4.0 * ElementwiseBenchmark.BIG;
    switch (method) {
      case "sgemm":
        return 2.0 * n * n * n;
      case "mv784x256":
        return 2.0 * 784 * 256;
      case "mvRows20640x8":
      case "mvLanes20640x8":
        return 2.0 * MatVecBenchmark.LINREG_ROWS * 8;
      case "add":
        return 3 * big;
      case "relu":
      case "exp":
        return 2 * big;
      case "sum":
        return big;
      case "mean0":
        return 4.0 * ElementwiseBenchmark.SIDE * ElementwiseBenchmark.SIDE;
      case "fill":
      case "zero":
        return 4.0 * ElementwiseBenchmark.MLP_PARAMS;
      default:
        return 0;
    }
  }

  /** The factor from a throughput unit ({@code ops/ms}, ...) to ops per second. */
  private static double opsPerSecond(String unit) {
    return 1e6 / micros(unit.substring(unit.indexOf('/') + 1) + "/op");
  }

  /** The factor from a time-per-op unit ({@code ms/op}, ...) to microseconds. */
  private static double micros(String unit) {
    String u = unit.substring(0, unit.indexOf('/'));
    switch (u) {
      case "ns":
        return 1e-3;
      case "us":
        return 1;
      case "ms":
        return 1e3;
      case "s":
        return 1e6;
      case "min":
        return 60e6;
      case "hr":
        return 3600e6;
      case "day":
        return 86400e6;
      default:
        throw new IllegalArgumentException("unknown time unit " + unit);
    }
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    double a = Math.abs(v);
    String f = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, f, v);
  }

  private static String format(List<String[]> table) {
    int cols = table.get(0).length;
    int[] width = new int[cols];
    for (String[] line : table) {
      for (int c = 0; c < cols; c++) {
        width[c] = Math.max(width[c], line[c] == null ? 0 : line[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] line : table) {
      for (int c = 0; c < cols; c++) {
        String cell = line[c] == null ? "" : line[c];
        boolean left = c < 2 || c == cols - 1;
        String fmt = "%" + (left ? "-" : "") + width[c] + "s";
        sb.append(c == 0 ? "" : "  ").append(String.format(Locale.ROOT, fmt, cell));
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString().replaceAll(" +(\r?\n)", "$1");
  }
}
