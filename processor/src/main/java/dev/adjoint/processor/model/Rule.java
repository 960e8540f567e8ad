package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * One {@code @Adjoint} method.
 *
 * @param method the static adjoint method
 * @param wrt the input it differentiates
 * @param needs its parameters, in order
 */
public record Rule(ExecutableElement method, String wrt, List<Need> needs) {}
