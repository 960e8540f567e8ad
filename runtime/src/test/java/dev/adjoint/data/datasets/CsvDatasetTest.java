package dev.adjoint.data.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.data.TensorDataset;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CsvDataset}: column choice, options, and errors that name the file and line. */
class CsvDatasetTest {
  @TempDir Path tmp;

  private Path csv(String... lines) throws IOException {
    Path p = tmp.resolve("data.csv");
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return p;
  }

  private static final String[] HOUSES = {
    "income,age,city,value",
    "8.5,41,\"Berkeley, CA\",4.5",
    "",
    "7.25,21,Oakland,3.5",
    "5.0,52,\"Say \"\"hi\"\"\",3.25"};

  @Test
  void featuresAndTargetByName() throws IOException {
    CsvDataset d = CsvDataset.builder(csv(HOUSES)).features("age", "income").target("value")
        .load();
    assertEquals(List.of("age", "income"), d.featureNames());
    assertEquals(List.of("value"), d.targetNames());
    assertEquals(DType.FLOAT32, d.features().dtype());
    assertArrayEquals(new int[] {3, 2}, d.features().shape());
    assertArrayEquals(new float[] {41, 8.5f, 21, 7.25f, 52, 5}, d.features().toFloatArray());
    assertArrayEquals(new int[] {3, 1}, d.target().shape());
    assertArrayEquals(new float[] {4.5f, 3.5f, 3.25f}, d.target().toFloatArray());
    TensorDataset ds = d.toDataset();
    assertEquals(3, ds.size());
  }

  @Test
  void byIndexWithoutHeaderWithDelimiterAndFloat64() throws IOException {
    Path p = csv("1;2;0", "3;4;1", "5;6;2");
    CsvDataset d = CsvDataset.builder(p).header(false).delimiter(';').features(1, 0).target(2)
        .dtype(DType.FLOAT64).load();
    assertEquals(List.of("column1", "column0"), d.featureNames());
    assertEquals(DType.FLOAT64, d.features().dtype());
    assertArrayEquals(new double[] {2, 1, 4, 3, 6, 5}, d.features().toDoubleArray());
    assertArrayEquals(new double[] {0, 1, 2}, d.target().toDoubleArray());
  }

  @Test
  void int64LabelsAreOneDimensionalAndFeaturesDefaultToTheRest() throws IOException {
    Path p = csv("a,label,b", "0.5,2,1", "1.5,0,-1");
    CsvDataset d = CsvDataset.builder(p).target("label").targetDType(DType.INT64).load();
    assertEquals(List.of("a", "b"), d.featureNames());
    assertEquals(DType.INT64, d.target().dtype());
    assertArrayEquals(new int[] {2}, d.target().shape());
    assertArrayEquals(new long[] {2, 0}, d.target().toLongArray());
    assertArrayEquals(new float[] {0.5f, 1, 1.5f, -1}, d.features().toFloatArray());
  }

  @Test
  void noTargetGivesFeaturesOnlyAndSpecialValuesParse() throws IOException {
    CsvDataset d = CsvDataset.builder(csv("x,y", "nan,-inf", "1e-3,+2")).load();
    assertNull(d.target());
    float[] v = d.features().toFloatArray();
    assertEquals(Float.NaN, v[0]);
    assertEquals(Float.NEGATIVE_INFINITY, v[1]);
    assertEquals(1e-3f, v[2]);
    assertEquals(2f, v[3]);
    assertEquals(1, d.toDataset().get(0).length);
  }

  private String error(Path p, CsvDataset.Builder b) {
    return assertThrows(DatasetException.class, b::load).getMessage();
  }

  @Test
  void nonNumericCellNamesFileLineAndColumn() throws IOException {
    Path p = csv("a,b", "1,2", "3,abc");
    assertEquals(p + ":3: column \"b\" (index 1) is \"abc\", not a number",
        error(p, CsvDataset.builder(p).target("b")));
    Path q = csv("a,b", "1,0x10");
    assertEquals(q + ":2: column \"b\" (index 1) is \"0x10\", not a number",
        error(q, CsvDataset.builder(q).target("b")));
  }

  @Test
  void emptyCellIsAnError() throws IOException {
    Path p = csv("a,b", "1,");
    assertEquals(p + ":2: column \"b\" (index 1) is empty; every chosen cell must hold a number",
        error(p, CsvDataset.builder(p).target("b")));
  }

  @Test
  void wrongColumnCount() throws IOException {
    Path p = csv("a,b,c", "1,2,3", "4,5");
    assertEquals(p + ":3: 2 fields where the header has 3 (delimiter ','): 4,5",
        error(p, CsvDataset.builder(p)));
  }

  @Test
  void unknownColumnNameAndIndexOutOfRange() throws IOException {
    Path p = csv("a,b", "1,2");
    assertEquals(p + ":1: the header has no column \"price\"; it has a, b",
        error(p, CsvDataset.builder(p).target("price")));
    assertEquals(p + ":1: column index 5 is out of range: the file has 2 columns (0 to 1)",
        error(p, CsvDataset.builder(p).features(5)));
  }

  @Test
  void labelsMustBeWholeNumbers() throws IOException {
    Path p = csv("x,y", "1,0.5");
    assertEquals(p + ":2: column \"y\" (index 1) is 0.5, not a whole number, but the target is"
        + " read as int64 class labels",
        error(p, CsvDataset.builder(p).target("y").targetDType(DType.INT64)));
  }

  @Test
  void unclosedQuote() throws IOException {
    Path p = csv("x,y", "1,\"2");
    assertEquals(p + ":2: a quoted field opened at character 3 is not closed on its line",
        error(p, CsvDataset.builder(p)));
  }

  @Test
  void missingEmptyAndHeaderOnlyFiles() throws IOException {
    Path missing = tmp.resolve("nope.csv");
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> CsvDataset.builder(missing).load());
    assertEquals(missing + ": no such file (CsvDataset)", e.getMessage());
    Path empty = csv("");
    assertEquals(empty + ": the file is empty; expected a header line naming the columns",
        error(empty, CsvDataset.builder(empty)));
    Path headerOnly = csv("a,b");
    assertEquals(headerOnly + ": the file has a header but no rows",
        error(headerOnly, CsvDataset.builder(headerOnly)));
  }

  @Test
  void byNameWithoutHeaderAndOverlapsAreRejected() throws IOException {
    Path p = csv("1,2");
    assertEquals(p + ": column \"a\" is chosen by name, but the file is read without a header"
        + " (header(false)); choose columns by index",
        error(p, CsvDataset.builder(p).header(false).target("a")));
    Path q = csv("a,b", "1,2");
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> CsvDataset.builder(q).features("a", "b").target("b").load());
    assertEquals("CsvDataset: column \"b\" (index 1) is both a feature and a target",
        both.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(q).dtype(DType.INT64));
    assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(q).delimiter('"'));
  }

  @Test
  void aTensorOfTheRightShapeForALargerFile() throws IOException {
    String[] lines = new String[3001];
    lines[0] = "i,twice";
    for (int i = 0; i < 3000; i++) {
      lines[i + 1] = i + "," + 2 * i;
    }
    CsvDataset d = CsvDataset.builder(csv(lines)).target("twice").load();
    assertEquals(3000, d.size());
    Tensor y = d.target();
    assertEquals(2 * 2999f, y.toFloatArray()[2999]);
    assertEquals(2999f, d.features().toFloatArray()[2999]);
  }
}
