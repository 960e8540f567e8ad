package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.diff.Step;
import java.util.ArrayList;
import java.util.List;

/** Spells the backward body the reverse pass planned. */
final class BackwardWriter {
  private BackwardWriter() {}

  /** The statements of {@code steps}. */
  static CodeBlock write(List<Step> steps) {
    CodeBlock.Builder b = CodeBlock.builder();
    steps.forEach(s -> write(s, b));
    return b.build();
  }

  private static void write(Step s, CodeBlock.Builder b) {
    if (s instanceof Step.Heading h) {
      ForwardWriter.heading(h.line(), b);
    } else if (s instanceof Step.DeclareGradient d) {
      b.addStatement("$T $L = null", Names.TENSOR, d.name());
    } else if (s instanceof Step.Take t) {
      b.addStatement("$T $L = $L", Names.TENSOR, t.local(), t.from());
    } else if (s instanceof Step.Clear c) {
      b.addStatement("$L = null", c.name());
    } else if (s instanceof Step.Pop p) {
      b.addStatement("$T $L = saved.pop()", Names.typeOf(p.type()), p.local());
    } else if (s instanceof Step.Let l) {
      switch (l.kind()) {
        case TENSOR -> b.addStatement("$T $L = $L", Names.TENSOR, l.local(), expr(l.value()));
        case TENSOR_ARRAY -> b.addStatement("$T[] $L = $L", Names.TENSOR, l.local(),
            expr(l.value()));
        case TENSOR_LIST -> b.addStatement("$T<$T> $L = $L", Names.LIST, Names.TENSOR, l.local(),
            expr(l.value()));
      }
    } else if (s instanceof Step.Accumulate a) {
      switch (a.mode()) {
        case SET -> b.addStatement("$L = $L", a.name(), expr(a.value()));
        case ADD -> b.addStatement("$L = $L.add($L)", a.name(), a.name(), expr(a.value()));
        case MAYBE -> b.addStatement("$L = $T.accumulate($L, $L)", a.name(), Names.AUTOGRAD,
            a.name(), expr(a.value()));
      }
    } else if (s instanceof Step.AccumulateParam p) {
      b.beginControlFlow("if ($L.$L.requiresGrad())", JavaCode.SELF, p.field())
          .addStatement("$L.$L.accumulateGrad($L)", JavaCode.SELF, p.field(), expr(p.value()))
          .endControlFlow();
    } else if (s instanceof Step.Evaluate e) {
      b.addStatement("$L", expr(e.value()));
    } else if (s instanceof Step.If f) {
      b.beginControlFlow("if ($L)", expr(f.condition()));
      f.then().forEach(t -> write(t, b));
      if (f.otherwise() != null) {
        b.nextControlFlow("else");
        f.otherwise().forEach(t -> write(t, b));
      }
      b.endControlFlow();
    } else if (s instanceof Step.CountDown c) {
      b.beginControlFlow("for (int $L = $L; $L > 0; $L--)", c.counter(), expr(c.trips()),
          c.counter(), c.counter());
      c.body().forEach(t -> write(t, b));
      b.endControlFlow();
    } else {
      Step.Return r = (Step.Return) s;
      List<CodeBlock> grads = new ArrayList<>();
      r.gradients().forEach(g -> grads.add(expr(g)));
      if (r.array()) {
        b.addStatement("return new $T[] {$L}", Names.TENSOR, CodeBlock.join(grads, ", "));
      } else {
        b.addStatement("return $L", grads.get(0));
      }
    }
  }

  private static CodeBlock expr(Step.Expr e) {
    if (e instanceof Step.Name n) {
      return CodeBlock.of("$L", n.name());
    } else if (e instanceof Step.Null) {
      return CodeBlock.of("null");
    } else if (e instanceof Step.Saved s) {
      return s.slot().shapeOf() != null
          ? CodeBlock.of("saved.$L.shape()", s.slot().shapeOf().name())
          : CodeBlock.of("saved.$L", s.slot().name());
    } else if (e instanceof Step.Read r) {
      return JavaCode.of(r.operand(), r.access());
    } else if (e instanceof Step.RuleCall c) {
      List<CodeBlock> args = new ArrayList<>();
      c.args().forEach(a -> args.add(expr(a)));
      return CodeBlock.of("$T.$L($L)", ClassName.get(c.rules()), c.method().getSimpleName(),
          CodeBlock.join(args, ", "));
    } else if (e instanceof Step.LayerBackward c) {
      String method = Names.backward(c.method().getSimpleName().toString());
      return c.layer() == null
          ? CodeBlock.of("$T.$L($L, $L)", Names.adjointClass(c.owner()), method,
              expr(c.record()), expr(c.gradient()))
          : CodeBlock.of("$T.$L($L, $L, $L)", Names.adjointClass(c.owner()), method,
              expr(c.layer()), expr(c.record()), expr(c.gradient()));
    } else if (e instanceof Step.DynamicBackward d) {
      return CodeBlock.of("$L.backward($L)", expr(d.record()), expr(d.gradient()));
    } else if (e instanceof Step.Element el) {
      return el.array() ? CodeBlock.of("$L[$L]", el.local(), el.index())
          : CodeBlock.of("$L.get($L)", el.local(), el.index());
    } else if (e instanceof Step.NotNull n) {
      return CodeBlock.of("$L != null", n.name());
    }
    return CodeBlock.of("saved.$L", ((Step.NeedFlag) e).field());
  }
}
