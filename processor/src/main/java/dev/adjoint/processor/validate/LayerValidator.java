package dev.adjoint.processor.validate;

import dev.adjoint.processor.Message;
import dev.adjoint.processor.Reporter;
import dev.adjoint.processor.model.KnownTypes;
import dev.adjoint.processor.model.LayerInfo;
import dev.adjoint.processor.model.RuleTable;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks a {@code @Layer} class's fields and {@code @Forward} signatures and reads its registry:
 * tensor fields must be {@code @Param} or {@code @Buffer}, and everything the generated code
 * reads must not be private.
 */
public final class LayerValidator {
  private final Types types;
  private final Elements elements;
  private final Reporter reporter;

  public LayerValidator(Types types, Elements elements, Reporter reporter) {
    this.types = types;
    this.elements = elements;
    this.reporter = reporter;
  }

  /** Reads the layer's registry, reporting every bad field. */
  public LayerInfo read(TypeElement layer) {
    TypeElement superLayer = null;
    List<LayerInfo.Field> inherited = new ArrayList<>();
    for (TypeMirror t = layer.getSuperclass(); t.getKind() == TypeKind.DECLARED;
        t = ((TypeElement) ((DeclaredType) t).asElement()).getSuperclass()) {
      TypeElement sup = (TypeElement) ((DeclaredType) t).asElement();
      if (RuleTable.has(sup, KnownTypes.LAYER)) {
        if (superLayer == null) {
          superLayer = sup;
        }
        inherited.addAll(0, fieldsOf(sup, false));
      }
    }
    return new LayerInfo(layer, fieldsOf(layer, true), superLayer, inherited);
  }

  /** The first superclass of {@code layer} that javac could not resolve, or null. */
  private static TypeMirror unresolvedSuperclass(TypeElement layer) {
    for (TypeMirror t = layer.getSuperclass(); t.getKind() != TypeKind.NONE;
        t = ((TypeElement) ((DeclaredType) t).asElement()).getSuperclass()) {
      if (t.getKind() == TypeKind.ERROR) {
        return t;
      }
      if (t.getKind() != TypeKind.DECLARED) {
        return null;
      }
    }
    return null;
  }

  private List<LayerInfo.Field> fieldsOf(TypeElement layer, boolean report) {
    List<LayerInfo.Field> fields = new ArrayList<>();
    TypeElement module = elements.getTypeElement(KnownTypes.MODULE);
    TypeMirror unresolved = unresolvedSuperclass(layer);
    if (report && unresolved != null) {
      // javac reports the real cause (an ambiguous or missing name) on the extends clause; a
      // "must extend Module" error on top of it would point the user the wrong way.
      if (unresolved.toString().equals("Module")) {
        reporter.note(layer, "Module is ambiguous when both dev.adjoint.nn.* and java.lang are"
            + " imported on demand: import dev.adjoint.nn.Module explicitly");
      }
    } else if (report && module != null
        && !types.isSubtype(layer.asType(), module.asType())) {
      reporter.error(layer, Message.BAD_LAYER, layer.getSimpleName());
    }
    for (VariableElement f : ElementFilter.fieldsIn(layer.getEnclosedElements())) {
      if (f.getModifiers().contains(Modifier.STATIC)) {
        continue;
      }
      String name = f.getSimpleName().toString();
      TypeMirror t = f.asType();
      boolean param = RuleTable.has(f, KnownTypes.PARAM);
      boolean buffer = RuleTable.has(f, KnownTypes.BUFFER);
      LayerInfo.Kind kind = null;
      if (RuleTable.isTensor(t)) {
        if (param) {
          kind = LayerInfo.Kind.PARAM;
        } else if (buffer) {
          kind = persistent(f) ? LayerInfo.Kind.BUFFER : LayerInfo.Kind.BUFFER_TRANSIENT;
        } else if (report) {
          reporter.error(f, Message.TENSOR_FIELD, name, layer.getSimpleName());
        }
      } else if ((param || buffer) && report) {
        reporter.error(f, Message.PARAM_NOT_TENSOR, layer.getSimpleName(), name);
      } else if (RuleTable.isModule(t)) {
        kind = LayerInfo.Kind.CHILD;
      } else if (isModuleList(t)) {
        kind = LayerInfo.Kind.CHILD_LIST;
      }
      if (kind != null) {
        if (report && f.getModifiers().contains(Modifier.PRIVATE)) {
          reporter.error(f, Message.PRIVATE_MEMBER, "field '" + name + "'",
              layer.getSimpleName());
        }
        fields.add(new LayerInfo.Field(name, kind));
      }
    }
    return fields;
  }

  /** Checks a {@code @Forward} method's shape; returns whether it can be compiled. */
  public boolean checkForward(ExecutableElement m) {
    int before = reporter.errorCount();
    String name = m.getSimpleName().toString();
    if (!RuleTable.isTensor(m.getReturnType())) {
      reporter.error(m, Message.BAD_FORWARD, name);
    }
    if (m.getModifiers().contains(Modifier.ABSTRACT)
        || m.getModifiers().contains(Modifier.NATIVE)) {
      reporter.error(m, Message.FORWARD_WITHOUT_BODY, name);
    }
    if (m.getModifiers().contains(Modifier.PRIVATE)) {
      reporter.error(m, Message.PRIVATE_MEMBER, "@Forward method " + name,
          m.getEnclosingElement().getSimpleName());
    }
    if (!m.getTypeParameters().isEmpty()) {
      reporter.error(m, Message.FORWARD_GENERIC, name);
    }
    if (m.getEnclosingElement().getKind() != ElementKind.CLASS) {
      reporter.error(m, Message.FORWARD_OUTSIDE_CLASS, name);
    } else if (!m.getModifiers().contains(Modifier.STATIC)
        && !RuleTable.has(m.getEnclosingElement(), KnownTypes.LAYER)) {
      // The generated entry point needs a Module (training mode, parameters) to run on.
      reporter.error(m, Message.FORWARD_OUTSIDE_LAYER, name);
    }
    return reporter.errorCount() == before;
  }

  private boolean isModuleList(TypeMirror t) {
    if (t.getKind() != TypeKind.DECLARED) {
      return false;
    }
    DeclaredType dt = (DeclaredType) t;
    TypeElement list = elements.getTypeElement(KnownTypes.LIST);
    return types.isSubtype(types.erasure(t), types.erasure(list.asType()))
        && dt.getTypeArguments().size() == 1
        && RuleTable.isModule(dt.getTypeArguments().get(0));
  }

  private static boolean persistent(VariableElement f) {
    for (AnnotationMirror m : f.getAnnotationMirrors()) {
      if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
          .contentEquals(KnownTypes.BUFFER)) {
        for (var e : m.getElementValues().entrySet()) {
          if (e.getKey().getSimpleName().contentEquals("persistent")) {
            return (Boolean) ((AnnotationValue) e.getValue()).getValue();
          }
        }
      }
    }
    return true;
  }
}
