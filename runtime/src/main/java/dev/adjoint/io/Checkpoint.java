package dev.adjoint.io;

import dev.adjoint.nn.Module;
import dev.adjoint.optim.LRScheduler;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.ReduceLROnPlateau;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A training checkpoint in one safetensors file: the port of saving a dict of
 * {@code model.state_dict()}, {@code optimizer.state_dict()}, {@code scheduler.state_dict()},
 * the epoch, the loss and the RNG states with {@code torch.save}, and of restoring them with
 * {@code load_state_dict} and {@code set_rng_state}. Nothing is ever deserialized as Java objects.
 *
 * <pre>{@code
 * Checkpoint.builder()
 *     .model(model).optimizer(opt).scheduler(scheduler)
 *     .epoch(epoch).loss(loss.item())
 *     .generator("loader", loaderGenerator)       // the default generator is saved anyway
 *     .metadata("note", "lr sweep 3")
 *     .save(Path.of("run.ckpt"));
 *
 * Checkpoint c = Checkpoint.load(Path.of("run.ckpt"));
 * c.restorer().model(model).optimizer(opt).scheduler(scheduler)
 *     .generator("loader", loaderGenerator).restore();   // all or nothing
 * int nextEpoch = c.epoch() + 1;
 * }</pre>
 *
 * <p>Each part can also be restored on its own ({@link #restore(Module)},
 * {@link #restore(Optimizer)}, {@link #restore(LRScheduler)}, {@link #restoreGenerators}, ...), and
 * a checkpoint may hold any subset of the parts: {@code Checkpoint.builder().optimizer(opt)
 * .save(p)} saves an optimizer's state alone and {@code Checkpoint.load(p).restore(opt)} loads it.
 * The single-part methods change only their own target; {@link #restorer()} also restores the
 * default generator unless told not to.
 * Restoring a part the file does not hold throws {@link NoSuchElementException}; restoring into a
 * target that does not fit (other parameter names or shapes, another optimizer class) throws
 * {@link IllegalArgumentException} naming the file and leaves the target unchanged.
 *
 * <p><b>Exact resume.</b> Training resumed from a checkpoint repeats, bit for bit on the same
 * device, what uninterrupted training would have done, provided the checkpoint holds every source
 * of randomness: the default generator (saved unless {@link Builder#defaultGenerator(boolean)}
 * turns it off; dropout and initialisation draw from it) and each generator of its own (a
 * {@code DataLoader}'s, a {@code Dropout}'s), by name. At an epoch boundary, save the loader's
 * generator as it is. <b>In the middle of an epoch</b>, a {@code DataLoader} has already drawn the
 * epoch's order, which its generator cannot give back; save instead the generator's state from
 * before the epoch started, and the number of batches done, e.g. as the {@link Builder#step}:
 *
 * <pre>{@code
 * for (int epoch = start; epoch < epochs; epoch++) {
 *   long[] epochStart = loaderGenerator.getState();     // before the loader draws its order
 *   int batch = 0;
 *   for (Tensor[] b : loader) {
 *     if (batch++ < skip) continue;                    // batches done before the checkpoint
 *     ... train ...; step++;
 *     if (step % 1000 == 0) {
 *       Checkpoint.builder().model(model).optimizer(opt).scheduler(scheduler)
 *           .epoch(epoch).step(step).generator("loader", epochStart).save(path);
 *     }
 *   }
 *   skip = 0;
 *   scheduler.step();
 * }
 * }</pre>
 *
 * After restoring, the loop starts at epoch {@link #epoch()} and skips the first
 * {@code step() - epoch() * loader.size()} batches: the restored generator draws the same order
 * again, and skipping batches draws nothing.
 *
 * <p><b>The file.</b> A checkpoint is a valid safetensors file that Python's {@code safetensors}
 * reads. Its {@code __metadata__} has {@code "format": "adjoint-checkpoint"} and
 * {@code "version": "1"}, and one entry per part ({@code model}, {@code optimizer},
 * {@code scheduler}, {@code classes}, {@code epoch}, {@code step}, {@code loss},
 * {@code default_generator}, {@code generators}, {@code metadata}) holding that part's state as
 * JSON; tensors are entries named by their place in it: {@code model.fc.weight},
 * {@code optimizer.state.0.exp_avg}, {@code generators.loader} (a generator's state is an int64
 * tensor of 5 elements). Value types survive exactly: an Integer stays an Integer and a Double
 * keeps its bits, NaN and infinities included. Two more entries, {@code crc32c_header} and
 * {@code crc32c_data}, hold checksums of the rest of the header and of the tensor data, which
 * {@link #load(Path)} verifies (see {@link LoadOption#SKIP_CHECKSUM}). Computing them costs little
 * next to the disk: about 0.05 s per GiB loaded (CRC32C is hardware-accelerated).
 */
public final class Checkpoint {
  /** The value of the metadata entry {@code "format"} that marks a file as a checkpoint. */
  public static final String FORMAT = "adjoint-checkpoint";

  /** The version of the layout this class writes, and the only one it reads. */
  public static final String VERSION = "1";

  static final String FORMAT_KEY = "format";
  static final String VERSION_KEY = "version";
  static final String MODEL = "model";
  static final String OPTIMIZER = "optimizer";
  static final String SCHEDULER = "scheduler";
  static final String CLASSES = "classes";
  static final String EPOCH = "epoch";
  static final String STEP = "step";
  static final String LOSS = "loss";
  static final String DEFAULT_GENERATOR = "default_generator";
  static final String GENERATORS = "generators";
  static final String METADATA = "metadata";

  private static final List<String> KEYS = List.of(FORMAT_KEY, VERSION_KEY, MODEL, OPTIMIZER,
      SCHEDULER, CLASSES, EPOCH, STEP, LOSS, DEFAULT_GENERATOR, GENERATORS, METADATA,
      Checksums.HEADER_KEY, Checksums.DATA_KEY);
  private static final int GENERATOR_STATE_LENGTH = Generator.STATE_LENGTH;

  private final String source;
  private final Map<String, Tensor> model;
  private final Map<String, Object> optimizer;
  private final Map<String, Object> scheduler;
  private final Map<String, String> classes;
  private final Integer epoch;
  private final Long step;
  private final Double loss;
  private final long[] defaultGenerator;
  private final Map<String, long[]> generators;
  private final Map<String, String> metadata;

  private Checkpoint(String source, Map<String, Tensor> model, Map<String, Object> optimizer,
      Map<String, Object> scheduler, Map<String, String> classes, Integer epoch, Long step,
      Double loss, long[] defaultGenerator, Map<String, long[]> generators,
      Map<String, String> metadata) {
    this.source = source;
    this.model = model;
    this.optimizer = optimizer;
    this.scheduler = scheduler;
    this.classes = classes;
    this.epoch = epoch;
    this.step = step;
    this.loss = loss;
    this.defaultGenerator = defaultGenerator;
    this.generators = generators;
    this.metadata = metadata;
  }

  // ================================================================== saving

  /** A builder for a checkpoint file; nothing is read from the parts until {@link Builder#save}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What a checkpoint holds, gathered by setters and written by {@link #save}. Every setter
   * replaces an earlier value of the same part. The live parts (model, optimizer, scheduler,
   * {@link Generator}s) are read when {@link #save} runs, not when they are set.
   */
  public static final class Builder {
    private Module model;
    private Optimizer optimizer;
    private LRScheduler lrScheduler;
    private ReduceLROnPlateau plateau;
    private Integer epoch;
    private Long step;
    private Double loss;
    private boolean defaultGenerator = true;
    private final Map<String, Object> generators = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder() {}

    /** Saves {@code model.stateDict()}: parameters and persistent buffers. */
    public Builder model(Module model) {
      this.model = Objects.requireNonNull(model, "Checkpoint.Builder.model: model");
      return this;
    }

    /** Saves {@code optimizer.stateDict()}: its parameter groups and per-parameter state. */
    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = Objects.requireNonNull(optimizer, "Checkpoint.Builder.optimizer: optimizer");
      return this;
    }

    /** Saves {@code scheduler.stateDict()} (replacing a {@link ReduceLROnPlateau} set before). */
    public Builder scheduler(LRScheduler scheduler) {
      this.lrScheduler = Objects.requireNonNull(scheduler,
          "Checkpoint.Builder.scheduler: scheduler");
      this.plateau = null;
      return this;
    }

    /** Saves {@code scheduler.stateDict()} (replacing an {@link LRScheduler} set before). */
    public Builder scheduler(ReduceLROnPlateau scheduler) {
      this.plateau = Objects.requireNonNull(scheduler, "Checkpoint.Builder.scheduler: scheduler");
      this.lrScheduler = null;
      return this;
    }

    /** Saves an epoch number, whatever it counts (commonly the last epoch completed). */
    public Builder epoch(int epoch) {
      this.epoch = epoch;
      return this;
    }

    /** Saves a step number, e.g. the optimizer steps taken so far. */
    public Builder step(long step) {
      this.step = step;
      return this;
    }

    /** Saves a loss, exactly (NaN and infinities too). */
    public Builder loss(double loss) {
      this.loss = loss;
      return this;
    }

    /**
     * Saves the state {@code generator} has when {@link #save} runs, under {@code name}: for a
     * {@code DataLoader}'s or a layer's own generator. The default generator is saved apart (see
     * {@link #defaultGenerator(boolean)}).
     */
    public Builder generator(String name, Generator generator) {
      Objects.requireNonNull(name, "Checkpoint.Builder.generator: name");
      generators.put(name, Objects.requireNonNull(generator,
          () -> "Checkpoint.Builder.generator: generator \"" + name + "\" is null"));
      return this;
    }

    /**
     * Saves {@code state} (from {@link Generator#getState()}; copied now) as the state of the
     * generator {@code name}: for a state taken earlier, such as a {@code DataLoader}'s generator
     * before the epoch began (see the class documentation on resuming mid-epoch).
     *
     * @throws IllegalArgumentException when {@code state} is not a generator state
     */
    public Builder generator(String name, long[] state) {
      Objects.requireNonNull(name, "Checkpoint.Builder.generator: name");
      Objects.requireNonNull(state, () -> "Checkpoint.Builder.generator: state of \"" + name
          + "\" is null");
      try {
        new Generator(0).setState(state);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Checkpoint.Builder.generator: state of \"" + name
            + "\" is not a generator state: " + e.getMessage(), e);
      }
      generators.put(name, state.clone());
      return this;
    }

    /** Whether to save the default generator's state ({@code torch.get_rng_state}; default on). */
    public Builder defaultGenerator(boolean save) {
      this.defaultGenerator = save;
      return this;
    }

    /** Saves a string of user metadata under {@code key}. */
    public Builder metadata(String key, String value) {
      Objects.requireNonNull(key, "Checkpoint.Builder.metadata: key");
      metadata.put(key, Objects.requireNonNull(value,
          () -> "Checkpoint.Builder.metadata: value of \"" + key + "\" is null"));
      return this;
    }

    /** Saves every entry of {@code metadata} as user metadata. */
    public Builder metadata(Map<String, String> metadata) {
      Objects.requireNonNull(metadata, "Checkpoint.Builder.metadata: metadata");
      metadata.forEach(this::metadata);
      return this;
    }

    /**
     * Reads the state of every part now and writes the checkpoint to {@code path} atomically
     * (the file is either the old one or the complete new one, even after a crash).
     *
     * @throws IllegalArgumentException when a state holds something a checkpoint cannot store
     *     (a custom option value of an unsupported type, say), naming where it is
     * @throws IOException when the file cannot be written
     */
    public void save(Path path) throws IOException {
      Objects.requireNonNull(path, "Checkpoint.Builder.save: path");
      Map<String, Object> root = new LinkedHashMap<>();
      Map<String, String> classNames = new LinkedHashMap<>();
      if (model != null) {
        root.put(MODEL, model.stateDict());
        classNames.put(MODEL, model.getClass().getSimpleName());
      }
      if (optimizer != null) {
        root.put(OPTIMIZER, optimizer.stateDict());
        classNames.put(OPTIMIZER, optimizer.getClass().getSimpleName());
      }
      if (lrScheduler != null || plateau != null) {
        root.put(SCHEDULER, lrScheduler != null ? lrScheduler.stateDict() : plateau.stateDict());
        classNames.put(SCHEDULER, (lrScheduler != null ? lrScheduler : plateau).getClass()
            .getSimpleName());
      }
      if (!classNames.isEmpty()) {
        root.put(CLASSES, classNames);
      }
      if (epoch != null) {
        root.put(EPOCH, epoch);
      }
      if (step != null) {
        root.put(STEP, step);
      }
      if (loss != null) {
        root.put(LOSS, loss);
      }
      if (defaultGenerator) {
        root.put(DEFAULT_GENERATOR, stateTensor(Generator.defaultGenerator().getState()));
      }
      if (!generators.isEmpty()) {
        Map<String, Tensor> states = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : generators.entrySet()) {
          long[] state = e.getValue() instanceof Generator g ? g.getState() : (long[]) e.getValue();
          states.put(e.getKey(), stateTensor(state));
        }
        root.put(GENERATORS, states);
      }
      if (!metadata.isEmpty()) {
        root.put(METADATA, new LinkedHashMap<>(metadata));
      }
      StateCodec.Encoded encoded = StateCodec.encode(root);
      Map<String, String> fileMetadata = new LinkedHashMap<>();
      fileMetadata.put(FORMAT_KEY, FORMAT);
      fileMetadata.put(VERSION_KEY, VERSION);
      fileMetadata.putAll(encoded.metadata());
      SafeTensors.save(encoded.tensors(), fileMetadata, path, true);
    }

    private static Tensor stateTensor(long[] state) {
      return Tensor.fromArray(state, state.length);
    }
  }

  // ================================================================== loading

  /**
   * Reads the checkpoint at {@code path} and checks all of it, its checksums included; nothing is
   * restored until a {@code restore} method is called. Tensors are on the CPU; restoring copies
   * them to each target's device. A checkpoint saved before checksums existed has none and loads
   * unverified.
   *
   * @throws SafeTensorsException when the file is not valid safetensors
   * @throws CheckpointException when it is valid safetensors but not a checkpoint this class
   *     reads (no checkpoint marker, another version, an unknown entry, state that does not
   *     decode or has the wrong type, a header or data that does not match its checksum), naming
   *     the file, the entry and the problem
   * @throws IOException when the file cannot be read
   */
  public static Checkpoint load(Path path) throws IOException {
    return load(path, new LoadOption[0]);
  }

  /**
   * As {@link #load(Path)}, with options: {@link LoadOption#SKIP_CHECKSUM} loads a file whose
   * checksums do not match (or skips computing them).
   *
   * @throws CheckpointException as {@link #load(Path)}, and when the checkpoint's header or tensor
   *     data does not match the checksum saved with it (unless told to skip it); the message says
   *     which
   */
  public static Checkpoint load(Path path, LoadOption... options) throws IOException {
    Objects.requireNonNull(path, "Checkpoint.load: path");
    boolean verify = LoadOption.verify(options);
    SafeTensors.Contents contents = SafeTensors.read(path, verify);
    String source = path.toString();
    if (verify) {
      String problem = Checksums.problem(contents, "checkpoint", "Checkpoint.load(path,"
          + " LoadOption.SKIP_CHECKSUM) loads it anyway");
      if (problem != null) {
        throw new CheckpointException(source + ": " + problem);
      }
    }
    return from(contents.file(), source);
  }

  /** The checkpoint held by {@code file}; {@code source} names it in messages. */
  static Checkpoint from(SafeTensorsFile file, String source) throws CheckpointException {
    Map<String, String> meta = file.metadata();
    String format = meta.get(FORMAT_KEY);
    if (!FORMAT.equals(format)) {
      throw new CheckpointException(source + ": not an Adjoint checkpoint: its metadata has "
          + (format == null ? "no \"format\" entry" : "\"format\": "
              + JsonReader.quoteForMessage(format))
          + " where a checkpoint has \"format\": \"" + FORMAT + "\" (it is a safetensors file"
          + " with " + file.tensors().size() + " tensor(s); SafeTensors.read reads it)");
    }
    String version = meta.get(VERSION_KEY);
    if (!VERSION.equals(version)) {
      throw new CheckpointException(source + ": checkpoint version "
          + (version == null ? "(none)" : JsonReader.quoteForMessage(version))
          + " is not one this Adjoint reads (it reads version \"" + VERSION + "\")");
    }
    for (String key : meta.keySet()) {
      if (!KEYS.contains(key)) {
        throw new CheckpointException(source + ": unknown metadata entry "
            + JsonReader.quoteForMessage(key) + "; a version " + VERSION + " checkpoint has "
            + KEYS);
      }
    }
    Map<String, Object> parts = StateCodec.decode(file.tensors(), meta,
        Set.of(FORMAT_KEY, VERSION_KEY, Checksums.HEADER_KEY, Checksums.DATA_KEY), source);
    Parts p = new Parts(parts, source);
    Map<String, Tensor> model = p.tensorMap(MODEL);
    Map<String, Object> optimizer = p.stringKeyed(OPTIMIZER);
    Map<String, Object> scheduler = p.stringKeyed(SCHEDULER);
    Map<String, String> classes = p.stringMap(CLASSES);
    Integer epoch = p.typed(EPOCH, Integer.class);
    Long step = p.typed(STEP, Long.class);
    Double loss = p.typed(LOSS, Double.class);
    long[] defaultGenerator = p.has(DEFAULT_GENERATOR)
        ? generatorState(parts.get(DEFAULT_GENERATOR), DEFAULT_GENERATOR, source)
        : null;
    Map<String, long[]> generators = new LinkedHashMap<>();
    Map<String, Tensor> generatorTensors = p.tensorMap(GENERATORS);
    if (generatorTensors != null) {
      for (Map.Entry<String, Tensor> e : generatorTensors.entrySet()) {
        generators.put(e.getKey(), generatorState(e.getValue(), GENERATORS + "." + e.getKey(),
            source));
      }
    }
    Map<String, String> metadata = p.stringMap(METADATA);
    Map<String, String> classNames = classes == null ? Map.of() : classes;
    for (String part : List.of(MODEL, OPTIMIZER, SCHEDULER)) {
      if (p.has(part) != classNames.containsKey(part)) {
        throw new CheckpointException(source + ": entry \"" + CLASSES + "\" must name the class"
            + " of each saved part (model, optimizer, scheduler) and nothing else; it has "
            + classNames.keySet() + " for the parts " + p.presentOf(MODEL, OPTIMIZER, SCHEDULER));
      }
    }
    if (classNames.size() != p.presentOf(MODEL, OPTIMIZER, SCHEDULER).size()) {
      throw new CheckpointException(source + ": entry \"" + CLASSES + "\" has unknown part(s): "
          + classNames.keySet());
    }
    return new Checkpoint(source, model, optimizer, scheduler, classNames, epoch, step, loss,
        defaultGenerator, Collections.unmodifiableMap(generators),
        metadata == null ? Map.of() : metadata);
  }

  /** The decoded entries, with checked conversions to what each part must be. */
  private record Parts(Map<String, Object> parts, String source) {
    boolean has(String key) {
      return parts.containsKey(key);
    }

    List<String> presentOf(String... keys) {
      List<String> out = new ArrayList<>();
      for (String k : keys) {
        if (has(k)) {
          out.add(k);
        }
      }
      return out;
    }

    <T> T typed(String key, Class<T> type) throws CheckpointException {
      if (!has(key)) {
        return null;
      }
      Object v = parts.get(key);
      if (!type.isInstance(v)) {
        throw wrongType(key, withArticle(type.getSimpleName()), v);
      }
      return type.cast(v);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> stringKeyed(String key) throws CheckpointException {
      if (!has(key)) {
        return null;
      }
      Object v = parts.get(key);
      if (!(v instanceof Map<?, ?> m)) {
        throw wrongType(key, "a map", v);
      }
      for (Object k : m.keySet()) {
        if (!(k instanceof String)) {
          throw new CheckpointException(source + ": entry \"" + key + "\" must be a map with"
              + " String keys, but has the key " + k + " (" + k.getClass().getSimpleName() + ")");
        }
      }
      return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    Map<String, Tensor> tensorMap(String key) throws CheckpointException {
      Map<String, Object> m = stringKeyed(key);
      if (m != null) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
          if (!(e.getValue() instanceof Tensor)) {
            throw wrongType(key + "." + e.getKey(), "a tensor", e.getValue());
          }
        }
      }
      return (Map<String, Tensor>) (Map<String, ?>) m;
    }

    @SuppressWarnings("unchecked")
    Map<String, String> stringMap(String key) throws CheckpointException {
      Map<String, Object> m = stringKeyed(key);
      if (m != null) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
          if (!(e.getValue() instanceof String)) {
            throw wrongType(key + "." + e.getKey(), "a String", e.getValue());
          }
        }
      }
      return (Map<String, String>) (Map<String, ?>) m;
    }

    private CheckpointException wrongType(String path, String expected, Object v) {
      return new CheckpointException(source + ": " + path + " must be " + expected + ", got "
          + describe(v));
    }
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Tensor t) {
      return "a " + t.dtype() + " tensor of shape " + Arrays.toString(t.shape());
    }
    if (v instanceof String s) {
      return "the String " + JsonReader.quoteForMessage(s);
    }
    if (v instanceof Map) {
      return "a map";
    }
    if (v instanceof List) {
      return "a list";
    }
    return withArticle(v.getClass().getSimpleName()) + " " + v;
  }

  private static String withArticle(String noun) {
    return ("AEIOU".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  private static long[] generatorState(Object v, String path, String source)
      throws CheckpointException {
    if (!(v instanceof Tensor t) || t.dtype() != DType.INT64 || t.dim() != 1
        || t.numel() != GENERATOR_STATE_LENGTH) {
      throw new CheckpointException(source + ": " + path + " must be a generator state, an int64"
          + " tensor of shape [" + GENERATOR_STATE_LENGTH + "], got " + describe(v)
          + (v instanceof Tensor old && old.dtype() == DType.INT64 && old.dim() == 1
              && old.numel() == 5
              ? " (the xoshiro256** state of a checkpoint written before Adjoint's generator"
                  + " became Philox4x32-10; that generator cannot be resumed)" : ""));
    }
    long[] state = t.toLongArray();
    try {
      new Generator(0).setState(state);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(source + ": " + path + " is not a valid generator state: "
          + e.getMessage(), e);
    }
    return state;
  }

  // ================================================================== what it holds

  /** Whether the checkpoint holds a model's state dict. */
  public boolean hasModel() {
    return model != null;
  }

  /** Whether the checkpoint holds an optimizer's state dict. */
  public boolean hasOptimizer() {
    return optimizer != null;
  }

  /** Whether the checkpoint holds a scheduler's state dict. */
  public boolean hasScheduler() {
    return scheduler != null;
  }

  /** Whether the checkpoint holds an epoch number. */
  public boolean hasEpoch() {
    return epoch != null;
  }

  /** Whether the checkpoint holds a step number. */
  public boolean hasStep() {
    return step != null;
  }

  /** Whether the checkpoint holds a loss. */
  public boolean hasLoss() {
    return loss != null;
  }

  /** Whether the checkpoint holds the default generator's state. */
  public boolean hasDefaultGenerator() {
    return defaultGenerator != null;
  }

  /** The names of the generators saved with {@link Builder#generator}, in saved order. */
  public Set<String> generatorNames() {
    return generators.keySet();
  }

  /**
   * The saved epoch.
   *
   * @throws NoSuchElementException when the checkpoint holds none
   */
  public int epoch() {
    return require(epoch, "an epoch");
  }

  /**
   * The saved step.
   *
   * @throws NoSuchElementException when the checkpoint holds none
   */
  public long step() {
    return require(step, "a step");
  }

  /**
   * The saved loss, bit for bit.
   *
   * @throws NoSuchElementException when the checkpoint holds none
   */
  public double loss() {
    return require(loss, "a loss");
  }

  /** The user metadata (empty when none was saved; unmodifiable). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The saved model state dict (unmodifiable; its tensors belong to this checkpoint, so copy one
   * before changing it).
   *
   * @throws NoSuchElementException when the checkpoint holds none
   */
  public Map<String, Tensor> modelStateDict() {
    return require(model, "a model state");
  }

  /**
   * The saved optimizer state dict, in PyTorch's layout with the value types
   * {@link Optimizer#stateDict()} gives (unmodifiable; tensors as for {@link #modelStateDict()}).
   *
   * @throws NoSuchElementException when the checkpoint holds none
   */
  public Map<String, Object> optimizerStateDict() {
    return require(optimizer, "an optimizer state");
  }

  /**
   * The saved scheduler state dict (unmodifiable).
   *
   * @throws NoSuchElementException when the checkpoint holds none
   */
  public Map<String, Object> schedulerStateDict() {
    return require(scheduler, "a scheduler state");
  }

  /**
   * The saved state of the generator {@code name} (a copy, for {@link Generator#setState}).
   *
   * @throws NoSuchElementException when the checkpoint holds no generator of that name
   */
  public long[] generatorState(String name) {
    Objects.requireNonNull(name, "Checkpoint.generatorState: name");
    return require(generators.get(name), "a generator named \"" + name + "\"").clone();
  }

  /**
   * The saved state of the default generator (a copy).
   *
   * @throws NoSuchElementException when the checkpoint holds none
   */
  public long[] defaultGeneratorState() {
    return require(defaultGenerator, "the default generator's state").clone();
  }

  private <T> T require(T value, String what) {
    if (value == null) {
      throw new NoSuchElementException(source + ": the checkpoint holds no " + what.replaceFirst(
          "^(a|an|the) ", "") + "; it holds " + contents());
    }
    return value;
  }

  /** What the checkpoint holds, in words, for messages. */
  private String contents() {
    List<String> parts = new ArrayList<>();
    if (model != null) {
      parts.add("a " + classes.get(MODEL) + " model state");
    }
    if (optimizer != null) {
      parts.add("a " + classes.get(OPTIMIZER) + " optimizer state");
    }
    if (scheduler != null) {
      parts.add("a " + classes.get(SCHEDULER) + " scheduler state");
    }
    if (epoch != null) {
      parts.add("epoch " + epoch);
    }
    if (step != null) {
      parts.add("step " + step);
    }
    if (loss != null) {
      parts.add("loss " + loss);
    }
    if (defaultGenerator != null) {
      parts.add("the default generator");
    }
    if (!generators.isEmpty()) {
      parts.add("generators " + generators.keySet());
    }
    if (!metadata.isEmpty()) {
      parts.add("metadata " + metadata.keySet());
    }
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  // ================================================================== restoring

  /**
   * Loads the saved model state into {@code model} ({@code model.load_state_dict(state)},
   * strict: the keys must match exactly).
   *
   * @throws NoSuchElementException when the checkpoint holds no model state
   * @throws IllegalArgumentException when the keys, shapes or dtypes differ; the model is then
   *     unchanged
   */
  public void restore(Module model) {
    restorer().defaultGenerator(false).model(model).restore();
  }

  /**
   * Loads the saved optimizer state into {@code optimizer} ({@code load_state_dict}): options
   * and per-parameter state, matched by position.
   *
   * @throws NoSuchElementException when the checkpoint holds no optimizer state
   * @throws IllegalArgumentException when the optimizer is of another class than the saved one
   *     or its groups do not match; it is then unchanged
   */
  public void restore(Optimizer optimizer) {
    restorer().defaultGenerator(false).optimizer(optimizer).restore();
  }

  /**
   * Loads the saved scheduler state into {@code scheduler}.
   *
   * @throws NoSuchElementException when the checkpoint holds no scheduler state
   * @throws IllegalArgumentException when the scheduler is of another class than the saved one
   *     or the state does not fit it; it is then unchanged
   */
  public void restore(LRScheduler scheduler) {
    restorer().defaultGenerator(false).scheduler(scheduler).restore();
  }

  /**
   * Loads the saved scheduler state into {@code scheduler}.
   *
   * @throws NoSuchElementException when the checkpoint holds no scheduler state
   * @throws IllegalArgumentException when the saved scheduler was not a
   *     {@link ReduceLROnPlateau} or the state does not fit it; it is then unchanged
   */
  public void restore(ReduceLROnPlateau scheduler) {
    restorer().defaultGenerator(false).scheduler(scheduler).restore();
  }

  /**
   * Sets each generator of {@code generators} to the state saved under its name; the default
   * generator is not touched (see {@link #restoreDefaultGenerator()}).
   *
   * @throws NoSuchElementException when a name was not saved; no generator is then changed
   */
  public void restoreGenerators(Map<String, Generator> generators) {
    Objects.requireNonNull(generators, "Checkpoint.restoreGenerators: generators");
    Restorer r = restorer().defaultGenerator(false);
    generators.forEach(r::generator);
    r.restore();
  }

  /**
   * Sets {@code generator} to the state saved under {@code name}.
   *
   * @throws NoSuchElementException when no generator of that name was saved
   */
  public void restoreGenerator(String name, Generator generator) {
    restorer().defaultGenerator(false).generator(name, generator).restore();
  }

  /**
   * Sets the default generator to its saved state ({@code torch.set_rng_state}).
   *
   * @throws NoSuchElementException when the checkpoint holds no default generator state
   */
  public void restoreDefaultGenerator() {
    Generator.defaultGenerator().setState(defaultGeneratorState());
  }

  /**
   * A restore of several parts at once that succeeds or fails as a whole; it restores the
   * default generator too when the checkpoint holds it, unless turned off.
   */
  public Restorer restorer() {
    return new Restorer();
  }

  /**
   * Restores several parts of a checkpoint as one operation: every part named must be in the
   * checkpoint and fit its target, or nothing is changed.
   *
   * <pre>{@code
   * checkpoint.restorer().model(model).optimizer(opt).scheduler(scheduler)
   *     .generator("loader", loaderGenerator).restore();
   * }</pre>
   *
   * <p>All parts are checked before any is changed: presence, the optimizer's and scheduler's
   * classes, and the model's keys, shapes and dtypes. The optimizer and the scheduler are then
   * loaded (each checks its own state completely before changing anything); if the scheduler
   * refuses its state, the optimizer is put back as it was. The model and the generators, which
   * cannot fail after those checks, come last.
   */
  public final class Restorer {
    private Module model;
    private Optimizer optimizer;
    private LRScheduler lrScheduler;
    private ReduceLROnPlateau plateau;
    private final Map<String, Generator> named = new LinkedHashMap<>();
    private boolean defaultGenerator = true;

    private Restorer() {}

    /** Restores the model state into {@code model} (strict, as {@link #restore(Module)}). */
    public Restorer model(Module model) {
      this.model = Objects.requireNonNull(model, "Checkpoint.Restorer.model: model");
      return this;
    }

    /** Restores the optimizer state into {@code optimizer}. */
    public Restorer optimizer(Optimizer optimizer) {
      this.optimizer = Objects.requireNonNull(optimizer,
          "Checkpoint.Restorer.optimizer: optimizer");
      return this;
    }

    /** Restores the scheduler state into {@code scheduler}. */
    public Restorer scheduler(LRScheduler scheduler) {
      this.lrScheduler = Objects.requireNonNull(scheduler,
          "Checkpoint.Restorer.scheduler: scheduler");
      this.plateau = null;
      return this;
    }

    /** Restores the scheduler state into {@code scheduler}. */
    public Restorer scheduler(ReduceLROnPlateau scheduler) {
      this.plateau = Objects.requireNonNull(scheduler, "Checkpoint.Restorer.scheduler: scheduler");
      this.lrScheduler = null;
      return this;
    }

    /** Sets {@code generator} to the state saved under {@code name}. */
    public Restorer generator(String name, Generator generator) {
      Objects.requireNonNull(name, "Checkpoint.Restorer.generator: name");
      named.put(name, Objects.requireNonNull(generator,
          () -> "Checkpoint.Restorer.generator: generator \"" + name + "\" is null"));
      return this;
    }

    /**
     * Whether to set the default generator to its saved state, when the checkpoint holds one
     * (default on, as saving it is).
     */
    public Restorer defaultGenerator(boolean restore) {
      this.defaultGenerator = restore;
      return this;
    }

    /**
     * Restores every part named, or none.
     *
     * @throws NoSuchElementException when the checkpoint lacks a part named (listing all that it
     *     lacks); nothing is changed
     * @throws IllegalArgumentException when a part does not fit its target, naming the file and
     *     the part; nothing is changed
     */
    public void restore() {
      List<String> missing = new ArrayList<>();
      if (model != null && Checkpoint.this.model == null) {
        missing.add("model state");
      }
      if (optimizer != null && Checkpoint.this.optimizer == null) {
        missing.add("optimizer state");
      }
      if ((lrScheduler != null || plateau != null) && scheduler == null) {
        missing.add("scheduler state");
      }
      for (String name : named.keySet()) {
        if (!generators.containsKey(name)) {
          missing.add("generator named \"" + name + "\"");
        }
      }
      if (!missing.isEmpty()) {
        throw new NoSuchElementException(source + ": the checkpoint holds no "
            + String.join(", no ", missing) + "; it holds " + contents());
      }
      if (optimizer != null) {
        requireClass(OPTIMIZER, optimizer);
      }
      Object schedulerTarget = lrScheduler != null ? lrScheduler : plateau;
      if (schedulerTarget != null) {
        requireClass(SCHEDULER, schedulerTarget);
      }
      boolean modelDone = model != null && !modelFits();
      if (modelDone) {
        // Module.loadStateDict checks everything before it changes anything, and says best
        // what does not match; nothing else has been changed yet.
        loadModel();
      }

      Map<String, Object> optimizerBefore = optimizer != null ? optimizer.stateDict() : null;
      if (optimizer != null) {
        try {
          optimizer.loadStateDict(Checkpoint.this.optimizer);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(source + ": cannot restore the optimizer: "
              + e.getMessage(), e);
        }
      }
      try {
        if (lrScheduler != null) {
          lrScheduler.loadStateDict(scheduler);
        } else if (plateau != null) {
          plateau.loadStateDict(scheduler);
        }
      } catch (RuntimeException e) {
        rollBack(optimizerBefore, e);
        if (e instanceof IllegalArgumentException) {
          throw new IllegalArgumentException(source + ": cannot restore the scheduler: "
              + e.getMessage(), e);
        }
        throw e;
      }
      if (model != null && !modelDone) {
        // Checked above, so this does not fail for the state's sake.
        loadModel();
      }
      for (Map.Entry<String, Generator> e : named.entrySet()) {
        e.getValue().setState(generators.get(e.getKey()));
      }
      if (defaultGenerator && Checkpoint.this.defaultGenerator != null) {
        Generator.defaultGenerator().setState(Checkpoint.this.defaultGenerator);
      }
    }

    /** Puts the optimizer back as it was before this restore (when it was restored). */
    private void rollBack(Map<String, Object> optimizerBefore, RuntimeException failure) {
      if (optimizerBefore == null) {
        return;
      }
      // The saved dict holds the live tensors that loading replaced by copies and left as they
      // were, so loading it again restores the optimizer exactly.
      try {
        optimizer.loadStateDict(optimizerBefore);
      } catch (RuntimeException again) {
        failure.addSuppressed(again);
      }
    }

    private void loadModel() {
      try {
        model.loadStateDict(Checkpoint.this.model, true);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": cannot restore the model: "
            + e.getMessage(), e);
      }
    }

    /** Whether the model's keys, shapes and dtypes are the saved ones. */
    private boolean modelFits() {
      Map<String, Tensor> own = model.stateDict();
      if (!own.keySet().equals(Checkpoint.this.model.keySet())) {
        return false;
      }
      for (Map.Entry<String, Tensor> e : own.entrySet()) {
        Tensor saved = Checkpoint.this.model.get(e.getKey());
        if (!Arrays.equals(saved.shape(), e.getValue().shape())
            || saved.dtype() != e.getValue().dtype()) {
          return false;
        }
      }
      return true;
    }

    private void requireClass(String part, Object target) {
      String saved = classes.get(part);
      String given = target.getClass().getSimpleName();
      if (!given.equals(saved)) {
        throw new IllegalArgumentException(source + ": the checkpoint's " + part + " state was"
            + " saved from class " + saved + " and cannot be restored into class " + given);
      }
    }
  }

  /** The file and what it holds, e.g. {@code Checkpoint(run.ckpt: a Mlp model state, ...)}. */
  @Override
  public String toString() {
    return "Checkpoint(" + source + ": " + contents() + ")";
  }
}
