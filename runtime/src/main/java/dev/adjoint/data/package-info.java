/**
 * Data loading, as {@code torch.utils.data}: {@link dev.adjoint.data.Dataset},
 * {@link dev.adjoint.data.TensorDataset}, {@link dev.adjoint.data.Subset},
 * {@link dev.adjoint.data.DataLoader} (batching, seeded shuffling), {@link
 * dev.adjoint.data.Data#randomSplit} and, from scikit-learn, {@link
 * dev.adjoint.data.StandardScaler}. Ready-made data sets live in {@code dev.adjoint.data.datasets}.
 *
 * <pre>{@code
 * var housing = CaliforniaHousing.load();
 * var splits = Data.randomSplit(housing.toDataset(), new double[] {0.8, 0.2}, new Generator(42));
 * Tensor[] train = Data.toTensors(splits.get(0));          // {X_train, y_train}
 * var scaler = new StandardScaler().fit(train[0]);         // statistics of the training rows only
 * var loader = DataLoader.builder(new TensorDataset(scaler.transform(train[0]), train[1]))
 *     .batchSize(64).shuffle(true).generator(new Generator(0)).build();
 * for (Tensor[] batch : loader) { ... batch[0] is [64, 8], batch[1] is [64, 1] ... }
 * }</pre>
 */
package dev.adjoint.data;
