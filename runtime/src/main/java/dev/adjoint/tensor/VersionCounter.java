package dev.adjoint.tensor;

/**
 * The in-place write count of one block of tensor data, shared by all views of it (PyTorch's
 * {@code VariableVersion}). Read through {@link Tensor#version()}.
 */
final class VersionCounter {
  int value;
}
