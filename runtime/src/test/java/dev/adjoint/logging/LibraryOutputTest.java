package dev.adjoint.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.data.DataLoader;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.data.datasets.CaliforniaHousing;
import dev.adjoint.data.datasets.CsvDataset;
import dev.adjoint.io.Checkpoint;
import dev.adjoint.io.ModelFiles;
import dev.adjoint.metrics.ConfusionMatrix;
import dev.adjoint.metrics.Metrics;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library writes nothing to the console unless the user asked for output: diagnostics go
 * through {@link System.Logger}, which the application routes. Two checks: representative
 * operations run with {@code System.out} and {@code System.err} captured, and a scan of the main
 * sources for console writes outside the classes whose purpose is output.
 */
class LibraryOutputTest {
  /**
   * Classes that write to the console because the user asked for output: a progress bar prints
   * progress (to {@code System.out} by default, or to the stream it was given).
   */
  static final Set<String> ALLOWED = Set.of("dev/adjoint/train/ProgressBar.java");

  @TempDir Path tmp;

  @Test
  void representativeOperationsPrintNothing() throws Exception {
    String printed = captured(() -> {
      // Dataset loading from a local file (the path a download ends in).
      Path csv = tmp.resolve("housing.csv");
      Files.writeString(csv, "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,"
          + "population,households,median_income,median_house_value,ocean_proximity\n"
          + "-122.2,37.9,41,880,129,322,126,8.3,452600,NEAR BAY\n"
          + "-122.2,37.9,21,7099,,2401,1138,8.3,358500,NEAR BAY\n");
      CaliforniaHousing housing = CaliforniaHousing.load(csv);
      TensorDataset data = housing.toDataset();

      CsvDataset csvData = CsvDataset.builder(csv).features("median_income", "households")
          .target("median_house_value").load();
      csvData.toDataset();

      // Training steps through a DataLoader.
      Tensor.manualSeed(1);
      Sequential model = new Sequential(new Linear(8, 4), new ReLU(), new Linear(4, 1));
      Adam opt = new Adam(model.parameters(), 1e-3);
      MSELoss lossFn = new MSELoss();
      model.train();
      for (Tensor[] batch : new DataLoader(data, 2, true)) {
        opt.zeroGrad();
        Tensor loss = lossFn.call(model.call(batch[0]), batch[1]);
        loss.backward();
        opt.step();
        loss.item();
      }

      // Metrics, and the string forms a user prints (built, not printed, by the library).
      model.eval();
      Tensor prediction = model.call(data.get(0)[0].reshape(1, 8));
      Metrics.meanSquaredError(prediction, data.get(0)[1].reshape(1, 1));
      new ConfusionMatrix(2).update(Tensor.of(0L, 1L), Tensor.of(0L, 0L)).toString();
      model.stateDict().toString();
      opt.stateDict().toString();

      // Saving and loading a model and a checkpoint.
      Path modelFile = tmp.resolve("model.safetensors");
      ModelFiles.save(model, modelFile);
      ModelFiles.load(modelFile, Sequential.class);
      Path ckpt = tmp.resolve("ckpt.safetensors");
      Checkpoint.builder().model(model).optimizer(opt).epoch(1).save(ckpt);
      Checkpoint.load(ckpt);

      // Errors are exceptions, not messages on the console.
      try {
        CaliforniaHousing.load(tmp.resolve("missing.csv"));
      } catch (IOException expected) {
        // the message travels in the exception
      }
      return null;
    });
    assertEquals("", printed, "library operations wrote to the console");
  }

  /** The capture itself works: a write made inside it is seen. */
  @Test
  void captureSeesWrites() throws Exception {
    assertEquals("x" + System.lineSeparator(), captured(() -> {
      System.err.println("x");
      return null;
    }));
  }

  @Test
  void noConsoleWritesOutsideTheAllowedClasses() throws IOException {
    Path root = Path.of("src/main/java");
    assertTrue(Files.isDirectory(root), "run from the runtime module: " + root.toAbsolutePath());
    Pattern console = Pattern.compile("System\\s*\\.\\s*(out|err)\\b|printStackTrace\\s*\\(\\s*\\)"
        + "|System\\s*\\.\\s*console\\s*\\(");
    Set<String> offenders = new TreeSet<>();
    Set<String> users = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path f : files) {
      String rel = root.relativize(f).toString().replace('\\', '/');
      String code = withoutComments(Files.readString(f, StandardCharsets.UTF_8));
      Matcher m = console.matcher(code);
      if (m.find()) {
        users.add(rel);
        if (!ALLOWED.contains(rel)) {
          offenders.add(rel + " (" + m.group() + ")");
        }
      }
    }
    assertEquals(Set.of(), offenders, "console output outside " + ALLOWED
        + "; log through System.getLogger(name) instead");
    assertEquals(ALLOWED, users, "an allowed class no longer writes to the console: shrink"
        + " ALLOWED");
  }

  @Test
  void theScanSeesCodeButNotComments() {
    assertEquals("int a;  \nint b; ", withoutComments("int a; /* System.out */ \n"
        + "int b; // System.err"));
  }

  /** Java source without its comments (string literals are kept; none here holds a comment). */
  static String withoutComments(String src) {
    return src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
  }

  interface Action {
    Object run() throws Exception;
  }

  /** What {@code action} writes to System.out and System.err together. */
  static synchronized String captured(Action action) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try {
      action.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
