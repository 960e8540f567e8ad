/**
 * Reverse-mode differentiation at run time, the counterpart of {@code torch.autograd}: the graph
 * of {@link dev.adjoint.autograd.Node}s that ops and generated layers record,
 * {@link dev.adjoint.autograd.Autograd#backward} which walks it, and
 * {@link dev.adjoint.autograd.GradMode} ({@code torch.no_grad()}):
 *
 * <pre>{@code
 * Tensor y = GradMode.noGrad(() -> model.call(x));   // records nothing
 * }</pre>
 *
 * <p>The rule table lives beside the ops, in {@code dev.adjoint.tensor}'s op families: each
 * primitive's adjoints ({@code Elementwise.tanhSelf}, {@code LinearAlgebra.matmulSelf}, ...)
 * are ordinary Java methods marked {@code @Adjoint}, next to the primitive's forward. The
 * annotation processor reads them at compile time to write the backward of {@code @Forward}
 * methods, and the same rules build the graph nodes of ops applied outside them. Between
 * {@code @Forward} calls there is one node per call, not one per op.
 */
package dev.adjoint.autograd;
