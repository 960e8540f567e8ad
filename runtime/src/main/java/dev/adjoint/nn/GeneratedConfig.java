package dev.adjoint.nn;

import java.util.Map;
import java.util.Objects;

/**
 * The configuration the processor generates for a {@code @Layer} that does not implement
 * {@link Configurable}: the arguments of its constructor, read back from the fields of the same
 * name, and a factory that calls the constructor with them (see
 * {@link dev.adjoint.annotations.Layer.Constructor}). {@link dev.adjoint.io.ModelFiles} saves and
 * rebuilds such layers through it.
 *
 * <pre>{@code
 * Map<String, Object> config = GeneratedConfig.of(new Linear(4, 2));
 * // {inFeatures=4, outFeatures=2, bias=true}
 * Linear fresh = GeneratedConfig.rebuild(Linear.class, config);  // new weights, same shapes
 * }</pre>
 */
public final class GeneratedConfig {
  private GeneratedConfig() {}

  /**
   * Why {@code type} has no generated configuration (a clause naming the constructor argument
   * that cannot be recorded, for instance), or null when it has one.
   */
  public static String problem(Class<? extends Module> type) {
    Objects.requireNonNull(type, "GeneratedConfig.problem: type");
    if (Configurable.class.isAssignableFrom(type)) {
      return "it implements dev.adjoint.nn.Configurable, so its own config() and fromConfig"
          + " rebuild it";
    }
    try {
      return Bindings.of(type).configProblem();
    } catch (IllegalStateException e) {
      return "it has no generated code: " + e.getMessage();
    }
  }

  /**
   * The generated configuration of {@code layer}: its constructor's arguments by parameter name,
   * read back from its fields.
   *
   * @throws IllegalArgumentException when its class has none, saying why ({@link #problem})
   */
  public static Map<String, Object> of(Module layer) {
    Objects.requireNonNull(layer, "GeneratedConfig.of: layer");
    return binding(layer.getClass()).config(layer);
  }

  /**
   * A new {@code type} built by its constructor from {@code config}, a map {@link #of} returned
   * or one loaded from a file; its weights are freshly initialised.
   *
   * @throws IllegalArgumentException when {@code type} has no generated configuration, when an
   *     entry is missing or of the wrong type (named in the message), or when the constructor
   *     refuses the values
   */
  public static <M extends Module> M rebuild(Class<M> type, Map<String, ?> config) {
    Objects.requireNonNull(config, () -> type.getSimpleName() + ".fromConfig: config is null");
    return type.cast(binding(type).fromConfig(config));
  }

  private static <M extends Module> LayerBinding<M> binding(Class<? extends Module> type) {
    String problem = problem(type);
    if (problem != null) {
      throw new IllegalArgumentException(type.getName() + " has no generated configuration: "
          + problem);
    }
    @SuppressWarnings("unchecked")
    LayerBinding<M> b = (LayerBinding<M>) Bindings.of(type);
    return b;
  }
}
