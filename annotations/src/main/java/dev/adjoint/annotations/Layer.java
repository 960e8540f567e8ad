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
 *
 * <p>Unless the class implements {@code dev.adjoint.nn.Configurable}, the processor also generates
 * its configuration for whole-model files ({@code ModelFiles.save}) from its constructor: each
 * argument is read back from the non-private field of the same name, and a loaded model is built
 * by calling the constructor with those values. See {@link Constructor}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Layer {
  /**
   * Marks the constructor whose arguments rebuild the layer, so that whole-model files can save
   * and load it without a hand-written {@code Configurable}; needed only when the class has
   * several constructors. Every parameter must be kept in a non-private field of the same name
   * and type, of a type that can be recorded: {@code int}, {@code long}, {@code float},
   * {@code double}, {@code boolean}, {@code String}, an enum, {@code int[]}, {@code Tensor}, a
   * layer, or a {@code List} or array of layers. A {@code boolean} parameter may also record
   * whether the same-named {@code @Param}, {@code @Buffer} or sub-layer field is set
   * ({@code bias}). A parameter that cannot be recorded is a compile-time error naming it.
   *
   * <pre>{@code
   * @Layer
   * public class Block extends Module {
   *   final Module body;
   *   final int width;
   *
   *   public Block(int width) { this(new Linear(width, width), width); }
   *
   *   @Layer.Constructor
   *   public Block(Module body, int width) { this.body = body; this.width = width; }
   *   ...
   * }
   * }</pre>
   *
   * <p>A class with a single constructor that is not private needs no mark: the processor uses
   * that one, and when one of its arguments cannot be recorded, saving the model as a whole
   * fails at run time naming the argument (the mark turns that into a compile-time error).
   */
  @Documented
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.CONSTRUCTOR)
  @interface Constructor {}
}
