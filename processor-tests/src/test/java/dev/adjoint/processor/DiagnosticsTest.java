package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.at;
import static dev.adjoint.processor.UserCode.compile;
import static dev.adjoint.processor.UserCode.source;
import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.adjoint.processor.UserCode.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Every diagnostic of the processor's catalog ({@link Message}): its stable tag, a key phrase of
 * its text, its hint, and the file, line and column javac shows it on. Each test also pins the
 * number of errors, so a duplicate or an extra internal error fails it. {@link
 * #everyMessageHasACase} fails when a message of the catalog is provoked by no test here, and
 * pins each message's tag.
 */
class DiagnosticsTest {

  /**
   * The tag each message prints, written out here so that renaming one (which breaks users'
   * builds and documentation that match on it) fails a test.
   */
  private static final Map<Message, String> TAGS = Map.ofEntries(
      entry(Message.WHILE_LOOP, "AdjointWhileLoop"),
      entry(Message.RECURSION, "AdjointRecursion"),
      entry(Message.NOT_DIFFERENTIABLE, "AdjointNotDifferentiable"),
      entry(Message.NOT_DIFFERENTIABLE_LIBRARY, "AdjointNotDifferentiable"),
      entry(Message.MISSING_ADJOINT, "AdjointMissingRule"),
      entry(Message.BAD_OUTPUT, "AdjointBadOutput"),
      entry(Message.UNKNOWN_NEED, "AdjointUnknownNeed"),
      entry(Message.AMBIGUOUS_RULE, "AdjointAmbiguousRule"),
      entry(Message.ORPHAN_RULE, "AdjointOrphanRule"),
      entry(Message.PARAM_WRITE, "AdjointParamWrite"),
      entry(Message.TENSOR_FIELD_WRITE, "AdjointTensorFieldWrite"),
      entry(Message.TENSOR_CARRIER, "AdjointTensorCarrier"),
      entry(Message.IN_PLACE, "AdjointInPlace"),
      entry(Message.LAMBDA, "AdjointLambda"),
      entry(Message.TRY_CATCH, "AdjointTryCatch"),
      entry(Message.TENSOR_FIELD, "AdjointTensorField"),
      entry(Message.UNSUPPORTED, "AdjointUnsupported"),
      entry(Message.SWITCH, "AdjointSwitch"),
      entry(Message.SYNCHRONIZED, "AdjointSynchronized"),
      entry(Message.LABEL, "AdjointLabel"),
      entry(Message.BREAK, "AdjointBreak"),
      entry(Message.CONTINUE, "AdjointContinue"),
      entry(Message.LOCAL_CLASS, "AdjointLocalClass"),
      entry(Message.TENSOR_CONDITION, "AdjointTensorCondition"),
      entry(Message.RESERVED_NAME, "AdjointReservedName"),
      entry(Message.TENSOR_LOOP_VARIABLE, "AdjointTensorLoopVariable"),
      entry(Message.TENSOR_FOR_EACH, "AdjointTensorForEach"),
      entry(Message.NULL_TENSOR, "AdjointNullTensor"),
      entry(Message.TENSOR_ARRAY_READ, "AdjointTensorArrayRead"),
      entry(Message.FOREIGN_PARAM, "AdjointForeignParam"),
      entry(Message.PRIMITIVE_ON_THIS, "AdjointPrimitiveOnThis"),
      entry(Message.LAYER_TYPE, "AdjointLayerType"),
      entry(Message.DYNAMIC_CALL, "AdjointDynamicCall"),
      entry(Message.TENSOR_VARARGS, "AdjointTensorVarargs"),
      entry(Message.TENSOR_LIST, "AdjointTensorList"),
      entry(Message.RETURN_IN_LOOP, "AdjointReturnInLoop"),
      entry(Message.PRIVATE_MEMBER, "AdjointPrivateMember"),
      entry(Message.BAD_FORWARD, "AdjointBadForward"),
      entry(Message.FORWARD_WITHOUT_BODY, "AdjointBadForward"),
      entry(Message.FORWARD_GENERIC, "AdjointBadForward"),
      entry(Message.FORWARD_OUTSIDE_CLASS, "AdjointBadForward"),
      entry(Message.FORWARD_OUTSIDE_LAYER, "AdjointBadForward"),
      entry(Message.BAD_LAYER, "AdjointBadLayer"),
      entry(Message.PARAM_NOT_TENSOR, "AdjointBadLayer"),
      entry(Message.WRAPPED_ENVIRONMENT, "AdjointWrappedEnvironment"),
      entry(Message.INTERNAL, "AdjointInternalError"),
      entry(Message.CONFIG_ARGUMENT, "AdjointConfigArgument"),
      entry(Message.CONFIG_CONSTRUCTOR, "AdjointConfigConstructor"));

  /**
   * One error at {@code where} in {@code file} that reads {@code [tag] ...text... Fix: ...hint...}
   * with the tag of {@link #TAGS}, and that is {@code message} of the catalog (its text and hint
   * with arguments filled in), not another message with the same tag.
   */
  private static void assertError(Compilation c, JavaFileObject file, Position where,
      Message message, String text, String hint) {
    String tag = TAGS.get(message);
    Pattern literal = Pattern.compile(Pattern.quote("[" + tag + "] ") + ".*" + Pattern.quote(text)
        + ".*" + Pattern.quote(". Fix: ") + ".*" + Pattern.quote(hint));
    Pattern both = Pattern.compile("(?s)^(?=" + literal.pattern() + ")" + shape(message) + "$");
    assertThat(c).hadErrorContainingMatch(both)
        .inFile(file).onLine(where.line()).atColumn(where.column());
  }

  /** {@code message} as printed, each argument standing for any text. */
  private static String shape(Message message) {
    String marker = "\u0001";
    Object[] args = new Object[16];
    Arrays.fill(args, marker);
    return Arrays.stream(message.format(args).split(marker, -1)).map(Pattern::quote)
        .collect(Collectors.joining(".*?"));
  }

  @Test
  void everyMessageHasACase() throws IOException {
    assertEquals(EnumSet.allOf(Message.class), EnumSet.copyOf(TAGS.keySet()),
        "TAGS lists every message of the catalog");
    for (Message m : Message.values()) {
      assertEquals(TAGS.get(m), m.tag(), m + "'s tag changed: users' builds match on it");
    }
    // Each assertError(..., Message.X, ...) call names its message before the next call starts.
    Path self = Path.of("src/test/java/dev/adjoint/processor/DiagnosticsTest.java");
    assertTrue(Files.exists(self), "run from the processor-tests module's folder: " + self);
    String[] calls = Files.readString(self).split("assertError\\(");
    Set<String> tested = new TreeSet<>();
    Matcher named = Pattern.compile("^\\s*c\\s*,.*?Message\\.([A-Z_]+)", Pattern.DOTALL)
        .matcher("");
    for (int i = 1; i < calls.length; i++) {
      if (named.reset(calls[i]).find()) {
        tested.add(named.group(1));
      }
    }
    // The generated-configuration messages are provoked in GeneratedConfigDiagnosticsTest, whose
    // assertError names the tag.
    Path config =
        Path.of("src/test/java/dev/adjoint/processor/GeneratedConfigDiagnosticsTest.java");
    String[] configCalls = Files.readString(config).split("assertError\\(");
    for (Message m : Message.values()) {
      for (int i = 1; i < configCalls.length; i++) {
        String call = configCalls[i];
        int end = call.indexOf(");");
        if (call.substring(0, end < 0 ? call.length() : end).contains('"' + m.tag() + '"')) {
          tested.add(m.name());
        }
      }
    }
    Set<String> missing = new TreeSet<>();
    for (Message m : Message.values()) {
      if (!tested.contains(m.name())) {
        missing.add(m.name());
      }
    }
    assertEquals(Set.of(), missing, "messages no test of DiagnosticsTest provokes");
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
    assertError(c, f, at(f, "while (h.sum()"), Message.WHILE_LOOP,
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
    assertError(c, f, at(f, "do {"), Message.WHILE_LOOP,
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
    assertError(c, f, at(f, "return forward(x.tanh());", "(x.tanh"), Message.RECURSION,
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
    assertError(c, f, at(f, "Tensor h = twice(x);", "(x)"), Message.NOT_DIFFERENTIABLE,
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
    assertError(c, f, at(f, "x.matmul(scaledW());", "());"), Message.NOT_DIFFERENTIABLE,
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
    assertError(c, f, at(f, "Tensor h = dev.adjoint.autograd.Broadcasting.unbroadcast(", "("), Message.NOT_DIFFERENTIABLE_LIBRARY,
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
    assertError(c, f, at(f, "List.of(x, y).get(0);", "(0)"), Message.NOT_DIFFERENTIABLE_LIBRARY,
        "List.get(...) takes or returns tensors", "call .detach() on its tensor inputs");
    assertError(c, f, at(f, "x.split(2, 0).get(1);", "(1)"), Message.NOT_DIFFERENTIABLE_LIBRARY,
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
    assertError(c, f, at(f, "h.matmul(inner.w.t());", ".w.t()"), Message.FOREIGN_PARAM,
        "the @Param field 'Inner.w' is read from outside its own layer, where it gets no"
            + " gradient",
        "compute with it inside Inner: give that layer a @Forward method doing this"
            + " computation and call it");
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
    assertError(c, ops, at(ops, "public static Both both(", "both("), Message.BAD_OUTPUT,
        "primitive Extremes.both(Tensor) returns Both, which is not a Tensor, and names no output"
            + " accessor", hint);
    assertError(c, ops, at(ops, "public static Both named(", "named("), Message.BAD_OUTPUT,
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
        Message.ORPHAN_RULE, "@Adjoint(of = \"cubee\", wrt = \"x\") matches no @Primitive in Cubes",
        "check the name, wrt and signature");
    assertError(c, ops, at(ops, "public static Tensor typoInWrt(", "typoInWrt"),
        Message.ORPHAN_RULE, "@Adjoint(of = \"cube\", wrt = \"y\") matches no @Primitive in Cubes",
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
    assertError(c, ops, at(ops, "public static Tensor blend(", "blend"), Message.MISSING_ADJOINT,
        text, hint);
    assertError(c, f, at(f, "return Ops.blend(x, x.tanh());", "(x, x"), Message.MISSING_ADJOINT,
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
    assertError(c, ops, at(ops, "Tensor g, Tensor alpha)", "alpha"), Message.UNKNOWN_NEED,
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
    assertError(c, ops, at(ops, "public static Tensor scaleA(", "scaleA"), Message.AMBIGUOUS_RULE,
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
    assertError(c, f, at(f, "Tensor.cat(parts, 0)", "parts"), Message.TENSOR_LIST,
        "the list of tensors passed to Tensor.cat(...) is not written List.of(a, b, ...) at the"
            + " call",
        "write the tensors out at the call (Tensor.cat(List.of(a, b), 0)): a list built earlier"
            + " hides from the reverse pass which tensors the gradient flows back to");
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
    assertError(c, f, at(f, "Pair p = new Pair(", "p = "), Message.TENSOR_CARRIER,
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
    assertError(c, f, at(f, "Tensor[] both = {x, x.exp()};", "both"), Message.TENSOR_CARRIER,
        "'both' (a Tensor[]) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "boxed[0] = w;", "= w"), Message.TENSOR_CARRIER,
        "'boxed' (an Object[]) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "grid[0][0] = x.mul(2.0);", "= x"), Message.TENSOR_CARRIER,
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
    assertError(c, f, at(f, "seen.add(h);", "(h)"), Message.TENSOR_CARRIER,
        "'seen' (a List<Tensor>) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "Optional<Tensor> maybe", "maybe"), Message.TENSOR_CARRIER,
        "'maybe' (an Optional<Tensor>) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "named.put(\"h\", h);", "(\"h"), Message.TENSOR_CARRIER,
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
    assertError(c, f, at(f, "ValuesIndices copy = vi;", "copy"), Message.TENSOR_CARRIER,
        "'copy' (a ValuesIndices) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "Tensor b = pick(vi);", "(vi)"), Message.TENSOR_CARRIER,
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
    assertError(c, f, at(f, "mine.t = x.exp();", "= x"), Message.TENSOR_CARRIER,
        "'mine' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "  kept.t = x.tanh();", "= x"), Message.TENSOR_CARRIER,
        "'kept' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "this.kept.t = x.sigmoid();", "= x"), Message.TENSOR_CARRIER,
        "'kept' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "history.add(x);", "(x)"), Message.TENSOR_CARRIER,
        "'history' (a List<Tensor>) is not a Tensor but holds one", CARRIER_HINT);
    assertError(c, f, at(f, "return given.t.add(x);", ".t.add"), Message.TENSOR_CARRIER,
        "'given' (a Holders.Holder) is not a Tensor but holds one", CARRIER_HINT);
    // A buffer read back would be a constant: only a value that needs no gradient may go in.
    assertError(c, f, at(f, "last = x.mean(0);", "= x"), Message.TENSOR_FIELD_WRITE,
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
    assertError(c, f, at(f, "  lastStatic = x.tanh();", "= x"), Message.TENSOR_FIELD_WRITE,
        "the tensor field 'lastStatic' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "Statics.lastStatic = x.abs();", "= x"), Message.TENSOR_FIELD_WRITE,
        "the tensor field 'lastStatic' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "seen = x.mean(0);", "= x"), Message.TENSOR_FIELD_WRITE,
        "the tensor field 'seen' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "helper.out = x.exp();", "= x"), Message.TENSOR_FIELD_WRITE,
        "the tensor field 'out' " + text, FIELD_WRITE_HINT);
    assertError(c, f, at(f, "this.seen = x.neg();", "= x"), Message.TENSOR_FIELD_WRITE,
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
    assertError(c, f, at(f, "w = x.tanh();", "="), Message.PARAM_WRITE,
        "@Forward method assigns the @Param field 'w'",
        "parameters change only in optimizers; compute a new local tensor instead");
    assertError(c, f, at(f, "this.w = x;", "="), Message.PARAM_WRITE,
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
    assertError(c, f, at(f, "h.add_(y);"), Message.IN_PLACE, "in-place op add_ inside @Forward",
        "use the out-of-place op (add) and assign its result to a local");
    assertError(c, f, at(f, "Tensor k = h.relu_();", "();"), Message.IN_PLACE,
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
    assertError(c, f, at(f, "t -> t.tanh()"), Message.LAMBDA,
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
    assertError(c, f, at(f, "Tensor::exp"), Message.LAMBDA, text, "counted for loop");
    assertError(c, f, at(f, "Tensor::add"), Message.LAMBDA, text, "counted for loop");
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
    assertError(c, f, at(f, ".orElseThrow();", "();"), Message.NOT_DIFFERENTIABLE_LIBRARY,
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
    assertError(c, f, at(f, "try {"), Message.TRY_CATCH,
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
    assertError(c, f, at(f, "switch (mode)"), Message.SWITCH,
        "a switch statement cannot be differentiated",
        "write it as if/else if/else on the same non-tensor value (if (mode == 1) { ... } else"
            + " { ... }); to pick a tensor, use ?: or an if/else that assigns a Tensor local");
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
    assertError(c, f, at(f, "switch (mode)"), Message.SWITCH,
        "a switch expression cannot be differentiated", "write it as if/else if/else");
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
    assertError(c, f, at(f, "outer:"), Message.LABEL,
        "the label 'outer:' inside @Forward cannot be differentiated",
        "remove the label: a loop in @Forward runs a number of iterations known when it starts,"
            + " so nothing may break out of it or continue it by name");
    assertError(c, f, at(f, "continue;"), Message.CONTINUE,
        "continue inside @Forward cannot be differentiated",
        "put the rest of the loop body under if with the opposite condition (if (!skip)"
            + " { ... })");
    assertError(c, f, at(f, "break outer;"), Message.BREAK,
        "break inside @Forward cannot be differentiated",
        "the reverse pass replays a loop by its iteration count: compute the count before the"
            + " loop and make it the bound (for (int i = 0; i < n; i++)), or guard the rest of"
            + " the body with if");
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
    assertError(c, f, at(f, "synchronized (this)"), Message.SYNCHRONIZED,
        "a synchronized block inside @Forward cannot be differentiated",
        "remove it and synchronize around the call of the layer instead (synchronized (lock) {"
            + " y = model.call(x); }); the backward runs later and could not hold the lock");
    // javac places an anonymous class body at its opening brace.
    assertError(c, f, at(f, "new Runnable() {", "{"), Message.LOCAL_CLASS,
        "a local or anonymous class inside @Forward cannot be differentiated",
        "declare the class outside the method (a nested or top-level class); tensor work that"
            + " needs gradients goes in a @Forward method or a @Primitive op with @Adjoint rules");
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
    assertError(c, f, at(f, "return h.exp();"), Message.RETURN_IN_LOOP,
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
    assertError(c, f, at(f, "for (Tensor t : List.of(x, y))"), Message.TENSOR_FOR_EACH,
        "a for-each loop over tensors cannot be differentiated",
        "write one statement per tensor, or stack them (Tensor all = Tensor.stack(List.of(a, b),"
            + " 0)) and loop over an index reading all.select(0, i); a for-each loop may run over"
            + " a List of layers");
    assertError(c, f, at(f, "for (Tensor t = x;", "t = x"), Message.TENSOR_LOOP_VARIABLE,
        "the tensor 't' is declared in a for-loop header",
        "declare the tensor before the loop and count the loop with an int"
            + " (Tensor h = x; for (int i = 0; i < n; i++) { h = ...; })");
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
    String text = "a ?: choosing between tensors on a condition read from tensor elements cannot"
        + " be differentiated";
    String hint = "to choose per element use Tensor.where(mask, a, b); to branch once on the"
        + " data use if/else, whose branch the backward replays";
    assertError(c, f, at(f, "Tensor g = x.sum().item() > 0 ? h.exp()", "? h.exp()"),
        Message.TENSOR_CONDITION, text, hint);
    assertError(c, f, at(f, "return g.add(x.gt(0).any().itemBoolean() ? x : y)", "? x : y"),
        Message.TENSOR_CONDITION, text, hint);
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
    assertError(c, f, at(f, "both[1]", "["), Message.TENSOR_ARRAY_READ,
        "reading a tensor out of an array cannot be differentiated",
        "keep each tensor in a Tensor local of its own, or stack them (Tensor all ="
            + " Tensor.stack(List.of(a, b), 0)) and read all.select(0, i)");
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
    assertError(c, f, at(f, "Tensor cache;", "cache"), Message.TENSOR_FIELD,
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
    assertError(c, f, at(f, "@Param private Tensor w;", "w;"), Message.PRIVATE_MEMBER,
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
    assertError(c, f, at(f, "private Tensor forward(", "forward"), Message.PRIVATE_MEMBER,
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
    assertError(c, f, at(f, "@Param double scale;", "scale"), Message.PARAM_NOT_TENSOR,
        "@Layer class Scalar: field 'scale' is @Param or @Buffer but not a Tensor",
        "make the field a Tensor (a scalar parameter is a Tensor of one element), or drop"
            + " @Param and @Buffer from a plain value");
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
    assertError(c, f, at(f, "public double forward(", "forward"), Message.BAD_FORWARD,
        "@Forward method forward: it must return a Tensor",
        "return the Tensor and compute plain values from it (y.sum().item()) where the method is"
            + " called");
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
    assertError(c, f, at(f, "public abstract Tensor forward(", "forward"),
        Message.FORWARD_WITHOUT_BODY, "@Forward method forward: it needs a body",
        "put @Forward on the method that has the body (each subclass's implementation), not on"
            + " the abstract declaration");
    assertError(c, f, at(f, "public <T> Tensor twice(", "twice"), Message.FORWARD_GENERIC,
        "@Forward method twice: it must not be generic",
        "the generated backward is written for one signature: replace the type parameter with"
            + " the type it stands for");
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
    assertError(c, iface, at(iface, "Tensor apply(", "apply"), Message.FORWARD_WITHOUT_BODY,
        "@Forward method apply: it needs a body", "put @Forward on the method that has the body");
    assertError(c, iface, at(iface, "Tensor apply(", "apply"), Message.FORWARD_OUTSIDE_CLASS,
        "@Forward method apply: it must be declared in a class",
        "put @Forward on the implementing method of a @Layer class, not on an interface or"
            + " record");
    // An instance method needs a Module to run on; a static function does not.
    assertError(c, plain, at(plain, "public Tensor apply(", "apply"),
        Message.FORWARD_OUTSIDE_LAYER,
        "@Forward method apply: an instance @Forward method must be declared in a @Layer class"
            + " (or be static)",
        "annotate the class @Layer and extend dev.adjoint.nn.Module, or make the method static"
            + " so it needs no layer to run on");
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
    assertError(c, f, at(f, "public class Loose", "class"), Message.BAD_LAYER,
        "@Layer class Loose: a @Layer class must extend dev.adjoint.nn.Module",
        "add extends Module (import dev.adjoint.nn.Module), or extend another @Layer class");
    assertThat(c).hadErrorCount(1);
  }

  // ------------------------------------------------------------------ more of the subset's edges

  @Test
  void breakEndingASwitchCaseIsPartOfTheSwitch() {
    // The switch is the problem; its case's break is not reported a second time.
    JavaFileObject f = source("OldSwitch", """
        @Layer
        public class OldSwitch extends Module {
          int mode;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            for (int i = 0; i < 2; i++) {
              switch (mode) {
                case 1:
                  h = h.tanh();
                  break;
                default:
                  h = h.exp();
              }
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "switch (mode)"), Message.SWITCH,
        "a switch statement cannot be differentiated", "write it as if/else if/else");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void assignmentUsedAsATensorValue() {
    JavaFileObject f = source("Chained", """
        @Layer
        public class Chained extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor a;
            Tensor b = (a = x.exp());
            return a.add(b);
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Tensor b = (a = x.exp());", "= x.exp"), Message.UNSUPPORTED,
        "an assignment used as a tensor value is not supported inside @Forward",
        "compute tensors one step per statement: call a @Primitive op or a @Forward method and"
            + " assign the result to a Tensor local, then use the local");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void variablesNamedLikeTheGeneratedCode() {
    JavaFileObject f = source("Clash", """
        @Layer
        public class Clash extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            Tensor saved = x.exp();
            Tensor d_x = saved.tanh();
            return d_x;
          }
        }
        """);
    Compilation c = compile(f);
    String hint = "rename the variable; the generated forward and backward use 'self', 'saved',"
        + " 'sourceLine', 'failure' and names starting with d_ or g_";
    assertError(c, f, at(f, "Tensor saved = x.exp();", "saved"), Message.RESERVED_NAME,
        "the variable name 'saved' is reserved for the generated code", hint);
    assertError(c, f, at(f, "Tensor d_x = saved.tanh();", "d_x"), Message.RESERVED_NAME,
        "the variable name 'd_x' is reserved for the generated code", hint);
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void tensorInitializedToNull() {
    JavaFileObject f = source("Nulls", """
        @Layer
        public class Nulls extends Module {
          boolean flip;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = null;
            if (flip) {
              h = x.exp();
            } else {
              h = x;
            }
            return h;
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "Tensor h = null;", "null"), Message.NULL_TENSOR,
        "a tensor is given null inside @Forward",
        "declare the local without a value (Tensor h;) and assign it a tensor on every path"
            + " before it is read");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void instancePrimitiveOfTheLayerCalledOnItself() {
    JavaFileObject f = source("OwnOp", """
        @Layer
        public class OwnOp extends Module {
          @Primitive
          public Tensor scale(Tensor a) {
            return a.mul(2.0);
          }

          @Adjoint(of = "scale", wrt = "a")
          public static Tensor scaleA(Tensor g) {
            return g.mul(2.0);
          }

          @Forward
          public Tensor forward(Tensor x) {
            return scale(x).tanh();
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "return scale(x).tanh();", "(x)"), Message.PRIMITIVE_ON_THIS,
        "the instance @Primitive OwnOp.scale is called on the layer itself",
        "make it a static @Primitive method that takes what it reads from the layer as"
            + " arguments, and call it as OwnOp.scale(...)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void forwardCalledThroughASubclassThatIsNotALayer() {
    JavaFileObject base = source("Base", """
        @Layer
        public class Base extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return x.tanh();
          }
        }
        """);
    JavaFileObject f = source("Outer", """
        @Layer
        public class Outer extends Module {
          Plain inner = new Plain();

          @Forward
          public Tensor forward(Tensor x) {
            return inner.forward(x);
          }
        }

        class Plain extends Base {}
        """);
    Compilation c = compile(base, f);
    assertError(c, f, at(f, "return inner.forward(x);", "(x)"), Message.LAYER_TYPE,
        "the @Forward method Base.forward is called through the type Plain, which is not a"
            + " @Layer class",
        "declare the field (or variable) with a @Layer class such as Base, or annotate Plain"
            + " with @Layer");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void moduleCallWithAnArrayOfTensors() {
    JavaFileObject f = source("Dynamic", """
        @Layer
        public class Dynamic extends Module {
          Module body;

          @Forward
          public Tensor forward(Tensor x) {
            return body.call(new Tensor[] {x});
          }
        }
        """);
    Compilation c = compile(f);
    assertError(c, f, at(f, "return body.call(new Tensor[] {x});", "(new"), Message.DYNAMIC_CALL,
        "Module.call on a layer known only at run time takes tensors listed one by one"
            + " (layer.call(a, b)), not a Tensor[]",
        "list the tensors at the call; to pass anything else, declare the field with the layer's"
            + " own @Layer class and call its @Forward method");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void tensorsPassedAsVarargs() {
    JavaFileObject ops = source("Sums", """
        public final class Sums {
          private Sums() {}

          @Primitive
          public static Tensor total(Tensor first, Tensor... rest) {
            return first;
          }

          @Adjoint(of = "total", wrt = "first")
          public static Tensor totalFirst(Tensor g) {
            return g;
          }
        }
        """);
    JavaFileObject f = source("UsesSums", """
        @Layer
        public class UsesSums extends Module {
          @Forward
          public Tensor forward(Tensor x, Tensor y) {
            return Sums.total(x, y, x.exp());
          }
        }
        """);
    Compilation c = compile(ops, f);
    assertError(c, f, at(f, "return Sums.total(x, y, x.exp());", "(x, y"),
        Message.TENSOR_VARARGS, "the tensors passed as varargs to Sums.total(...) cannot be"
            + " differentiated",
        "declare the parameter as List<Tensor> and write List.of(a, b, ...) at the call (as"
            + " Tensor.cat does), or take each tensor as a parameter of its own");
    assertThat(c).hadErrorCount(1);
  }

  // ------------------------------------------------------------------ the processor's environment

  @Test
  void environmentThatCannotBeUnwrapped() {
    // A build tool's environment that keeps javac's parts but not javac's environment itself:
    // one error, on the first annotated element, instead of an exception.
    JavaFileObject f = source("Opaque", """
        @Layer
        public class Opaque extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return x.tanh();
          }
        }
        """);
    Compilation c = Compiler.javac()
        .withProcessors(new WrappingProcessor(WrappingProcessor.Wrapping.OPAQUE)).compile(f);
    assertError(c, f, at(f, "public class Opaque", "class"), Message.WRAPPED_ENVIRONMENT,
        "the Adjoint processor reads @Forward bodies through javac's own ProcessingEnvironment,"
            + " and cannot find it inside " + WrappingProcessor.OpaqueEnvironment.class.getName()
            + ", the one this build tool gives it",
        "run the processor under javac's own environment (javac -processorpath, Maven's"
            + " maven-compiler-plugin, Gradle's annotationProcessor configuration) and report the"
            + " build tool and its version");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void failureToWriteTheGeneratedFile() {
    // Nothing in user code provokes an internal error; a filer that refuses to write does.
    JavaFileObject f = source("Unwritable", """
        @Layer
        public class Unwritable extends Module {
          @Forward
          public Tensor forward(Tensor x) {
            return x.tanh();
          }
        }
        """);
    Compilation c = Compiler.javac()
        .withProcessors(new WrappingProcessor(WrappingProcessor.Wrapping.FAILING_FILER))
        .compile(f);
    assertError(c, f, at(f, "public class Unwritable", "class"), Message.INTERNAL,
        "the Adjoint processor failed on test.Unwritable: javax.annotation.processing"
            + ".FilerException: " + WrappingProcessor.REFUSED,
        "this is a bug in Adjoint; please report it with this message");
    assertThat(c).hadErrorCount(1);
  }
}
