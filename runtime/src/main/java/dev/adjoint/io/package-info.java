/**
 * Saving and loading, the counterpart of {@code torch.save}/{@code torch.load} and
 * {@code safetensors}; never Java serialization.
 *
 * <ul>
 *   <li>{@link dev.adjoint.io.SafeTensors}: state dicts as {@code .safetensors} files,
 *       byte-compatible with PyTorch's {@code safetensors} package;</li>
 *   <li>{@link dev.adjoint.io.Checkpoint}: model and optimizer state, RNG states, step and user
 *       metadata with a checksum, for exact resumption of training;</li>
 *   <li>{@link dev.adjoint.io.ModelFiles}: a whole model, configuration and weights, loadable
 *       without its constructor arguments.</li>
 * </ul>
 *
 * <pre>{@code
 * SafeTensors.save(model.stateDict(), Path.of("model.safetensors"));
 * model.loadStateDict(SafeTensors.load(Path.of("model.safetensors")));
 * }</pre>
 *
 * <p>Every write is atomic (a temporary file, fsync, rename) and keeps the replaced file's
 * mode; a malformed file is reported with its path and what is wrong with it.
 */
package dev.adjoint.io;
