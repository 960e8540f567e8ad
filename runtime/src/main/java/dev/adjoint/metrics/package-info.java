/**
 * Evaluation metrics on tensors, the numbers a training loop reports (the port of
 * {@code torchmetrics}' functional metrics and scikit-learn's {@code sklearn.metrics}):
 * {@link dev.adjoint.metrics.Metrics#accuracy accuracy}, {@link
 * dev.adjoint.metrics.Metrics#meanSquaredError mean squared error}, {@link
 * dev.adjoint.metrics.Metrics#r2Score R^2}, and a {@link dev.adjoint.metrics.ConfusionMatrix}
 * filled batch by batch. Metrics read values to the host and return Java numbers; they never
 * record a gradient.
 */
package dev.adjoint.metrics;
