package dev.adjoint.io;

import java.io.IOException;

/**
 * A valid safetensors file that {@link ModelFiles#load} cannot turn into a model: it is not an
 * Adjoint model file (no {@code "format": "adjoint-model"} marker, another version, a description
 * that does not decode), or it is one but the model cannot be rebuilt here (a class that is not on
 * the classpath or has no {@code fromConfig}, a {@code fromConfig} that fails, saved state that
 * does not fit the rebuilt model). The message names the file, the layer's place in the model
 * ({@code model.config.layers.2}), its class and the problem; the failure behind it, if any, is
 * the cause.
 *
 * <p>A file that is not valid safetensors at all gives a {@link SafeTensorsException}; plain I/O
 * failures stay ordinary {@link IOException}s.
 */
public final class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception with the complete message. */
  public ModelFileException(String message) {
    super(message);
  }

  /** An exception with the complete message and the failure that revealed the problem. */
  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
