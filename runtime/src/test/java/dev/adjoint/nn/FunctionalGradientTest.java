package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every adjoint of {@link FunctionalRules} against central finite differences in float64: for a
 * random upstream gradient {@code g}, the rule's result must equal {@code d sum(g * f(x)) /
 * d x_j = sum_i g_i (f(x + h e_j) - f(x - h e_j))_i / (2h)} for every element {@code j} of the
 * input it differentiates. Cases cover strides, padding, dilation, groups and unbatched inputs for
 * the convolution, overlapping and padded windows for pooling, and adaptive windows that overlap.
 *
 * <p>Step and tolerance (as in the rule table's own spec test): the truncation error {@code h^2
 * |f'''| / 6} is about 1e-13 for these O(1) inputs and the rounding error about {@code eps |f| /
 * h} ~ 2e-10 per output, a few 1e-9 after summing over at most a few hundred outputs. A tolerance
 * of 1e-6 (relative above magnitude 1) leaves a margin of over 100, while a wrong rule (a missed
 * window, a flipped kernel, a wrong divisor) errs by O(1). Max pooling and leaky ReLU get inputs
 * far (> 1e-3) from their kinks and ties, so no perturbation crosses one.
 */
class FunctionalGradientTest {
  private static final double H = 1e-6;
  private static final double TOL = 1e-6;

  /** What an adjoint may need: the upstream gradient, the inputs and the result. */
  record Ctx(Tensor g, Tensor[] in, Tensor out) {}

  /** One differentiated input: its index, the rule's name, and the rule applied. */
  record Wrt(int input, String rule, Function<Ctx, Tensor> adjoint) {}

  /** One case of the table. */
  record Spec(String name, Tensor[] inputs, Function<Tensor[], Tensor> op, List<Wrt> wrts) {}

  private static Wrt wrt(int input, String rule, Function<Ctx, Tensor> adjoint) {
    return new Wrt(input, rule, adjoint);
  }

  private static Spec spec(String name, Tensor[] inputs, Function<Tensor[], Tensor> op,
      Wrt... wrts) {
    return new Spec(name, inputs, op, List.of(wrts));
  }

  private static Tensor normal(Generator gen, int... shape) {
    return Tensor.randn(gen, shape).toDouble();
  }

  /** A shuffled ramp: all values distinct and at least 4 / numel apart (no ties for max). */
  private static Tensor distinct(Generator gen, int... shape) {
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 4.0 * i / n - 2;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = (int) gen.nextLong(i + 1);
      double t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return Tensor.fromArray(v, shape);
  }

  /** Normal values pushed at least 0.05 away from 0. */
  private static Tensor awayFromZero(Generator gen, int... shape) {
    double[] v = normal(gen, shape).toDoubleArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] + Math.copySign(0.05, v[i]);
    }
    return Tensor.fromArray(v, shape);
  }

  private static int[] ints(int... v) {
    return v;
  }

  // ================================================================== the table

  static List<Spec> table() {
    Generator gen = new Generator(17);
    List<Spec> t = new ArrayList<>();
    conv(t, "conv2d [2,3,5,5] * [4,3,3,3] + bias", gen, ints(2, 3, 5, 5), ints(4, 3, 3, 3),
        ints(1), ints(0), ints(1), 1);
    conv(t, "conv2d stride 2, padding 1", gen, ints(1, 2, 6, 7), ints(3, 2, 3, 3), ints(2),
        ints(1), ints(1), 1);
    conv(t, "conv2d dilation (2,1), groups 2, stride (2,1), padding (1,2), kernel 3x2", gen,
        ints(2, 4, 7, 6), ints(6, 2, 3, 2), ints(2, 1), ints(1, 2), ints(2, 1), 2);
    conv(t, "conv2d stride 3 over kernel 2 (gaps)", gen, ints(1, 2, 7, 7), ints(2, 2, 2, 2),
        ints(3), ints(0), ints(1), 1);
    conv(t, "conv2d 1x1 depthwise", gen, ints(2, 3, 3, 4), ints(3, 1, 1, 1), ints(1), ints(0),
        ints(1), 3);
    conv(t, "conv2d unbatched [2,4,5]", gen, ints(2, 4, 5), ints(3, 2, 2, 2), ints(1), ints(1),
        ints(1), 1);
    Tensor base = normal(gen, 1, 2, 6, 5);
    Tensor w = normal(gen, 2, 2, 3, 3);
    t.add(spec("conv2d of a transposed (non-contiguous) input", new Tensor[] {base, w},
        in -> Functional.conv2d(in[0].transpose(2, 3), in[1], null, ints(1), ints(1), ints(1),
            1),
        wrt(0, "conv2dInput", c -> FunctionalRules.conv2dInput(c.g, c.in[1], ints(1, 2, 5, 6),
            ints(1), ints(1), ints(1), 1).transpose(2, 3)),
        wrt(1, "conv2dWeight", c -> FunctionalRules.conv2dWeight(c.g, c.in[0].transpose(2, 3),
            c.in[1].shape(), ints(1), ints(1), ints(1), 1))));

    maxPool(t, "maxPool2d 3x3 stride 2 padding 1 (overlapping)", distinct(gen, 2, 2, 7, 7),
        ints(3), ints(2), ints(1), ints(1));
    maxPool(t, "maxPool2d 2x3 stride 1 dilation (2,1)", distinct(gen, 1, 2, 6, 7), ints(2, 3),
        ints(1), ints(0), ints(2, 1));
    maxPool(t, "maxPool2d 2x2 default stride, unbatched", distinct(gen, 3, 4, 6), ints(2), null,
        ints(0), ints(1));
    avgPool(t, "avgPool2d 3x3 stride 1 padding 1, count_include_pad", normal(gen, 2, 2, 5, 6),
        ints(3), ints(1), ints(1), true);
    avgPool(t, "avgPool2d 3x3 stride 2 padding 1, exclude pad", normal(gen, 1, 2, 7, 6),
        ints(3), ints(2), ints(1), false);
    avgPool(t, "avgPool2d 2x3 stride (2,1)", normal(gen, 2, 1, 6, 7), ints(2, 3), ints(2, 1),
        ints(0), true);
    adaptive(t, "adaptiveAvgPool2d [7,5] -> (3,2) (overlapping)", normal(gen, 2, 2, 7, 5),
        ints(3, 2));
    adaptive(t, "adaptiveAvgPool2d [3,3] -> 4 (upsampling)", normal(gen, 1, 1, 3, 3), ints(4));
    adaptive(t, "adaptiveAvgPool2d unbatched -> 1 (global)", normal(gen, 3, 4, 4), ints(1));

    Tensor x = normal(gen, 3, 4).mul(1.5);
    t.add(spec("erf", new Tensor[] {x}, in -> Functional.erf(in[0]),
        wrt(0, "erfInput", c -> FunctionalRules.erfInput(c.g, c.in[0]))));
    for (String approximate : List.of("none", "tanh")) {
      Tensor y = normal(gen, 3, 4).mul(2);
      t.add(spec("gelu approximate=" + approximate, new Tensor[] {y},
          in -> Functional.gelu(in[0], approximate),
          wrt(0, "geluInput", c -> FunctionalRules.geluInput(c.g, c.in[0], approximate))));
    }
    t.add(spec("leakyRelu 0.2", new Tensor[] {awayFromZero(gen, 3, 5)},
        in -> Functional.leakyRelu(in[0], 0.2),
        wrt(0, "leakyReluInput", c -> FunctionalRules.leakyReluInput(c.g, c.in[0], 0.2))));
    for (int dim : new int[] {1, 0, -1}) {
      Tensor s = normal(gen, 2, 3, 4).mul(2);
      t.add(spec("softmax dim " + dim, new Tensor[] {s}, in -> Functional.softmax(in[0], dim),
          wrt(0, "softmaxInput", c -> FunctionalRules.softmaxInput(c.g, c.out, dim))));
      t.add(spec("logSoftmax dim " + dim, new Tensor[] {s.clone()},
          in -> Functional.logSoftmax(in[0], dim),
          wrt(0, "logSoftmaxInput", c -> FunctionalRules.logSoftmaxInput(c.g, c.out, dim))));
    }
    return t;
  }

  private static void conv(List<Spec> t, String name, Generator gen, int[] xs, int[] ws,
      int[] stride, int[] padding, int[] dilation, int groups) {
    Tensor x = normal(gen, xs);
    Tensor w = normal(gen, ws);
    Tensor b = normal(gen, ws[0]);
    t.add(spec(name, new Tensor[] {x, w, b},
        in -> Functional.conv2d(in[0], in[1], in[2], stride, padding, dilation, groups),
        wrt(0, "conv2dInput", c -> FunctionalRules.conv2dInput(c.g, c.in[1], c.in[0].shape(),
            stride, padding, dilation, groups)),
        wrt(1, "conv2dWeight", c -> FunctionalRules.conv2dWeight(c.g, c.in[0], c.in[1].shape(),
            stride, padding, dilation, groups)),
        wrt(2, "conv2dBias", c -> FunctionalRules.conv2dBias(c.g))));
  }

  private static void maxPool(List<Spec> t, String name, Tensor x, int[] k, int[] s, int[] p,
      int[] d) {
    t.add(spec(name, new Tensor[] {x}, in -> Functional.maxPool2d(in[0], k, s, p, d),
        wrt(0, "maxPool2dInput", c -> FunctionalRules.maxPool2dInput(c.g, c.in[0], k, s, p,
            d))));
  }

  private static void avgPool(List<Spec> t, String name, Tensor x, int[] k, int[] s, int[] p,
      boolean countIncludePad) {
    t.add(spec(name, new Tensor[] {x},
        in -> Functional.avgPool2d(in[0], k, s, p, countIncludePad),
        wrt(0, "avgPool2dInput", c -> FunctionalRules.avgPool2dInput(c.g, c.in[0].shape(), k, s,
            p, countIncludePad))));
  }

  private static void adaptive(List<Spec> t, String name, Tensor x, int[] size) {
    t.add(spec(name, new Tensor[] {x}, in -> Functional.adaptiveAvgPool2d(in[0], size),
        wrt(0, "adaptiveAvgPool2dInput", c -> FunctionalRules.adaptiveAvgPool2dInput(c.g,
            c.in[0].shape(), size))));
  }

  // ================================================================== running the table

  @TestFactory
  Stream<DynamicTest> everyAdjointMatchesFiniteDifferences() {
    return table().stream().flatMap(s -> s.wrts().stream().map(w -> DynamicTest.dynamicTest(
        s.name() + " d/d input " + w.input() + " (" + w.rule() + ")", () -> check(s, w))));
  }

  private static double objective(Spec s, Tensor g) {
    double[] out = s.op().apply(s.inputs()).toDoubleArray();
    double[] gs = g.toDoubleArray();
    double sum = 0;
    for (int i = 0; i < out.length; i++) {
      sum += gs[i] * out[i];
    }
    return sum;
  }

  private static void check(Spec s, Wrt w) {
    try (GradMode.Scope off = GradMode.noGrad()) {
      Tensor out = s.op().apply(s.inputs());
      assertEquals(DType.FLOAT64, out.dtype(), "float64 in, float64 out");
      Tensor g = Tensor.randn(new Generator(5), out.shape()).toDouble();
      Tensor analytic = w.adjoint().apply(new Ctx(g, s.inputs(), out));
      Tensor x = s.inputs()[w.input()];
      assertEquals(Arrays.toString(x.shape()), Arrays.toString(analytic.shape()),
          "gradient shape");
      assertEquals(DType.FLOAT64, analytic.dtype(), "gradient dtype");
      double[] a = analytic.toDoubleArray();
      Tensor flat = x.view(-1);
      for (int j = 0; j < a.length; j++) {
        Tensor cell = flat.get(j);
        double v = cell.item();
        cell.fill_(v + H);
        double up = objective(s, g);
        cell.fill_(v - H);
        double down = objective(s, g);
        cell.fill_(v);
        double numeric = (up - down) / (2 * H);
        int at = j;
        assertTrue(Math.abs(numeric - a[j]) <= TOL * Math.max(1, Math.abs(numeric)),
            () -> s.name() + ", " + w.rule() + ": element " + at + " of input " + w.input()
                + " " + Arrays.toString(x.shape()) + ": finite difference " + numeric
                + ", adjoint " + a[at]);
      }
    }
  }

  @Test
  void tableCoversEveryRule() {
    Set<String> rules = Arrays.stream(FunctionalRules.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
        .map(Method::getName)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> covered = table().stream().flatMap(s -> s.wrts().stream()).map(Wrt::rule)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(rules, covered, "every public rule of FunctionalRules has a table entry");
  }
}
