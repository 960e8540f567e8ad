package dev.adjoint.data.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.testing.Shared;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaliforniaHousingTest {
  private static final String HEADER = "longitude,latitude,housing_median_age,total_rooms,"
      + "total_bedrooms,population,households,median_income,median_house_value,ocean_proximity";

  @TempDir Path tmp;

  private Path csv(String... lines) throws IOException {
    return Files.writeString(tmp.resolve("housing.csv"), String.join("\n", lines) + "\n");
  }

  private static void assertRow(double[] expected, float[] x, int row) {
    for (int j = 0; j < 8; j++) {
      assertEquals((float) expected[j], x[row * 8 + j], "row " + row + ", feature " + j);
    }
  }

  // ------------------------------------------------------------------ the shared CSV

  @Test
  void matchesScikitLearnsFeaturesOnTheSharedFile() throws IOException {
    Path file = Shared.require("data/california_housing.csv");
    CaliforniaHousing h = CaliforniaHousing.load(file);
    assertEquals(20640, h.size());
    assertArrayEquals(new int[] {20640, 8}, h.data().shape());
    assertArrayEquals(new int[] {20640, 1}, h.target().shape());
    assertEquals(DType.FLOAT32, h.data().dtype());
    assertEquals(DType.FLOAT32, h.target().dtype());
    assertEquals(CaliforniaHousing.FEATURE_NAMES, h.featureNames());

    // Expected rows computed with numpy from the CSV (float64, then rounded to float32 here):
    // X = [median_income, housing_median_age, total_rooms/households, total_bedrooms/households,
    //      population, population/households, latitude, longitude], y = median_house_value/1e5.
    float[] x = h.data().toFloatArray();
    float[] y = h.target().toFloatArray();
    assertRow(new double[] {8.3252, 41.0, 6.984126984126984, 1.0238095238095237, 322.0,
        2.5555555555555554, 37.88, -122.23}, x, 0);
    assertRow(new double[] {8.3014, 21.0, 6.238137082601054, 0.9718804920913884, 2401.0,
        2.109841827768014, 37.86, -122.22}, x, 1);
    // Row 290 is the first with total_bedrooms missing: 435 (the median) / 218 households.
    assertRow(new double[] {4.375, 47.0, 5.761467889908257, 1.9954128440366972, 570.0,
        2.614678899082569, 37.77, -122.16}, x, 290);
    assertRow(new double[] {2.3886, 16.0, 5.254716981132075, 1.1622641509433962, 1387.0,
        2.616981132075472, 39.37, -121.24}, x, 20639);
    assertEquals((float) 4.526, y[0]);
    assertEquals((float) 3.585, y[1]);
    assertEquals((float) 1.619, y[290]);
    assertEquals((float) 0.894, y[20639]);

    // Column means over all rows, from numpy in float64. Each float32 value is within a relative
    // 6e-8 of its float64 value, so the means agree to about 1e-7 relative; 1e-6 leaves room.
    double[] expectedMeans = {3.8706710029070246, 28.639486434108527, 5.428999742190365,
        1.1009101853287426, 1425.4767441860465, 3.070655159436382, 35.6318614341087,
        -119.56970445736148};
    double[] sums = new double[8];
    for (int i = 0; i < x.length; i++) {
      assertTrue(Float.isFinite(x[i]), "finite feature at " + i / 8 + ", " + i % 8);
      sums[i % 8] += x[i];
    }
    for (int j = 0; j < 8; j++) {
      double mean = sums[j] / 20640;
      assertEquals(expectedMeans[j], mean, 1e-6 * Math.abs(expectedMeans[j]), "mean of " + j);
    }
    double ySum = 0;
    for (float v : y) {
      ySum += v;
    }
    assertEquals(2.068558169089147, ySum / 20640, 1e-6);
  }

  @Test
  void the207MissingBedroomCountsGetTheMedian() throws IOException {
    CaliforniaHousing h = CaliforniaHousing.load(Shared.require("data/california_housing.csv"));
    int[] imputed = h.imputedRows();
    assertEquals(207, imputed.length);
    assertArrayEquals(new int[] {290, 341, 538}, java.util.Arrays.copyOf(imputed, 3));
    assertEquals(435.0, h.totalBedroomsMedian()); // numpy.nanmedian(total_bedrooms)
    float[] x = h.data().toFloatArray();
    for (int r : imputed) {
      // AveBedrms = median / households and AveOccup = population / households, so
      // AveBedrms * Population / AveOccup = median, up to float32 rounding of three values.
      double median = (double) x[r * 8 + 3] * x[r * 8 + 4] / x[r * 8 + 5];
      assertEquals(435.0, median, 435.0 * 3e-7, "row " + r);
    }
  }

  @Test
  void pinnedHashIsTheSharedFilesHash() throws Exception {
    byte[] bytes = Files.readAllBytes(Shared.require("data/california_housing.csv"));
    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(actual, CaliforniaHousing.SHA256);
  }

  // ------------------------------------------------------------------ small hand-made files

  @Test
  void derivesFeaturesFromAHandMadeFile() throws IOException {
    // Columns in another order, and a missing total_bedrooms in row 2: the median of 100, 300,
    // 200 is 200. Row 0: rooms 600 / households 100 = 6, bedrooms 100 / 100 = 1, occupancy
    // 250 / 100 = 2.5, target 150000 / 1e5 = 1.5.
    Path file = csv("ocean_proximity,median_house_value,median_income,housing_median_age,"
            + "total_rooms,total_bedrooms,population,households,latitude,longitude",
        "NEAR BAY,150000,3.5,20,600,100,250,100,37.5,-122.5",
        "INLAND,80000.0,2.0,10,900,300,600,200,38,-121",
        "<1H OCEAN,500001,15.0001,52,1000,,400,50,34,-118",
        "ISLAND,200000,4,30,400,200,120,40,33.3,-118.3");
    CaliforniaHousing h = CaliforniaHousing.load(file);
    float[] x = h.data().toFloatArray();
    assertRow(new double[] {3.5, 20, 6, 1, 250, 2.5, 37.5, -122.5}, x, 0);
    assertRow(new double[] {2.0, 10, 4.5, 1.5, 600, 3, 38, -121}, x, 1);
    assertRow(new double[] {15.0001, 52, 20, 4, 400, 8, 34, -118}, x, 2);
    assertRow(new double[] {4, 30, 10, 5, 120, 3, 33.3, -118.3}, x, 3);
    assertArrayEquals(new float[] {1.5f, 0.8f, 5.00001f, 2f}, h.target().toFloatArray());
    assertArrayEquals(new int[] {2}, h.imputedRows());
    assertEquals(200.0, h.totalBedroomsMedian());
    assertEquals(file, h.source());
  }

  @Test
  void evenCountMedianIsTheMeanOfTheMiddleTwo() throws IOException {
    Path file = csv(HEADER,
        "-122,37,10,100,10,50,10,3,100000,INLAND",
        "-122,37,10,100,40,50,10,3,100000,INLAND",
        "-122,37,10,100,,50,10,3,100000,INLAND",
        "-122,37,10,100,20,50,10,3,100000,INLAND",
        "-122,37,10,100,30,50,10,3,100000,INLAND");
    CaliforniaHousing h = CaliforniaHousing.load(file);
    assertEquals(25.0, h.totalBedroomsMedian());
    assertEquals(2.5f, h.data().toFloatArray()[2 * 8 + 3]);
  }

  @Test
  void malformedFilesNameTheLineAndTheProblem() throws IOException {
    String good = "-122,37,10,100,10,50,10,3,100000,INLAND";
    Path file = csv("longitude,latitude,total_rooms", good);
    String m = assertThrows(DatasetException.class, () -> CaliforniaHousing.load(file))
        .getMessage();
    assertTrue(m.startsWith(file + ": the header has no column housing_median_age"), m);

    csv(HEADER, good, "-122,37,10,100,10,50,10,3,100000");
    m = assertThrows(DatasetException.class, () -> CaliforniaHousing.load(file)).getMessage();
    assertEquals(file + ":3: 9 fields where the header has 10: -122,37,10,100,10,50,10,3,100000",
        m);

    csv(HEADER, "-122,37,ten,100,10,50,10,3,100000,INLAND");
    m = assertThrows(DatasetException.class, () -> CaliforniaHousing.load(file)).getMessage();
    assertEquals(file + ":2: housing_median_age is \"ten\", not a number", m);

    csv(HEADER, "-122,37,10,100,10,,10,3,100000,INLAND");
    m = assertThrows(DatasetException.class, () -> CaliforniaHousing.load(file)).getMessage();
    assertEquals(file + ":2: population is missing; only total_bedrooms may be empty", m);

    csv(HEADER, "-122,37,10,100,10,50,0,3,100000,INLAND");
    m = assertThrows(DatasetException.class, () -> CaliforniaHousing.load(file)).getMessage();
    assertEquals(file + ":2: households is 0; households must be positive (it divides three"
        + " features)", m);

    csv(HEADER, "-122,37,10,100,,50,10,3,100000,INLAND");
    m = assertThrows(DatasetException.class, () -> CaliforniaHousing.load(file)).getMessage();
    assertTrue(m.contains("total_bedrooms is empty in every row"), m);

    Files.writeString(file, "");
    m = assertThrows(DatasetException.class, () -> CaliforniaHousing.load(file)).getMessage();
    assertTrue(m.startsWith(file + ": the file is empty"), m);
  }

  // ------------------------------------------------------------------ where the file comes from

  @Test
  void aGivenPathMustExist() {
    Path missing = tmp.resolve("nope.csv");
    String m = assertThrows(FileNotFoundException.class, () -> CaliforniaHousing.load(missing))
        .getMessage();
    assertTrue(m.startsWith(missing + ": no such file"), m);
  }

  @Test
  void searchOrderIsPathThenEnvironmentThenCacheThenDownload() throws IOException {
    Path user = csv(HEADER);
    Path env = Files.writeString(tmp.resolve("env.csv"), HEADER);
    Path cache = Files.writeString(tmp.resolve("cache.csv"), HEADER);
    URI nowhere = LocalServer.closedPort("/housing.csv");
    assertEquals(user, CaliforniaHousing.locate(user, env.toString(), cache, nowhere, "x"));
    assertEquals(env, CaliforniaHousing.locate(null, env.toString(), cache, nowhere, "x"));
    assertEquals(cache, CaliforniaHousing.locate(null, null, cache, nowhere, "x"));
    assertEquals(cache, CaliforniaHousing.locate(null, " ", cache, nowhere, "x"));
    String m = assertThrows(FileNotFoundException.class, () -> CaliforniaHousing.locate(null,
        tmp.resolve("gone.csv").toString(), cache, nowhere, "x")).getMessage();
    assertTrue(m.startsWith("the environment variable ADJOINT_CALIFORNIA_HOUSING is "
        + tmp.resolve("gone.csv") + ", which is not a file"), m);
  }

  @Test
  void downloadsIntoTheCacheWhenItsHashMatches() throws Exception {
    byte[] body = (HEADER + "\n-122,37,10,100,10,50,10,3,100000,INLAND\n")
        .getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    Path cache = tmp.resolve("cache").resolve(CaliforniaHousing.FILE_NAME);
    try (LocalServer server = new LocalServer(Map.of("/housing.csv", body))) {
      URI url = server.uri("/housing.csv");
      assertEquals(cache, CaliforniaHousing.locate(null, null, cache, url, sha));
      assertArrayEquals(body, Files.readAllBytes(cache));
      assertEquals(1, CaliforniaHousing.read(cache).size());

      Files.delete(cache);
      String wrong = "00".repeat(32);
      String m = assertThrows(DatasetException.class,
          () -> CaliforniaHousing.locate(null, null, cache, url, wrong)).getMessage();
      assertTrue(m.startsWith(url + ": the downloaded file has SHA-256 " + sha + " but " + wrong
          + " was expected"), m);
      assertTrue(m.contains("set the environment variable ADJOINT_CALIFORNIA_HOUSING"), m);
      assertFalse(Files.exists(cache));
    }
  }

  @Test
  void offlineWithoutAFileSaysHowToProvideIt() throws IOException {
    Path cache = tmp.resolve("cache").resolve(CaliforniaHousing.FILE_NAME);
    URI nowhere = LocalServer.closedPort("/housing.csv");
    String m = assertThrows(FileNotFoundException.class,
        () -> CaliforniaHousing.locate(null, null, cache, nowhere, "x")).getMessage();
    assertTrue(m.startsWith("California housing data not found, and downloading it from "
        + nowhere + " failed"), m);
    assertTrue(m.contains("pass its path to CaliforniaHousing.load(path)"), m);
    assertTrue(m.contains("set the environment variable ADJOINT_CALIFORNIA_HOUSING to its path"),
        m);
    assertTrue(m.endsWith("or copy it to " + cache), m);
  }
}
