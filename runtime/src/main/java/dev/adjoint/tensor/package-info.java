/**
 * Tensors, the counterpart of {@code torch.Tensor}: {@link dev.adjoint.tensor.Tensor} (an
 * n-dimensional array of a {@link dev.adjoint.tensor.DType} on a
 * {@link dev.adjoint.tensor.Device}, with views that share storage), creation
 * ({@code Tensor.of}, {@code zeros}, {@code randn}, ...), pointwise arithmetic with
 * broadcasting, reductions, linear algebra, indexing ({@link dev.adjoint.tensor.Index}) and
 * in-place variants ending in {@code _}. Random numbers come from a seeded
 * {@link dev.adjoint.tensor.Generator}; {@code Tensor.manualSeed} seeds the default one.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}});
 * Tensor y = x.matmul(x.t()).add(1.0);       // tensor([[ 6., 12.], [12., 26.]])
 * }</pre>
 *
 * <p>A tensor with {@code requiresGrad_(true)} records the ops applied to it outside
 * {@code @Forward} code, so {@code backward()} can fill its {@code grad()}; see
 * {@code dev.adjoint.autograd}.
 */
package dev.adjoint.tensor;
