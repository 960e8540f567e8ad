package dev.adjoint.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method that gives the gradient of one input of a {@link Primitive}: the
 * vector-Jacobian product (JAX {@code defvjp}, Swift {@code @derivative(of:)}).
 *
 * <p>Its parameters are named after what it needs, and the generated forward pass saves exactly
 * that: {@code g} is the gradient of the primitive's result, {@code out} the result itself, and
 * any other name is the primitive's input of that name ({@code self} for the receiver of an
 * instance method). It returns the gradient for input {@link #wrt()}, shaped like that input.
 *
 * <pre>{@code
 * @Adjoint(of = "exp", wrt = "self")
 * static Tensor expSelf(Tensor g, Tensor out) { return g.mul(out); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Adjoint {
  /** The primitive's method name. */
  String of();

  /** The input this adjoint differentiates with respect to: a parameter name, or "self". */
  String wrt();

  /**
   * The primitive's parameter types, simple names, when {@link #of()} is overloaded, e.g.
   * {@code {"Tensor"}} for {@code add(Tensor)} as opposed to {@code add(double)}.
   */
  String[] signature() default {};
}
