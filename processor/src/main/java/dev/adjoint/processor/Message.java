package dev.adjoint.processor;

/**
 * Every diagnostic the processor reports, with a stable tag (printed in brackets, so builds and
 * tests can match on it), its text and a hint on how to fix it. Arguments fill {@code %s}.
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
          + " of the primitive, <input>Shape (an int[] with that input's shape) or <input>DType"
          + " (its dtype)"),
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
  UNSUPPORTED("AdjointUnsupported",
      "%s is not supported inside @Forward",
      "the differentiable subset is: tensor locals, calls of primitives and @Forward methods,"
          + " non-tensor arithmetic, if/else and ?: on non-tensor conditions, counted for loops,"
          + " loops over lists of layers and return"),
  RETURN_IN_LOOP("AdjointReturnInLoop",
      "return inside a loop in @Forward",
      "assign the result to a local declared before the loop and return it after the loop"),
  PRIVATE_MEMBER("AdjointPrivateMember",
      "%s is private, so the generated code beside %s cannot read it",
      "make it package-private (drop 'private')"),
  BAD_FORWARD("AdjointBadForward",
      "@Forward method %s: %s",
      "a @Forward method returns a Tensor, takes tensors and plain values, and is not abstract"),
  BAD_LAYER("AdjointBadLayer",
      "@Layer class %s: %s",
      "a @Layer class extends dev.adjoint.nn.Module; its @Param and @Buffer fields are Tensors"),
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
