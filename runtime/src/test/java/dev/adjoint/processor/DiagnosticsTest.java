package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.at;
import static dev.adjoint.processor.UserCode.compile;
import static dev.adjoint.processor.UserCode.source;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.UserCode.Position;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Every diagnostic of the processor's catalog that user code can provoke (all but
 * {@code [AdjointInternalError]}, a processor bug, and {@code [AdjointOrphanRule]}, which nothing
 * reports yet): its stable tag, a key phrase of its text, its hint, and the file, line and column
 * javac shows it on. Each test also pins the number of errors, so a duplicate or an extra
 * internal error fails it.
 */
class DiagnosticsTest {

  /** One error with this tag, text and hint, at {@code where} in {@code file}. */
  private static void assertError(Compilation c, JavaFileObject file, Position where, String tag,
      String text, String hint) {
    assertThat(c).hadErrorContainingMatch(message(tag, text, hint))
        .inFile(file).onLine(where.line()).atColumn(where.column());
  }

  /** {@code [tag] ...text... Fix: ...hint...} on one line. */
  private static Pattern message(String tag, String text, String hint) {
    return Pattern.compile(Pattern.quote("[" + tag + "] ") + ".*" + Pattern.quote(text) + ".*"
        + Pattern.quote(". Fix: ") + ".*" + Pattern.quote(hint));
  }

  // ------------------------------------------------------------------ loops and recursion

  @Test
  void whileLoopOverATensorCondition() {
    JavaFileObject f = source("Loops", """
        @Layer
        public class Loops extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            while (h.sum().item() > 1) {
              h = h.mul(0.5);
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "while (h.sum()"), "AdjointWhileLoop",
        "a while or do-while loop cannot be differentiated",
        "use a counted for loop (for (int i = 0; i < n; i++))");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void doWhileLoop() {
    JavaFileObject f = source("DoLoop", """
        @Layer
        public class DoLoop extends Module {
          int n = 3;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            int i = 0;
            do {
              h = h.tanh();
              i++;
            } while (i < n);
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "do {"), "AdjointWhileLoop",
        "a while or do-while loop cannot be differentiated",
        "so the reverse pass knows how many iterations to replay");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void forwardCallingItself() {
    JavaFileObject f = source("Recursive", """
        @Layer
        public class Recursive extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return forward(x.tanh());
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "return forward(x.tanh());", "(x.tanh"), "AdjointRecursion",
        "@Forward method forward calls itself",
        "recursion cannot be differentiated at compile time; unroll it into a counted loop");
    assertThat(c).hadErrorCount(1);
  }

  // ------------------------------------------------------------------ calls

  @Test
  void helperMethodTakingTensors() {
    JavaFileObject f = source("Helper", """
        @Layer
        public class Helper extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = twice(x);
            return h.tanh();
          }

          Tensor twice(Tensor t) {
            return t.add(t);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Tensor h = twice(x);", "(x)"), "AdjointNotDifferentiable",
        "Helper.twice(...) takes or returns tensors but is neither a @Primitive nor a @Forward",
        "mark it @Forward so its backward is generated");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void helperMethodReturningATensorBuiltFromParameters() {
    // Taking no tensors, it looks like a factory; but it reads w, whose gradient would be lost.
    JavaFileObject f = source("Scaled", """
        @Layer
        public class Scaled extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(scaledW());
          }

          Tensor scaledW() {
            return w.mul(2.0);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "x.matmul(scaledW());", "());"), "AdjointNotDifferentiable",
        "Scaled.scaledW(...) takes or returns tensors", "mark it @Forward");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void libraryMethodThatIsNotAPrimitive() {
    // A method of compiled code cannot be marked @Forward: the hint says what can be done.
    JavaFileObject f = source("Moves", """
        @Layer
        public class Moves extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = dev.adjoint.autograd.Broadcasting.unbroadcast(x, new int[] {3});
            return h.tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Tensor h = dev.adjoint.autograd.Broadcasting.unbroadcast(", "("), "AdjointNotDifferentiable",
        "Broadcasting.unbroadcast(...) takes or returns tensors but is neither a @Primitive nor a @Forward"
            + " method, and it is compiled code that cannot be annotated",
        "compute the same with @Primitive ops (the methods of Tensor and Functional that are"
            + " marked @Primitive), or call it from a static @Primitive method of your own with an"
            + " @Adjoint for each tensor input, or call .detach() on its tensor inputs");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void tensorTakenOutOfAContainer() {
    // List.of(x, y).get(0) and x.split(..).get(0) are x's values: as constants they would drop
    // the gradient without a word.
    JavaFileObject f = source("Container", """
        @Layer
        public class Container extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            Tensor a = List.of(x, y).get(0);
            Tensor b = x.split(2, 0).get(1);
            return a.add(b);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "List.of(x, y).get(0);", "(0)"), "AdjointNotDifferentiable",
        "List.get(...) takes or returns tensors", "call .detach() on its tensor inputs");
    assertError(c, f, at(f, "x.split(2, 0).get(1);", "(1)"), "AdjointNotDifferentiable",
        "List.get(...) takes or returns tensors", "call .detach() on its tensor inputs");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void parameterOfAnotherLayerReadDirectly() {
    JavaFileObject inner = source("Inner", """
        @Layer
        public class Inner extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(w);
          }
        }
        """);
    JavaFileObject f = source("Tied", """
        @Layer
        public class Tied extends Module {
          Inner inner;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = inner.forward(x);
            return h.matmul(inner.w.t());
          }
        }
        """);
    Compilation c = compile(inner, f);
    assertError(c, f, at(f, "h.matmul(inner.w.t());", ".w.t()"), "AdjointUnsupported",
        "reading the @Param field 'Inner.w' from outside its own layer",
        "the differentiable subset is");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void primitiveWhoseResultIsNotATensor() {
    JavaFileObject ops = source("Extremes", """
        public final class Extremes {
          private Extremes() {}

          public record Both(Tensor values, Tensor where) {}

          @Primitive
          public static Both both(Tensor x) {
            return new Both(x, x);
          }

          @Primitive(output = "vals")
          public static Both named(Tensor x) {
            return new Both(x, x);
          }

          @Adjoint(of = "both", wrt = "x")
          public static Tensor bothX(Tensor g) {
            return g;
          }

          @Adjoint(of = "named", wrt = "x")
          public static Tensor namedX(Tensor g) {
            return g;
          }
        }
        """);
    Compilation c = compile(ops);
    String hint = "a differentiable primitive returns a Tensor, or a value holding tensors with"
        + " @Primitive(output = \"<accessor>\")";
    assertError(c, ops, at(ops, "public static Both both(", "both("), "AdjointBadOutput",
        "primitive Extremes.both(Tensor) returns Both, which is not a Tensor, and names no output"
            + " accessor", hint);
    assertError(c, ops, at(ops, "public static Both named(", "named("), "AdjointBadOutput",
        "primitive Extremes.named(Tensor) returns Both, which has no method vals() returning a"
            + " Tensor", hint);
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void adjointMatchingNoPrimitive() {
    JavaFileObject ops = source("Cubes", """
        public final class Cubes {
          private Cubes() {}

          @Primitive
          public static Tensor cube(Tensor x) {
            return x.mul(x).mul(x);
          }

          @Adjoint(of = "cube", wrt = "x")
          public static Tensor cubeX(Tensor g, Tensor x) {
            return g.mul(x.mul(x).mul(3.0));
          }

          @Adjoint(of = "cubee", wrt = "x")
          public static Tensor typoInName(Tensor g) {
            return g;
          }

          @Adjoint(of = "cube", wrt = "y")
          public static Tensor typoInWrt(Tensor g) {
            return g;
          }
        }
        """);
    Compilation c = compile(ops);
    assertError(c, ops, at(ops, "public static Tensor typoInName(", "typoInName"),
        "AdjointOrphanRule", "@Adjoint(of = \"cubee\", wrt = \"x\") matches no @Primitive in Cubes",
        "check the name, wrt and signature");
    assertError(c, ops, at(ops, "public static Tensor typoInWrt(", "typoInWrt"),
        "AdjointOrphanRule", "@Adjoint(of = \"cube\", wrt = \"y\") matches no @Primitive in Cubes",
        "check the name, wrt and signature");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void primitiveWithoutAdjointForADifferentiableInput() {
    JavaFileObject ops = source("Ops", """
        public final class Ops {
          private Ops() {}

          @Primitive
          public static Tensor blend(Tensor a, Tensor b) {
            return a.add(b);
          }

          @Adjoint(of = "blend", wrt = "a")
          public static Tensor blendA(Tensor g) {
            return g;
          }
        }
        """);
    JavaFileObject f = source("UsesOps", """
        @Layer
        public class UsesOps extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return Ops.blend(x, x.tanh());
          }
        }
        """);
    Compilation c = compile(ops, f);
    String text = "primitive Ops.blend(Tensor, Tensor) has no @Adjoint for its differentiable"
        + " input 'b'";
    String hint = "add a static method annotated @Adjoint(of = \"blend\", wrt = \"b\") to"
        + " test.Ops, or list 'b' in @Primitive(nondifferentiable = ...)";
    assertError(c, ops, at(ops, "public static Tensor blend(", "blend"), "AdjointMissingRule",
        text, hint);
    assertError(c, f, at(f, "return Ops.blend(x, x.tanh());", "(x, x"), "AdjointMissingRule",
        text, hint);
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void adjointNamingAParameterThePrimitiveLacks() {
    JavaFileObject ops = source("Scale", """
        public final class Scale {
          private Scale() {}

          @Primitive
          public static Tensor scale(Tensor a) {
            return a.mul(2.0);
          }

          @Adjoint(of = "scale", wrt = "a")
          public static Tensor scaleA(Tensor g, Tensor alpha) {
            return g.mul(2.0);
          }
        }
        """);
    Compilation c = compile(ops);
    assertError(c, ops, at(ops, "Tensor g, Tensor alpha)", "alpha"), "AdjointUnknownNeed",
        "@Adjoint parameter 'alpha' of scaleA names nothing the primitive scale has",
        "name parameters g (the output gradient), out (the result), self (the receiver)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void adjointMatchingSeveralOverloadsIsReportedOnce() {
    JavaFileObject ops = source("Overloads", """
        public final class Overloads {
          private Overloads() {}

          @Primitive(nondifferentiable = "a")
          public static Tensor scale(Tensor a) {
            return a;
          }

          @Primitive(nondifferentiable = "a")
          public static Tensor scale(Tensor a, double k) {
            return a.mul(k);
          }

          @Adjoint(of = "scale", wrt = "a")
          public static Tensor scaleA(Tensor g) {
            return g;
          }
        }
        """);
    Compilation c = compile(ops);
    assertError(c, ops, at(ops, "public static Tensor scaleA(", "scaleA"), "AdjointAmbiguousRule",
        "@Adjoint(of = \"scale\") matches 2 overloads", "add signature = {...}");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void tensorsThroughAVariableList() {
    JavaFileObject f = source("Concat", """
        @Layer
        public class Concat extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            List<Tensor> parts = List.of(x, y);
            return Tensor.cat(parts, 0);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Tensor.cat(parts, 0)", "parts"), "AdjointUnsupported",
        "a list of tensors that is not written List.of(a, b, ...) at the call",
        "the differentiable subset is");
    assertThat(c).hadErrorCount(1);
  }

  // ------------------------------------------------------------------ values holding tensors

  private static final String CARRIER_HINT = "keep each tensor in a Tensor local and pass"
      + " tensors to primitives and @Forward methods directly";

  @Test
  void recordHoldingActiveTensors() {
    // The per-op path would differentiate through the record; the generated backward cannot.
    JavaFileObject f = source("Pairs", """
        @Layer
        public class Pairs extends Module {
          record Pair(Tensor a, Tensor b) {}

          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            Pair p = new Pair(x.tanh(), y);
            return p.a().add(p.b());
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Pair p = new Pair(", "p = "), "AdjointTensorCarrier",
        "'p' (a Pairs.Pair) is not a Tensor but holds one that depends on a differentiable"
            + " input; its gradient would be silently lost", CARRIER_HINT);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void arraysOfActiveTensors() {
    JavaFileObject f = source("Arrays", """
        @Layer
        public class Arrays extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor[] both = {x, x.exp()};
            Object[] boxed = new Object[1];
            boxed[0] = w;
            Tensor[][] grid = new Tensor[1][1];
            grid[0][0] = x.mul(2.0);
            return x.mul(both.length + boxed.length + grid.length);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Tensor[] both = {x, x.exp()};", "both"), "AdjointTensorCarrier",
        "'both' (a Tensor[]) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "boxed[0] = w;", "= w"), "AdjointTensorCarrier",
        "'boxed' (an Object[]) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "grid[0][0] = x.mul(2.0);", "= x"), "AdjointTensorCarrier",
        "'grid' (a Tensor[][]) is not a Tensor but holds one", CARRIER_HINT);
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void listsBuiltFromActiveTensors() {
    JavaFileObject f = source("Lists", """
        @Layer
        public class Lists extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            List<Tensor> seen = new java.util.ArrayList<>();
            Tensor h = x.tanh();
            seen.add(h);
            java.util.Optional<Tensor> maybe = java.util.Optional.of(h.exp());
            java.util.Map<String, Object> named = new java.util.HashMap<>();
            named.put("h", h);
            List<Tensor> constants = List.of(Tensor.zeros(3), Tensor.ones(3));
            return h.mul(seen.size() + constants.size());
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "seen.add(h);", "(h)"), "AdjointTensorCarrier",
        "'seen' (a List<Tensor>) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "Optional<Tensor> maybe", "maybe"), "AdjointTensorCarrier",
        "'maybe' (an Optional<Tensor>) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "named.put(\"h\", h);", "(\"h"), "AdjointTensorCarrier",
        "'named' (a Map<String,Object>) is not a Tensor but holds one", CARRIER_HINT);
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void valuesIndicesPassedAround() {
    // .values() and .indices() of max/min along a dim are fine (see GeneratedBackwardTest);
    // the result copied or handed to a helper is not.
    JavaFileObject f = source("Extremes", """
        @Layer
        public class Extremes extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            dev.adjoint.tensor.ValuesIndices vi = x.max(1);
            dev.adjoint.tensor.ValuesIndices copy = vi;
            Tensor a = copy.values();
            Tensor b = pick(vi);
            Tensor i = vi.indices();
            return a.add(b).add(vi.values()).add(x.min(0).values().sum());
          }

          static Tensor pick(dev.adjoint.tensor.ValuesIndices vi) {
            return vi.values();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "ValuesIndices copy = vi;", "copy"), "AdjointTensorCarrier",
        "'copy' (a ValuesIndices) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "Tensor b = pick(vi);", "(vi)"), "AdjointTensorCarrier",
        "'vi' (a ValuesIndices) is not a Tensor but holds one", CARRIER_HINT);
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void tensorReadFromAFieldOfAHolder() {
    JavaFileObject f = source("Holders", """
        @Layer
        public class Holders extends Module {
          static final class Holder {
            Tensor t;
          }

          Holder kept = new Holder();
          List<Tensor> history = new java.util.ArrayList<>();
          @Buffer Tensor last;

          @Forward
          public Tensor forward(Tensor x, Holder given) {
            Holder mine = new Holder();
            mine.t = x.exp();
            kept.t = x.tanh();
            this.kept.t = x.sigmoid();
            history.add(x);
            last = x.mean(0);
            return given.t.add(x);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "mine.t = x.exp();", "= x"), "AdjointTensorCarrier",
        "'mine' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "  kept.t = x.tanh();", "= x"), "AdjointTensorCarrier",
        "'kept' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "this.kept.t = x.sigmoid();", "= x"), "AdjointTensorCarrier",
        "'kept' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "history.add(x);", "(x)"), "AdjointTensorCarrier",
        "'history' (a List<Tensor>) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "return given.t.add(x);", ".t.add"), "AdjointTensorCarrier",
        "'given' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    // A buffer read back would be a constant: only a value that needs no gradient may go in.
    assertError(c, f, at(f, "last = x.mean(0);", "= x"), "AdjointTensorFieldWrite",
        "the tensor field 'last' is given a value that depends on a differentiable input",
        FIELD_WRITE_HINT);
    assertThat(c).hadErrorCount(6);
  }

  private static final String FIELD_WRITE_HINT = "keep the tensor in a local; to store state"
      + " (running statistics, a cache) assign value.detach(), which cuts its gradient on purpose";

  @Test
  void tensorFieldsGivenAnActiveValue() {
    // Static fields, buffers and another layer's fields, however they are named: each read back
    // as a constant. Detached values and values of no input are fine.
    JavaFileObject f = source("Statics", """
        @Layer
        public class Statics extends Module {
          static Tensor lastStatic;
          static final Tensor SCALE = Tensor.of(2.0);
          @Buffer Tensor seen;
          Helper helper = new Helper();

          @Forward
          public Tensor forward(Tensor x) {
            lastStatic = x.tanh();
            Statics.lastStatic = x.abs();
            seen = x.mean(0);
            Tensor fine = x.mean(0).detach();
            seen = fine;
            seen = SCALE.mul(3.0);
            helper.out = x.exp();
            this.seen = x.neg();
            return lastStatic.mul(SCALE).add(x);
          }
        }

        @Layer
        class Helper extends Module {
          @Buffer Tensor out;

          @Forward
          public Tensor forward(Tensor x) {
            return x;
          }
        }
        """);
    Compilation c = compile(f);
    String text = "is given a value that depends on a differentiable input; read back, it is a"
        + " constant, so its gradient would be silently lost";
    assertError(c, f, at(f, "  lastStatic = x.tanh();", "= x"), "AdjointTensorFieldWrite",
        "the tensor field 'lastStatic' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "Statics.lastStatic = x.abs();", "= x"), "AdjointTensorFieldWrite",
        "the tensor field 'lastStatic' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "seen = x.mean(0);", "= x"), "AdjointTensorFieldWrite",
        "the tensor field 'seen' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "helper.out = x.exp();", "= x"), "AdjointTensorFieldWrite",
        "the tensor field 'out' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "this.seen = x.neg();", "= x"), "AdjointTensorFieldWrite",
        "the tensor field 'seen' " + text, FIELD_WRITE_HINT);
    assertThat(c).hadErrorCount(5);
  }

  @Test
  void valuesThatHoldNoActiveTensorAreFine() {
    // Shapes, sizes, flags, layers and tensors that depend on no input compile as before.
    JavaFileObject f = source("Plain", """
        @Layer
        public class Plain extends Module {
          List<Module> blocks = List.of();

          @Forward
          public Tensor forward(Tensor x) {
            int[] shape = x.shape();
            boolean wide = x.shape()[1] > 2;
            List<Integer> sizes = List.of(shape[0], shape[1]);
            List<Tensor> constants = List.of(Tensor.zeros(3), x.detach(), x.argmax());
            Object label = wide ? "wide" : "narrow";
            Tensor h = x;
            for (Module b : blocks) {
              h = b.call(h);
            }
            return h.mul(sizes.size() + constants.size() + label.hashCode() % 2);
          }
        }
        """);
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  // ------------------------------------------------------------------ writes

  @Test
  void assignmentToAParamField() {
    JavaFileObject f = source("Writes", """
        @Layer
        public class Writes extends Module {
          @Param Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            w = x.tanh();
            this.w = x;
            return x.mul(w);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "w = x.tanh();", "="), "AdjointParamWrite",
        "@Forward method assigns the @Param field 'w'",
        "parameters change only in optimizers; compute a new local tensor instead");
    assertError(c, f, at(f, "this.w = x;", "="), "AdjointParamWrite",
        "assigns the @Param field 'w'", "compute a new local tensor instead");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void inPlaceOps() {
    JavaFileObject f = source("InPlace", """
        @Layer
        public class InPlace extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            Tensor h = x.mul(2.0);
            h.add_(y);
            Tensor k = h.relu_();
            return k;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "h.add_(y);"), "AdjointInPlace", "in-place op add_ inside @Forward",
        "use the out-of-place op (add) and assign its result to a local");
    assertError(c, f, at(f, "Tensor k = h.relu_();", "();"), "AdjointInPlace",
        "in-place op relu_ inside @Forward", "use the out-of-place op (relu)");
    assertThat(c).hadErrorCount(2);
  }

  // ------------------------------------------------------------------ statement kinds

  @Test
  void lambda() {
    JavaFileObject f = source("Lambda", """
        import java.util.function.UnaryOperator;

        @Layer
        public class Lambda extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            UnaryOperator<Tensor> f = t -> t.tanh();
            return x.exp();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "t -> t.tanh()"), "AdjointLambda",
        "lambdas, method references and streams cannot be differentiated",
        "write the computation as a counted for loop or a loop over a List of layers");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void streamOverTensors() {
    JavaFileObject f = source("Streams", """
        @Layer
        public class Streams extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            return List.of(x, y).stream().map(Tensor::exp).reduce(x, Tensor::add);
          }
        }
        """);
    Compilation c = compile(f);
    String text = "lambdas, method references and streams cannot be differentiated";
    assertError(c, f, at(f, "Tensor::exp"), "AdjointLambda", text, "counted for loop");
    assertError(c, f, at(f, "Tensor::add"), "AdjointLambda", text, "counted for loop");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void streamWithoutLambdas() {
    JavaFileObject f = source("FirstOf", """
        import java.util.stream.Stream;

        @Layer
        public class FirstOf extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            return Stream.of(x, y).findFirst().orElseThrow();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, ".orElseThrow();", "();"), "AdjointNotDifferentiable",
        "Optional.orElseThrow(...) takes or returns tensors", "compute the same with @Primitive"
            + " ops");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void tryCatch() {
    JavaFileObject f = source("Catching", """
        @Layer
        public class Catching extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            try {
              return x.tanh();
            } catch (RuntimeException e) {
              return x;
            }
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "try {"), "AdjointTryCatch",
        "try/catch/finally inside @Forward cannot be differentiated",
        "validate inputs before the computation and throw; do not catch inside @Forward");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void switchStatement() {
    JavaFileObject f = source("Switching", """
        @Layer
        public class Switching extends Module {
          int mode;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            switch (mode) {
              case 1 -> h = h.tanh();
              default -> h = h.exp();
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "switch (mode)"), "AdjointUnsupported",
        "a switch statement is not supported inside @Forward",
        "the differentiable subset is: tensor locals, calls of primitives and @Forward methods");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void switchExpression() {
    JavaFileObject f = source("SwitchValue", """
        @Layer
        public class SwitchValue extends Module {
          int mode;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = switch (mode) {
              case 1 -> x.tanh();
              default -> x;
            };
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "switch (mode)"), "AdjointUnsupported",
        "a switch expression is not supported inside @Forward", "if/else");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void labeledStatementBreakAndContinue() {
    JavaFileObject f = source("Jumps", """
        @Layer
        public class Jumps extends Module {
          int skip;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            outer:
            for (int i = 0; i < 3; i++) {
              if (i == skip) {
                continue;
              }
              if (i > skip) {
                break outer;
              }
              h = h.relu();
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    String hint = "counted for loops, loops over lists of layers and return";
    assertError(c, f, at(f, "outer:"), "AdjointUnsupported",
        "a labeled statement is not supported inside @Forward", hint);
    assertError(c, f, at(f, "continue;"), "AdjointUnsupported",
        "continue is not supported inside @Forward", hint);
    assertError(c, f, at(f, "break outer;"), "AdjointUnsupported",
        "break is not supported inside @Forward", hint);
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void synchronizedBlockAndLocalClass() {
    JavaFileObject f = source("Odd", """
        @Layer
        public class Odd extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            synchronized (this) {
              h = h.exp();
            }
            Runnable r = new Runnable() {
              @Override
              public void run() {}
            };
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "synchronized (this)"), "AdjointUnsupported",
        "a synchronized block is not supported inside @Forward", "the differentiable subset");
    // javac places an anonymous class body at its opening brace.
    assertError(c, f, at(f, "new Runnable() {", "{"), "AdjointUnsupported",
        "a local or anonymous class is not supported inside @Forward",
        "the differentiable subset");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void returnInsideALoop() {
    JavaFileObject f = source("LoopReturn", """
        @Layer
        public class LoopReturn extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            for (int i = 0; i < 3; i++) {
              h = h.tanh();
              if (i == 1) {
                return h.exp();
              }
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "return h.exp();"), "AdjointReturnInLoop",
        "return inside a loop in @Forward",
        "assign the result to a local declared before the loop and return it after the loop");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void loopOverTensorsAndTensorInAForHeader() {
    JavaFileObject f = source("TensorLoops", """
        @Layer
        public class TensorLoops extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            Tensor h = x;
            for (Tensor t : List.of(x, y)) {
              h = h.add(t);
            }
            for (Tensor t = x; t != null; t = null) {
              h = h.mul(t);
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "for (Tensor t : List.of(x, y))"), "AdjointUnsupported",
        "a loop over tensors (index them in a counted loop instead)", "the differentiable");
    assertError(c, f, at(f, "for (Tensor t = x;", "t = x"), "AdjointUnsupported",
        "a tensor in a for-loop header", "the differentiable subset");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void conditionalExpressionOnTensorElements() {
    // ?: between tensors on a plain condition becomes if/else (GeneratedBackwardTest); one whose
    // condition reads tensor elements stays an error.
    JavaFileObject f = source("Choice", """
        @Layer
        public class Choice extends Module {
          boolean flip;

          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            double s = flip ? 2.0 : 3.0;
            Tensor h = flip ? x : y.mul(s);
            Tensor k = x.dim() == 2 && x.requiresGrad() ? h : x;
            Tensor g = x.sum().item() > 0 ? h.exp() : k;
            return g.add(x.gt(0).any().itemBoolean() ? x : y);
          }
        }
        """);
    Compilation c = compile(f);
    String text = "a ?: choosing between tensors on a condition read from tensor elements (to"
        + " choose per element use Tensor.where(mask, a, b); to branch once on the data use"
        + " if/else) is not supported inside @Forward";
    assertError(c, f, at(f, "Tensor g = x.sum().item() > 0 ? h.exp()", "? h.exp()"), "AdjointUnsupported", text,
        "the differentiable subset is");
    assertError(c, f, at(f, "return g.add(x.gt(0).any().itemBoolean() ? x : y)", "? x : y"), "AdjointUnsupported", text,
        "the differentiable subset is");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void tensorExpressionOutsideTheSubset() {
    JavaFileObject f = source("Indexing", """
        @Layer
        public class Indexing extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            Tensor[] both = {x, y};
            return both[1].tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "both[1]", "["), "AdjointUnsupported",
        "this tensor expression (ARRAY_ACCESS) is not supported inside @Forward",
        "the differentiable subset");
    assertThat(c).hadErrorCount(1);
  }

  // ------------------------------------------------------------------ fields and signatures

  @Test
  void tensorFieldThatIsNeitherParamNorBuffer() {
    JavaFileObject f = source("Fields", """
        @Layer
        public class Fields extends Module {
          @Param Tensor w;
          @Buffer Tensor runningMean;
          Tensor cache;
          int width;

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(w).sub(runningMean);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Tensor cache;", "cache"), "AdjointTensorField",
        "tensor field 'cache' of @Layer Fields is neither @Param nor @Buffer",
        "annotate it @Param (trained) or @Buffer (saved state such as running statistics)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void privateParamField() {
    JavaFileObject f = source("Hidden", """
        @Layer
        public class Hidden extends Module {
          @Param private Tensor w;

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(w);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "@Param private Tensor w;", "w;"), "AdjointPrivateMember",
        "field 'w' is private, so the generated code beside Hidden cannot read it",
        "make it package-private (drop 'private')");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void privateForwardMethod() {
    JavaFileObject f = source("Secret", """
        @Layer
        public class Secret extends Module {
          @Forward
          private Tensor forward(Tensor x) {
            return x.tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "private Tensor forward(", "forward"), "AdjointPrivateMember",
        "@Forward method forward is private", "make it package-private");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void paramThatIsNotATensor() {
    JavaFileObject f = source("Scalar", """
        @Layer
        public class Scalar extends Module {
          @Param double scale;

          @Forward
          public Tensor forward(Tensor x) {
            return x.mul(scale);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "@Param double scale;", "scale"), "AdjointBadLayer",
        "field 'scale' is @Param or @Buffer but not a Tensor",
        "its @Param and @Buffer fields are Tensors");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void forwardNotReturningATensor() {
    JavaFileObject f = source("Scores", """
        @Layer
        public class Scores extends Module {
          @Forward
          public double forward(Tensor x) {
            return x.sum().item();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "public double forward(", "forward"), "AdjointBadForward",
        "@Forward method forward: it must return a Tensor",
        "a @Forward method returns a Tensor, takes tensors and plain values, and is not abstract");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void abstractAndGenericForwardMethods() {
    JavaFileObject f = source("Template", """
        @Layer
        public abstract class Template extends Module {
          @Forward
          public abstract Tensor forward(Tensor x);

          @Forward
          public <T> Tensor twice(Tensor x) {
            return x.add(x);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "public abstract Tensor forward(", "forward"), "AdjointBadForward",
        "@Forward method forward: it needs a body", "is not abstract");
    assertError(c, f, at(f, "public <T> Tensor twice(", "twice"), "AdjointBadForward",
        "@Forward method twice: it must not be generic", "is not abstract");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void forwardMethodsOutsideALayerClass() {
    JavaFileObject iface = source("Shape", """
        public interface Shape {
          @Forward
          Tensor apply(Tensor x);
        }
        """);
    JavaFileObject plain = source("Plain", """
        public class Plain {
          @Forward
          public Tensor apply(Tensor x) {
            return x.tanh();
          }

          @Forward
          public static Tensor twice(Tensor x) {
            return x.add(x);
          }
        }
        """);
    Compilation c = compile(iface, plain);
    assertError(c, iface, at(iface, "Tensor apply(", "apply"), "AdjointBadForward",
        "@Forward method apply: it needs a body", "is not abstract");
    assertError(c, iface, at(iface, "Tensor apply(", "apply"), "AdjointBadForward",
        "@Forward method apply: it must be declared in a class", "is not abstract");
    // An instance method needs a Module to run on; a static function does not.
    assertError(c, plain, at(plain, "public Tensor apply(", "apply"), "AdjointBadForward",
        "an instance @Forward method must be declared in a @Layer class (or be static)",
        "is not abstract");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void layerThatIsNotAModule() {
    JavaFileObject f = source("Loose", """
        @Layer
        public class Loose {
          @Forward
          public static Tensor forward(Tensor x) {
            return x.tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "public class Loose", "class"), "AdjointBadLayer",
        "a @Layer class must extend dev.adjoint.nn.Module", "a @Layer class extends");
    assertThat(c).hadErrorCount(1);
  }
}
