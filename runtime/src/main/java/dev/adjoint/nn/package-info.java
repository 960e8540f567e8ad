/**
 * Layers and losses, the counterpart of {@code torch.nn}. A model is a
 * {@link dev.adjoint.nn.Module} subclass annotated {@code @Layer}, with {@code @Param} tensors,
 * sub-layers in fields, and a {@code @Forward} method whose backward the annotation processor
 * writes at compile time:
 *
 * <pre>{@code
 * @Layer
 * public class TinyNet extends Module {
 *   final Linear fc = new Linear(3, 1);
 *
 *   @Forward
 *   public Tensor forward(Tensor x) {
 *     return fc.call(x).tanh();
 *   }
 * }
 * }</pre>
 *
 * <p>{@code model.call(x)} runs the forward ({@code model(x)}); {@code parameters()},
 * {@code stateDict()}, {@code loadStateDict}, {@code train()}/{@code eval()}, {@code to(device)}
 * and {@code summary()} work from the generated parameter registry. Built-in layers
 * ({@link dev.adjoint.nn.Linear}, {@link dev.adjoint.nn.Conv2d}, {@link dev.adjoint.nn.Sequential},
 * ...) are written the same way; losses ({@link dev.adjoint.nn.MSELoss},
 * {@link dev.adjoint.nn.CrossEntropyLoss}, ...) and {@link dev.adjoint.nn.Functional} mirror
 * {@code torch.nn.functional}; {@link dev.adjoint.nn.Init} mirrors {@code torch.nn.init}.
 *
 * <p>Import {@code dev.adjoint.nn.Module} by name: with {@code import dev.adjoint.nn.*} the
 * simple name {@code Module} is ambiguous with {@code java.lang.Module}.
 */
package dev.adjoint.nn;
