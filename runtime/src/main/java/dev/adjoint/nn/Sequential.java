package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Layers applied one after another ({@code nn.Sequential}). Its sub-layers are named by position,
 * as in PyTorch, so parameters are {@code 0.weight}, {@code 2.bias}, ... and a PyTorch
 * {@code state_dict} of the same architecture loads as it is.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Linear(20, 16), new ReLU(), new Linear(16, 3));
 * Tensor logits = model.call(x);
 * model.parameter("2.weight");
 * }</pre>
 */
@Layer
public class Sequential extends Module {
  private static final String FIELD = "layers.";

  List<Module> layers;

  /** The given layers, in order. */
  @Layer.Constructor
  public Sequential(Module... layers) {
    this.layers = new ArrayList<>(layers.length);
    for (Module m : layers) {
      append(m);
    }
  }

  /** Adds {@code layer} at the end; returns this ({@code append}). */
  public Sequential append(Module layer) {
    layers.add(Objects.requireNonNull(layer, "Sequential: a layer is null"));
    return this;
  }

  /** The layer at {@code index} (negative counts from the end). */
  public Module get(int index) {
    int i = index < 0 ? index + layers.size() : index;
    if (i < 0 || i >= layers.size()) {
      throw new IndexOutOfBoundsException("Sequential: index " + index + " is out of range for "
          + layers.size() + " layers");
    }
    return layers.get(i);
  }

  /** The number of layers. */
  public int size() {
    return layers.size();
  }

  /** Each layer applied to the previous one's output. */
  @Forward
  public Tensor forward(Tensor input) {
    Tensor h = input;
    for (Module layer : layers) {
      h = layer.call(h);
    }
    return h;
  }

  /** Layers are named {@code 0}, {@code 1}, ... rather than {@code layers.0}. */
  @Override
  protected String childName(String field) {
    return field.startsWith(FIELD) ? field.substring(FIELD.length()) : field;
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): each layer's state under its index ({@code 0.weight});
   * in {@code config} the layers are given as their own state shapes.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    Object layers = config.get("layers");
    if (!(layers instanceof List<?> list)) {
      throw new IllegalArgumentException("Sequential.stateShapes: config entry \"layers\" must"
          + " be a list of the layers' state shapes, got " + layers);
    }
    Map<String, int[]> out = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> shapes)) {
        throw new IllegalArgumentException("Sequential.stateShapes: layer " + i + " is "
            + list.get(i) + ", not its state shapes");
      }
      for (Map.Entry<?, ?> e : shapes.entrySet()) {
        out.put(i + "." + e.getKey(), (int[]) e.getValue());
      }
    }
    return out;
  }
}
