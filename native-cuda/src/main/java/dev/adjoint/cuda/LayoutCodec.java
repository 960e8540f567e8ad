package dev.adjoint.cuda;

import dev.adjoint.backend.Layout;

/**
 * A {@link Layout} as the kernels read it (strided.cuh's {@code decode_layout}): {@code long}
 * words {@code {rank, offset, size[0..rank), stride[0..rank)}}.
 */
public final class LayoutCodec {
  /** The most dimensions a kernel takes (strided.cuh's {@code kMaxDims}). */
  public static final int MAX_DIMS = 16;

  private LayoutCodec() {}

  /**
   * The descriptor of {@code layout}.
   *
   * @throws IllegalArgumentException for a layout of more than {@link #MAX_DIMS} dimensions
   */
  public static long[] encode(Layout layout) {
    int rank = layout.rank();
    if (rank > MAX_DIMS) {
      throw new IllegalArgumentException("CUDA kernels take layouts of at most " + MAX_DIMS
          + " dimensions, got " + rank + " (" + layout + ")");
    }
    long[] w = new long[2 + 2 * rank];
    w[0] = rank;
    w[1] = layout.offset();
    for (int d = 0; d < rank; d++) {
      w[2 + d] = layout.size(d);
      w[2 + rank + d] = layout.stride(d);
    }
    return w;
  }

  /** The descriptor of {@code layout} with its offset replaced by 0 (pointer already offset). */
  static long[] encodeWithoutOffset(Layout layout) {
    long[] w = encode(layout);
    w[1] = 0;
    return w;
  }
}
