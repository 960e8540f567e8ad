/**
 * Ready-made data sets, as {@code torchvision.datasets} and scikit-learn's fetchers:
 * {@link dev.adjoint.data.datasets.CaliforniaHousing} (regression),
 * {@link dev.adjoint.data.datasets.FashionMnist} and {@link dev.adjoint.data.datasets.Mnist}
 * (image classification). Each reads a local copy when there is one and otherwise downloads into
 * the user cache ({@code ~/.cache/adjoint}), verifying a pinned checksum; a missing or damaged
 * file fails with a message that names the file, what is wrong, and how to provide it.
 */
package dev.adjoint.data.datasets;
