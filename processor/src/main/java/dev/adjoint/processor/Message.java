package dev.adjoint.processor;

/**
 * Every diagnostic the processor reports, with a stable tag (printed in brackets, so builds and
 * tests can match on it), its text and a hint on how to fix it. Arguments fill {@code %s}.
 *
 * <p>One constant per problem, so each hint fits the case it is shown for; variants of one
 * problem (the ways a {@code @Forward} signature can be wrong) share a tag. Every constant is
 * provoked by a test that checks its tag, text, hint and position ({@code DiagnosticsTest}, which
 * also fails when a constant has no such test).
 */
public enum Message {
  WHILE_LOOP("AdjointWhileLoop",
      "a while or do-while loop cannot be differentiated",
      "use a counted for loop (for (int i = 0; i < n; i++)) so the reverse pass knows how many"
          + " iterations to replay"),
  RECURSION("AdjointRecursion",
      "@Forward method %s calls itself",
      "recursion cannot be differentiated at compile time; unroll it into a counted loop"),
  NOT_DIFFERENTIABLE("AdjointNotDifferentiable",
      "%s takes or returns tensors but is neither a @Primitive nor a @Forward method",
      "mark it @Forward so its backward is generated, or make it a @Primitive with @Adjoint"
          + " rules, or call .detach() on its tensor inputs to cut the gradient on purpose"),
  /** The same problem for a method from a library, which the user cannot annotate. */
  NOT_DIFFERENTIABLE_LIBRARY("AdjointNotDifferentiable",
      "%s takes or returns tensors but is neither a @Primitive nor a @Forward method, and it is"
          + " compiled code that cannot be annotated",
      "compute the same with @Primitive ops (the methods of Tensor and Functional that are"
          + " marked @Primitive), or call it from a static @Primitive method of your own with an"
          + " @Adjoint for each tensor input, or call .detach() on its tensor inputs to cut the"
          + " gradient on purpose"),
  MISSING_ADJOINT("AdjointMissingRule",
      "primitive %s has no @Adjoint for its differentiable input '%s'",
      "add a static method annotated @Adjoint(of = \"%s\", wrt = \"%s\") to %s, or list '%s' in"
          + " @Primitive(nondifferentiable = ...)"),
  BAD_OUTPUT("AdjointBadOutput",
      "primitive %s returns %s, %s",
      "a differentiable primitive returns a Tensor, or a value holding tensors with"
          + " @Primitive(output = \"<accessor>\") naming its no-argument method that returns the"
          + " differentiable Tensor (as max along a dim names \"values\")"),
  UNKNOWN_NEED("AdjointUnknownNeed",
      "@Adjoint parameter '%s' of %s names nothing the primitive %s has",
      "name parameters g (the output gradient), out (the result), self (the receiver), an input"
          + " of the primitive, <input>Shape (an int[] with that input's shape), <input>DType"
          + " (its dtype) or <input>Layout (its layout)"),
  AMBIGUOUS_RULE("AdjointAmbiguousRule",
      "@Adjoint(of = \"%s\") matches %s overloads",
      "add signature = {...} with the simple parameter type names of the one it differentiates"),
  ORPHAN_RULE("AdjointOrphanRule",
      "@Adjoint(of = \"%s\", wrt = \"%s\") matches no @Primitive in %s",
      "check the name, wrt and signature against the primitive's declaration"),
  PARAM_WRITE("AdjointParamWrite",
      "@Forward method assigns the @Param field '%s'",
      "parameters change only in optimizers; compute a new local tensor instead"),
  TENSOR_FIELD_WRITE("AdjointTensorFieldWrite",
      "the tensor field '%s' is given a value that depends on a differentiable input; read back,"
          + " it is a constant, so its gradient would be silently lost",
      "keep the tensor in a local; to store state (running statistics, a cache) assign"
          + " value.detach(), which cuts its gradient on purpose"),
  TENSOR_CARRIER("AdjointTensorCarrier",
      "%s is not a Tensor but holds one that depends on a differentiable input; its gradient"
          + " would be silently lost",
      "keep each tensor in a Tensor local and pass tensors to primitives and @Forward methods"
          + " directly (List.of(a, b) written at a cat or stack call is fine); of max/min along a"
          + " dim use .values(), which is differentiable, and .indices(); or call .detach() on"
          + " the tensor first to cut its gradient on purpose"),
  IN_PLACE("AdjointInPlace",
      "in-place op %s inside @Forward",
      "use the out-of-place op (%s) and assign its result to a local"),
  LAMBDA("AdjointLambda",
      "lambdas, method references and streams cannot be differentiated",
      "write the computation as a counted for loop or a loop over a List of layers"),
  TRY_CATCH("AdjointTryCatch",
      "try/catch/finally inside @Forward cannot be differentiated",
      "validate inputs before the computation and throw; do not catch inside @Forward"),
  TENSOR_FIELD("AdjointTensorField",
      "tensor field '%s' of @Layer %s is neither @Param nor @Buffer",
      "annotate it @Param (trained) or @Buffer (saved state such as running statistics)"),
  /**
   * The fallback for a tensor expression of a form no message below covers (an assignment used
   * as a value); each construct known to be outside the subset has a message of its own.
   */
  UNSUPPORTED("AdjointUnsupported",
      "%s is not supported inside @Forward",
      "compute tensors one step per statement: call a @Primitive op or a @Forward method and"
          + " assign the result to a Tensor local, then use the local"),
  SWITCH("AdjointSwitch",
      "a switch %s cannot be differentiated",
      "write it as if/else if/else on the same non-tensor value (if (mode == 1) { ... } else"
          + " { ... }); to pick a tensor, use ?: or an if/else that assigns a Tensor local"),
  SYNCHRONIZED("AdjointSynchronized",
      "a synchronized block inside @Forward cannot be differentiated",
      "remove it and synchronize around the call of the layer instead (synchronized (lock) {"
          + " y = model.call(x); }); the backward runs later and could not hold the lock"),
  LABEL("AdjointLabel",
      "the label '%s:' inside @Forward cannot be differentiated",
      "remove the label: a loop in @Forward runs a number of iterations known when it starts,"
          + " so nothing may break out of it or continue it by name"),
  BREAK("AdjointBreak",
      "break inside @Forward cannot be differentiated",
      "the reverse pass replays a loop by its iteration count: compute the count before the"
          + " loop and make it the bound (for (int i = 0; i < n; i++)), or guard the rest of"
          + " the body with if"),
  CONTINUE("AdjointContinue",
      "continue inside @Forward cannot be differentiated",
      "put the rest of the loop body under if with the opposite condition"
          + " (if (!skip) { ... })"),
  LOCAL_CLASS("AdjointLocalClass",
      "a local or anonymous class inside @Forward cannot be differentiated",
      "declare the class outside the method (a nested or top-level class); tensor work that"
          + " needs gradients goes in a @Forward method or a @Primitive op with @Adjoint rules"),
  TENSOR_CONDITION("AdjointTensorCondition",
      "a ?: choosing between tensors on a condition read from tensor elements cannot be"
          + " differentiated",
      "to choose per element use Tensor.where(mask, a, b); to branch once on the data use"
          + " if/else, whose branch the backward replays"),
  RESERVED_NAME("AdjointReservedName",
      "the variable name '%s' is reserved for the generated code",
      "rename the variable; the generated forward and backward use 'self', 'saved',"
          + " 'sourceLine', 'failure' and names starting with d_ or g_"),
  TENSOR_LOOP_VARIABLE("AdjointTensorLoopVariable",
      "the tensor '%s' is declared in a for-loop header",
      "declare the tensor before the loop and count the loop with an int"
          + " (Tensor h = x; for (int i = 0; i < n; i++) { h = ...; })"),
  TENSOR_FOR_EACH("AdjointTensorForEach",
      "a for-each loop over tensors cannot be differentiated",
      "write one statement per tensor, or stack them (Tensor all = Tensor.stack(List.of(a, b),"
          + " 0)) and loop over an index reading all.select(0, i); a for-each loop may run over"
          + " a List of layers"),
  NULL_TENSOR("AdjointNullTensor",
      "a tensor is given null inside @Forward",
      "declare the local without a value (Tensor h;) and assign it a tensor on every path"
          + " before it is read"),
  TENSOR_ARRAY_READ("AdjointTensorArrayRead",
      "reading a tensor out of an array cannot be differentiated",
      "keep each tensor in a Tensor local of its own, or stack them (Tensor all ="
          + " Tensor.stack(List.of(a, b), 0)) and read all.select(0, i)"),
  FOREIGN_PARAM("AdjointForeignParam",
      "the @Param field '%s' is read from outside its own layer, where it gets no gradient",
      "compute with it inside %s: give that layer a @Forward method doing this computation"
          + " and call it"),
  PRIMITIVE_ON_THIS("AdjointPrimitiveOnThis",
      "the instance @Primitive %s is called on the layer itself",
      "make it a static @Primitive method that takes what it reads from the layer as"
          + " arguments, and call it as %s.%s(...)"),
  LAYER_TYPE("AdjointLayerType",
      "the @Forward method %s is called through the type %s, which is not a @Layer class",
      "declare the field (or variable) with a @Layer class such as %s, or annotate %s with"
          + " @Layer"),
  DYNAMIC_CALL("AdjointDynamicCall",
      "Module.call on a layer known only at run time takes tensors listed one by one"
          + " (layer.call(a, b)), not %s",
      "list the tensors at the call; to pass anything else, declare the field with the layer's"
          + " own @Layer class and call its @Forward method"),
  TENSOR_VARARGS("AdjointTensorVarargs",
      "the tensors passed as varargs to %s cannot be differentiated",
      "declare the parameter as List<Tensor> and write List.of(a, b, ...) at the call (as"
          + " Tensor.cat does), or take each tensor as a parameter of its own"),
  TENSOR_LIST("AdjointTensorList",
      "the list of tensors passed to %s is not written List.of(a, b, ...) at the call",
      "write the tensors out at the call (Tensor.cat(List.of(a, b), 0)): a list built earlier"
          + " hides from the reverse pass which tensors the gradient flows back to"),
  RETURN_IN_LOOP("AdjointReturnInLoop",
      "return inside a loop in @Forward",
      "assign the result to a local declared before the loop and return it after the loop"),
  PRIVATE_MEMBER("AdjointPrivateMember",
      "%s is private, so the generated code beside %s cannot read it",
      "make it package-private (drop 'private')"),
  BAD_FORWARD("AdjointBadForward",
      "@Forward method %s: it must return a Tensor",
      "return the Tensor and compute plain values from it (y.sum().item()) where the method is"
          + " called"),
  /** A {@code @Forward} method without a body: abstract, native or in an interface. */
  FORWARD_WITHOUT_BODY("AdjointBadForward",
      "@Forward method %s: it needs a body",
      "put @Forward on the method that has the body (each subclass's implementation), not on"
          + " the abstract declaration"),
  FORWARD_GENERIC("AdjointBadForward",
      "@Forward method %s: it must not be generic",
      "the generated backward is written for one signature: replace the type parameter with"
          + " the type it stands for"),
  FORWARD_OUTSIDE_CLASS("AdjointBadForward",
      "@Forward method %s: it must be declared in a class",
      "put @Forward on the implementing method of a @Layer class, not on an interface or"
          + " record"),
  FORWARD_OUTSIDE_LAYER("AdjointBadForward",
      "@Forward method %s: an instance @Forward method must be declared in a @Layer class (or"
          + " be static)",
      "annotate the class @Layer and extend dev.adjoint.nn.Module, or make the method static"
          + " so it needs no layer to run on"),
  BAD_LAYER("AdjointBadLayer",
      "@Layer class %s: a @Layer class must extend dev.adjoint.nn.Module",
      "add extends Module (import dev.adjoint.nn.Module), or extend another @Layer class"),
  PARAM_NOT_TENSOR("AdjointBadLayer",
      "@Layer class %s: field '%s' is @Param or @Buffer but not a Tensor",
      "make the field a Tensor (a scalar parameter is a Tensor of one element), or drop"
          + " @Param and @Buffer from a plain value"),
  /** {@code Trees} works only on javac's own environment, and none is reachable. */
  WRAPPED_ENVIRONMENT("AdjointWrappedEnvironment",
      "the Adjoint processor reads @Forward bodies through javac's own ProcessingEnvironment,"
          + " and cannot find it inside %s, the one this build tool gives it",
      "run the processor under javac's own environment (javac -processorpath, Maven's"
          + " maven-compiler-plugin, Gradle's annotationProcessor configuration) and report the"
          + " build tool and its version; a wrapper that keeps javac's environment in a field"
          + " (Gradle's delegate) or in the handler of a java.lang.reflect.Proxy is unwrapped"),
  INTERNAL("AdjointInternalError",
      "the Adjoint processor failed on %s: %s",
      "this is a bug in Adjoint; please report it with this message"),
  /** A constructor argument the generated whole-model configuration cannot record. */
  CONFIG_ARGUMENT("AdjointConfigArgument",
      "the argument '%s' of %s cannot be recorded for whole-model files: %s",
      "keep each argument of the @Layer.Constructor in a non-private field of the same name and"
          + " type (int, long, float, double, boolean, String, an enum, int[], Tensor, a layer, or"
          + " a List or array of layers; a boolean may instead record whether the same-named"
          + " @Param, @Buffer or sub-layer is set), or implement dev.adjoint.nn.Configurable to"
          + " write config() and fromConfig yourself"),
  /** A {@code @Layer.Constructor} mark that cannot be honoured. */
  CONFIG_CONSTRUCTOR("AdjointConfigConstructor",
      "@Layer.Constructor on %s: %s",
      "mark exactly one constructor of a concrete @Layer class that does not implement"
          + " Configurable: the one whose arguments rebuild the layer");

  private final String tag;
  private final String text;
  private final String hint;

  Message(String tag, String text, String hint) {
    this.tag = tag;
    this.text = text;
    this.hint = hint;
  }

  /** The stable tag, e.g. {@code AdjointWhileLoop}. */
  public String tag() {
    return tag;
  }

  /**
   * {@code [Tag] text. Fix: hint}; the arguments fill the text's {@code %s} first, then the
   * hint's.
   */
  public String format(Object... args) {
    int inText = count(text);
    Object[] a = new Object[inText];
    System.arraycopy(args, 0, a, 0, Math.min(inText, args.length));
    Object[] b = new Object[count(hint)];
    if (args.length > inText) {
      System.arraycopy(args, inText, b, 0, Math.min(b.length, args.length - inText));
    }
    return "[" + tag + "] " + String.format(text, a) + ". Fix: " + String.format(hint, b);
  }

  private static int count(String s) {
    int n = 0;
    for (int i = s.indexOf("%s"); i >= 0; i = s.indexOf("%s", i + 2)) {
      n++;
    }
    return n;
  }
}
