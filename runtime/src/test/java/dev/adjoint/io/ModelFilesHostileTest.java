package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.adjoint.nn.Sequential;
import dev.adjoint.nn.Sigmoid;
import dev.adjoint.nn.SmoothL1Loss;
import dev.adjoint.nn.Softmax;
import dev.adjoint.nn.Tanh;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files whose configuration promises more, or other, state than they hold: refused before
 * anything is built (building {@code Linear(46340, 46340)} would need 8 GiB and fail with
 * OutOfMemoryError, so these tests fail that way if the check is missing).
 */
class ModelFilesHostileTest {
  @TempDir Path dir;

  /** A copy of {@code path} with {@code from} replaced by {@code to} in the "model" entry. */
  private Path edit(Path path, String name, String from, String to) throws IOException {
    SafeTensorsFile file = SafeTensors.read(path);
    Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
    String model = metadata.get("model");
    assertTrue(model.contains(from), model);
    metadata.put("model", model.replace(from, to));
    // A hand edit drops the checksums (else they would refuse it first, which ChecksumTest tests).
    metadata.remove("crc32c_header");
    metadata.remove("crc32c_data");
    Path out = dir.resolve(name);
    SafeTensors.save(file.tensors(), metadata, out);
    return out;
  }

  @Test
  void aHugeLinearInATinyFileIsRefusedBeforeBuilding() throws IOException {
    Path path = dir.resolve("tiny.model");
    ModelFiles.save(new Sequential(new Linear(3, 2), new ReLU()), path);
    Path edited = edit(path, "huge.model", "\"inFeatures\":3,\"outFeatures\":2",
        "\"inFeatures\":46340,\"outFeatures\":46340");
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertEquals(edited + ": the model's configuration does not match the saved state, so the"
        + " model was not built (was the file edited, or has a class changed since it was"
        + " written?): 0.weight is [46340, 46340] by the configuration but [2, 3] saved; 0.bias"
        + " is [46340] by the configuration but [2] saved", e.getMessage());
  }

  @Test
  void aLayerTheStateDoesNotHaveIsRefusedBeforeBuilding() throws IOException {
    Path path = dir.resolve("tiny.model");
    ModelFiles.save(new Sequential(new Linear(3, 2)), path);
    // A second layer appended to the configuration, with no state saved for it.
    Path edited = edit(path, "extra.model", "\"bias\":true}}]",
        "\"bias\":true}},{\"class\":\"dev.adjoint.nn.Embedding\",\"config\":"
            + "{\"numEmbeddings\":100000,\"embeddingDim\":20000}}]");
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertTrue(e.getMessage().endsWith(": 1.weight [100000, 20000] is not saved"),
        e.getMessage());
  }

  @Test
  void insideALayerThatDeclaresNoShapesTheFileSizeStillBoundsItsSubLayers() throws IOException {
    // GatedBlock (a user layer) has no stateShapes, so names cannot be compared; its Linear body
    // still cannot need more elements than the file saved.
    Path path = dir.resolve("gated.model");
    ModelFiles.save(new GatedBlock(new Linear(3, 2), 2, 1.0), path);
    Module ok = ModelFiles.load(path);
    assertEquals(GatedBlock.class, ok.getClass());
    Path edited = edit(path, "gated-huge.model", "\"inFeatures\":3,\"outFeatures\":2",
        "\"inFeatures\":46340,\"outFeatures\":46340");
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(edited));
    assertEquals(edited + ": the configuration implies at least 2147441940 elements of state"
        + " (model.config.body 2147441940) but the file saved 10 in all, so the model was not"
        + " built (was the configuration edited?)", e.getMessage());
  }

  /** One of every built-in configurable layer, in non-default configurations. */
  private static List<Module> everyBuiltInLayer() {
    return List.of(
        new Linear(3, 2), new Linear(3, 2, false), new Conv2d(4, 6, new int[] {3, 2},
            new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2, true,
            dev.adjoint.tensor.Generator.defaultGenerator()),
        new Embedding(5, 3), new BatchNorm1d(4), new BatchNorm2d(3, 1e-5, 0.1, false, true),
        new BatchNorm1d(4, 1e-5, 0.1, true, false), new LayerNorm(new int[] {2, 3}, 1e-5, true),
        new LayerNorm(new int[] {3}, 1e-5, false), new ReLU(), new Tanh(), new Sigmoid(),
        new GELU(), new LeakyReLU(0.1), new Softmax(1), new LogSoftmax(1), new Dropout(0.3),
        new Flatten(), new MaxPool2d(2), new AvgPool2d(2), new AdaptiveAvgPool2d(new int[] {2,
            2}), new MSELoss(), new L1Loss(), new SmoothL1Loss(),
        new CrossEntropyLoss(Tensor.ones(3)), new CrossEntropyLoss(), new NLLLoss(Tensor.ones(4)),
        new BCELoss(Tensor.ones(2), dev.adjoint.nn.Reduction.MEAN),
        new BCEWithLogitsLoss(Tensor.ones(2), dev.adjoint.nn.Reduction.SUM, Tensor.ones(2)),
        new Sequential(new Linear(3, 2), new ReLU(), new Sequential(new BatchNorm1d(2))));
  }

  @Test
  void everyBuiltInLayerDeclaresTheStateItHas() throws Exception {
    for (Module layer : everyBuiltInLayer()) {
      Method m = layer.getClass().getDeclaredMethod("stateShapes", Map.class);
      Map<String, Object> config = shapesConfig(layer instanceof Configurable c ? c.config()
          : GeneratedConfig.of(layer));
      @SuppressWarnings("unchecked")
      Map<String, int[]> declared = (Map<String, int[]>) m.invoke(null, config);
      Map<String, Tensor> state = layer.stateDict();
      assertEquals(state.keySet(), declared.keySet(), layer.toString());
      for (Map.Entry<String, Tensor> e : state.entrySet()) {
        assertArrayEquals(e.getValue().shape(), declared.get(e.getKey()),
            layer + " " + e.getKey());
      }
    }
  }

  @Test
  void everyBuiltInLayerRoundTripsThroughTheCheck() throws IOException {
    int i = 0;
    for (Module layer : everyBuiltInLayer()) {
      Path p = dir.resolve("layer" + i++ + ".model");
      ModelFiles.save(layer, p);
      Module back = ModelFiles.load(p);
      assertEquals(layer.getClass(), back.getClass());
    }
  }

  /** A config as stateShapes receives it: sub-layers replaced by their state's shapes. */
  private static Map<String, Object> shapesConfig(Map<String, Object> config) {
    Map<String, Object> out = new LinkedHashMap<>();
    config.forEach((k, v) -> out.put(k, shapesValue(v)));
    return out;
  }

  private static Object shapesValue(Object v) {
    if (v instanceof Module m) {
      Map<String, int[]> shapes = new LinkedHashMap<>();
      m.stateDict().forEach((k, t) -> shapes.put(k, t.shape()));
      return shapes;
    }
    if (v instanceof List<?> list) {
      return list.stream().map(ModelFilesHostileTest::shapesValue).toList();
    }
    return v;
  }
}
