package dev.adjoint.spark;

import java.io.Serializable;

/**
 * What one epoch of a {@link SparkTrainer} run did.
 *
 * @param epoch the epoch, from 0
 * @param meanLoss the mean over the epoch's steps of the global batch's mean loss
 * @param steps the optimizer steps in the epoch
 * @param examples the examples the epoch trained on (steps times the global batch size)
 * @param seconds the wall time rank 0 spent on the epoch's steps in the attempt that finished
 *     it (an epoch resumed from a checkpoint counts only the steps after the resume)
 * @param timedSteps how many steps {@code seconds} covers
 * @param syncSeconds the part of {@code seconds} rank 0 spent averaging gradients (the
 *     all-reduce, waiting for the slowest rank included)
 */
public record EpochMetrics(int epoch, double meanLoss, int steps, long examples, double seconds,
    int timedSteps, double syncSeconds) implements Serializable {
  /** The mean wall time of a step: {@code seconds / timedSteps}. */
  public double secondsPerStep() {
    return timedSteps == 0 ? Double.NaN : seconds / timedSteps;
  }
}
