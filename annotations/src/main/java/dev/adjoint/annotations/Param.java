package dev.adjoint.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a trainable tensor field of a {@link Layer} ({@code nn.Parameter}). Parameters receive
 * gradients, are listed by {@code parameters()} in declaration order, and are saved in the state
 * dict under their dotted name (e.g. {@code encoder.fc1.weight}). A {@link Forward} method may
 * read a parameter but never assign it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Param {}
