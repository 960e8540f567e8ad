package dev.adjoint.data.datasets;

import dev.adjoint.data.TensorDataset;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A numeric CSV file as a {@link TensorDataset} of features and targets, the step a PyTorch user
 * writes with {@code pandas.read_csv} and {@code torch.tensor(df[cols].values)}:
 *
 * <pre>{@code
 * CsvDataset csv = CsvDataset.builder(Path.of("housing.csv"))
 *     .features("median_income", "housing_median_age")   // by name (or index)
 *     .target("median_house_value")
 *     .load();
 * TensorDataset data = csv.toDataset();   // (features [n, 2], target [n, 1]), float32
 * }</pre>
 *
 * <p>The file is UTF-8 text, one row a line ({@code \n} or {@code \r\n}); the first line is a
 * header of column names unless {@link Builder#header(boolean) header(false)}. Fields are
 * separated by the {@link Builder#delimiter delimiter} (default {@code ','}) and may be quoted
 * with {@code "} (a quoted field may hold the delimiter, and {@code ""} stands for one quote; a
 * field cannot span lines). Blank lines are skipped. Only the chosen columns are parsed, so other
 * columns may hold text. A cell is a decimal number as {@link Double#parseDouble} reads it, or
 * {@code nan}, {@code inf}, {@code -inf} in any case; an empty cell is an error (there is no
 * silent imputation).
 *
 * <p>Without {@link Builder#features features}, every column but the targets is a feature. The
 * features are {@code [n, features]}; the target is {@code [n, targets]} in the
 * {@link Builder#dtype dtype}, except that one target column read as
 * {@link Builder#targetDType(DType) int64} gives class labels {@code [n]}, the shape
 * {@code CrossEntropyLoss} expects.
 *
 * <p>Every problem is a {@link DatasetException} naming the file and, for a row, its line: a
 * non-numeric or empty cell (and its column), a row with a different number of fields than the
 * header, an unknown column name or an index out of range, a label that is not a whole number;
 * a missing file is a {@link FileNotFoundException}.
 */
public final class CsvDataset {
  private final Path source;
  private final List<String> featureNames;
  private final List<String> targetNames;
  private final Tensor features;
  private final Tensor target;

  private CsvDataset(Path source, List<String> featureNames, List<String> targetNames,
      Tensor features, Tensor target) {
    this.source = source;
    this.featureNames = featureNames;
    this.targetNames = targetNames;
    this.features = features;
    this.target = target;
  }

  /** Options for reading {@code file}; see the class documentation. */
  public static Builder builder(Path file) {
    return new Builder(Objects.requireNonNull(file, "CsvDataset.builder: file"));
  }

  /** The features, {@code [n, featureNames().size()]}. */
  public Tensor features() {
    return features;
  }

  /**
   * The targets, {@code [n, targetNames().size()]}, or int64 labels {@code [n]}; null when no
   * target column was chosen.
   */
  public Tensor target() {
    return target;
  }

  /**
   * The names of the feature columns in tensor order: the header's names, or {@code column0},
   * {@code column1}, ... for a file without a header.
   */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The names of the target columns, as {@link #featureNames()}. */
  public List<String> targetNames() {
    return targetNames;
  }

  /** The number of rows. */
  public int size() {
    return features.size(0);
  }

  /** The file read. */
  public Path source() {
    return source;
  }

  /**
   * {@code new TensorDataset(features(), target())}, or of the features alone when no target
   * column was chosen.
   */
  public TensorDataset toDataset() {
    return target == null ? new TensorDataset(features) : new TensorDataset(features, target);
  }

  @Override
  public String toString() {
    return "CsvDataset(" + size() + " rows from " + source + ", features=" + featureNames
        + ", target=" + targetNames + ")";
  }

  /** Which columns to read and how; {@link #load()} reads the file. */
  public static final class Builder {
    /** The longest line read, in bytes, so a file without line breaks is not read whole. */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final Path file;
    private boolean header = true;
    private char delimiter = ',';
    private DType dtype = DType.FLOAT32;
    private DType targetDType;
    private List<Object> features;
    private List<Object> targets = List.of();

    private Builder(Path file) {
      this.file = file;
    }

    /** Whether the first line names the columns (default true). */
    public Builder header(boolean header) {
      this.header = header;
      return this;
    }

    /** The field separator (default {@code ','}; e.g. {@code ';'} or {@code '\t'}). */
    public Builder delimiter(char delimiter) {
      if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
        throw new IllegalArgumentException("CsvDataset: the delimiter cannot be "
            + (delimiter == '"' ? "'\"' (it quotes fields)" : "a line end"));
      }
      this.delimiter = delimiter;
      return this;
    }

    /** The dtype of the features and, unless {@link #targetDType} says otherwise, the target. */
    public Builder dtype(DType dtype) {
      this.dtype = floating("dtype", dtype);
      return this;
    }

    /**
     * The dtype of the target: float32, float64, or int64 for class labels (each must be a whole
     * number; one label column gives a {@code [n]} tensor).
     */
    public Builder targetDType(DType dtype) {
      Objects.requireNonNull(dtype, "CsvDataset.targetDType");
      if (dtype != DType.INT64) {
        floating("targetDType", dtype);
      }
      this.targetDType = dtype;
      return this;
    }

    private static DType floating(String what, DType dtype) {
      if (dtype == null) {
        throw new NullPointerException("CsvDataset." + what);
      }
      if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
        throw new IllegalArgumentException("CsvDataset." + what + ": expected float32 or float64"
            + (what.equals("dtype") ? "" : " (or int64 for labels)") + ", got " + dtype);
      }
      return dtype;
    }

    /** The feature columns by header name, in the order the tensor gets them. */
    public Builder features(String... names) {
      this.features = columns("features", (Object[]) names);
      return this;
    }

    /** The feature columns by index from 0, in the order the tensor gets them. */
    public Builder features(int... indices) {
      this.features = columns("features", Arrays.stream(indices).boxed().toArray());
      return this;
    }

    /** The target column by header name. */
    public Builder target(String name) {
      this.targets = columns("target", name);
      return this;
    }

    /** The target column by index from 0. */
    public Builder target(int index) {
      this.targets = columns("target", index);
      return this;
    }

    /** Several target columns by header name (a target {@code [n, k]}). */
    public Builder targets(String... names) {
      this.targets = columns("targets", (Object[]) names);
      return this;
    }

    /** Several target columns by index from 0. */
    public Builder targets(int... indices) {
      this.targets = columns("targets", Arrays.stream(indices).boxed().toArray());
      return this;
    }

    private static List<Object> columns(String what, Object... columns) {
      if (columns == null) {
        throw new NullPointerException("CsvDataset." + what);
      }
      List<Object> out = new ArrayList<>();
      for (Object c : columns) {
        if (c == null) {
          throw new NullPointerException("CsvDataset." + what + ": a column is null");
        }
        if (c instanceof Integer i && i < 0) {
          throw new IllegalArgumentException("CsvDataset." + what + ": column index " + i
              + " is negative; columns count from 0");
        }
        out.add(c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("CsvDataset." + what + ": no columns given");
      }
      return List.copyOf(out);
    }

    /**
     * Reads the file.
     *
     * @throws FileNotFoundException when the file does not exist
     * @throws DatasetException when the file does not fit the options (see the class
     *     documentation); the message names the file and line
     */
    public CsvDataset load() throws IOException {
      if (!Files.exists(file)) {
        throw new FileNotFoundException(file + ": no such file (CsvDataset)");
      }
      String name = file.toString();
      try (TextLines in = new TextLines(file, MAX_LINE_BYTES)) {
        String first = in.next();
        while (first != null && first.isBlank()) {
          first = in.next();
        }
        if (first == null) {
          throw new DatasetException(name + ": the file is empty"
              + (header ? "; expected a header line naming the columns" : ""));
        }
        int headerLine = in.lineNumber();
        List<String> firstFields = split(first, name, headerLine);
        int width = firstFields.size();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < width; c++) {
          names.add(header ? firstFields.get(c).strip() : "column" + c);
        }
        int[] targetCols = resolve(targets, names, name, headerLine);
        int[] featureCols;
        if (features != null) {
          featureCols = resolve(features, names, name, headerLine);
        } else {
          Set<Integer> t = new LinkedHashSet<>();
          for (int c : targetCols) {
            t.add(c);
          }
          featureCols = java.util.stream.IntStream.range(0, width).filter(c -> !t.contains(c))
              .toArray();
        }
        for (int f : featureCols) {
          for (int t : targetCols) {
            if (f == t) {
              throw new IllegalArgumentException("CsvDataset: column " + describe(names, f)
                  + " is both a feature and a target");
            }
          }
        }
        if (featureCols.length == 0) {
          throw new DatasetException(name + ": no feature columns: the file has " + width
              + " column(s), all of them targets");
        }
        DType tType = targetDType != null ? targetDType : dtype;
        double[] fx = new double[1024 * featureCols.length];
        double[] ty = new double[1024 * Math.max(1, targetCols.length)];
        int n = 0;
        String line = header ? in.next() : first;
        int lineNo = header ? in.lineNumber() : headerLine;
        while (line != null) {
          if (!line.isBlank()) {
            List<String> fields = split(line, name, lineNo);
            if (fields.size() != width) {
              throw new DatasetException(name + ":" + lineNo + ": " + fields.size()
                  + " fields where " + (header ? "the header has " : "the first line has ")
                  + width + " (delimiter '" + delimiter + "'): " + TextLines.excerpt(line));
            }
            if ((long) (n + 1) * Math.max(featureCols.length, targetCols.length)
                > Integer.MAX_VALUE - 8) {
              throw new DatasetException(name + ":" + lineNo + ": too many rows for one tensor");
            }
            if ((n + 1) * featureCols.length > fx.length) {
              fx = Arrays.copyOf(fx, 2 * fx.length);
            }
            if ((n + 1) * targetCols.length > ty.length) {
              ty = Arrays.copyOf(ty, 2 * ty.length);
            }
            for (int k = 0; k < featureCols.length; k++) {
              fx[n * featureCols.length + k] =
                  number(fields.get(featureCols[k]), names, featureCols[k], name, lineNo);
            }
            for (int k = 0; k < targetCols.length; k++) {
              double v = number(fields.get(targetCols[k]), names, targetCols[k], name, lineNo);
              if (tType == DType.INT64 && (v != Math.rint(v) || Math.abs(v) > 1L << 53)) {
                throw new DatasetException(name + ":" + lineNo + ": " + "column "
                    + describe(names, targetCols[k]) + " is " + fields.get(targetCols[k]).strip()
                    + ", not a whole number, but the target is read as int64 class labels");
              }
              ty[n * targetCols.length + k] = v;
            }
            n++;
          }
          line = in.next();
          lineNo = in.lineNumber();
        }
        if (n == 0) {
          throw new DatasetException(name + ": the file has " + (header ? "a header but " : "")
              + "no rows");
        }
        Tensor x = tensor(Arrays.copyOf(fx, n * featureCols.length), dtype, n,
            featureCols.length);
        Tensor y = targetCols.length == 0 ? null
            : tType == DType.INT64 && targetCols.length == 1
                ? tensor(Arrays.copyOf(ty, n), tType, n)
                : tensor(Arrays.copyOf(ty, n * targetCols.length), tType, n, targetCols.length);
        return new CsvDataset(file, pick(names, featureCols), pick(names, targetCols), x, y);
      }
    }

    private static Tensor tensor(double[] v, DType dtype, int... shape) {
      if (dtype == DType.FLOAT64) {
        return Tensor.fromArray(v, shape);
      }
      if (dtype == DType.INT64) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
          l[i] = (long) v[i];
        }
        return Tensor.fromArray(l, shape);
      }
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      return Tensor.fromArray(f, shape);
    }

    private static List<String> pick(List<String> names, int[] cols) {
      List<String> out = new ArrayList<>();
      for (int c : cols) {
        out.add(names.get(c));
      }
      return List.copyOf(out);
    }

    private int[] resolve(List<Object> wanted, List<String> names, String file, int line)
        throws DatasetException {
      int[] out = new int[wanted.size()];
      for (int k = 0; k < out.length; k++) {
        Object w = wanted.get(k);
        if (w instanceof Integer i) {
          if (i >= names.size()) {
            throw new DatasetException(file + ":" + line + ": column index " + i
                + " is out of range: the file has " + names.size() + " columns (0 to "
                + (names.size() - 1) + ")");
          }
          out[k] = i;
        } else {
          if (!header) {
            throw new DatasetException(file + ": column \"" + w + "\" is chosen by name, but"
                + " the file is read without a header (header(false)); choose columns by index");
          }
          int at = names.indexOf((String) w);
          if (at < 0) {
            throw new DatasetException(file + ":" + line + ": the header has no column \"" + w
                + "\"; it has " + TextLines.excerpt(String.join(", ", names)));
          }
          if (names.lastIndexOf((String) w) != at) {
            throw new DatasetException(file + ":" + line + ": the header names column \"" + w
                + "\" more than once; choose it by index");
          }
          out[k] = at;
        }
        for (int j = 0; j < k; j++) {
          if (out[j] == out[k]) {
            throw new IllegalArgumentException("CsvDataset: column "
                + describe(names, out[k]) + " is chosen twice");
          }
        }
      }
      return out;
    }

    private String describe(List<String> names, int column) {
      return header ? "\"" + names.get(column) + "\" (index " + column + ")"
          : Integer.toString(column);
    }

    private double number(String field, List<String> names, int column, String file, int line)
        throws DatasetException {
      String s = field.strip();
      if (s.isEmpty()) {
        throw new DatasetException(file + ":" + line + ": column " + describe(names, column)
            + " is empty; every chosen cell must hold a number");
      }
      switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "nan":
          return Double.NaN;
        case "inf":
        case "+inf":
        case "infinity":
          return Double.POSITIVE_INFINITY;
        case "-inf":
        case "-infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
      // Double.parseDouble also takes hex floats and a trailing 'd' or 'f'; a CSV number is
      // plain decimal.
      if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
        throw new DatasetException(file + ":" + line + ": column " + describe(names, column)
            + " is \"" + TextLines.excerpt(s) + "\", not a number");
      }
      return Double.parseDouble(s);
    }

    /** The fields of one line, with quotes removed. */
    private List<String> split(String line, String file, int lineNo) throws DatasetException {
      List<String> out = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      int i = 0;
      int n = line.length();
      while (true) {
        field.setLength(0);
        int start = i;
        while (i < n && line.charAt(i) == ' ') {
          i++;
        }
        if (i < n && line.charAt(i) == '"') {
          i++;
          while (true) {
            if (i >= n) {
              throw new DatasetException(file + ":" + lineNo + ": a quoted field opened at"
                  + " character " + (start + 1) + " is not closed on its line");
            }
            char c = line.charAt(i++);
            if (c == '"') {
              if (i < n && line.charAt(i) == '"') {
                field.append('"');
                i++;
              } else {
                break;
              }
            } else {
              field.append(c);
            }
          }
          while (i < n && line.charAt(i) == ' ') {
            i++;
          }
          if (i < n && line.charAt(i) != delimiter) {
            throw new DatasetException(file + ":" + lineNo + ": text after the closing quote"
                + " of a field at character " + (i + 1) + ": " + TextLines.excerpt(line));
          }
        } else {
          i = start;
          while (i < n && line.charAt(i) != delimiter) {
            field.append(line.charAt(i++));
          }
        }
        out.add(field.toString());
        if (i >= n) {
          return out;
        }
        i++; // the delimiter
      }
    }
  }
}
