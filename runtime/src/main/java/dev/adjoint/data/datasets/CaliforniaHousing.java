package dev.adjoint.data.datasets;

import dev.adjoint.data.TensorDataset;
import dev.adjoint.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The California housing data (1990 U.S. census, 20,640 block groups) as scikit-learn's
 * {@code fetch_california_housing} presents it: 8 features and the median house value in units of
 * 100,000 dollars.
 *
 * <pre>{@code
 * CaliforniaHousing housing = CaliforniaHousing.load();
 * Tensor x = housing.data();      // float32 [20640, 8]
 * Tensor y = housing.target();    // float32 [20640, 1]
 * }</pre>
 *
 * <p>The source is the widely shared CSV with the header {@code longitude, latitude,
 * housing_median_age, total_rooms, total_bedrooms, population, households, median_income,
 * median_house_value, ocean_proximity}. {@link #load()} finds it, in this order, at
 *
 * <ol>
 *   <li>the file named by the environment variable {@value #ENV};
 *   <li>the user cache, {@code ~/.cache/adjoint/california_housing.csv} (or under
 *       {@code $XDG_CACHE_HOME/adjoint});
 *   <li>{@link #URL}, downloaded into the cache once its SHA-256 matches {@link #SHA256}.
 * </ol>
 *
 * <p>{@link #load(Path)} reads a file you name. The features are derived as scikit-learn derives
 * them: {@code MedInc = median_income}, {@code HouseAge = housing_median_age}, {@code AveRooms =
 * total_rooms / households}, {@code AveBedrms = total_bedrooms / households}, {@code Population},
 * {@code AveOccup = population / households}, {@code Latitude}, {@code Longitude}; the target is
 * {@code median_house_value / 100000}. The CSV lacks {@code total_bedrooms} in 207 rows; those get
 * the median of the others (scikit-learn's copy has no gaps, so its {@code AveBedrms} differs in
 * exactly those rows). Values are computed in float64 and stored as float32.
 */
public final class CaliforniaHousing {
  /** The environment variable that may name the CSV file. */
  public static final String ENV = "ADJOINT_CALIFORNIA_HOUSING";
  /** The file name in the cache. */
  public static final String FILE_NAME = "california_housing.csv";
  /** Where the CSV is downloaded from when no copy is found. */
  public static final URI URL = URI.create(
      "https://raw.githubusercontent.com/ageron/handson-ml2/master/datasets/housing/housing.csv");
  /** The SHA-256 of the CSV; a download that differs is rejected. */
  public static final String SHA256 =
      "8a3727f4cf54ac1a327f69b1d5b4db54c5834ea81c6e4efc0d163300022a685e";
  /** The names of the 8 features, in column order, as scikit-learn names them. */
  public static final List<String> FEATURE_NAMES = List.of("MedInc", "HouseAge", "AveRooms",
      "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude");
  /** The name of the target, as scikit-learn names it. */
  public static final String TARGET_NAME = "MedHouseVal";

  private static final String[] COLUMNS = {"longitude", "latitude", "housing_median_age",
      "total_rooms", "total_bedrooms", "population", "households", "median_income",
      "median_house_value"};
  /**
   * The longest line read, in bytes. A line of the real file has about 100; the bound keeps a
   * file without line breaks from being read into memory whole.
   */
  static final int MAX_LINE_BYTES = 1 << 20;

  /** The most rows: the features tensor has 8 floats a row in one Java array. */
  static final int MAX_ROWS = (Integer.MAX_VALUE - 8) / 8;

  private static final int LONGITUDE = 0;
  private static final int LATITUDE = 1;
  private static final int AGE = 2;
  private static final int ROOMS = 3;
  private static final int BEDROOMS = 4;
  private static final int POPULATION = 5;
  private static final int HOUSEHOLDS = 6;
  private static final int INCOME = 7;
  private static final int VALUE = 8;

  private final Path source;
  private final Tensor data;
  private final Tensor target;
  private final int[] imputedRows;
  private final double bedroomsMedian;

  private CaliforniaHousing(Path source, Tensor data, Tensor target, int[] imputedRows,
      double bedroomsMedian) {
    this.source = source;
    this.data = data;
    this.target = target;
    this.imputedRows = imputedRows;
    this.bedroomsMedian = bedroomsMedian;
  }

  /**
   * Loads the data from {@value #ENV}, else the user cache, else a verified download into the
   * cache.
   *
   * @throws FileNotFoundException when no copy is found and the download fails; the message says
   *     how to provide the file
   * @throws DatasetException when the file is not in the expected CSV layout, or a download fails
   *     its checksum
   */
  public static CaliforniaHousing load() throws IOException {
    return load(null);
  }

  /**
   * Loads the data from {@code csv}, a file in the CSV layout described above; {@code null}
   * searches as {@link #load()} does.
   *
   * @throws FileNotFoundException when {@code csv} is not a file
   * @throws DatasetException when the file is not in the expected CSV layout
   */
  public static CaliforniaHousing load(Path csv) throws IOException {
    return read(locate(csv, System.getenv(ENV), defaultCacheFile(), URL, SHA256));
  }

  /** Where {@link #load()} keeps its copy: {@code ~/.cache/adjoint/california_housing.csv}. */
  public static Path defaultCacheFile() {
    return Downloads.cacheRoot().resolve(FILE_NAME);
  }

  /** The search of {@link #load(Path)}, with its inputs explicit (for tests). */
  static Path locate(Path userPath, String envValue, Path cacheFile, URI url, String sha256)
      throws IOException {
    if (userPath != null) {
      if (!Files.isRegularFile(userPath)) {
        throw new FileNotFoundException(userPath + ": no such file; pass the path of "
            + FILE_NAME + " (the California housing CSV), or load() to find or download it");
      }
      return userPath;
    }
    if (envValue != null && !envValue.isBlank()) {
      Path p = Path.of(envValue);
      if (!Files.isRegularFile(p)) {
        throw new FileNotFoundException("the environment variable " + ENV + " is " + envValue
            + ", which is not a file; point it at " + FILE_NAME + " or unset it");
      }
      return p;
    }
    if (Files.isRegularFile(cacheFile)) {
      return cacheFile;
    }
    try {
      Downloads.download(url, cacheFile, "SHA-256", sha256);
      return cacheFile;
    } catch (DatasetException e) {
      throw new DatasetException(e.getMessage() + ". " + howToProvide(cacheFile), e);
    } catch (IOException e) {
      FileNotFoundException missing = new FileNotFoundException("California housing data not"
          + " found, and downloading it from " + url + " failed (" + e + "). "
          + howToProvide(cacheFile));
      missing.initCause(e);
      throw missing;
    }
  }

  private static String howToProvide(Path cacheFile) {
    return "Provide " + FILE_NAME + " (header longitude,latitude,housing_median_age,total_rooms,"
        + "total_bedrooms,population,households,median_income,median_house_value,"
        + "ocean_proximity) in one of three ways: pass its path to CaliforniaHousing.load(path);"
        + " set the environment variable " + ENV + " to its path; or copy it to " + cacheFile;
  }

  /** Parses the CSV and derives the features. */
  static CaliforniaHousing read(Path csv) throws IOException {
    List<double[]> rows = new ArrayList<>();
    String name = csv.toString();
    try (TextLines in = new TextLines(csv, MAX_LINE_BYTES)) {
      String header = in.next();
      if (header == null) {
        throw new DatasetException(name + ": the file is empty; expected a CSV with the header "
            + String.join(",", COLUMNS) + ",ocean_proximity");
      }
      String[] names = header.split(",", -1);
      int[] where = new int[COLUMNS.length];
      for (int c = 0; c < COLUMNS.length; c++) {
        where[c] = -1;
        for (int k = 0; k < names.length; k++) {
          if (names[k].strip().equals(COLUMNS[c])) {
            where[c] = k;
          }
        }
        if (where[c] < 0) {
          throw new DatasetException(name + ": the header has no column " + COLUMNS[c]
              + "; expected the California housing CSV with the columns "
              + String.join(", ", COLUMNS) + " (got: " + TextLines.excerpt(header) + ")");
        }
      }
      String line;
      while ((line = in.next()) != null) {
        int lineNo = in.lineNumber();
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (fields.length != names.length) {
          throw new DatasetException(name + ":" + lineNo + ": " + fields.length
              + " fields where the header has " + names.length + ": "
              + TextLines.excerpt(line));
        }
        if (rows.size() == MAX_ROWS) {
          throw new DatasetException(name + ":" + lineNo + ": more than " + MAX_ROWS
              + " rows, more than the features tensor can hold");
        }
        double[] row = new double[COLUMNS.length];
        for (int c = 0; c < COLUMNS.length; c++) {
          row[c] = number(fields[where[c]].strip(), c, name, lineNo);
        }
        rows.add(row);
      }
    }
    if (rows.isEmpty()) {
      throw new DatasetException(name + ": the file has a header but no rows");
    }
    return derive(csv, rows);
  }

  private static double number(String field, int column, String name, int lineNo)
      throws DatasetException {
    if (field.isEmpty() || field.equalsIgnoreCase("nan")) {
      if (column == BEDROOMS) {
        return Double.NaN; // imputed below
      }
      throw new DatasetException(name + ":" + lineNo + ": " + COLUMNS[column]
          + " is missing; only total_bedrooms may be empty");
    }
    double v;
    try {
      v = Double.parseDouble(field);
    } catch (NumberFormatException e) {
      throw new DatasetException(name + ":" + lineNo + ": " + COLUMNS[column] + " is \""
          + TextLines.excerpt(field) + "\", not a number");
    }
    if (!Double.isFinite(v) || column == HOUSEHOLDS && v <= 0) {
      throw new DatasetException(name + ":" + lineNo + ": " + COLUMNS[column] + " is "
          + TextLines.excerpt(field)
          + (column == HOUSEHOLDS ? "; households must be positive (it divides three features)"
          : "; expected a finite number"));
    }
    return v;
  }

  private static CaliforniaHousing derive(Path csv, List<double[]> rows)
      throws DatasetException {
    int n = rows.size();
    double[] known = rows.stream().mapToDouble(r -> r[BEDROOMS]).filter(v -> !Double.isNaN(v))
        .sorted().toArray();
    int missing = n - known.length;
    if (known.length == 0) {
      throw new DatasetException(csv + ": total_bedrooms is empty in every row, so there is no"
          + " median to impute it with");
    }
    // The median as pandas computes it: the mean of the two middle values for an even count.
    double median = known.length % 2 == 1
        ? known[known.length / 2] : (known[known.length / 2 - 1] + known[known.length / 2]) / 2;
    int[] imputed = new int[missing];
    float[] x = new float[n * 8];
    float[] y = new float[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      double[] r = rows.get(i);
      double bedrooms = r[BEDROOMS];
      if (Double.isNaN(bedrooms)) {
        bedrooms = median;
        imputed[m++] = i;
      }
      double households = r[HOUSEHOLDS];
      int o = i * 8;
      x[o] = (float) r[INCOME];
      x[o + 1] = (float) r[AGE];
      x[o + 2] = (float) (r[ROOMS] / households);
      x[o + 3] = (float) (bedrooms / households);
      x[o + 4] = (float) r[POPULATION];
      x[o + 5] = (float) (r[POPULATION] / households);
      x[o + 6] = (float) r[LATITUDE];
      x[o + 7] = (float) r[LONGITUDE];
      y[i] = (float) (r[VALUE] / 100_000.0);
    }
    return new CaliforniaHousing(csv, Tensor.fromArray(x, n, 8), Tensor.fromArray(y, n, 1),
        imputed, median);
  }

  /** The features, float32 {@code [n, 8]} in the order of {@link #featureNames()}. */
  public Tensor data() {
    return data;
  }

  /** The median house value in units of 100,000 dollars, float32 {@code [n, 1]}. */
  public Tensor target() {
    return target;
  }

  /** {@link #FEATURE_NAMES}. */
  public List<String> featureNames() {
    return FEATURE_NAMES;
  }

  /** {@link #TARGET_NAME}. */
  public String targetName() {
    return TARGET_NAME;
  }

  /** The number of block groups (rows). */
  public int size() {
    return data.size(0);
  }

  /** The CSV file the data was read from. */
  public Path source() {
    return source;
  }

  /** The rows whose {@code total_bedrooms} was missing and got the median (ascending). */
  public int[] imputedRows() {
    return imputedRows.clone();
  }

  /** The median of the known {@code total_bedrooms} values, which filled the missing ones. */
  public double totalBedroomsMedian() {
    return bedroomsMedian;
  }

  /** {@code new TensorDataset(data(), target())}, ready for {@code Data.randomSplit}. */
  public TensorDataset toDataset() {
    return new TensorDataset(data, target);
  }

  @Override
  public String toString() {
    return "CaliforniaHousing(" + size() + " rows from " + source + ", features=" + FEATURE_NAMES
        + ", " + imputedRows.length + " total_bedrooms imputed with " + bedroomsMedian + ")";
  }
}
