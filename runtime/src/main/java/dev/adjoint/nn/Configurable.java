package dev.adjoint.nn;

import java.util.Map;

/**
 * A layer that describes, in code of its own, the constructor arguments that rebuild it, so that
 * {@link dev.adjoint.io.ModelFiles} can save the whole model (the port of
 * {@code torch.save(model)}) and rebuild it when loading.
 *
 * <p>Most layers need not implement it: for a {@code @Layer} that does not, the processor
 * generates the configuration from its constructor ({@link GeneratedConfig}), reading each
 * argument back from the field of the same name (see
 * {@link dev.adjoint.annotations.Layer.Constructor}). Implement it when an argument is not kept as
 * it was given (a loss that keeps its reduction as an enum but is built from its name), or to
 * keep the file format of a class whose constructor changes.
 *
 * <p>A configurable class also declares, itself (an inherited one does not count), a factory
 *
 * <pre>{@code
 * public static MyLayer fromConfig(Map<String, ?> config)
 * }</pre>
 *
 * that builds an equivalent layer (same class, same hyperparameters, freshly initialised weights)
 * from what {@link #config()} returned. Saving checks that the factory exists, so a layer that
 * cannot be rebuilt fails when saved, not when loaded.
 *
 * <pre>{@code
 * @Layer
 * public class Block extends Module implements Configurable {
 *   Module body;
 *   final int width;
 *
 *   public Block(Module body, int width) { ... }
 *
 *   @Override
 *   public Map<String, Object> config() {
 *     return LayerConfig.of("body", body, "width", width);
 *   }
 *
 *   public static Block fromConfig(Map<String, ?> config) {
 *     LayerConfig c = LayerConfig.read(Block.class, config);
 *     return new Block(c.module("body", Module.class), c.intValue("width"));
 *   }
 * }
 * }</pre>
 *
 * <p>Config values are {@code null}, Strings, Booleans, Integers, Longs, Floats, Doubles,
 * tensors (e.g. a class weight), lists or arrays of these, and layers (sub-layers passed to the
 * constructor; they must be saveable themselves, through a configuration of their own or a
 * generated one, and are saved as nested descriptions and rebuilt first). Maps and other objects
 * are not config values. The weights themselves are not part of the config: they are saved with
 * the state dict and loaded into the rebuilt layer.
 *
 * <p>A configurable class, or one with a generated configuration, should also declare the state
 * (parameters and persistent buffers) a layer built from a config would have, computed without
 * building it:
 *
 * <pre>{@code
 * public static Map<String, int[]> stateShapes(Map<String, ?> config)
 * }</pre>
 *
 * returning each state dict entry's name (relative to the layer) and shape. In the map it
 * receives, each sub-layer is replaced by its own state shapes (a {@code Map<String, int[]>}), so
 * a container prefixes them with the sub-layer's name ({@code Sequential}'s {@code 0.weight}).
 * {@link dev.adjoint.io.ModelFiles#load} uses it to refuse a file whose configuration does not
 * match its saved state before building anything: without it, a file claiming
 * {@code Linear(46340, 46340)} would be built (8 GiB) and only then refused. Every built-in layer
 * declares it; a layer that does not is still loaded, but is built before its state is checked
 * (the layers inside it that declare theirs are still checked against the file's size).
 */
public interface Configurable {
  /**
   * The arguments that rebuild this layer through its {@code fromConfig}, by name, in a map
   * whose values are of the types listed above. {@link LayerConfig#of} builds one.
   */
  Map<String, Object> config();
}
