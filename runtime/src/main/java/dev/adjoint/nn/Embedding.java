package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code embeddingDim}
 * ({@code nn.Embedding}): an int64 index tensor of any shape gives that shape plus
 * {@code embeddingDim}. Rows picked several times get the sum of their gradients. {@code weight}
 * starts as {@code N(0, 1)}, as in PyTorch.
 */
@Layer
public class Embedding extends Module {
  @Param Tensor weight;
  final int numEmbeddings;
  final int embeddingDim;

  /** A table initialised from the default generator. */
  @Layer.Constructor
  public Embedding(int numEmbeddings, int embeddingDim) {
    this(numEmbeddings, embeddingDim, Generator.defaultGenerator());
  }

  /** A table initialised from {@code generator}. */
  public Embedding(int numEmbeddings, int embeddingDim, Generator generator) {
    if (numEmbeddings < 1 || embeddingDim < 1) {
      throw new IllegalArgumentException("Embedding: sizes must be positive, got num_embeddings="
          + numEmbeddings + ", embedding_dim=" + embeddingDim);
    }
    Layers.checkParameter("Embedding", "weight", "num_embeddings=" + numEmbeddings
        + ", embedding_dim=" + embeddingDim, numEmbeddings, embeddingDim);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    weight = Init.normal_(Tensor.zeros(numEmbeddings, embeddingDim), 0, 1, generator);
  }

  /**
   * The rows of {@code weight} at {@code input}'s indices, each in {@code [0, numEmbeddings)}.
   *
   * @throws IllegalArgumentException for indices that are not int64
   * @throws IndexOutOfBoundsException for an index outside {@code [0, numEmbeddings)}: as in
   *     PyTorch, -1 is out of range, not the last row
   */
  @Forward
  public Tensor forward(Tensor input) {
    int[] shape = outputShape(input.dtype(), input.shape(), embeddingDim);
    checkRows("Embedding", input, numEmbeddings);
    Tensor flat = input.reshape(-1);
    Tensor rows = weight.indexSelect(0, flat);
    return rows.reshape(shape);
  }

  /**
   * {@code indexShape} plus {@code dim}.
   *
   * @throws IllegalArgumentException for indices that are not int64
   */
  static int[] outputShape(DType dtype, int[] indexShape, int dim) {
    if (dtype != DType.INT64) {
      throw new IllegalArgumentException("Embedding: expected int64 indices, got " + dtype
          + " (shape " + Arrays.toString(indexShape) + ")");
    }
    int[] out = Arrays.copyOf(indexShape, indexShape.length + 1);
    out[indexShape.length] = dim;
    return out;
  }

  /**
   * Rejects an index outside {@code [0, rows)} with a message naming {@code op} (PyTorch: "index
   * out of range in self"); returns the number of indices.
   */
  static int checkRows(String op, Tensor input, int rows) {
    NnKernels.checkRange(input, 0, rows - 1, Double.NaN,
        i -> new IndexOutOfBoundsException(op + ": index " + (long) i + " is out of range in"
            + " self (expected 0 <= index < " + rows + ", the number of embeddings; negative"
            + " indices do not count from the end)"));
    return input.numel();
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): {@code weight} {@code [numEmbeddings, embeddingDim]}.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    LayerConfig c = LayerConfig.read(Embedding.class, config);
    return Layers.shapes("weight", new int[] {c.intValue("numEmbeddings"),
        c.intValue("embeddingDim")});
  }

  @Override
  public String toString() {
    return "Embedding(" + numEmbeddings + ", " + embeddingDim + ")";
  }
}
