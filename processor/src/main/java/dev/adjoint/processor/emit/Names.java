package dev.adjoint.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diff.Slot;
import dev.adjoint.processor.model.KnownTypes;
import dev.adjoint.processor.model.Stmt;
import javax.lang.model.element.TypeElement;

/**
 * Runtime types the generated code refers to (each described where {@link KnownTypes} names
 * it), the {@code @Generated} marker, and the names of generated classes and methods.
 */
public final class Names {
  public static final ClassName TENSOR = ClassName.bestGuess(KnownTypes.TENSOR);
  public static final ClassName LIST = ClassName.bestGuess(KnownTypes.LIST);
  public static final TypeName TENSOR_LIST = ParameterizedTypeName.get(LIST, TENSOR);
  public static final ClassName DYNAMIC_CALL = ClassName.bestGuess(KnownTypes.DYNAMIC_CALL);
  public static final ClassName NODE = ClassName.bestGuess(KnownTypes.NODE);
  public static final ClassName AUTOGRAD = ClassName.bestGuess(KnownTypes.AUTOGRAD);
  public static final ClassName TRACKED_CALL = ClassName.bestGuess(KnownTypes.TRACKED_CALL);
  public static final ClassName TEMPORARIES = ClassName.bestGuess(KnownTypes.TEMPORARIES);
  public static final ClassName FUSIONS = ClassName.bestGuess(KnownTypes.FUSIONS);
  public static final ClassName GRAD_FREE = ClassName.bestGuess(KnownTypes.GRAD_FREE);
  public static final ClassName VALUES_INDICES = ClassName.bestGuess(KnownTypes.VALUES_INDICES);
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

  /** The generated backward of {@code method} ({@code forward} -> {@code forwardBackward}). */
  public static String backward(String method) {
    return method + "Backward";
  }

  /** {@code <Owner>_Adjoint} for a class with {@code @Forward} methods. */
  public static ClassName adjointClass(TypeElement owner) {
    ClassName c = ClassName.get(owner);
    return ClassName.get(c.packageName(), String.join("_", c.simpleNames()) + "_Adjoint");
  }

  /** The {@code <Method>Saved} record of {@code method} of {@code owner}. */
  public static ClassName savedClass(TypeElement owner, String method) {
    return adjointClass(owner).nestedClass(capitalize(method) + "Saved");
  }

  /** What a slot of a {@code Saved} record holds, as a type. */
  public static TypeName typeOf(Slot.Type type) {
    if (type instanceof Slot.Declared d) {
      return TypeName.get(d.type());
    } else if (type instanceof Slot.Shape) {
      return TypeName.get(int[].class);
    } else if (type instanceof Slot.Flag) {
      return TypeName.BOOLEAN;
    } else if (type instanceof Slot.Count) {
      return TypeName.INT;
    }
    Stmt.Call call = ((Slot.CallRecord) type).call();
    return call.dynamic() ? DYNAMIC_CALL
        : savedClass(call.owner(), call.method().getSimpleName().toString());
  }

  /** {@code exp} -> {@code Exp}. */
  public static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
