package dev.adjoint.io;

import static dev.adjoint.io.StateTreeAssertions.assertTensorBitsEqual;
import static dev.adjoint.io.StateTreeAssertions.assertTreeEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.AdaptiveAvgPool2d;
import dev.adjoint.nn.AvgPool2d;
import dev.adjoint.nn.BCELoss;
import dev.adjoint.nn.BCEWithLogitsLoss;
import dev.adjoint.nn.BatchNorm1d;
import dev.adjoint.nn.BatchNorm2d;
import dev.adjoint.nn.Configurable;
import dev.adjoint.nn.Conv2d;
import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.Dropout;
import dev.adjoint.nn.Embedding;
import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.GELU;
import dev.adjoint.nn.GeneratedConfig;
import dev.adjoint.nn.L1Loss;
import dev.adjoint.nn.LayerNorm;
import dev.adjoint.nn.LeakyReLU;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.LogSoftmax;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.MaxPool2d;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.NLLLoss;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Reduction;
import dev.adjoint.nn.Sequential;
import dev.adjoint.nn.Sigmoid;
import dev.adjoint.nn.SmoothL1Loss;
import dev.adjoint.nn.Softmax;
import dev.adjoint.nn.Tanh;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ModelFiles}: every built-in layer and loss, a trained CNN and a user-defined layer with a
 * sub-layer argument come back from a file as the same class with the same config, state,
 * training modes and outputs, bit for bit; loading leaves the default generator alone; and every
 * file or model that cannot be saved or loaded gives a clear error.
 */
class ModelFilesTest {
  @TempDir Path dir;

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator(seed), shape);
  }

  private static Tensor rand(long seed, int... shape) {
    return Tensor.rand(new Generator(seed), shape);
  }

  private static Tensor longs(long... values) {
    return Tensor.fromArray(values, values.length);
  }

  private static Arguments layer(Module m, Tensor... inputs) {
    return Arguments.of(m.getClass().getSimpleName() + ": " + m, m, inputs);
  }

  /** Every built-in layer and loss, with hyperparameters other than the defaults. */
  static Stream<Arguments> builtIns() {
    Generator.manualSeed(1);
    Tensor rows = randn(2, 4, 6);
    Tensor images = randn(3, 2, 4, 9, 9);
    Tensor small = randn(4, 3, 5);
    return Stream.of(
        layer(new Linear(6, 3), rows),
        layer(new Linear(6, 3, false), rows),
        layer(new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0},
            new int[] {1, 2}, 2, false, new Generator(5)), images),
        layer(new Conv2d(4, 6, 3, 1, 1), images),
        layer(new MaxPool2d(new int[] {3}, new int[] {2}, new int[] {1}, new int[] {2}), images),
        layer(new AvgPool2d(new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, false),
            images),
        layer(new AdaptiveAvgPool2d(new int[] {2, 3}), images),
        layer(new Flatten(1, 2), images),
        layer(new Dropout(0.3), randn(6, 8, 10)),
        layer(new BatchNorm1d(4, 1e-3, 0.3, false, true), randn(7, 8, 4, 3)),
        layer(new BatchNorm2d(4, 1e-4, 0.05, true, true), images),
        layer(new BatchNorm2d(4, 1e-2, 0.1, true, false), images),
        layer(new LayerNorm(new int[] {3, 5}, 1e-6, false), randn(8, 2, 3, 5)),
        layer(new LayerNorm(5), randn(8, 2, 3, 5)),
        layer(new Embedding(10, 3), Tensor.fromArray(new long[] {1, 2, 9, 0, 0, 4}, 2, 3)),
        layer(new ReLU(), small),
        layer(new LeakyReLU(0.2), small),
        layer(new GELU("tanh"), small),
        layer(new Tanh(), small),
        layer(new Sigmoid(), small),
        layer(new Softmax(0), small),
        layer(new LogSoftmax(-1), small),
        layer(new Sequential(new Linear(6, 5), new GELU(), new Linear(5, 2)), rows),
        layer(new MSELoss("sum"), randn(9, 4, 3), randn(10, 4, 3)),
        layer(new L1Loss("none"), randn(9, 4, 3), randn(10, 4, 3)),
        layer(new SmoothL1Loss("sum", 0.5), randn(9, 4, 3), randn(10, 4, 3)),
        layer(new BCELoss(rand(11, 3).add(0.5), Reduction.SUM), rand(12, 4, 3), rand(13, 4, 3)),
        layer(new BCEWithLogitsLoss(rand(14, 4, 3), Reduction.NONE, rand(15, 3).add(0.5)),
            randn(9, 4, 3), rand(13, 4, 3)),
        layer(new CrossEntropyLoss(rand(16, 5).add(0.5), 1, Reduction.SUM, 0.2),
            randn(17, 6, 5), longs(0, 1, 2, 3, 4, 1)),
        layer(new NLLLoss(rand(16, 5).add(0.5), 2, Reduction.MEAN), randn(17, 6, 5),
            longs(0, 1, 2, 3, 4, 2)),
        layer(new GatedBlock(new Sequential(new Linear(6, 4), new Tanh()), 4, 0.5), rows));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("builtIns")
  void layerRoundTrips(String name, Module original, Tensor[] inputs) throws IOException {
    perturb(original, 21);
    Path path = dir.resolve("layer.model");
    ModelFiles.save(original, path);
    long[] generatorBefore = Generator.defaultGenerator().getState();
    Module loaded = ModelFiles.load(path, original.getClass());
    assertArrayEquals(generatorBefore, Generator.defaultGenerator().getState(),
        "loading must leave the default generator as it was");
    assertSameModel(original, loaded);
    // Both modes, each twice with the same seed: eval uses BatchNorm's running statistics,
    // training draws dropout masks and moves the running statistics by momentum.
    for (boolean training : new boolean[] {false, true}) {
      original.train(training);
      loaded.train(training);
      assertTensorBitsEqual(run(original, inputs), run(loaded, inputs),
          name + (training ? " training" : " eval") + " output");
      assertTreeEquals(state(original), state(loaded));
    }
  }

  /**
   * Guards the list above: every {@code @Layer} in dev.adjoint.nn is listed, and has a generated
   * configuration or is configurable.
   */
  @Test
  void everyBuiltInLayerIsSaveableAndTested() throws IOException {
    Path sources = Path.of(System.getProperty("basedir", "."), "src/main/java/dev/adjoint/nn");
    assumeTrue(Files.isDirectory(sources), "sources not found at " + sources.toAbsolutePath());
    // Concrete layers: of Module or of an abstract @Layer base (BatchNorm1d of BatchNorm).
    Pattern layerClass = Pattern.compile("@Layer\\s+public class (\\w+) extends \\w+");
    Set<String> layers = new HashSet<>();
    try (Stream<Path> files = Files.list(sources)) {
      for (Path f : files.collect(Collectors.toList())) {
        Matcher m = layerClass.matcher(Files.readString(f));
        if (m.find()) {
          layers.add(m.group(1));
        }
      }
    }
    Set<String> tested = builtIns().map(a -> a.get()[1].getClass().getSimpleName())
        .collect(Collectors.toSet());
    assertTrue(layers.size() >= 26, "found only " + layers);
    for (String layer : layers) {
      assertTrue(tested.contains(layer), layer + " has no round-trip case");
    }
    builtIns().map(a -> (Module) a.get()[1]).filter(m -> m.getClass().getPackageName()
        .equals("dev.adjoint.nn")).forEach(m -> assertTrue(m instanceof Configurable
            || GeneratedConfig.problem(m.getClass()) == null, m.getClass() + ": "
            + GeneratedConfig.problem(m.getClass())));
  }

  @Test
  void trainedCnnRoundTripsWithIdenticalEvalOutputsAndBuffers() throws IOException {
    Generator.manualSeed(3);
    Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4),
        new ReLU(), new MaxPool2d(2), new Flatten(), new Dropout(0.25), new Linear(4 * 4 * 4, 3));
    Tensor x = randn(31, 8, 1, 8, 8);
    Tensor y = longs(0, 1, 2, 0, 1, 2, 0, 1);
    var lossFn = new CrossEntropyLoss();
    SGD opt = SGD.builder(model.parameters()).lr(0.1).momentum(0.9).build();
    model.train();
    for (int step = 0; step < 3; step++) {
      opt.zeroGrad();
      lossFn.call(model.call(x), y).backward();
      opt.step();
    }
    model.eval();
    Path path = dir.resolve("cnn.model");
    ModelFiles.save(model, path);
    Sequential loaded = ModelFiles.load(path, Sequential.class);

    assertSameModel(model, loaded);
    assertEquals(3.0, loaded.namedBuffers().get("1.num_batches_tracked").item());
    assertFalse(loaded.training());
    loaded.namedModules().values().forEach(m -> assertFalse(m.training()));
    assertTensorBitsEqual(run(model, x), run(loaded, x), "eval output");

    // The file is plain safetensors: its tensors are the state dict, named state.<key>.
    SafeTensorsFile file = SafeTensors.read(path);
    assertEquals(ModelFiles.FORMAT, file.metadata().get("format"));
    assertEquals(ModelFiles.VERSION, file.metadata().get("version"));
    Map<String, Tensor> expected = new LinkedHashMap<>();
    model.stateDict().forEach((k, v) -> expected.put("state." + k, v));
    assertEquals(expected.keySet(), file.tensors().keySet());
    expected.forEach((k, v) -> assertTensorBitsEqual(v, file.tensor(k), k));
    assertTrue(file.metadata().get("model").contains("\"dev.adjoint.nn.Conv2d\""));

    // Training goes on identically from the loaded model.
    for (Sequential m : List.of(model, loaded)) {
      m.train();
      m.zeroGrad();   // the original still holds the gradients of its last step
      Generator.manualSeed(8);
      SGD fresh = SGD.builder(m.parameters()).lr(0.1).build();
      lossFn.call(m.call(x), y).backward();
      fresh.step();
    }
    assertTreeEquals(state(model), state(loaded));
  }

  @Test
  void mixedTrainingModesAreRestored() throws IOException {
    Sequential model = new Sequential(new Linear(3, 3), new BatchNorm1d(3),
        new Sequential(new Dropout(0.1), new Linear(3, 1)));
    model.train();
    model.get(1).eval();
    ((Sequential) model.get(2)).get(0).eval();
    Path path = dir.resolve("modes.model");
    ModelFiles.save(model, path);
    Sequential loaded = ModelFiles.load(path);
    assertTrue(loaded.training());
    model.namedModules().forEach((name, m) ->
        assertEquals(m.training(), loaded.namedModules().get(name).training(), name));
    assertFalse(loaded.get(1).training());
  }

  @Test
  void userLayerWithSubLayerArgumentRoundTrips() throws IOException {
    Module body = new Sequential(new Linear(5, 5), new LeakyReLU(0.3));
    GatedBlock block = new GatedBlock(body, 5, 0.25);
    perturb(block, 4);
    Path path = dir.resolve("block.model");
    ModelFiles.save(block, path);
    GatedBlock loaded = ModelFiles.load(path, GatedBlock.class);
    assertSameModel(block, loaded);
    assertInstanceOf(Sequential.class, loaded.body);
    assertEquals(0.25, loaded.scale);
    Tensor x = randn(41, 2, 5);
    assertTensorBitsEqual(run(block, x), run(loaded, x), "output");
    Map<String, Object> description = ModelFiles.describe(block);
    assertEquals("dev.adjoint.io.GatedBlock", description.get("class"));
    Object nested = ((Map<?, ?>) description.get("config")).get("body");
    assertEquals("dev.adjoint.nn.Sequential", ((Map<?, ?>) nested).get("class"));
  }

  @Test
  void missingClassGivesTheTorchLoadLikeError() throws IOException {
    Path path = dir.resolve("gated.model");
    ModelFiles.save(new Sequential(new Linear(3, 3),
        new GatedBlock(new Linear(3, 3), 3, 1.0)), path);
    Path edited = editModel(path, "missing.model", "\"dev.adjoint.io.GatedBlock\"",
        "\"com.example.MissingBlock\"");
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertTrue(e.getMessage().startsWith(edited + ": model.config.layers.1 is a"
        + " com.example.MissingBlock, which is not on the classpath; like torch.load, loading a"
        + " whole model needs the code of its class; add the jar that defines it, or load only"
        + " the state dict into a model you build"), e.getMessage());
    assertInstanceOf(ClassNotFoundException.class, e.getCause());
  }

  @Test
  void classThatIsNotALayerIsRefused() throws IOException {
    Path path = dir.resolve("linear.model");
    ModelFiles.save(new Linear(3, 2), path);
    Path edited = editModel(path, "string.model", "\"dev.adjoint.nn.Linear\"",
        "\"java.lang.String\"");
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertEquals(edited + ": model is a java.lang.String, which is not a dev.adjoint.nn.Module",
        e.getMessage());
  }

  @Test
  void failingFromConfigNamesTheLayerAndKeepsTheCause() throws IOException {
    Path path = dir.resolve("seq.model");
    ModelFiles.save(new Sequential(new Linear(3, 2), new ReLU()), path);
    Path edited = editModel(path, "bad.model", "\"outFeatures\":2", "\"outFeatures\":-2");
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertTrue(e.getMessage().startsWith(edited + ": rebuilding model.config.layers.0 failed:"
        + " dev.adjoint.nn.Linear's generated fromConfig({inFeatures=3, outFeatures=-2,"
        + " bias=true}) threw"),
        e.getMessage());
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(e.getMessage().contains("out_features=-2"), e.getMessage());

    Path wrongType = editModel(path, "type.model", "\"outFeatures\":2", "\"outFeatures\":\"2\"");
    e = assertThrows(ModelFileException.class, () -> ModelFiles.load(wrongType));
    assertTrue(e.getMessage().contains("Linear.fromConfig: config entry \"outFeatures\" must be"
        + " an int, got a String 2"), e.getMessage());
  }

  @Test
  void stateThatDoesNotFitTheRebuiltModelIsRefused() throws IOException {
    Path path = dir.resolve("seq.model");
    ModelFiles.save(new Sequential(new Linear(3, 2), new ReLU()), path);
    Path edited = editModel(path, "wide.model", "\"outFeatures\":2", "\"outFeatures\":4");
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertEquals(edited + ": the model's configuration does not match the saved state, so the"
        + " model was not built (was the file edited, or has a class changed since it was"
        + " written?): 0.weight is [4, 3] by the configuration but [2, 3] saved; 0.bias is [4]"
        + " by the configuration but [2] saved", e.getMessage());
  }

  @Test
  void layersThatCannotBeRebuiltRefuseToSave() {
    Path path = dir.resolve("plain.model");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.save(new Sequential(new Linear(2, 2), new UnrecordedScale(2)), path));
    assertTrue(e.getMessage().startsWith("ModelFiles.save: model.config.layers.1 is a"
        + " dev.adjoint.io.UnrecordedScale, whose constructor arguments are unknown: the"
        + " argument 'factor' of UnrecordedScale(double factor) cannot be recorded: it is kept"
        + " in no field of the same name. Keep each argument of its constructor in a field of"
        + " the same name (mark the constructor @Layer.Constructor to have this checked when it"
        + " compiles), or implement dev.adjoint.nn.Configurable"), e.getMessage());
    assertTrue(e.getMessage().contains("SafeTensors.save(model.stateDict(), path)"),
        e.getMessage());
    assertFalse(Files.exists(path));

    e = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.save(new NoFactoryScale(2.0), path));
    assertEquals("ModelFiles.save: model is a dev.adjoint.io.NoFactoryScale, which does not"
        + " declare its own public static NoFactoryScale fromConfig(Map<String, ?> config), so a"
        + " model file could not rebuild it", e.getMessage());
    assertFalse(Files.exists(path));
  }

  @Test
  void filesThatAreNotModelFilesAreRefused() throws IOException {
    Linear model = new Linear(3, 2);
    Path weights = dir.resolve("weights.safetensors");
    SafeTensors.save(model.stateDict(), weights);
    ModelFileException e = assertThrows(ModelFileException.class,
        () -> ModelFiles.load(weights));
    assertEquals(weights + ": not an Adjoint model file: its metadata has no \"format\" entry"
        + " where a model file has \"format\": \"adjoint-model\" (it is a safetensors file with 2"
        + " tensor(s); SafeTensors.read reads it)", e.getMessage());

    Path checkpoint = dir.resolve("run.ckpt");
    Checkpoint.builder().model(model).save(checkpoint);
    e = assertThrows(ModelFileException.class, () -> ModelFiles.load(checkpoint));
    assertTrue(e.getMessage().contains("\"format\": \"adjoint-checkpoint\"")
        && e.getMessage().contains("Checkpoint.load reads it"), e.getMessage());

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "not a model");
    assertThrows(SafeTensorsException.class, () -> ModelFiles.load(text));

    Path path = dir.resolve("linear.model");
    ModelFiles.save(model, path);
    e = assertThrows(ModelFileException.class, () -> ModelFiles.load(path, Sequential.class));
    assertEquals(path + ": the model is a dev.adjoint.nn.Linear, not a"
        + " dev.adjoint.nn.Sequential", e.getMessage());
    Path future = editMetadata(path, "v2.model", "version", "2");
    e = assertThrows(ModelFileException.class, () -> ModelFiles.load(future));
    assertTrue(e.getMessage().contains("model file version \"2\" is not one this Adjoint"
        + " reads"), e.getMessage());
  }

  // ------------------------------------------------------------------ helpers

  /** Same class, printed form, description (config, exactly), state and training modes. */
  private static void assertSameModel(Module expected, Module actual) {
    assertSame(expected.getClass(), actual.getClass());
    assertEquals(expected.toString(), actual.toString());
    assertTreeEquals(ModelFiles.describe(expected), ModelFiles.describe(actual));
    assertTreeEquals(state(expected), state(actual));
    assertEquals(expected.namedBuffers().keySet(), actual.namedBuffers().keySet());
    assertEquals(expected.training(), actual.training());
  }

  private static Map<String, Tensor> state(Module m) {
    return new LinkedHashMap<>(m.stateDict());
  }

  /** Runs {@code m} without recording a graph, after seeding the default generator. */
  private static Tensor run(Module m, Tensor... inputs) {
    Generator.manualSeed(99);
    try (GradMode.Scope off = GradMode.noGrad()) {
      return m.call(inputs);
    }
  }

  /** Moves every floating point parameter and buffer, so that no state is at its initial value. */
  private static void perturb(Module m, long seed) {
    Generator g = new Generator(seed);
    try (GradMode.Scope off = GradMode.noGrad()) {
      for (Tensor t : m.stateDict().values()) {
        if (t.dtype().isFloatingPoint()) {
          t.copy_(t.add(Tensor.rand(g, t.shape()).mul(0.1)));
        }
      }
    }
  }

  /** A copy of the model file {@code path} with {@code from} replaced by {@code to} in "model". */
  private Path editModel(Path path, String name, String from, String to) throws IOException {
    String model = SafeTensors.read(path).metadata().get("model");
    assertTrue(model.contains(from), model);
    return editMetadata(path, name, "model", model.replace(from, to));
  }

  private Path editMetadata(Path path, String name, String key, String value)
      throws IOException {
    SafeTensorsFile file = SafeTensors.read(path);
    Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
    metadata.put(key, value);
    // An edit that drops the checksums, as a file saved before they existed has none.
    metadata.remove("crc32c_header");
    metadata.remove("crc32c_data");
    Path out = dir.resolve(name);
    SafeTensors.save(file.tensors(), metadata, out);
    assertTrue(new String(Files.readAllBytes(out), StandardCharsets.UTF_8).contains(key));
    return out;
  }
}
