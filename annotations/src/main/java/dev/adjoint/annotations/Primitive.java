package dev.adjoint.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an op of the rule table: a method whose gradient is given by {@link Adjoint} methods
 * rather than derived from its body. Every tensor input of a primitive either has an adjoint or
 * is listed in {@link #nondifferentiable()}; a primitive whose result carries no gradient at all
 * (a comparison, {@code argmax}) sets {@link #differentiable()} to false.
 *
 * <p>Users define their own ops the same way, and the processor uses their rules.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Primitive {
  /**
   * The class holding this primitive's {@link Adjoint} methods; {@code void.class} (the default)
   * means the class that declares the primitive.
   */
  Class<?> rules() default void.class;

  /** Names of tensor inputs that get no gradient (e.g. an index tensor). */
  String[] nondifferentiable() default {};

  /** False when the result never carries a gradient; the gradient path is cut there. */
  boolean differentiable() default true;

  /**
   * For a primitive whose result is not a {@code Tensor} but a value holding tensors (max along a
   * dim returns values and indices): the no-argument accessor of the result that returns the
   * differentiable tensor, e.g. {@code "values"}. The gradient flows through that accessor only;
   * the result's other tensors (the int64 indices) carry none. Empty (the default) for a primitive
   * that returns a {@code Tensor}.
   */
  String output() default "";
}
