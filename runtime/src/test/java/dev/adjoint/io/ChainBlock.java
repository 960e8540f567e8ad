package dev.adjoint.io;

import dev.adjoint.annotations.Buffer;
import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.Linear;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A user layer with several constructors, one marked {@code @Layer.Constructor}, whose
 * arguments are a list of sub-layers, a long, a float, a String and a tensor; the processor
 * checks each of them when the class compiles.
 */
@Layer
public class ChainBlock extends Module {
  final List<Linear> stages;
  final long tag;
  final float slope;
  final String label;
  @Buffer Tensor offset;

  /** {@code depth} square stages of {@code width}, no offset. */
  public ChainBlock(int width, int depth) {
    this(stages(width, depth), 0L, 1f, "chain", Tensor.zeros(width));
  }

  @Layer.Constructor
  public ChainBlock(List<Linear> stages, long tag, float slope, String label, Tensor offset) {
    this.stages = new ArrayList<>(stages);
    this.tag = tag;
    this.slope = slope;
    this.label = label;
    this.offset = offset;
  }

  private static List<Linear> stages(int width, int depth) {
    List<Linear> out = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      out.add(new Linear(width, width));
    }
    return out;
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x;
    for (Linear stage : stages) {
      h = stage.forward(h).tanh();
    }
    return h.add(offset).mul(slope);
  }

  @Override
  public String toString() {
    return "ChainBlock(tag=" + tag + ", slope=" + slope + ", label=" + label + ", stages="
        + stages + ")";
  }
}
