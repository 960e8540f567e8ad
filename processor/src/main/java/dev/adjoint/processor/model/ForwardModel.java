package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/**
 * One {@code @Forward} method in A-normal form.
 *
 * @param owner the class declaring it (a layer, or any class for a static function)
 * @param method the method
 * @param isStatic whether it is a static function (no {@code self})
 * @param params its parameters in order
 * @param body its statements, with every {@code return} in tail position
 * @param tensorLocals the tensor locals and temporaries, in first-assignment order
 */
public record ForwardModel(TypeElement owner, ExecutableElement method, boolean isStatic,
    List<Param> params, List<Stmt> body, List<String> tensorLocals) {

  /**
   * A parameter of the forward method.
   *
   * @param name its name
   * @param type its type
   * @param tensor whether it is a Tensor (and so may receive a gradient)
   */
  public record Param(String name, TypeMirror type, boolean tensor) {}

  /** The tensor parameters, in order: the ones the backward returns gradients for. */
  public List<Param> tensorParams() {
    return params.stream().filter(Param::tensor).toList();
  }
}
