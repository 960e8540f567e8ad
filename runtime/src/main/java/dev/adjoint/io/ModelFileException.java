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
 *
 * <p>A message is at most 2,000 characters: a longer one (one that quotes much of a hostile
 * file) keeps its first 1,400 and last 500 characters and says how many were cut.
 */
public final class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception with the complete message. */
  public ModelFileException(String message) {
    super(Messages.bounded(message));
  }

  /** An exception with the complete message and the failure that revealed the problem. */
  public ModelFileException(String message, Throwable cause) {
    super(Messages.bounded(message), cause);
  }
}
