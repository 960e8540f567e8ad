package dev.adjoint.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a differentiable method: an instance method of a {@link Layer} (its forward pass) or a
 * static function. The processor reads the body and writes its backward pass as Java source.
 *
 * <p>The body must stay inside the differentiable subset: tensor locals and reassignment, calls of
 * {@link Primitive} ops and of other {@code @Forward} methods (sub-layers included), arithmetic on
 * non-tensor values, {@code if/else} on non-tensor conditions, counted {@code for} loops, loops
 * over lists of sub-layers, and {@code return}. Anything else is a compile error on that line,
 * with a hint on how to fix it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Forward {}
