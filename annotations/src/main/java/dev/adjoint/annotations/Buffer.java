package dev.adjoint.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a tensor field of a {@link Layer} that is state but not trained, such as batch-norm
 * running statistics ({@code register_buffer}). Buffers move with the layer between devices and
 * are saved in the state dict, but receive no gradient.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Buffer {
  /** False for a buffer left out of the state dict ({@code persistent=False}). */
  boolean persistent() default true;
}
