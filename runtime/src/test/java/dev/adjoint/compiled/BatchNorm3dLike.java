package dev.adjoint.compiled;

import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.BatchNorm;

/**
 * A user's batch norm over {@code [N, C, D, H, W]} inputs: the library's abstract base with
 * only the accepted rank chosen here, from another package.
 */
@Layer
public class BatchNorm3dLike extends BatchNorm {
  BatchNorm3dLike(int numFeatures) {
    super(numFeatures, 1e-5, 0.1, true, true);
  }

  @Override
  protected int[] reducedDims(int[] shape) {
    return reducedDims(shape, 5);
  }
}
