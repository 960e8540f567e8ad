/**
 * Optimizers, learning-rate schedulers and gradient clipping: the counterpart of
 * {@code torch.optim} (and {@code torch.nn.utils.clip_grad_norm_}).
 *
 * <ul>
 *   <li>{@link dev.adjoint.optim.Optimizer} with {@link dev.adjoint.optim.ParamGroup}s;
 *       {@link dev.adjoint.optim.SGD}, {@link dev.adjoint.optim.Adam},
 *       {@link dev.adjoint.optim.AdamW}, {@link dev.adjoint.optim.RMSprop}, each built as
 *       {@code new SGD(params, lr)} or with a builder, {@code SGD.builder(params).lr(...)...
 *       .build()}, and updating parameters exactly as PyTorch does;</li>
 *   <li>{@link dev.adjoint.optim.LRScheduler} with {@link dev.adjoint.optim.StepLR} and
 *       {@link dev.adjoint.optim.CosineAnnealingLR}, and
 *       {@link dev.adjoint.optim.ReduceLROnPlateau}, which steps on a metric;</li>
 *   <li>{@link dev.adjoint.optim.ClipGrad#clipGradNorm} and
 *       {@link dev.adjoint.optim.ClipGrad#clipGradValue}.</li>
 * </ul>
 *
 * <p>Option names in parameter groups and state dicts are PyTorch's ({@code "weight_decay"},
 * {@code "momentum_buffer"}, ...), so an optimizer's {@code stateDict()} has the layout of
 * PyTorch's {@code optimizer.state_dict()}.
 */
package dev.adjoint.optim;
