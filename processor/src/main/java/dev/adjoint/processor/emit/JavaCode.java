package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diff.Slot;
import dev.adjoint.processor.model.Code;
import dev.adjoint.processor.model.Operand;
import dev.adjoint.processor.model.Primitive;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;

/**
 * How the generated code spells what the model holds: the user's code (the receiver as
 * {@code self}, the types it names imported), operands, and calls of primitives on them.
 */
final class JavaCode {
  /** The generated methods' name for the layer they run on. */
  static final String SELF = "self";

  private JavaCode() {}

  /** The user's code. */
  static CodeBlock of(Code code) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Code.Part p : code.parts()) {
      if (p instanceof Code.Text t) {
        b.add("$L", t.text());
      } else if (p instanceof Code.Receiver) {
        b.add("$L", SELF);
      } else {
        b.add("$T", ClassName.get(((Code.Type) p).type()));
      }
    }
    return b.build();
  }

  /** How the generated forward reads an operand. */
  static CodeBlock of(Operand o) {
    if (o instanceof Operand.Var v) {
      return CodeBlock.of("$L", v.name());
    } else if (o instanceof Operand.Param p) {
      return CodeBlock.of("$L.$L", SELF, p.field());
    } else if (o instanceof Operand.Constant c) {
      return of(c.code());
    } else if (o instanceof Operand.TensorList l) {
      return CodeBlock.of("$T.of($L)", Names.LIST, list(l.elements()));
    } else if (o instanceof Operand.Literal l) {
      return CodeBlock.of("$L", l.text());
    } else if (o instanceof Operand.Local l) {
      return CodeBlock.of("$L", l.name());
    } else if (o instanceof Operand.Self) {
      return CodeBlock.of("$L", SELF);
    } else if (o instanceof Operand.SelfField f) {
      return CodeBlock.of("$L.$L", SELF, f.name());
    } else if (o instanceof Operand.Expression e) {
      return of(e.code());
    }
    Operand.NewArray a = (Operand.NewArray) o;
    List<CodeBlock> elements = new ArrayList<>();
    a.elements().forEach(e -> elements.add(of(e)));
    return CodeBlock.of("new $T[] {$L}", TypeName.get(((ArrayType) a.type()).getComponentType()),
        CodeBlock.join(elements, ", "));
  }

  /** An operand's value, shape, dtype or layout. */
  static CodeBlock of(Operand o, Slot.Access access) {
    return switch (access) {
      case VALUE -> of(o);
      case SHAPE -> CodeBlock.of("$L.shape()", of(o));
      case DTYPE -> CodeBlock.of("$L.dtype()", of(o));
      case LAYOUT -> CodeBlock.of("$L.layout()", of(o));
    };
  }

  /** Operands separated by commas. */
  static CodeBlock list(List<? extends Operand> operands) {
    List<CodeBlock> codes = new ArrayList<>();
    operands.forEach(o -> codes.add(of(o)));
    return CodeBlock.join(codes, ", ");
  }

  /** A call of primitive {@code p} on already-reduced operands (its receiver first). */
  static CodeBlock call(Primitive p, List<Operand> args) {
    ExecutableElement m = p.method();
    if (p.isInstance()) {
      return CodeBlock.of("$L.$L($L)", of(args.get(0)), m.getSimpleName(),
          list(args.subList(1, args.size())));
    }
    return CodeBlock.of("$T.$L($L)", ClassName.get((TypeElement) m.getEnclosingElement()),
        m.getSimpleName(), list(args));
  }
}
