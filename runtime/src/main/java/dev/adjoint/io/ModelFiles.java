package dev.adjoint.io;

import dev.adjoint.nn.Configurable;
import dev.adjoint.nn.GeneratedConfig;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whole-model files: the port of {@code torch.save(model)} and {@code torch.load(path)}. The file
 * holds the model's class name, the constructor arguments that rebuild it (with sub-layers
 * described the same way) and its state dict, so loading needs no code that builds the model,
 * only its classes on the classpath.
 *
 * <pre>{@code
 * ModelFiles.save(model, Path.of("cnn.model"));
 * Sequential model = ModelFiles.load(Path.of("cnn.model"), Sequential.class);
 * model.eval();
 * }</pre>
 *
 * <p>The constructor arguments of a layer are those the processor generates from its
 * constructor ({@link GeneratedConfig}: each argument read back from the field of the same name;
 * see {@link dev.adjoint.annotations.Layer.Constructor}), or, for a layer that implements
 * {@link Configurable}, its own {@link Configurable#config()}, rebuilt by the public static
 * {@code fromConfig(Map<String, ?>)} it declares. All built-in layers and losses have one or the
 * other. Saving a model with a layer that has neither (an argument that is kept in no field, say)
 * fails at once with an {@link IllegalArgumentException} naming the layer and the argument; for
 * such models save the weights alone ({@code SafeTensors.save(model.stateDict(), path)}) and load
 * them into a model you build. Unlike {@code torch.load}, nothing is deserialized as Java objects:
 * loading calls only the constructors (through the generated factories) or the
 * {@code fromConfig} factories of {@link Module} subclasses named in the file, then
 * {@link Module#loadStateDict(Map, boolean)} (strict), then restores each layer's training
 * mode.
 *
 * <p>Loading does not disturb the default generator: the layers' initialisation, which the saved
 * state overwrites anyway, draws from it, and its state is restored afterwards (so another thread
 * drawing from it meanwhile may see its draws repeated). The loaded model is on the CPU; move it
 * with {@link Module#to}. A sub-layer passed to two constructors is rebuilt as two layers, so
 * weight tying through a shared layer is not preserved.
 *
 * <p><b>The file.</b> A model file is a valid safetensors file that Python's {@code safetensors}
 * reads. Its {@code __metadata__} has {@code "format": "adjoint-model"}, {@code "version": "1"},
 * and the entries {@code model} (the root description, <code>{"class": "dev.adjoint.nn.Sequential",
 * "config": {"layers": [{"class": "dev.adjoint.nn.Linear", "config": {"inFeatures": 4, ...}},
 * ...]}}</code>), {@code state} (the state dict, parameters and persistent buffers) and
 * {@code training} (each layer's mode, by dotted name, {@code ""} for the root), as JSON in which
 * numbers keep their Java type and tensors are references to entries named by their place:
 * {@code state.0.weight}, or {@code model.config.weight} for a tensor-valued argument such as a
 * loss's class weight. Two more entries, {@code crc32c_header} and {@code crc32c_data}, hold
 * checksums of the rest of the header and of the tensor data; loading verifies them unless told
 * not to ({@link LoadOption#SKIP_CHECKSUM}), and a file saved before they existed loads unverified.
 *
 * <p><b>Hostile files.</b> Loading checks the configuration against the saved state before it
 * builds anything, through the state shapes each layer declares from its configuration
 * ({@code stateShapes}, see {@link Configurable}): a file whose configuration asks for more or
 * other state than it saved is refused at once, not built first.
 */
public final class ModelFiles {
  /** The value of the metadata entry {@code "format"} that marks a file as a model file. */
  public static final String FORMAT = "adjoint-model";

  /** The version of the layout this class writes, and the only one it reads. */
  public static final String VERSION = "1";

  static final String FORMAT_KEY = "format";
  static final String VERSION_KEY = "version";
  static final String MODEL = "model";
  static final String STATE = "state";
  static final String TRAINING = "training";
  static final String CLASS = "class";
  static final String CONFIG = "config";
  private static final List<String> KEYS = List.of(FORMAT_KEY, VERSION_KEY, MODEL, STATE,
      TRAINING);
  /** Entries a file may have besides {@link #KEYS}: files saved before checksums lack them. */
  private static final List<String> OPTIONAL_KEYS = Checksums.KEYS;
  private static final String FACTORY = "fromConfig";
  private static final String NOT_ON_CLASSPATH = "is not on the classpath; like torch.load,"
      + " loading a whole model needs the code of its class; add the jar that defines it, or load"
      + " only the state dict into a model you build";

  private ModelFiles() {}

  // ================================================================== saving

  /**
   * Writes {@code model} (its class, configuration, state dict and training modes) to
   * {@code path}, atomically; the file is replaced if it exists.
   *
   * @throws IllegalArgumentException when a layer of the model has no generated configuration
   *     and is not {@link Configurable}, is {@code Configurable} but lacks its own public static
   *     {@code fromConfig(Map<String, ?>)}, or returns a config value that cannot be saved; the
   *     message names the layer's place in the model
   * @throws IOException when the file cannot be written
   */
  public static void save(Module model, Path path) throws IOException {
    Objects.requireNonNull(model, "ModelFiles.save: model");
    Objects.requireNonNull(path, "ModelFiles.save: path");
    Map<String, Object> root = new LinkedHashMap<>();
    root.put(MODEL, describe(model));
    root.put(STATE, new LinkedHashMap<>(model.stateDict()));
    Map<String, Boolean> training = new LinkedHashMap<>();
    training.put("", model.training());
    model.namedModules().forEach((name, m) -> training.put(name, m.training()));
    root.put(TRAINING, training);
    StateCodec.Encoded encoded = StateCodec.encode(root);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(FORMAT_KEY, FORMAT);
    metadata.put(VERSION_KEY, VERSION);
    metadata.putAll(encoded.metadata());
    SafeTensors.save(encoded.tensors(), metadata, path, true);
  }

  /**
   * The description of {@code model} that {@link #save} writes: <code>{"class": name, "config":
   * {...}}</code>, with sub-layers in the config described the same way, arrays as lists and
   * tensors detached.
   *
   * @throws IllegalArgumentException as {@link #save}
   */
  static Map<String, Object> describe(Module model) {
    return describe(model, MODEL, new IdentityHashMap<>());
  }

  private static Map<String, Object> describe(Module m, String path,
      Map<Module, Boolean> open) {
    Class<? extends Module> cls = m.getClass();
    if (!(m instanceof Configurable)) {
      String problem = GeneratedConfig.problem(cls);
      if (problem != null) {
        throw new IllegalArgumentException("ModelFiles.save: " + path + " is a " + cls.getName()
            + ", whose constructor arguments are unknown: " + problem + ". Keep each argument"
            + " of its constructor in a field of the same name (mark the constructor"
            + " @Layer.Constructor to have this checked when it compiles), or implement"
            + " dev.adjoint.nn.Configurable (config() and a public static"
            + " fromConfig(Map<String, ?>)), or save only the weights with"
            + " SafeTensors.save(model.stateDict(), path) and load them with"
            + " model.loadStateDict(SafeTensors.load(path)) into a model you build");
      }
    } else {
      String problem = factoryProblem(cls);
      if (problem != null) {
        throw new IllegalArgumentException("ModelFiles.save: " + path + " is a " + cls.getName()
            + ", which " + problem + ", so a model file could not rebuild it");
      }
    }
    if (open.put(m, Boolean.TRUE) != null) {
      throw new IllegalArgumentException("ModelFiles.save: " + path + " (a " + cls.getName()
          + ") contains itself in its own config");
    }
    Map<String, Object> config = m instanceof Configurable configurable ? configurable.config()
        : GeneratedConfig.of(m);
    if (config == null) {
      throw new IllegalArgumentException("ModelFiles.save: " + path + " (a " + cls.getName()
          + "): config() returned null");
    }
    Map<String, Object> saved = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : config.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException("ModelFiles.save: " + path + " (a " + cls.getName()
            + "): config() has a null key");
      }
      String at = path + "." + CONFIG + "." + e.getKey();
      saved.put(e.getKey(), configValue(e.getValue(), at, open));
    }
    open.remove(m);
    Map<String, Object> description = new LinkedHashMap<>();
    description.put(CLASS, cls.getName());
    description.put(CONFIG, saved);
    return description;
  }

  private static Object configValue(Object v, String path, Map<Module, Boolean> open) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer
        || v instanceof Long || v instanceof Float || v instanceof Double) {
      return v;
    }
    if (v instanceof Short || v instanceof Byte) {
      return ((Number) v).intValue();
    }
    if (v instanceof Tensor t) {
      return t.detach();
    }
    if (v instanceof Module m) {
      return describe(m, path, open);
    }
    Object value = v instanceof Object[] a ? Arrays.asList(a) : listOfArray(v);
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(configValue(list.get(i), path + "." + i, open));
      }
      return out;
    }
    String hint = v instanceof Enum<?> ? "; save its name() and convert it back in fromConfig"
        : v instanceof Map<?, ?> ? "; a map in a model file is a layer's description, so config"
            + " values are never maps" : "";
    throw new IllegalArgumentException("ModelFiles.save: config value " + path + " is a "
        + v.getClass().getName() + "; config values are null, String, Boolean, Integer, Long,"
        + " Float, Double, Tensor, layers (Configurable modules) and lists or arrays of these"
        + hint);
  }

  /** The elements of a primitive array as a list; anything else as it is. */
  private static Object listOfArray(Object v) {
    if (!v.getClass().isArray()) {
      return v;
    }
    int n = java.lang.reflect.Array.getLength(v);
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(java.lang.reflect.Array.get(v, i));
    }
    return out;
  }

  /** The class's own public static {@code fromConfig(Map)} returning the class, or null. */
  private static Method factory(Class<?> cls) {
    try {
      Method m = cls.getDeclaredMethod(FACTORY, Map.class);
      int mod = m.getModifiers();
      return Modifier.isStatic(mod) && Modifier.isPublic(mod)
          && cls.isAssignableFrom(m.getReturnType()) ? m : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /**
   * Why a layer of class {@code cls}, which is not {@link Configurable}, cannot be rebuilt by its
   * generated factory, or null when it can.
   */
  private static String generatedProblem(Class<? extends Module> cls) {
    String problem = GeneratedConfig.problem(cls);
    return problem == null ? null : "has no generated configuration: " + problem;
  }

  /** Why {@code cls}, a {@link Configurable} class, cannot be rebuilt by its factory, or null. */
  private static String factoryProblem(Class<?> cls) {
    Method m = factory(cls);
    if (m != null) {
      return m.canAccess(null) || m.trySetAccessible() ? null
          : "declares " + FACTORY + " but it is not accessible to dev.adjoint.io (make the class"
              + " public, or open its package)";
    }
    String what = "does not declare its own public static " + cls.getSimpleName() + " "
        + FACTORY + "(Map<String, ?> config)";
    try {
      Method inherited = cls.getMethod(FACTORY, Map.class);
      return what + " (it inherits " + inherited.getDeclaringClass().getSimpleName() + "."
          + FACTORY + ", which builds a " + inherited.getDeclaringClass().getSimpleName()
          + ", not a " + cls.getSimpleName() + ")";
    } catch (NoSuchMethodException e) {
      return what;
    }
  }

  // ================================================================== loading

  /**
   * Reads the model file at {@code path} and rebuilds its model, typed as the caller's variable
   * ({@code Sequential m = ModelFiles.load(path)}); a variable of the wrong type gives a
   * {@link ClassCastException}, so prefer {@link #load(Path, Class)} where the type matters.
   *
   * @throws SafeTensorsException when the file is not valid safetensors
   * @throws ModelFileException when it is not a model file this class reads, or its model cannot
   *     be rebuilt here: a class is not on the classpath, has no {@code fromConfig}, or its
   *     {@code fromConfig} fails, or the saved state does not fit the rebuilt model
   * @throws IOException when the file cannot be read
   */
  @SuppressWarnings("unchecked")
  public static <M extends Module> M load(Path path) throws IOException {
    return (M) load(path, Module.class);
  }

  /**
   * As {@link #load(Path)}, with options: {@link LoadOption#SKIP_CHECKSUM} loads a file whose
   * checksums do not match (or skips computing them).
   *
   * @throws ModelFileException as {@link #load(Path)}
   */
  @SuppressWarnings("unchecked")
  public static <M extends Module> M load(Path path, LoadOption... options) throws IOException {
    return (M) load(path, Module.class, options);
  }

  /**
   * Reads the model file at {@code path} and rebuilds its model, which must be a {@code type}
   * (checked before anything is built).
   *
   * @throws SafeTensorsException when the file is not valid safetensors
   * @throws ModelFileException as {@link #load(Path)}, and when the model is not a {@code type}
   * @throws IOException when the file cannot be read
   */
  public static <M extends Module> M load(Path path, Class<M> type) throws IOException {
    return load(path, type, new LoadOption[0]);
  }

  /**
   * As {@link #load(Path, Class)}, with options: {@link LoadOption#SKIP_CHECKSUM} loads a file
   * whose checksums do not match (or skips computing them).
   *
   * @throws ModelFileException as {@link #load(Path, Class)}
   */
  public static <M extends Module> M load(Path path, Class<M> type, LoadOption... options)
      throws IOException {
    Objects.requireNonNull(path, "ModelFiles.load: path");
    Objects.requireNonNull(type, "ModelFiles.load: type");
    String source = path.toString();
    boolean verify = LoadOption.verify(options);
    SafeTensors.Contents contents = SafeTensors.read(path, verify);
    if (verify) {
      String problem = Checksums.problem(contents, "model file", "ModelFiles.load(path,"
          + " LoadOption.SKIP_CHECKSUM) loads it anyway");
      if (problem != null) {
        throw new ModelFileException(source + ": " + problem);
      }
    }
    Map<String, Object> parts = parts(contents.file(), source);
    Map<String, Tensor> state = typedMap(parts.get(STATE), Tensor.class, STATE, "a tensor",
        source);
    Map<String, Boolean> training = typedMap(parts.get(TRAINING), Boolean.class, TRAINING,
        "a boolean", source);
    Rebuilder rebuilder = new Rebuilder(source);
    Object description = parts.get(MODEL);
    Class<? extends Module> rootClass = rebuilder.layerClass(description, MODEL);
    if (!type.isAssignableFrom(rootClass)) {
      throw new ModelFileException(source + ": the model is a " + rootClass.getName()
          + ", not a " + type.getName());
    }
    // Before anything is built: a configuration that implies more or other state than the file
    // holds would otherwise be built first (seconds and gigabytes, or OutOfMemoryError).
    new StatePlan(rebuilder, source).check(description, state);
    Generator generator = Generator.defaultGenerator();
    long[] generatorState = generator.getState();
    Module model;
    try {
      model = rebuilder.rebuild(description, MODEL);
    } finally {
      generator.setState(generatorState);
    }
    try {
      model.loadStateDict(state, true);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(source + ": the saved state does not fit the "
          + rootClass.getName() + " that fromConfig rebuilt (has a class changed since the file"
          + " was written?): " + e.getMessage(), e);
    }
    restoreModes(model, training, source);
    return type.cast(model);
  }

  /** The decoded entries of a model file, after checking its marker, version and entries. */
  private static Map<String, Object> parts(SafeTensorsFile file, String source)
      throws ModelFileException {
    Map<String, String> meta = file.metadata();
    String format = meta.get(FORMAT_KEY);
    if (!FORMAT.equals(format)) {
      throw new ModelFileException(source + ": not an Adjoint model file: its metadata has "
          + (format == null ? "no \"format\" entry" : "\"format\": "
              + JsonReader.quoteForMessage(format))
          + " where a model file has \"format\": \"" + FORMAT + "\" (it is a safetensors file"
          + " with " + file.tensors().size() + " tensor(s); "
          + (Checkpoint.FORMAT.equals(format) ? "Checkpoint.load reads it"
              : "SafeTensors.read reads it") + ")");
    }
    String version = meta.get(VERSION_KEY);
    if (!VERSION.equals(version)) {
      throw new ModelFileException(source + ": model file version "
          + (version == null ? "(none)" : JsonReader.quoteForMessage(version))
          + " is not one this Adjoint reads (it reads version \"" + VERSION + "\")");
    }
    for (String key : meta.keySet()) {
      if (!KEYS.contains(key) && !OPTIONAL_KEYS.contains(key)) {
        throw new ModelFileException(source + ": unknown metadata entry "
            + JsonReader.quoteForMessage(key) + "; a version " + VERSION + " model file has "
            + KEYS);
      }
    }
    for (String key : KEYS) {
      if (!meta.containsKey(key)) {
        throw new ModelFileException(source + ": the metadata has no entry \"" + key
            + "\"; a version " + VERSION + " model file has " + KEYS);
      }
    }
    try {
      return StateCodec.decode(file.tensors(), meta, Set.of(FORMAT_KEY, VERSION_KEY,
          Checksums.HEADER_KEY, Checksums.DATA_KEY), source);
    } catch (CheckpointException e) {
      throw new ModelFileException(e.getMessage(), e);
    }
  }

  private static <V> Map<String, V> typedMap(Object value, Class<V> type, String entry,
      String what, String source) throws ModelFileException {
    if (!(value instanceof Map<?, ?> map)) {
      throw new ModelFileException(source + ": entry \"" + entry + "\" must be a map, got "
          + brief(value));
    }
    Map<String, V> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key) || !type.isInstance(e.getValue())) {
        throw new ModelFileException(source + ": entry \"" + entry + "\" must map names to "
            + what + "s; " + entry + "." + e.getKey() + " is " + brief(e.getValue()));
      }
      out.put(key, type.cast(e.getValue()));
    }
    return out;
  }

  /** Gives the model and each sub-layer the training mode saved under its name. */
  private static void restoreModes(Module model, Map<String, Boolean> training, String source)
      throws ModelFileException {
    Map<String, Module> modules = model.namedModules();
    Set<String> names = new LinkedHashSet<>();
    names.add("");
    names.addAll(modules.keySet());
    if (!names.equals(training.keySet())) {
      Set<String> saved = new LinkedHashSet<>(training.keySet());
      saved.remove("");
      throw new ModelFileException(source + ": the rebuilt " + model.getClass().getName()
          + " has the sub-layers " + modules.keySet() + ", the saved one " + saved
          + " (has a class changed since the file was written?)");
    }
    model.train(training.get(""));
    // namedModules lists parents before children, and train(mode) is recursive: setting each
    // layer in this order leaves every layer with its own saved mode.
    for (Map.Entry<String, Module> e : modules.entrySet()) {
      boolean mode = training.get(e.getKey());
      if (e.getValue().training() != mode) {
        e.getValue().train(mode);
      }
    }
  }

  /** Rebuilds layers from their decoded descriptions. */
  static final class Rebuilder {
    final String source;

    Rebuilder(String source) {
      this.source = source;
    }

    /** The class a description names, checked to be a layer with its own factory. */
    Class<? extends Module> layerClass(Object description, String path)
        throws ModelFileException {
      Map<?, ?> d = description(description, path);
      String name = (String) d.get(CLASS);
      Class<?> cls = find(name, path);
      if (!Module.class.isAssignableFrom(cls)) {
        throw new ModelFileException(source + ": " + path + " is a " + name + ", which is not a"
            + " dev.adjoint.nn.Module");
      }
      Class<? extends Module> layer = cls.asSubclass(Module.class);
      String problem = Configurable.class.isAssignableFrom(cls) ? factoryProblem(cls)
          : generatedProblem(layer);
      if (problem != null) {
        throw new ModelFileException(source + ": " + path + " is a " + name + ", which "
            + problem + " (has the class changed since the file was written?)");
      }
      return layer;
    }

    Module rebuild(Object description, String path) throws ModelFileException {
      Class<? extends Module> cls = layerClass(description, path);
      Map<?, ?> saved = (Map<?, ?>) ((Map<?, ?>) description).get(CONFIG);
      Map<String, Object> config = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : saved.entrySet()) {
        config.put((String) e.getKey(), value(e.getValue(), path + "." + CONFIG + "."
            + e.getKey()));
      }
      Object built;
      if (!Configurable.class.isAssignableFrom(cls)) {
        try {
          built = GeneratedConfig.rebuild(cls, Collections.unmodifiableMap(config));
        } catch (RuntimeException | ExceptionInInitializerError e) {
          throw failed(cls.getName() + "'s generated fromConfig", path, config, e);
        }
      } else {
        try {
          Method factory = factory(cls);
          if (!factory.canAccess(null)) {
            factory.trySetAccessible();
          }
          built = factory.invoke(null, Collections.unmodifiableMap(config));
        } catch (InvocationTargetException e) {
          throw failed(cls.getName() + ".fromConfig", path, config, e.getCause());
        } catch (IllegalAccessException | ExceptionInInitializerError e) {
          throw failed(cls.getName() + ".fromConfig", path, config, e);
        }
      }
      if (!cls.isInstance(built)) {
        throw new ModelFileException(source + ": rebuilding " + path + " failed: "
            + cls.getSimpleName() + ".fromConfig returned " + brief(built) + ", not a "
            + cls.getName());
      }
      return (Module) built;
    }

    private ModelFileException failed(String factory, String path, Map<String, Object> config,
        Throwable cause) {
      return new ModelFileException(source + ": rebuilding " + path + " failed: " + factory + "("
          + brief(config) + ") threw " + cause, cause);
    }

    /** A config value with the layers in it rebuilt. */
    private Object value(Object v, String path) throws ModelFileException {
      if (v instanceof Map<?, ?>) {
        return rebuild(v, path);
      }
      if (v instanceof List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          out.add(value(list.get(i), path + "." + i));
        }
        return Collections.unmodifiableList(out);
      }
      return v;
    }

    private Map<?, ?> description(Object d, String path) throws ModelFileException {
      if (!(d instanceof Map<?, ?> m) || !m.keySet().equals(Set.of(CLASS, CONFIG))
          || !(m.get(CLASS) instanceof String) || !(m.get(CONFIG) instanceof Map<?, ?> config)
          || !config.keySet().stream().allMatch(k -> k instanceof String)) {
        throw new ModelFileException(source + ": " + path + " must describe a layer as {\""
            + CLASS + "\": name, \"" + CONFIG + "\": {argument: value, ...}}, got " + brief(d));
      }
      return m;
    }

    private Class<?> find(String name, String path) throws ModelFileException {
      ClassNotFoundException notFound = null;
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      for (ClassLoader loader : new ClassLoader[] {context, ModelFiles.class.getClassLoader()}) {
        if (loader == null) {
          continue;
        }
        try {
          return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
          notFound = e;
        } catch (LinkageError e) {
          throw new ModelFileException(source + ": " + path + " is a " + name + ", which cannot"
              + " be loaded: " + e, e);
        }
      }
      throw new ModelFileException(source + ": " + path + " is a " + name + ", which "
          + NOT_ON_CLASSPATH, notFound);
    }
  }

  /** A short description of a value for messages: tensors by shape, layers by class. */
  private static String brief(Object v) {
    if (v instanceof Tensor t) {
      return "tensor of shape " + Arrays.toString(t.shape());
    }
    if (v instanceof Module m) {
      return m.getClass().getSimpleName() + "(...)";
    }
    if (v instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("{");
      int shown = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (shown++ == 8) {
          sb.append(", ... (").append(map.size()).append(" in all)");
          break;
        }
        sb.append(sb.length() == 1 ? "" : ", ").append(e.getKey()).append('=')
            .append(brief(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (v instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        if (i == 8) {
          sb.append(", ... (").append(list.size()).append(" in all)");
          break;
        }
        sb.append(i == 0 ? "" : ", ").append(brief(list.get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof String s) {
      return JsonReader.quoteForMessage(s);
    }
    return String.valueOf(v);
  }
}
