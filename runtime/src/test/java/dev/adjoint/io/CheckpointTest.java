package dev.adjoint.io;

import static dev.adjoint.io.StateTreeAssertions.assertTensorBitsEqual;
import static dev.adjoint.io.StateTreeAssertions.assertTreeEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.AdamW;
import dev.adjoint.optim.CosineAnnealingLR;
import dev.adjoint.optim.LRScheduler;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.ParamGroup;
import dev.adjoint.optim.RMSprop;
import dev.adjoint.optim.ReduceLROnPlateau;
import dev.adjoint.optim.SGD;
import dev.adjoint.optim.StepLR;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Checkpoint}: every optimizer and scheduler round-trips exactly (the loaded state dicts
 * equal the saved ones, and so do those of fresh objects restored from them), the file is plain
 * safetensors, and every misuse gives a clear error and changes nothing.
 */
class CheckpointTest {
  @TempDir Path dir;

  private static final Tensor X = Tensor.randn(new Generator(11), 6, 3);
  private static final Tensor Y = Tensor.randn(new Generator(12), 6, 2);

  private static Module newModel(long seed) {
    Generator g = new Generator(seed);
    return new Sequential(new Linear(3, 4, true, g), new ReLU(), new Linear(4, 2, true, g));
  }

  private static void trainStep(Module model, Optimizer opt) {
    opt.zeroGrad();
    new MSELoss().call(model.call(X), Y).backward();
    opt.step();
  }

  private static final Map<String, Function<List<Tensor>, Optimizer>> OPTIMIZERS = Map.of(
      "SGD(momentum)", ps -> SGD.builder(ps).lr(0.05).momentum(0.9).nesterov(true).build(),
      "Adam(amsgrad)", ps -> Adam.builder(ps).lr(0.01).amsgrad(true).build(),
      "AdamW", ps -> AdamW.builder(ps).lr(0.01).weightDecay(0.1).build(),
      "RMSprop(centered, momentum)",
          ps -> RMSprop.builder(ps).lr(0.01).momentum(0.5).centered(true).build());

  private static final List<String> SCHEDULERS = List.of("StepLR", "CosineAnnealingLR",
      "ReduceLROnPlateau");

  static Stream<Arguments> optimizersAndSchedulers() {
    return OPTIMIZERS.keySet().stream().sorted()
        .flatMap(o -> SCHEDULERS.stream().map(s -> Arguments.of(o, s)));
  }

  /** A model, optimizer and scheduler: the scheduler is an LRScheduler or a ReduceLROnPlateau. */
  private record Training(Module model, Optimizer opt, Object scheduler) {
    static Training of(String optimizer, String scheduler, long seed) {
      Module model = newModel(seed);
      Optimizer opt = OPTIMIZERS.get(optimizer).apply(model.parameters());
      Object s = switch (scheduler) {
        case "StepLR" -> new StepLR(opt, 2, 0.5);
        case "CosineAnnealingLR" -> new CosineAnnealingLR(opt, 5, 1e-4);
        case "ReduceLROnPlateau" -> ReduceLROnPlateau.builder(opt).patience(0).factor(0.5)
            .build();
        default -> throw new AssertionError(scheduler);
      };
      return new Training(model, opt, s);
    }

    void epoch(double metric) {
      trainStep(model, opt);
      if (scheduler instanceof LRScheduler s) {
        s.step();
      } else {
        ((ReduceLROnPlateau) scheduler).step(metric);
      }
    }

    Map<String, Object> schedulerState() {
      return scheduler instanceof LRScheduler s ? s.stateDict()
          : ((ReduceLROnPlateau) scheduler).stateDict();
    }

    Checkpoint.Builder save() {
      Checkpoint.Builder b = Checkpoint.builder().model(model).optimizer(opt);
      return scheduler instanceof LRScheduler s ? b.scheduler(s)
          : b.scheduler((ReduceLROnPlateau) scheduler);
    }

    Checkpoint.Restorer restore(Checkpoint c) {
      Checkpoint.Restorer r = c.restorer().model(model).optimizer(opt);
      return scheduler instanceof LRScheduler s ? r.scheduler(s)
          : r.scheduler((ReduceLROnPlateau) scheduler);
    }
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("optimizersAndSchedulers")
  void optimizerAndSchedulerStatesRoundTripExactly(String optimizer, String scheduler)
      throws Exception {
    Training a = Training.of(optimizer, scheduler, 1);
    // The metric stalls from the third epoch, so ReduceLROnPlateau lowers the rate.
    double[] metrics = {1.0, 0.5, 0.6, 0.7, 0.8};
    for (double m : metrics) {
      a.epoch(m);
    }
    Path p = dir.resolve("ckpt.safetensors");
    a.save().epoch(4).loss(0.125).save(p);

    Checkpoint c = Checkpoint.load(p);
    assertTreeEquals(a.model.stateDict(), c.modelStateDict());
    assertTreeEquals(a.opt.stateDict(), c.optimizerStateDict());
    assertTreeEquals(a.schedulerState(), c.schedulerStateDict());

    Training b = Training.of(optimizer, scheduler, 2);
    b.epoch(3.0);
    b.restore(c).restore();
    assertTreeEquals(a.model.stateDict(), b.model.stateDict());
    assertTreeEquals(a.opt.stateDict(), b.opt.stateDict());
    assertTreeEquals(a.schedulerState(), b.schedulerState());

    // And both go on identically.
    a.epoch(0.9);
    b.epoch(0.9);
    assertTreeEquals(a.model.stateDict(), b.model.stateDict());
    assertTreeEquals(a.opt.stateDict(), b.opt.stateDict());
    assertTreeEquals(a.schedulerState(), b.schedulerState());
  }

  @Test
  void plateauStateBeforeAnyStepHoldsInfinity() throws Exception {
    Training a = Training.of("Adam(amsgrad)", "ReduceLROnPlateau", 1);
    assertEquals(Double.POSITIVE_INFINITY, a.schedulerState().get("best"));
    Path p = dir.resolve("c.ckpt");
    Checkpoint.builder().scheduler((ReduceLROnPlateau) a.scheduler).save(p);
    assertTreeEquals(a.schedulerState(), Checkpoint.load(p).schedulerStateDict());
  }

  @Test
  void scalarsGeneratorsAndMetadataRoundTrip() throws Exception {
    Generator g = new Generator(3);
    g.nextGaussian(); // moves the offset off 0
    Generator.manualSeed(99);
    Generator.defaultGenerator().nextLong();
    long[] defaultState = Generator.defaultGenerator().getState();
    long[] earlier = new Generator(4).getState();
    double nanLoss = Double.longBitsToDouble(0x7ff8000000000abcL);
    Path p = dir.resolve("c.ckpt");
    Checkpoint.builder().epoch(-3).step(1L << 40).loss(nanLoss).generator("loader", g)
        .generator("earlier", earlier).metadata("note", "\u00fcn\u00efc\u00f6d\u00e9 \"quoted\"")
        .metadata(Map.of("git", "abc123")).save(p);
    long[] gState = g.getState();
    g.nextLong();
    Generator.defaultGenerator().nextLong();

    Checkpoint c = Checkpoint.load(p);
    assertEquals(-3, c.epoch());
    assertEquals(1L << 40, c.step());
    assertEquals(0x7ff8000000000abcL, Double.doubleToRawLongBits(c.loss()));
    assertEquals(Map.of("note", "\u00fcn\u00efc\u00f6d\u00e9 \"quoted\"", "git", "abc123"),
        c.metadata());
    assertEquals(Set.of("loader", "earlier"), c.generatorNames());
    assertArrayEquals(earlier, c.generatorState("earlier"));
    assertArrayEquals(defaultState, c.defaultGeneratorState());
    assertFalse(c.hasModel() || c.hasOptimizer() || c.hasScheduler());

    Generator fresh = new Generator(0);
    c.restoreGenerators(Map.of("loader", fresh));
    assertArrayEquals(gState, fresh.getState());
    assertNotEquals(defaultState[2], Generator.defaultGenerator().getState()[2]); // offset
    c.restoreDefaultGenerator();
    assertArrayEquals(defaultState, Generator.defaultGenerator().getState());
    Generator other = new Generator(0);
    c.restoreGenerator("earlier", other);
    assertArrayEquals(earlier, other.getState());
  }

  @Test
  void theFileIsSafetensorsWithNamedEntries() throws Exception {
    Generator loaderGenerator = new Generator(5);
    Module model = newModel(1);
    Adam opt = new Adam(model.parameters(), 0.01);
    StepLR scheduler = new StepLR(opt, 2);
    trainStep(model, opt);
    Path p = dir.resolve("run.ckpt");
    Checkpoint.builder().model(model).optimizer(opt).scheduler(scheduler).epoch(0).loss(0.5)
        .generator("loader", loaderGenerator).metadata("note", "hi").save(p);

    SafeTensorsFile f = SafeTensors.read(p);
    Set<String> expected = new java.util.TreeSet<>(List.of("default_generator",
        "generators.loader", "model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"));
    for (int i = 0; i < 4; i++) {
      for (String k : List.of("step", "exp_avg", "exp_avg_sq")) {
        expected.add("optimizer.state." + i + "." + k);
      }
    }
    assertEquals(expected, new java.util.TreeSet<>(f.tensors().keySet()));
    assertEquals("adjoint-checkpoint", f.metadata().get("format"));
    assertEquals("1", f.metadata().get("version"));
    assertEquals(Set.of("format", "version", "model", "optimizer", "scheduler", "classes",
        "epoch", "loss", "default_generator", "generators", "metadata", "crc32c_header",
        "crc32c_data"), f.metadata().keySet());
    assertEquals("0", f.metadata().get("epoch"));
    assertEquals("0.5", f.metadata().get("loss"));
    assertEquals("{\"note\":\"hi\"}", f.metadata().get("metadata"));
    assertEquals("{\"model\":\"Sequential\",\"optimizer\":\"Adam\",\"scheduler\":\"StepLR\"}",
        f.metadata().get("classes"));
    assertTensorBitsEqual(model.stateDict().get("0.weight"),
        f.tensor("model.0.weight"), "model.0.weight");
    assertTensorBitsEqual(Tensor.fromArray(loaderGenerator.getState(), Generator.STATE_LENGTH),
        f.tensor("generators.loader"), "generators.loader");
  }

  @Test
  void optimizerStateAlone() throws Exception {
    Module model = newModel(1);
    SGD opt = SGD.builder(model.parameters()).lr(0.1).momentum(0.9).build();
    trainStep(model, opt);
    Path p = dir.resolve("opt.ckpt");
    Checkpoint.builder().optimizer(opt).defaultGenerator(false).save(p);
    assertEquals(4, SafeTensors.read(p).tensors().size(), "the four momentum buffers only");

    Module other = newModel(1);
    SGD fresh = SGD.builder(other.parameters()).lr(0.5).build();
    Checkpoint c = Checkpoint.load(p);
    assertFalse(c.hasDefaultGenerator());
    c.restore(fresh);
    assertTreeEquals(opt.stateDict(), fresh.stateDict());
  }

  // ================================================================== errors

  @Test
  void aFileThatIsNotACheckpointIsRefused() throws Exception {
    Path weights = dir.resolve("weights.safetensors");
    SafeTensors.save(Map.of("w", Tensor.ones(2)), weights);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Checkpoint.load(weights));
    assertEquals(weights + ": not an Adjoint checkpoint: its metadata has no \"format\" entry"
        + " where a checkpoint has \"format\": \"adjoint-checkpoint\" (it is a safetensors file"
        + " with 1 tensor(s); SafeTensors.read reads it)", e.getMessage());

    Path other = dir.resolve("other.safetensors");
    SafeTensors.save(Map.of(), Map.of("format", "pt"), other);
    assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(other)).getMessage()
        .contains("its metadata has \"format\": \"pt\" where"));

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello, this is not a checkpoint", StandardCharsets.UTF_8);
    assertThrows(SafeTensorsException.class, () -> Checkpoint.load(text));
  }

  /** Writes a file with checkpoint metadata {@code extra} over a valid version 1 marker. */
  private Path crafted(Map<String, Tensor> tensors, String... extra) throws Exception {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "adjoint-checkpoint");
    meta.put("version", "1");
    for (int i = 0; i < extra.length; i += 2) {
      meta.put(extra[i], extra[i + 1]);
    }
    Path p = dir.resolve("crafted.ckpt");
    SafeTensors.save(tensors, meta, p);
    return p;
  }

  private String loadError(Map<String, Tensor> tensors, String... extra) throws Exception {
    Path p = crafted(tensors, extra);
    String message = assertThrows(CheckpointException.class, () -> Checkpoint.load(p))
        .getMessage();
    assertTrue(message.startsWith(p + ": "), message);
    return message;
  }

  @Test
  void malformedCheckpointsAreRefused() throws Exception {
    Map<String, Tensor> none = Map.of();
    assertTrue(loadError(none, "version", "2").contains("checkpoint version \"2\" is not one"
        + " this Adjoint reads (it reads version \"1\")"));
    assertTrue(loadError(none, "extra", "1").contains("unknown metadata entry \"extra\"; a"
        + " version 1 checkpoint has [format, version, model, optimizer"));
    assertTrue(loadError(none, "epoch", "\"three\"").contains("epoch must be an Integer, got the"
        + " String \"three\""));
    assertTrue(loadError(none, "epoch", "{\"__long__\":3}").contains("epoch must be an Integer,"
        + " got a Long 3"));
    assertTrue(loadError(none, "loss", "1").contains("loss must be a Double, got an Integer 1"));
    assertTrue(loadError(none, "step", "3").contains("step must be a Long, got an Integer 3"));
    assertTrue(loadError(none, "metadata", "{\"a\":1}").contains("metadata.a must be a String"));
    assertTrue(loadError(none, "model", "[]").contains("model must be a map, got a list"));
    assertTrue(loadError(none, "model", "{\"w\":1.5}", "classes", "{\"model\":\"M\"}")
        .contains("model.w must be a tensor, got a Double 1.5"));
    assertTrue(loadError(none, "optimizer", "{\"__map__\":[[0,1]]}", "classes",
        "{\"optimizer\":\"SGD\"}").contains("entry \"optimizer\" must be a map with String keys,"
        + " but has the key 0 (Integer)"));
    assertTrue(loadError(Map.of("model.w", Tensor.ones(1)), "model",
        "{\"w\":{\"__tensor__\":\"model.w\"}}").contains("entry \"classes\" must name the class"
        + " of each saved part"));
    assertTrue(loadError(Map.of("g", Tensor.ones(3)), "default_generator",
        "{\"__tensor__\":\"g\"}").contains("default_generator must be a generator state, an int64"
        + " tensor of shape [3], got a torch.float32 tensor of shape [3]"));
    assertTrue(loadError(Map.of("g", Tensor.fromArray(new long[5], 5)), "default_generator",
        "{\"__tensor__\":\"g\"}").contains("default_generator must be a generator state, an int64"
        + " tensor of shape [3], got a torch.int64 tensor of shape [5] (the xoshiro256** state of"
        + " a checkpoint written before Adjoint's generator became Philox4x32-10; that generator"
        + " cannot be resumed)"));
    assertTrue(loadError(Map.of("g", Tensor.fromArray(new long[3], 3)), "generators",
        "{\"loader\":{\"__tensor__\":\"g\"}}").contains("generators.loader is not a valid"
        + " generator state: Generator.setState: not a Philox4x32-10 generator state (its first"
        + " long is 0x0, expected 0x5048494c4f580001)"));
    assertTrue(loadError(Map.of("stray", Tensor.ones(1))).contains("tensor entry \"stray\" is"
        + " not referenced by any metadata entry"));
    assertTrue(loadError(none, "optimizer", "{\"state\":{\"__tensor__\":\"gone\"}}")
        .contains("metadata entry \"optimizer\": optimizer.state: refers to tensor entry"
            + " \"gone\", which the file does not have"));
  }

  @Test
  void restoringWhatTheFileDoesNotHoldIsAClearError() throws Exception {
    Path p = dir.resolve("partial.ckpt");
    Checkpoint.builder().epoch(2).defaultGenerator(false).save(p);
    Checkpoint c = Checkpoint.load(p);
    Module model = newModel(1);
    Adam opt = new Adam(model.parameters());
    String m = assertThrows(NoSuchElementException.class, () -> c.restore(model)).getMessage();
    assertEquals(p + ": the checkpoint holds no model state; it holds epoch 2", m);
    m = assertThrows(NoSuchElementException.class,
        () -> c.restorer().model(model).optimizer(opt).scheduler(new StepLR(opt, 1))
            .generator("loader", new Generator(1)).restore()).getMessage();
    assertEquals(p + ": the checkpoint holds no model state, no optimizer state, no scheduler"
        + " state, no generator named \"loader\"; it holds epoch 2", m);
    assertThrows(NoSuchElementException.class, () -> c.loss());
    assertThrows(NoSuchElementException.class, () -> c.step());
    assertThrows(NoSuchElementException.class, () -> c.restoreDefaultGenerator());
    assertThrows(NoSuchElementException.class, () -> c.optimizerStateDict());
    assertEquals(2, c.epoch());
  }

  @Test
  void anotherOptimizerOrSchedulerClassIsRefused() throws Exception {
    Training a = Training.of("Adam(amsgrad)", "StepLR", 1);
    a.epoch(1);
    Path p = dir.resolve("c.ckpt");
    a.save().save(p);
    Checkpoint c = Checkpoint.load(p);
    Module model = newModel(1);
    SGD sgd = SGD.builder(model.parameters()).lr(0.1).build();
    assertEquals(p + ": the checkpoint's optimizer state was saved from class Adam and cannot"
        + " be restored into class SGD",
        assertThrows(IllegalArgumentException.class, () -> c.restore(sgd)).getMessage());
    Adam adam = new Adam(model.parameters());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> c.restore(new CosineAnnealingLR(adam, 3))).getMessage().contains("scheduler state"
            + " was saved from class StepLR and cannot be restored into class CosineAnnealingLR"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> c.restore(new ReduceLROnPlateau(adam))).getMessage().contains("class StepLR"));
  }

  @Test
  void aFailedRestoreChangesNothing() throws Exception {
    Training a = Training.of("SGD(momentum)", "StepLR", 1);
    a.epoch(1);
    a.epoch(1);
    Path p = dir.resolve("c.ckpt");
    a.save().generator("loader", new Generator(8)).save(p);
    Checkpoint c = Checkpoint.load(p);

    // The optimizer fits, but the scheduler belongs to an optimizer with two groups, so its
    // state does not: the optimizer, loaded first, must be put back.
    Training b = Training.of("SGD(momentum)", "StepLR", 2);
    b.epoch(1);
    Module m = newModel(3);
    SGD twoGroups = SGD.builder(ParamGroup.of(m.parameters().subList(0, 2)),
        ParamGroup.of(m.parameters().subList(2, 4))).lr(0.1).build();
    StepLR foreign = new StepLR(twoGroups, 1);
    Generator loader = new Generator(9);
    Generator.manualSeed(1234);
    Map<String, Object> optBefore = deepCopy(b.opt.stateDict());
    Map<String, Tensor> modelBefore = deepCopy(b.model.stateDict());
    Map<String, Object> foreignBefore = foreign.stateDict();
    long[] loaderBefore = loader.getState();
    long[] defaultBefore = Generator.defaultGenerator().getState();
    String msg = assertThrows(IllegalArgumentException.class, () -> c.restorer().model(b.model)
        .optimizer(b.opt).scheduler(foreign).generator("loader", loader).restore()).getMessage();
    assertTrue(msg.startsWith(p + ": cannot restore the scheduler: StepLR.loadStateDict:"
        + " \"base_lrs\" must be a list of 2 number(s)"), msg);
    assertTreeEquals(optBefore, b.opt.stateDict());
    assertTreeEquals(modelBefore, b.model.stateDict());
    assertTreeEquals(foreignBefore, foreign.stateDict());
    assertArrayEquals(loaderBefore, loader.getState());
    assertArrayEquals(defaultBefore, Generator.defaultGenerator().getState());

    // A model of another shape is refused before anything is loaded.
    Generator g = new Generator(1);
    Module wide = new Sequential(new Linear(3, 5, true, g), new ReLU(), new Linear(5, 2, true, g));
    msg = assertThrows(IllegalArgumentException.class, () -> c.restorer().model(wide)
        .optimizer(b.opt).scheduler((LRScheduler) b.scheduler).restore()).getMessage();
    assertTrue(msg.startsWith(p + ": cannot restore the model: Error(s) in loading state dict"
        + " for Sequential:\n  Size or dtype mismatch for 0.weight: shape [4, 3] in the state"
        + " dict, [5, 3] in the module"), msg);
    assertTreeEquals(optBefore, b.opt.stateDict());
    assertArrayEquals(defaultBefore, Generator.defaultGenerator().getState());

    // An optimizer whose groups do not match is refused by loadStateDict, unchanged.
    msg = assertThrows(IllegalArgumentException.class, () -> c.restore(twoGroups)).getMessage();
    assertTrue(msg.startsWith(p + ": cannot restore the optimizer: SGD.loadStateDict: the state"
        + " dict has 1 parameter group(s), this SGD has 2"), msg);

    // A missing generator name is found before anything changes.
    assertThrows(NoSuchElementException.class, () -> c.restoreGenerators(Map.of("loader", loader,
        "nope", new Generator(1))));
    assertArrayEquals(loaderBefore, loader.getState());
  }

  @Test
  void builderArgumentsAreChecked() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder()
        .generator("g", new long[3])).getMessage().contains("state of \"g\" is not a generator"
            + " state"));
    assertThrows(NullPointerException.class, () -> Checkpoint.builder().metadata("k", null));
    Module model = newModel(1);
    SGD opt = SGD.builder(ParamGroup.of(model.parameters()).set("custom", new int[] {1}))
        .lr(0.1).build();
    Path p = dir.resolve("bad.ckpt");
    String msg = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.builder().optimizer(opt).save(p)).getMessage();
    assertTrue(msg.contains("state tree: optimizer.param_groups.0.custom is a [I"), msg);
    assertFalse(Files.exists(p), "nothing is written when encoding fails");
  }

  @SuppressWarnings("unchecked")
  private static <T> Map<String, T> deepCopy(Map<String, T> m) {
    Map<String, T> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, (T) copy(v)));
    return out;
  }

  private static Object copy(Object v) {
    if (v instanceof Tensor t) {
      return t.clone();
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, copy(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(CheckpointTest::copy).toList();
    }
    return v;
  }
}
