package dev.adjoint.tensor;

/**
 * What {@link Tensor#max(int)} and {@link Tensor#min(int)} return: the extreme values along a
 * dim and their int64 indices ({@code torch.return_types.max}).
 *
 * @param values the maxima (or minima)
 * @param indices where each was found (the first occurrence)
 */
public record ValuesIndices(Tensor values, Tensor indices) {}
