/**
 * Helpers for training loops that are not part of the model: a console
 * {@link dev.adjoint.train.ProgressBar} (epoch, batch, loss, throughput, time left) and
 * {@link dev.adjoint.train.LineChart}, which writes loss and accuracy curves as a PNG without a
 * display (Java2D into an image; no plotting library).
 *
 * <pre>{@code
 * var bar = new ProgressBar(epochs, loader.size());
 * var losses = new ArrayList<Double>();
 * for (int epoch = 1; epoch <= epochs; epoch++) {
 *   bar.startEpoch(epoch);
 *   for (Tensor[] batch : loader) {
 *     ...
 *     bar.step(loss.item(), batch[0].size(0));
 *   }
 *   losses.add(bar.epochLoss());
 *   bar.endEpoch(Map.of("val_acc", accuracy));
 * }
 * new LineChart("Training", "epoch", "loss").addSeries("train", losses).save(Path.of("loss.png"));
 * }</pre>
 */
package dev.adjoint.train;
