package dev.adjoint.io;

import static dev.adjoint.io.StateTreeAssertions.assertTensorBitsEqual;
import static dev.adjoint.io.StateTreeAssertions.assertTreeEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.AdaptiveAvgPool2d;
import dev.adjoint.nn.AvgPool2d;
import dev.adjoint.nn.Configurable;
import dev.adjoint.nn.Conv2d;
import dev.adjoint.nn.Dropout;
import dev.adjoint.nn.Embedding;
import dev.adjoint.nn.Flatten;
import dev.adjoint.nn.GELU;
import dev.adjoint.nn.GeneratedConfig;
import dev.adjoint.nn.LayerNorm;
import dev.adjoint.nn.LeakyReLU;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.LogSoftmax;
import dev.adjoint.nn.MaxPool2d;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.nn.Sigmoid;
import dev.adjoint.nn.Softmax;
import dev.adjoint.nn.Tanh;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-model files for layers without a hand-written {@link Configurable}: the configuration
 * the processor generates from the constructor records each argument (int, long, float, double,
 * boolean, String, enum, int[], tensor, sub-layer, list and array of sub-layers) and rebuilds an
 * equal layer; the built-in layers that lost their hand-written configuration describe themselves
 * exactly as before, and files saved with the hand-written code still load with the same outputs.
 */
class GeneratedConfigTest {
  /** Files saved by the runtime before generated configurations, with outputs it computed. */
  private static final Path BEFORE = Path.of("src/test/resources/modelfiles");

  @TempDir Path dir;

  @Test
  void userLayerWithScalarEnumArrayAndSubLayerArgumentsRoundTrips() throws IOException {
    for (boolean residual : new boolean[] {true, false}) {
      MixerBlock.Activation activation =
          residual ? MixerBlock.Activation.TANH : MixerBlock.Activation.RELU;
      MixerBlock block = new MixerBlock(new Sequential(new Linear(4, 4), new GELU("tanh")), 4,
          0.5, residual, activation, new int[] {1, 4});
      perturb(block, 5);
      Path path = dir.resolve("mixer-" + residual + ".model");
      ModelFiles.save(block, path);
      MixerBlock loaded = ModelFiles.load(path, MixerBlock.class);

      assertSameModel(block, loaded);
      assertEquals(4, loaded.width);
      assertEquals(0.5, loaded.scale);
      assertEquals(residual, loaded.residual);
      assertSame(activation, loaded.activation);
      assertEquals(List.of(1, 4), List.of(loaded.gateShape[0], loaded.gateShape[1]));
      assertInstanceOf(Sequential.class, loaded.body);
      assertNotSame(block.body, loaded.body);
      Tensor x = Tensor.randn(new Generator(6), 3, 4);
      assertTensorBitsEqual(run(block, x), run(loaded, x), "output, residual=" + residual);

      Map<String, Object> config = new LinkedHashMap<>(GeneratedConfig.of(block));
      assertInstanceOf(Sequential.class, config.remove("body"));
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("width", 4);
      expected.put("scale", 0.5);
      expected.put("residual", residual);
      expected.put("activation", activation.name());
      expected.put("gateShape", List.of(1, 4));
      assertEquals(expected, config);
    }
  }

  @Test
  void markedConstructorWithListLongFloatStringAndTensorArgumentsRoundTrips() throws IOException {
    Generator.manualSeed(2);
    ChainBlock block = new ChainBlock(List.of(new Linear(3, 3), new Linear(3, 3, false)),
        1L << 40, 0.75f, "two stages", Tensor.randn(new Generator(3), 3));
    perturb(block, 7);
    Path path = dir.resolve("chain.model");
    ModelFiles.save(block, path);
    ChainBlock loaded = ModelFiles.load(path, ChainBlock.class);

    assertSameModel(block, loaded);
    assertEquals(1L << 40, loaded.tag);
    assertEquals(0.75f, loaded.slope);
    assertEquals("two stages", loaded.label);
    assertEquals(2, loaded.stages.size());
    assertNull(loaded.stages.get(1).namedParameters().get("bias"));
    Tensor x = Tensor.randn(new Generator(8), 2, 3);
    assertTensorBitsEqual(run(block, x), run(loaded, x), "output");

    Map<String, Object> config = GeneratedConfig.of(block);
    assertEquals(List.of("stages", "tag", "slope", "label", "offset"),
        List.copyOf(config.keySet()));
    assertEquals(1L << 40, config.get("tag"));
    assertEquals(0.75f, config.get("slope"));
    assertSame(block.offset, config.get("offset"));
    assertEquals(block.stages, config.get("stages"));
    assertThrows(UnsupportedOperationException.class,
        () -> ((List<?>) config.get("stages")).clear(), "the config shares the layer's list");
  }

  @Test
  void layerWithOnlyTheImplicitConstructorHasAnEmptyConfiguration() throws IOException {
    PlainScale layer = new PlainScale();
    perturb(layer, 9);
    assertEquals(Map.of(), GeneratedConfig.of(layer));
    Path path = dir.resolve("plain.model");
    ModelFiles.save(layer, path);
    PlainScale loaded = ModelFiles.load(path, PlainScale.class);
    assertSameModel(layer, loaded);
  }

  /**
   * Each built-in layer that lost its hand-written {@code config()} describes itself with the
   * same keys, value types and values that code returned (copied here from it), so files keep
   * their format.
   */
  @Test
  void builtInLayersDescribeThemselvesAsTheirHandWrittenConfigurationDid() {
    assertConfig(new Linear(6, 3, false), "inFeatures", 6, "outFeatures", 3, "bias", false);
    assertConfig(new Linear(2, 5), "inFeatures", 2, "outFeatures", 5, "bias", true);
    assertConfig(new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0},
            new int[] {1, 2}, 2, false, new Generator(5)), "inChannels", 4, "outChannels", 6,
        "kernelSize", List.of(3, 2), "stride", List.of(2, 1), "padding", List.of(1, 0),
        "dilation", List.of(1, 2), "groups", 2, "bias", false);
    assertConfig(new Conv2d(1, 2, 3), "inChannels", 1, "outChannels", 2, "kernelSize",
        List.of(3, 3), "stride", List.of(1, 1), "padding", List.of(0, 0), "dilation",
        List.of(1, 1), "groups", 1, "bias", true);
    assertConfig(new MaxPool2d(new int[] {3}, new int[] {2}, new int[] {1}, new int[] {2}),
        "kernelSize", List.of(3, 3), "stride", List.of(2, 2), "padding", List.of(1, 1),
        "dilation", List.of(2, 2));
    assertConfig(new AvgPool2d(new int[] {3, 2}, null, new int[] {1, 1}, false), "kernelSize",
        List.of(3, 2), "stride", List.of(3, 2), "padding", List.of(1, 1), "countIncludePad",
        false);
    assertConfig(new AdaptiveAvgPool2d(5), "outputSize", List.of(5, 5));
    assertConfig(new Flatten(), "startDim", 1, "endDim", -1);
    assertConfig(new Dropout(0.3, new Generator(1)), "p", 0.3);
    assertConfig(new LayerNorm(new int[] {3, 5}, 1e-6, false), "normalizedShape", List.of(3, 5),
        "eps", 1e-6, "elementwiseAffine", false);
    assertConfig(new Embedding(10, 3), "numEmbeddings", 10, "embeddingDim", 3);
    assertConfig(new GELU(), "approximate", "none");
    assertConfig(new LeakyReLU(0.2), "negativeSlope", 0.2);
    assertConfig(new Softmax(0), "dim", 0);
    assertConfig(new LogSoftmax(-1), "dim", -1);
    assertConfig(new ReLU());
    assertConfig(new Tanh());
    assertConfig(new Sigmoid());
    ReLU relu = new ReLU();
    Linear linear = new Linear(1, 1);
    Sequential seq = new Sequential(linear, relu);
    assertFalse(seq instanceof Configurable);
    assertEquals(Map.of("layers", List.of(linear, relu)), GeneratedConfig.of(seq));
  }

  /** {@code layer}'s generated configuration is exactly {@code keysAndValues}, in order. */
  private static void assertConfig(Module layer, Object... keysAndValues) {
    assertFalse(layer instanceof Configurable, layer + " still writes its own configuration");
    assertNull(GeneratedConfig.problem(layer.getClass()));
    Map<String, Object> expected = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      expected.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    Map<String, Object> actual = GeneratedConfig.of(layer);
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), layer.toString());
    for (Map.Entry<String, Object> e : expected.entrySet()) {
      Object v = actual.get(e.getKey());
      assertEquals(e.getValue(), v, layer + " " + e.getKey());
      if (!(v instanceof List<?>)) {
        // Equal is not enough: an Integer must stay an Integer, not become a Long or a Double.
        assertSame(e.getValue().getClass(), v.getClass(), layer + " " + e.getKey());
      }
    }
    Module rebuilt = GeneratedConfig.rebuild(layer.getClass(), actual);
    assertNotSame(layer, rebuilt);
    assertEquals(layer.toString(), rebuilt.toString());
    assertEquals(actual, GeneratedConfig.of(rebuilt));
  }

  /**
   * Model files saved by the runtime before the generated configurations (its hand-written
   * {@code config()} and {@code fromConfig}; made by the program in this directory's README)
   * load, describe themselves in the same words, and compute the outputs that runtime computed.
   */
  @Test
  void filesSavedWithTheHandWrittenConfigurationsLoadWithTheSameOutputs() throws IOException {
    SafeTensorsFile outputs = SafeTensors.read(BEFORE.resolve(
        "handwritten-config-outputs.safetensors"));
    for (String name : List.of("cnn", "embedding")) {
      Path file = BEFORE.resolve(name + "-handwritten-config.model");
      Sequential model = ModelFiles.load(file, Sequential.class);
      assertFalse(model.training());
      try (GradMode.Scope off = GradMode.noGrad()) {
        assertTensorBitsEqual(outputs.tensor(name + ".output"),
            model.call(outputs.tensor(name + ".input")), name + " output");
      }
      Path again = dir.resolve(name + ".model");
      ModelFiles.save(model, again);
      assertEquals(SafeTensors.read(file).metadata().get("model"),
          SafeTensors.read(again).metadata().get("model"), name + ": the description changed");
    }
  }

  @Test
  void unknownEnumConstantInAFileIsNamedWithTheConstants() throws IOException {
    Path path = dir.resolve("mixer.model");
    ModelFiles.save(new MixerBlock(new ReLU(), 2, 1.0, false, MixerBlock.Activation.TANH,
        new int[] {2}), path);
    String model = SafeTensors.read(path).metadata().get("model");
    assertTrue(model.contains("\"activation\":\"TANH\""), model);
    SafeTensorsFile file = SafeTensors.read(path);
    Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
    metadata.put("model", model.replace("\"TANH\"", "\"GELU\""));
    metadata.remove("crc32c_header");
    metadata.remove("crc32c_data");
    Path edited = dir.resolve("edited.model");
    SafeTensors.save(file.tensors(), metadata, edited);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertTrue(e.getMessage().contains("rebuilding model failed: dev.adjoint.io.MixerBlock's"
        + " generated fromConfig("), e.getMessage());
    assertTrue(e.getMessage().contains("MixerBlock.fromConfig: config entry \"activation\" must"
        + " be one of [RELU, TANH] (Activation), got a String GELU"), e.getMessage());
  }

  @Test
  void layersWithoutAGeneratedConfigurationSayWhy() {
    assertEquals("the argument 'factor' of UnrecordedScale(double factor) cannot be recorded:"
        + " it is kept in no field of the same name",
        GeneratedConfig.problem(UnrecordedScale.class));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GeneratedConfig.of(new UnrecordedScale(2)));
    assertEquals("dev.adjoint.io.UnrecordedScale has no generated configuration: the argument"
        + " 'factor' of UnrecordedScale(double factor) cannot be recorded: it is kept in no field"
        + " of the same name", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> GeneratedConfig.rebuild(UnrecordedScale.class, Map.of("factor", 2.0)));
    assertTrue(GeneratedConfig.problem(GatedBlock.class).startsWith("it implements"
        + " dev.adjoint.nn.Configurable"));
  }

  // ------------------------------------------------------------------ helpers

  /** Same class, printed form, description, state and training modes. */
  private static void assertSameModel(Module expected, Module actual) {
    assertSame(expected.getClass(), actual.getClass());
    assertEquals(expected.toString(), actual.toString());
    assertTreeEquals(ModelFiles.describe(expected), ModelFiles.describe(actual));
    assertTreeEquals(new LinkedHashMap<>(expected.stateDict()),
        new LinkedHashMap<>(actual.stateDict()));
    assertEquals(expected.training(), actual.training());
  }

  private static Tensor run(Module m, Tensor x) {
    try (GradMode.Scope off = GradMode.noGrad()) {
      return m.call(x);
    }
  }

  /** Moves every floating point parameter and buffer away from its initial value. */
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
}
