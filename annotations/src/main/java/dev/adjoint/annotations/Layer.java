package dev.adjoint.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a model class (the counterpart of a {@code torch.nn.Module} subclass). The Adjoint
 * processor reads its {@link Param} and {@link Buffer} fields, its sub-layer fields and its
 * {@link Forward} methods, and generates a parameter registry and the backward pass of each
 * forward method.
 *
 * <pre>{@code
 * @Layer
 * public class LinReg extends Module {
 *   @Param Tensor weight;
 *   @Param Tensor bias;
 *
 *   @Forward
 *   public Tensor forward(Tensor x) {
 *     return x.matmul(weight.t()).add(bias);
 *   }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Layer {}
