package dev.adjoint.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import dev.adjoint.processor.model.KnownTypes;

/** Runtime types the generated code refers to, and the {@code @Generated} marker. */
public final class Names {
  public static final ClassName TENSOR = ClassName.bestGuess(KnownTypes.TENSOR);
  public static final com.palantir.javapoet.TypeName TENSOR_LIST =
      com.palantir.javapoet.ParameterizedTypeName.get(ClassName.get(java.util.List.class), TENSOR);
  public static final ClassName NODE = ClassName.bestGuess(KnownTypes.NODE);
  public static final ClassName AUTOGRAD = ClassName.bestGuess(KnownTypes.AUTOGRAD);
  public static final ClassName TRACKED_CALL = ClassName.bestGuess(KnownTypes.TRACKED_CALL);
  public static final ClassName GENERATED = ClassName.bestGuess(KnownTypes.GENERATED);

  private Names() {}

  /** {@code @Generated("dev.adjoint.processor.AdjointProcessor")}. */
  public static AnnotationSpec generated(String comment) {
    return AnnotationSpec.builder(GENERATED)
        .addMember("value", "$S", KnownTypes.PROCESSOR)
        .addMember("comments", "$S", comment)
        .build();
  }

  /**
   * The generated forward of {@code method} that keeps what its backward needs in a {@code Saved}
   * object and records no graph ({@code forward} -> {@code forwardSaving}).
   */
  public static String saving(String method) {
    return method + "Saving";
  }

  /**
   * The generated entry point of {@code method} that records one graph node per call when
   * gradients are wanted ({@code forward} -> {@code forwardTracked}).
   */
  public static String tracked(String method) {
    return method + "Tracked";
  }

  /** {@code exp} -> {@code Exp}. */
  public static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
