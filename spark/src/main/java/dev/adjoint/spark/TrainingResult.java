package dev.adjoint.spark;

import dev.adjoint.io.SafeTensors;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link SparkTrainer#fit} returns to the driver: the trained model's state dict and the
 * per-epoch metrics. The state dict travels as safetensors bytes (never Java-serialized
 * tensors); {@link #stateDict()} reads them.
 */
public final class TrainingResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] safetensors;
  private final List<EpochMetrics> epochs;
  private final long steps;
  private final long resumedFromStep;
  private final int stageAttempt;
  private final int worldSize;

  TrainingResult(byte[] safetensors, List<EpochMetrics> epochs, long steps, long resumedFromStep,
      int stageAttempt, int worldSize) {
    this.safetensors = safetensors;
    this.epochs = List.copyOf(epochs);
    this.steps = steps;
    this.resumedFromStep = resumedFromStep;
    this.stageAttempt = stageAttempt;
    this.worldSize = worldSize;
  }

  /** The trained parameters and buffers, for {@code model.loadStateDict(result.stateDict())}. */
  public Map<String, Tensor> stateDict() {
    try {
      Path tmp = Files.createTempFile("adjoint-spark-result", ".safetensors");
      try {
        Files.write(tmp, safetensors);
        return SafeTensors.load(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("TrainingResult.stateDict: " + e.getMessage(), e);
    }
  }

  /** The state dict as the bytes of a {@code .safetensors} file. */
  public byte[] safetensorsBytes() {
    return safetensors.clone();
  }

  /** One entry per epoch, in order. */
  public List<EpochMetrics> epochs() {
    return epochs;
  }

  /** The optimizer steps of the whole run. */
  public long steps() {
    return steps;
  }

  /**
   * The step the successful attempt started from: 0, or the step of the checkpoint it resumed
   * from after a failed attempt.
   */
  public long resumedFromStep() {
    return resumedFromStep;
  }

  /** Spark's stage attempt number of the attempt that finished (0 when nothing failed). */
  public int stageAttempt() {
    return stageAttempt;
  }

  /** The number of ranks (partitions) that trained. */
  public int worldSize() {
    return worldSize;
  }

  @Override
  public String toString() {
    return "TrainingResult[" + worldSize + " ranks, " + steps + " steps, " + epochs.size()
        + " epochs, stage attempt " + stageAttempt + ", resumed from step " + resumedFromStep
        + "]";
  }
}
