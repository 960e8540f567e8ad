package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Arithmetic;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Elementwise;
import dev.adjoint.tensor.Index;
import dev.adjoint.tensor.Indexing;
import dev.adjoint.tensor.LinearAlgebra;
import dev.adjoint.tensor.Reductions;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Transfers;
import dev.adjoint.tensor.Views;
import dev.adjoint.testing.Devices;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The rule table's oracle: every {@code @Adjoint} method is checked in float64 against the
 * central-difference vector-Jacobian product {@code sum_i g_i (f(x + h e_j) - f(x - h e_j))_i /
 * (2h)} for every element {@code j} of the input it differentiates, with random inputs and a
 * random upstream gradient {@code g}. One table entry per op and case (broadcasting, keepdim,
 * negative dims, non-contiguous inputs, every matmul form), one dynamic test per entry.
 *
 * <p>Non-smooth ops get inputs away from their kinks here; their conventions at the kinks are
 * pinned by the hand-derived tests in {@link AdjointConventionsTest}.
 */
class AdjointSpecTest {
  /**
   * Step and tolerance. The central difference has truncation error {@code h^2 |f'''| / 6}, about
   * 1e-13 for these O(1) inputs, and rounding error about {@code eps |f| / h}, about 2e-16 * 10
   * / 1e-6 = 2e-9 per output, so a few 1e-8 after summing over the outputs. h = 1e-6 balances
   * the two; a tolerance of 1e-6 (relative, or absolute below 1) leaves a margin of about 100
   * over that estimate (the largest error measured over the whole table was 1.2e-9), while any
   * wrong rule (a lost factor, a wrong sign, a missed broadcast sum) is off by O(1).
   */
  private static final double H = 1e-6;

  private static final double TOL = 1e-6;

  private static final List<Class<?>> RULE_CLASSES = List.of(Arithmetic.class,
      Elementwise.class, Reductions.class, LinearAlgebra.class, Views.class, Transfers.class,
      Indexing.class);

  // ================================================================== the table

  static List<Spec> table() {
    List<Spec> t = new ArrayList<>();
    arithmetic(t);
    pointwise(t);
    reductions(t);
    linalg(t);
    shapes(t);
    indexing(t);
    return t;
  }

  private static void arithmetic(List<Spec> t) {
    t.add(op2("add(Tensor) [2,3] + [3]", normal(2, 3), normal(3), Tensor::add,
        wrt(0, "Arithmetic.addSelf", c -> Arithmetic.addSelf(c.g, c.shape(0))),
        wrt(1, "Arithmetic.addOther", c -> Arithmetic.addOther(c.g, c.shape(1)))));
    t.add(op2("add(Tensor) [2,1] + [1,3]", normal(2, 1), normal(1, 3), Tensor::add,
        wrt(0, "Arithmetic.addSelf", c -> Arithmetic.addSelf(c.g, c.shape(0))),
        wrt(1, "Arithmetic.addOther", c -> Arithmetic.addOther(c.g, c.shape(1)))));
    t.add(op2("add(Tensor) 0-d + [2,3] transposed", normal(), normal(2, 3).transposed(),
        Tensor::add,
        wrt(0, "Arithmetic.addSelf", c -> Arithmetic.addSelf(c.g, c.shape(0))),
        wrt(1, "Arithmetic.addOther", c -> Arithmetic.addOther(c.g, c.shape(1)))));
    t.add(op2("add(Tensor, alpha) [2,3] stepped + -1.5 * [2,1]", normal(2, 3).stepped(),
        normal(2, 1), (a, b) -> a.add(b, -1.5),
        wrt(0, "Arithmetic.addAlphaSelf",
            c -> Arithmetic.addAlphaSelf(c.g, c.shape(0))),
        wrt(1, "Arithmetic.addAlphaOther",
            c -> Arithmetic.addAlphaOther(c.g, -1.5, c.shape(1)))));
    t.add(op1("add(double)", normal(2, 3), a -> a.add(0.7),
        wrt(0, "Arithmetic.addDoubleSelf", c -> Arithmetic.addDoubleSelf(c.g))));
    t.add(op1("add(long)", normal(2, 3), a -> a.add(3L),
        wrt(0, "Arithmetic.addLongSelf", c -> Arithmetic.addLongSelf(c.g))));

    t.add(op2("sub(Tensor) [2,3] - [3]", normal(2, 3), normal(3), Tensor::sub,
        wrt(0, "Arithmetic.subSelf", c -> Arithmetic.subSelf(c.g, c.shape(0))),
        wrt(1, "Arithmetic.subOther", c -> Arithmetic.subOther(c.g, c.shape(1)))));
    t.add(op2("sub(Tensor) [2,1] - [1,3]", normal(2, 1), normal(1, 3), Tensor::sub,
        wrt(0, "Arithmetic.subSelf", c -> Arithmetic.subSelf(c.g, c.shape(0))),
        wrt(1, "Arithmetic.subOther", c -> Arithmetic.subOther(c.g, c.shape(1)))));
    t.add(op2("sub(Tensor) [2,3] - 0-d", normal(2, 3), normal(), Tensor::sub,
        wrt(0, "Arithmetic.subSelf", c -> Arithmetic.subSelf(c.g, c.shape(0))),
        wrt(1, "Arithmetic.subOther", c -> Arithmetic.subOther(c.g, c.shape(1)))));
    t.add(op1("sub(double)", normal(2, 3), a -> a.sub(0.7),
        wrt(0, "Arithmetic.subDoubleSelf", c -> Arithmetic.subDoubleSelf(c.g))));
    t.add(op1("sub(long)", normal(2, 3), a -> a.sub(2L),
        wrt(0, "Arithmetic.subLongSelf", c -> Arithmetic.subLongSelf(c.g))));

    t.add(op2("mul(Tensor) [2,3] * [3]", normal(2, 3), normal(3), Tensor::mul,
        wrt(0, "Arithmetic.mulSelf", c -> Arithmetic.mulSelf(c.g, c.x(1), c.shape(0))),
        wrt(1, "Arithmetic.mulOther",
            c -> Arithmetic.mulOther(c.g, c.x(0), c.shape(1)))));
    t.add(op2("mul(Tensor) [2,1] * [1,3]", normal(2, 1), normal(1, 3), Tensor::mul,
        wrt(0, "Arithmetic.mulSelf", c -> Arithmetic.mulSelf(c.g, c.x(1), c.shape(0))),
        wrt(1, "Arithmetic.mulOther",
            c -> Arithmetic.mulOther(c.g, c.x(0), c.shape(1)))));
    t.add(op2("mul(Tensor) 0-d * [2,3] transposed", normal(), normal(2, 3).transposed(),
        Tensor::mul,
        wrt(0, "Arithmetic.mulSelf", c -> Arithmetic.mulSelf(c.g, c.x(1), c.shape(0))),
        wrt(1, "Arithmetic.mulOther",
            c -> Arithmetic.mulOther(c.g, c.x(0), c.shape(1)))));
    t.add(op1("mul(double)", normal(2, 3), a -> a.mul(-1.25),
        wrt(0, "Arithmetic.mulDoubleSelf", c -> Arithmetic.mulDoubleSelf(c.g, -1.25))));
    t.add(op1("mul(long)", normal(2, 3), a -> a.mul(3L),
        wrt(0, "Arithmetic.mulLongSelf", c -> Arithmetic.mulLongSelf(c.g, 3L))));

    t.add(op2("div(Tensor) [2,3] / [3]", normal(2, 3), nonzero(3), Tensor::div,
        wrt(0, "Arithmetic.divSelf", c -> Arithmetic.divSelf(c.g, c.x(1), c.shape(0))),
        wrt(1, "Arithmetic.divOther",
            c -> Arithmetic.divOther(c.g, c.x(0), c.x(1)))));
    t.add(op2("div(Tensor) [2,1] / [1,3]", normal(2, 1), nonzero(1, 3), Tensor::div,
        wrt(0, "Arithmetic.divSelf", c -> Arithmetic.divSelf(c.g, c.x(1), c.shape(0))),
        wrt(1, "Arithmetic.divOther",
            c -> Arithmetic.divOther(c.g, c.x(0), c.x(1)))));
    t.add(op2("div(Tensor) 0-d / [2,3] stepped", normal(), nonzero(2, 3).stepped(), Tensor::div,
        wrt(0, "Arithmetic.divSelf", c -> Arithmetic.divSelf(c.g, c.x(1), c.shape(0))),
        wrt(1, "Arithmetic.divOther",
            c -> Arithmetic.divOther(c.g, c.x(0), c.x(1)))));
    t.add(op1("div(double)", normal(2, 3), a -> a.div(-0.8),
        wrt(0, "Arithmetic.divDoubleSelf", c -> Arithmetic.divDoubleSelf(c.g, -0.8))));

    t.add(op2("pow(Tensor) [2,3] ** [3]", positive(2, 3), normal(3), Tensor::pow,
        wrt(0, "Arithmetic.powSelf", c -> Arithmetic.powSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.powExponent",
            c -> Arithmetic.powExponent(c.g, c.x(0), c.out, c.shape(1)))));
    t.add(op2("pow(Tensor) [2,1] ** [1,3]", positive(2, 1), normal(1, 3), Tensor::pow,
        wrt(0, "Arithmetic.powSelf", c -> Arithmetic.powSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.powExponent",
            c -> Arithmetic.powExponent(c.g, c.x(0), c.out, c.shape(1)))));
    t.add(op2("pow(Tensor) 0-d ** [2,3] transposed", positive(), normal(2, 3).transposed(),
        Tensor::pow,
        wrt(0, "Arithmetic.powSelf", c -> Arithmetic.powSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.powExponent",
            c -> Arithmetic.powExponent(c.g, c.x(0), c.out, c.shape(1)))));
    t.add(op1("pow(double) 2.5", positive(2, 3), a -> a.pow(2.5),
        wrt(0, "Arithmetic.powDoubleSelf",
            c -> Arithmetic.powDoubleSelf(c.g, c.x(0), 2.5))));
    t.add(op1("pow(double) 3.0 of signed values", normal(2, 3).stepped(), a -> a.pow(3.0),
        wrt(0, "Arithmetic.powDoubleSelf",
            c -> Arithmetic.powDoubleSelf(c.g, c.x(0), 3.0))));
    t.add(op1("pow(double) -1.5", positive(2, 3), a -> a.pow(-1.5),
        wrt(0, "Arithmetic.powDoubleSelf",
            c -> Arithmetic.powDoubleSelf(c.g, c.x(0), -1.5))));
    t.add(op1("pow(long) 3", normal(2, 3), a -> a.pow(3L),
        wrt(0, "Arithmetic.powLongSelf", c -> Arithmetic.powLongSelf(c.g, c.x(0), 3L))));
    t.add(op1("pow(long) -2", nonzero(2, 3), a -> a.pow(-2L),
        wrt(0, "Arithmetic.powLongSelf",
            c -> Arithmetic.powLongSelf(c.g, c.x(0), -2L))));

    t.add(op2("maximum [2,3] vs [3]", distinct(2, 3), distinct(3), Tensor::maximum,
        wrt(0, "Arithmetic.maximumSelf",
            c -> Arithmetic.maximumSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.maximumOther",
            c -> Arithmetic.maximumOther(c.g, c.x(0), c.x(1)))));
    t.add(op2("maximum [2,1] vs [1,3]", distinct(2, 1), distinct(1, 3), Tensor::maximum,
        wrt(0, "Arithmetic.maximumSelf",
            c -> Arithmetic.maximumSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.maximumOther",
            c -> Arithmetic.maximumOther(c.g, c.x(0), c.x(1)))));
    t.add(op2("maximum 0-d vs [3,4] transposed", distinct(), distinct(3, 4).transposed(),
        Tensor::maximum,
        wrt(0, "Arithmetic.maximumSelf",
            c -> Arithmetic.maximumSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.maximumOther",
            c -> Arithmetic.maximumOther(c.g, c.x(0), c.x(1)))));
    t.add(op2("minimum [2,3] vs [3]", distinct(2, 3), distinct(3), Tensor::minimum,
        wrt(0, "Arithmetic.minimumSelf",
            c -> Arithmetic.minimumSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.minimumOther",
            c -> Arithmetic.minimumOther(c.g, c.x(0), c.x(1)))));
    t.add(op2("minimum [2,1] vs [1,3]", distinct(2, 1), distinct(1, 3), Tensor::minimum,
        wrt(0, "Arithmetic.minimumSelf",
            c -> Arithmetic.minimumSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.minimumOther",
            c -> Arithmetic.minimumOther(c.g, c.x(0), c.x(1)))));
    t.add(op2("minimum [3,4] stepped vs 0-d", distinct(3, 4).stepped(), distinct(),
        Tensor::minimum,
        wrt(0, "Arithmetic.minimumSelf",
            c -> Arithmetic.minimumSelf(c.g, c.x(0), c.x(1))),
        wrt(1, "Arithmetic.minimumOther",
            c -> Arithmetic.minimumOther(c.g, c.x(0), c.x(1)))));

    t.add(op1("neg", normal(2, 3).transposed(), Tensor::neg,
        wrt(0, "Arithmetic.negSelf", c -> Arithmetic.negSelf(c.g))));
  }

  private static void pointwise(List<Spec> t) {
    t.add(op1("exp", normal(2, 3).transposed(), Tensor::exp,
        wrt(0, "Elementwise.expSelf", c -> Elementwise.expSelf(c.g, c.out))));
    t.add(op1("log", positive(2, 3), Tensor::log,
        wrt(0, "Elementwise.logSelf", c -> Elementwise.logSelf(c.g, c.x(0)))));
    t.add(op1("sqrt", positive(2, 3).stepped(), Tensor::sqrt,
        wrt(0, "Elementwise.sqrtSelf", c -> Elementwise.sqrtSelf(c.g, c.out))));
    t.add(op1("abs (|x| > 0.1)", awayFromZero(3, 4), Tensor::abs,
        wrt(0, "Elementwise.absSelf", c -> Elementwise.absSelf(c.g, c.x(0)))));
    t.add(op1("sign (|x| > 0.1): zero gradient", awayFromZero(2, 3), Tensor::sign,
        wrt(0, "Elementwise.signSelf", c -> Elementwise.signSelf(c.g))));
    t.add(op1("tanh", normal(2, 3), Tensor::tanh,
        wrt(0, "Elementwise.tanhSelf", c -> Elementwise.tanhSelf(c.g, c.out))));
    t.add(op1("sigmoid", normal(2, 3).stepped(), Tensor::sigmoid,
        wrt(0, "Elementwise.sigmoidSelf", c -> Elementwise.sigmoidSelf(c.g, c.out))));
    t.add(op1("relu (|x| > 0.1)", awayFromZero(3, 4).transposed(), Tensor::relu,
        wrt(0, "Elementwise.reluSelf", c -> Elementwise.reluSelf(c.g, c.out))));
    t.add(op1("clamp(-0.5, 0.5)", avoiding(new double[] {-0.5, 0.5}, 3, 4),
        a -> a.clamp(-0.5, 0.5),
        wrt(0, "Elementwise.clampSelf",
            c -> Elementwise.clampSelf(c.g, c.x(0), -0.5, 0.5))));
    t.add(op1("clampMin(0.3)", avoiding(new double[] {0.3}, 3, 4), a -> a.clampMin(0.3),
        wrt(0, "Elementwise.clampMinSelf",
            c -> Elementwise.clampMinSelf(c.g, c.x(0), 0.3))));
    t.add(op1("clampMax(-0.2)", avoiding(new double[] {-0.2}, 3, 4), a -> a.clampMax(-0.2),
        wrt(0, "Elementwise.clampMaxSelf",
            c -> Elementwise.clampMaxSelf(c.g, c.x(0), -0.2))));

    Tensor cond23 = Tensor.of(true, false, true, false, false, true).reshape(2, 3);
    t.add(opN("where(condition [2,3], x [2,1], y 0-d)",
        List.of(constant(cond23), normal(2, 1), normal()),
        x -> Tensor.where(x.get(0), x.get(1), x.get(2)),
        wrt(1, "Elementwise.whereX", c -> Elementwise.whereX(c.g, c.x(0), c.shape(1))),
        wrt(2, "Elementwise.whereY", c -> Elementwise.whereY(c.g, c.x(0), c.shape(2)))));
    t.add(opN("where(condition [3], x [2,3] transposed, y [2,3])",
        List.of(constant(Tensor.of(false, true, true)), normal(2, 3).transposed(), normal(2, 3)),
        x -> Tensor.where(x.get(0), x.get(1), x.get(2)),
        wrt(1, "Elementwise.whereX", c -> Elementwise.whereX(c.g, c.x(0), c.shape(1))),
        wrt(2, "Elementwise.whereY", c -> Elementwise.whereY(c.g, c.x(0), c.shape(2)))));
    t.add(opN("maskedFill(mask [3]) of [2,3] transposed",
        List.of(normal(2, 3).transposed(), constant(Tensor.of(true, false, false))),
        x -> x.get(0).maskedFill(x.get(1), 9.0),
        wrt(0, "Elementwise.maskedFillSelf",
            c -> Elementwise.maskedFillSelf(c.g, c.x(1), c.shape(0)))));
    t.add(opN("maskedFill(mask [2,3]) of [3] (the result broadcasts up)",
        List.of(normal(3), constant(cond23)),
        x -> x.get(0).maskedFill(x.get(1), -1.0),
        wrt(0, "Elementwise.maskedFillSelf",
            c -> Elementwise.maskedFillSelf(c.g, c.x(1), c.shape(0)))));
  }

  private static void reductions(List<Spec> t) {
    t.add(op1("sum() of [2,3] transposed", normal(2, 3).transposed(), Tensor::sum,
        wrt(0, "Reductions.sumSelf", c -> Reductions.sumSelf(c.g, c.shape(0)))));
    t.add(op1("sum() of 0-d", normal(), Tensor::sum,
        wrt(0, "Reductions.sumSelf", c -> Reductions.sumSelf(c.g, c.shape(0)))));
    t.add(op1("sum(1) of [2,3]", normal(2, 3), a -> a.sum(1),
        wrt(0, "Reductions.sumDimSelf", c -> Reductions.sumDimSelf(c.g, 1, c.shape(0)))));
    t.add(op1("sum(-1) of [2,3,2] stepped", normal(2, 3, 2).stepped(), a -> a.sum(-1),
        wrt(0, "Reductions.sumDimSelf",
            c -> Reductions.sumDimSelf(c.g, -1, c.shape(0)))));
    t.add(op1("sum(-2, keepdim) of [2,3,2]", normal(2, 3, 2), a -> a.sum(-2, true),
        wrt(0, "Reductions.sumDimKeepdimSelf",
            c -> Reductions.sumDimKeepdimSelf(c.g, -2, true, c.shape(0)))));
    t.add(op1("sum(0, no keepdim) of [2,3]", normal(2, 3), a -> a.sum(0, false),
        wrt(0, "Reductions.sumDimKeepdimSelf",
            c -> Reductions.sumDimKeepdimSelf(c.g, 0, false, c.shape(0)))));
    t.add(op1("sum({0,2}) of [2,3,4]", normal(2, 3, 4), a -> a.sum(new int[] {0, 2}, false),
        wrt(0, "Reductions.sumDimsSelf",
            c -> Reductions.sumDimsSelf(c.g, new int[] {0, 2}, false, c.shape(0)))));
    t.add(op1("sum({-1,0}, keepdim) of [2,3,4] transposed", normal(2, 3, 4).transposed(),
        a -> a.sum(new int[] {-1, 0}, true),
        wrt(0, "Reductions.sumDimsSelf",
            c -> Reductions.sumDimsSelf(c.g, new int[] {-1, 0}, true, c.shape(0)))));

    t.add(op1("mean() of [2,3] stepped", normal(2, 3).stepped(), Tensor::mean,
        wrt(0, "Reductions.meanSelf", c -> Reductions.meanSelf(c.g, c.shape(0)))));
    t.add(op1("mean(-1) of [2,3]", normal(2, 3), a -> a.mean(-1),
        wrt(0, "Reductions.meanDimSelf",
            c -> Reductions.meanDimSelf(c.g, -1, c.shape(0)))));
    t.add(op1("mean(1, keepdim) of [2,3,4] transposed", normal(2, 3, 4).transposed(),
        a -> a.mean(1, true),
        wrt(0, "Reductions.meanDimKeepdimSelf",
            c -> Reductions.meanDimKeepdimSelf(c.g, 1, true, c.shape(0)))));
    t.add(op1("mean(0, no keepdim) of [3,2]", normal(3, 2), a -> a.mean(0, false),
        wrt(0, "Reductions.meanDimKeepdimSelf",
            c -> Reductions.meanDimKeepdimSelf(c.g, 0, false, c.shape(0)))));
    t.add(op1("mean({0,-1}) of [2,3,4]", normal(2, 3, 4), a -> a.mean(new int[] {0, -1}, false),
        wrt(0, "Reductions.meanDimsSelf",
            c -> Reductions.meanDimsSelf(c.g, new int[] {0, -1}, false, c.shape(0)))));
    t.add(op1("mean({1}, keepdim) of [2,3,4]", normal(2, 3, 4),
        a -> a.mean(new int[] {1}, true),
        wrt(0, "Reductions.meanDimsSelf",
            c -> Reductions.meanDimsSelf(c.g, new int[] {1}, true, c.shape(0)))));

    t.add(op1("max() of [3,4] transposed", distinct(3, 4).transposed(), Tensor::max,
        wrt(0, "Reductions.maxSelf", c -> Reductions.maxSelf(c.g, c.x(0), c.out))));
    t.add(op1("min() of [3,4]", distinct(3, 4), Tensor::min,
        wrt(0, "Reductions.minSelf", c -> Reductions.minSelf(c.g, c.x(0), c.out))));
    t.add(op1("max(1) of [3,4]", distinct(3, 4), a -> a.max(1).values(),
        wrt(0, "Reductions.maxDimSelf",
            c -> Reductions.maxDimSelf(c.g, c.x(0).max(1), 1, c.shape(0)))));
    t.add(op1("max(-1, keepdim) of [2,3,4] stepped", distinct(2, 3, 4).stepped(),
        a -> a.max(-1, true).values(),
        wrt(0, "Reductions.maxDimKeepdimSelf",
            c -> Reductions.maxDimKeepdimSelf(c.g, c.x(0).max(-1, true), -1, true,
                c.shape(0)))));
    t.add(op1("max(0, no keepdim) of [3,4] transposed", distinct(3, 4).transposed(),
        a -> a.max(0, false).values(),
        wrt(0, "Reductions.maxDimKeepdimSelf",
            c -> Reductions.maxDimKeepdimSelf(c.g, c.x(0).max(0, false), 0, false,
                c.shape(0)))));
    t.add(op1("min(-2) of [2,3,4]", distinct(2, 3, 4), a -> a.min(-2).values(),
        wrt(0, "Reductions.minDimSelf",
            c -> Reductions.minDimSelf(c.g, c.x(0).min(-2), -2, c.shape(0)))));
    t.add(op1("min(1, keepdim) of [3,4]", distinct(3, 4), a -> a.min(1, true).values(),
        wrt(0, "Reductions.minDimKeepdimSelf",
            c -> Reductions.minDimKeepdimSelf(c.g, c.x(0).min(1, true), 1, true,
                c.shape(0)))));
    t.add(op1("min(0, no keepdim) of [4]", distinct(4), a -> a.min(0, false).values(),
        wrt(0, "Reductions.minDimKeepdimSelf",
            c -> Reductions.minDimKeepdimSelf(c.g, c.x(0).min(0, false), 0, false,
                c.shape(0)))));

    t.add(op1("prod() of [3,4] transposed", nonzero(3, 4).transposed(), Tensor::prod,
        wrt(0, "Reductions.prodSelf", c -> Reductions.prodSelf(c.g, c.x(0), c.out))));
    // prod is multilinear, so central differences are exact at zeros too: one zero, two zeros.
    t.add(op1("prod() of [2,3] with one zero", fixed(new double[] {1.5, -0.5, 0, 2, 0.7, -1.2},
        2, 3), Tensor::prod,
        wrt(0, "Reductions.prodSelf", c -> Reductions.prodSelf(c.g, c.x(0), c.out))));
    t.add(op1("prod(1, keepdim) of [3,4] stepped", nonzero(3, 4).stepped(),
        a -> a.prod(1, true),
        wrt(0, "Reductions.prodDimKeepdimSelf",
            c -> Reductions.prodDimKeepdimSelf(c.g, c.x(0), c.out, 1, true))));
    // Rows: no zero, one zero, two zeros, all zeros but one.
    t.add(op1("prod(-1) of [4,3] with 0, 1, 2 and 3 zeros per row",
        fixed(new double[] {1.5, -0.5, 2, 0, 0.7, -1.2, 0, 1.1, 0, 0, 0, 0}, 4, 3),
        a -> a.prod(-1, false),
        wrt(0, "Reductions.prodDimKeepdimSelf",
            c -> Reductions.prodDimKeepdimSelf(c.g, c.x(0), c.out, -1, false))));
    t.add(op1("prod(0) of [2,3] transposed with a zero", fixed(new double[] {1.5, 0, 2, 0.4, 0.7,
        -1.2}, 2, 3).transposed(), a -> a.prod(0, false),
        wrt(0, "Reductions.prodDimKeepdimSelf",
            c -> Reductions.prodDimKeepdimSelf(c.g, c.x(0), c.out, 0, false))));

    t.add(op1("var() of [3,4] transposed", normal(3, 4).transposed(), Tensor::var,
        wrt(0, "Reductions.varSelf", c -> Reductions.varSelf(c.g, c.x(0)))));
    t.add(op1("var(1) of [3,4]", normal(3, 4), a -> a.var(1),
        wrt(0, "Reductions.varDimSelf", c -> Reductions.varDimSelf(c.g, c.x(0), 1))));
    t.add(op1("var({0}, correction 0, keepdim) of [3,4]", normal(3, 4),
        a -> a.var(new int[] {0}, 0, true),
        wrt(0, "Reductions.varDimsSelf",
            c -> Reductions.varDimsSelf(c.g, c.x(0), new int[] {0}, 0, true))));
    t.add(op1("var({-1,0}, correction 1) of [2,3,4] stepped", normal(2, 3, 4).stepped(),
        a -> a.var(new int[] {-1, 0}, 1, false),
        wrt(0, "Reductions.varDimsSelf",
            c -> Reductions.varDimsSelf(c.g, c.x(0), new int[] {-1, 0}, 1, false))));
    t.add(op1("var(null: all, correction 0) of [2,3]", normal(2, 3),
        a -> a.var(null, 0, false),
        wrt(0, "Reductions.varDimsSelf",
            c -> Reductions.varDimsSelf(c.g, c.x(0), null, 0, false))));

    t.add(op1("std() of [3,4]", normal(3, 4), Tensor::std,
        wrt(0, "Reductions.stdSelf", c -> Reductions.stdSelf(c.g, c.x(0), c.out))));
    t.add(op1("std(-1) of [3,4] transposed", normal(3, 4).transposed(), a -> a.std(-1),
        wrt(0, "Reductions.stdDimSelf",
            c -> Reductions.stdDimSelf(c.g, c.x(0), c.out, -1))));
    t.add(op1("std({1}, correction 0, keepdim) of [2,3,4]", normal(2, 3, 4),
        a -> a.std(new int[] {1}, 0, true),
        wrt(0, "Reductions.stdDimsSelf",
            c -> Reductions.stdDimsSelf(c.g, c.x(0), c.out, new int[] {1}, 0, true))));
    t.add(op1("std({0,2}, correction 1) of [2,3,4]", normal(2, 3, 4),
        a -> a.std(new int[] {0, 2}, 1, false),
        wrt(0, "Reductions.stdDimsSelf",
            c -> Reductions.stdDimsSelf(c.g, c.x(0), c.out, new int[] {0, 2}, 1, false))));

    t.add(op1("logsumexp(1) of [3,4]", normal(3, 4), a -> a.logsumexp(1),
        wrt(0, "Reductions.logsumexpDimSelf",
            c -> Reductions.logsumexpDimSelf(c.g, c.x(0), c.out, 1))));
    t.add(op1("logsumexp(-1, keepdim) of [2,3,4] transposed", normal(2, 3, 4).transposed(),
        a -> a.logsumexp(-1, true),
        wrt(0, "Reductions.logsumexpDimKeepdimSelf",
            c -> Reductions.logsumexpDimKeepdimSelf(c.g, c.x(0), c.out, -1, true))));
    t.add(op1("logsumexp(0, no keepdim) of [3,4]", normal(3, 4), a -> a.logsumexp(0, false),
        wrt(0, "Reductions.logsumexpDimKeepdimSelf",
            c -> Reductions.logsumexpDimKeepdimSelf(c.g, c.x(0), c.out, 0, false))));
    t.add(op1("logsumexp({0,2}) of [2,3,4]", normal(2, 3, 4),
        a -> a.logsumexp(new int[] {0, 2}, false),
        wrt(0, "Reductions.logsumexpDimsSelf",
            c -> Reductions.logsumexpDimsSelf(c.g, c.x(0), c.out, new int[] {0, 2}, false))));
    t.add(op1("logsumexp({-1}, keepdim) of [3,4] stepped", normal(3, 4).stepped(),
        a -> a.logsumexp(new int[] {-1}, true),
        wrt(0, "Reductions.logsumexpDimsSelf",
            c -> Reductions.logsumexpDimsSelf(c.g, c.x(0), c.out, new int[] {-1}, true))));
  }

  private static void linalg(List<Spec> t) {
    matmul(t, "[3,4] @ [4,2]", normal(3, 4), normal(4, 2));
    matmul(t, "[3,4] transposed @ [4,2] stepped", normal(3, 4).transposed(),
        normal(4, 2).stepped());
    matmul(t, "[4] @ [4] (dot)", normal(4), normal(4));
    matmul(t, "[4] @ [4,2]", normal(4), normal(4, 2));
    matmul(t, "[3,4] @ [4]", normal(3, 4), normal(4));
    matmul(t, "[2,3,4] @ [4,5]", normal(2, 3, 4), normal(4, 5));
    matmul(t, "[3,4] @ [2,4,2]", normal(3, 4), normal(2, 4, 2));
    matmul(t, "[2,1,3,4] @ [3,4,2] (batch dims broadcast)", normal(2, 1, 3, 4),
        normal(3, 4, 2));
    matmul(t, "[4] @ [2,4,3]", normal(4), normal(2, 4, 3));
    matmul(t, "[2,3,4] transposed @ [4]", normal(2, 3, 4).transposed(), normal(4));

    t.add(op2("mm [3,4] @ [4,2] transposed", normal(3, 4), normal(4, 2).transposed(),
        Tensor::mm,
        wrt(0, "LinearAlgebra.mmSelf", c -> LinearAlgebra.mmSelf(c.g, c.x(1))),
        wrt(1, "LinearAlgebra.mmOther", c -> LinearAlgebra.mmOther(c.g, c.x(0)))));
    t.add(op2("bmm [2,3,4] @ [2,4,2]", normal(2, 3, 4), normal(2, 4, 2).stepped(),
        Tensor::bmm,
        wrt(0, "LinearAlgebra.bmmSelf", c -> LinearAlgebra.bmmSelf(c.g, c.x(1))),
        wrt(1, "LinearAlgebra.bmmOther", c -> LinearAlgebra.bmmOther(c.g, c.x(0)))));
    t.add(op1("inverse [3,3]", wellConditioned(3, 3), Tensor::inverse,
        wrt(0, "LinearAlgebra.inverseSelf", c -> LinearAlgebra.inverseSelf(c.g, c.out))));
    t.add(op1("inverse [2,3,3] transposed", wellConditioned(2, 3, 3).transposed(),
        Tensor::inverse,
        wrt(0, "LinearAlgebra.inverseSelf", c -> LinearAlgebra.inverseSelf(c.g, c.out))));
  }

  private static void matmul(List<Spec> t, String shapes, Arg a, Arg b) {
    t.add(op2("matmul " + shapes, a, b, Tensor::matmul,
        wrt(0, "LinearAlgebra.matmulSelf", c -> LinearAlgebra.matmulSelf(c.g, c.x(1), c.shape(0))),
        wrt(1, "LinearAlgebra.matmulOther",
            c -> LinearAlgebra.matmulOther(c.g, c.x(0), c.x(1).layout()))));
  }

  private static void shapes(List<Spec> t) {
    t.add(op1("t() of [2,3] stepped", normal(2, 3).stepped(), Tensor::t,
        wrt(0, "Views.tSelf", c -> Views.tSelf(c.g))));
    t.add(op1("t() of [3]", normal(3), Tensor::t,
        wrt(0, "Views.tSelf", c -> Views.tSelf(c.g))));
    t.add(op1("transpose(0, -1) of [2,3,4]", normal(2, 3, 4), a -> a.transpose(0, -1),
        wrt(0, "Views.transposeSelf", c -> Views.transposeSelf(c.g, 0, -1))));
    t.add(op1("permute(2, 0, 1) of [2,3,4]", normal(2, 3, 4), a -> a.permute(2, 0, 1),
        wrt(0, "Views.permuteSelf", c -> Views.permuteSelf(c.g, new int[] {2, 0, 1}))));
    t.add(op1("permute(-2, -1, 0) of [2,3,4] transposed", normal(2, 3, 4).transposed(),
        a -> a.permute(-2, -1, 0),
        wrt(0, "Views.permuteSelf",
            c -> Views.permuteSelf(c.g, new int[] {-2, -1, 0}))));
    t.add(op1("view(-1, 2) of [2,3]", normal(2, 3), a -> a.view(-1, 2),
        wrt(0, "Views.viewSelf", c -> Views.viewSelf(c.g, c.shape(0)))));
    t.add(op1("view(6) of [2,3,1]", normal(2, 3, 1), a -> a.view(6),
        wrt(0, "Views.viewSelf", c -> Views.viewSelf(c.g, c.shape(0)))));
    t.add(op1("reshape(3, 2) of [2,3] transposed (copies)", normal(2, 3).transposed(),
        a -> a.reshape(3, 2),
        wrt(0, "Views.reshapeSelf", c -> Views.reshapeSelf(c.g, c.shape(0)))));
    t.add(op1("reshape(-1) of 0-d", normal(), a -> a.reshape(-1),
        wrt(0, "Views.reshapeSelf", c -> Views.reshapeSelf(c.g, c.shape(0)))));
    t.add(op1("flatten() of [2,3,2] stepped", normal(2, 3, 2).stepped(), Tensor::flatten,
        wrt(0, "Views.flattenSelf", c -> Views.flattenSelf(c.g, c.shape(0)))));
    t.add(op1("flatten(1, 2) of [2,3,4]", normal(2, 3, 4), a -> a.flatten(1, 2),
        wrt(0, "Views.flattenRangeSelf", c -> Views.flattenRangeSelf(c.g, c.shape(0)))));
    t.add(op1("flatten(0, -2) of [2,3,4] transposed", normal(2, 3, 4).transposed(),
        a -> a.flatten(0, -2),
        wrt(0, "Views.flattenRangeSelf", c -> Views.flattenRangeSelf(c.g, c.shape(0)))));
    t.add(op1("squeeze() of [2,1,3,1]", normal(2, 1, 3, 1), Tensor::squeeze,
        wrt(0, "Views.squeezeSelf", c -> Views.squeezeSelf(c.g, c.shape(0)))));
    t.add(op1("squeeze(1) of [2,1,3]", normal(2, 1, 3), a -> a.squeeze(1),
        wrt(0, "Views.squeezeDimSelf", c -> Views.squeezeDimSelf(c.g, c.shape(0)))));
    t.add(op1("squeeze(-1) of [2,3] (no-op)", normal(2, 3).stepped(), a -> a.squeeze(-1),
        wrt(0, "Views.squeezeDimSelf", c -> Views.squeezeDimSelf(c.g, c.shape(0)))));
    t.add(op1("unsqueeze(0) of [2,3]", normal(2, 3), a -> a.unsqueeze(0),
        wrt(0, "Views.unsqueezeSelf", c -> Views.unsqueezeSelf(c.g, 0))));
    t.add(op1("unsqueeze(-1) of [2,3] transposed", normal(2, 3).transposed(),
        a -> a.unsqueeze(-1),
        wrt(0, "Views.unsqueezeSelf", c -> Views.unsqueezeSelf(c.g, -1))));
    t.add(op1("unsqueeze(0) of 0-d", normal(), a -> a.unsqueeze(0),
        wrt(0, "Views.unsqueezeSelf", c -> Views.unsqueezeSelf(c.g, 0))));
    t.add(op1("expand(4, 2, 3) of [2,1]", normal(2, 1), a -> a.expand(4, 2, 3),
        wrt(0, "Views.expandSelf", c -> Views.expandSelf(c.g, c.shape(0)))));
    t.add(op1("expand(-1, 3) of [2,1]", normal(2, 1), a -> a.expand(-1, 3),
        wrt(0, "Views.expandSelf", c -> Views.expandSelf(c.g, c.shape(0)))));
    t.add(op1("expand(2, 3) of 0-d", normal(), a -> a.expand(2, 3),
        wrt(0, "Views.expandSelf", c -> Views.expandSelf(c.g, c.shape(0)))));
    t.add(opN("expandAs([2,3,4]) of [3,1]",
        List.of(normal(3, 1), constant(Tensor.zeros(DType.FLOAT64, 2, 3, 4))),
        x -> x.get(0).expandAs(x.get(1)),
        wrt(0, "Views.expandAsSelf", c -> Views.expandAsSelf(c.g, c.shape(0)))));
    t.add(op1("contiguous() of [2,3] transposed", normal(2, 3).transposed(),
        Tensor::contiguous,
        wrt(0, "Views.contiguousSelf", c -> Views.contiguousSelf(c.g))));
    t.add(op1("clone() of [2,3] stepped", normal(2, 3).stepped(), Tensor::clone,
        wrt(0, "Views.cloneSelf", c -> Views.cloneSelf(c.g))));
    t.add(op1("to(FLOAT64) of float64", normal(2, 3), a -> a.to(DType.FLOAT64),
        wrt(0, "Transfers.toDTypeSelf",
            c -> Transfers.toDTypeSelf(c.g, c.x(0).dtype(), DType.FLOAT64, c.shape(0)))));
    t.add(op1("toDouble() of float64", normal(2, 3), Tensor::toDouble,
        wrt(0, "Transfers.toDoubleSelf", c -> Transfers.toDoubleSelf(c.g, c.x(0).dtype()))));
    // float32 rounding (~1e-7) would swamp a central difference with step 1e-6, so toFloat's
    // rule (the identity, converted back to the input's dtype) is checked on a conversion
    // between float64 tensors; AdjointConventionsTest pins its dtypes, GeneratedBackwardTest a
    // float32 layer.
    t.add(op1("toFloat's rule on to(FLOAT64) of float64", normal(2, 3),
        a -> a.to(DType.FLOAT64),
        wrt(0, "Transfers.toFloatSelf", c -> Transfers.toFloatSelf(c.g, c.x(0).dtype()))));
    // Only the CPU exists here, so this checks the rule's values; a device change is the
    // same rule with g moved back to the input's device.
    t.add(op1("to(cpu) of [2,3] transposed", normal(2, 3).transposed(),
        a -> a.to(dev.adjoint.tensor.Device.cpu()),
        wrt(0, "Transfers.toDeviceSelf", c -> Transfers.toDeviceSelf(c.g, c.x(0)))));

    t.add(op1("get(1) of [3,4]", normal(3, 4), a -> a.get(1),
        wrt(0, "Views.getSelf", c -> Views.getSelf(c.g, new int[] {1}, c.shape(0)))));
    t.add(op1("get(1, -1) of [3,4] transposed", normal(3, 4).transposed(), a -> a.get(1, -1),
        wrt(0, "Views.getSelf",
            c -> Views.getSelf(c.g, new int[] {1, -1}, c.shape(0)))));
    t.add(op1("select(1, -1) of [2,3,4]", normal(2, 3, 4), a -> a.select(1, -1),
        wrt(0, "Views.selectSelf", c -> Views.selectSelf(c.g, 1, -1, c.shape(0)))));
    t.add(op1("select(-1, 0) of [2,3] stepped", normal(2, 3).stepped(), a -> a.select(-1, 0),
        wrt(0, "Views.selectSelf", c -> Views.selectSelf(c.g, -1, 0, c.shape(0)))));
    t.add(op1("narrow(1, 1, 2) of [2,4]", normal(2, 4), a -> a.narrow(1, 1, 2),
        wrt(0, "Views.narrowSelf", c -> Views.narrowSelf(c.g, 1, 1, 2, c.shape(0)))));
    t.add(op1("narrow(-1, -3, 2) of [3,4] transposed", normal(3, 4).transposed(),
        a -> a.narrow(-1, -3, 2),
        wrt(0, "Views.narrowSelf",
            c -> Views.narrowSelf(c.g, -1, -3, 2, c.shape(0)))));
    t.add(op1("slice(1, 0, null, 2) of [2,5]", normal(2, 5), a -> a.slice(1, 0, null, 2),
        wrt(0, "Views.sliceSelf",
            c -> Views.sliceSelf(c.g, 1, 0, null, 2, c.shape(0)))));
    t.add(op1("slice(0, -2, null, 1) of [4,3] stepped", normal(4, 3).stepped(),
        a -> a.slice(0, -2, null, 1),
        wrt(0, "Views.sliceSelf",
            c -> Views.sliceSelf(c.g, 0, -2, null, 1, c.shape(0)))));
    t.add(op1("slice(-1, 1, 4, 2) of [3,5] transposed", normal(3, 5).transposed(),
        a -> a.slice(-1, 1, 4, 2),
        wrt(0, "Views.sliceSelf",
            c -> Views.sliceSelf(c.g, -1, 1, 4, 2, c.shape(0)))));
    indexCase(t, "[:, 1:3] of [3,4]", normal(3, 4), Index.all(), Index.range(1, 3));
    indexCase(t, "[..., ::2] of [2,3,5] transposed", normal(2, 3, 5).transposed(),
        Index.ellipsis(), Index.range(null, null, 2));
    indexCase(t, "[None, -1] of [3,4]", normal(3, 4), Index.newAxis(), Index.at(-1));
    indexCase(t, "[1, ..., None] of [2,3,4] stepped", normal(2, 3, 4).stepped(), Index.at(1),
        Index.ellipsis(), Index.newAxis());
    subscriptCase(t, ":, 1:3", normal(3, 4));
    subscriptCase(t, "..., ::2", normal(2, 3, 5).transposed());
    subscriptCase(t, "0", normal(3, 4));
    subscriptCase(t, "None, 1:, -1", normal(3, 4).stepped());
  }

  private static void indexCase(List<Spec> t, String name, Arg a, Index... components) {
    t.add(op1("index(Index...) " + name, a, x -> x.index(components),
        wrt(0, "Views.indexSelf",
            c -> Views.indexSelf(c.g, components, c.shape(0)))));
  }

  private static void subscriptCase(List<Spec> t, String subscript, Arg a) {
    t.add(op1("index(\"" + subscript + "\") of " + Arrays.toString(a.shape), a,
        x -> x.index(subscript),
        wrt(0, "Views.indexSubscriptSelf",
            c -> Views.indexSubscriptSelf(c.g, subscript, c.shape(0)))));
  }

  private static void indexing(List<Spec> t) {
    Tensor repeats = Tensor.of(2L, 0L, 2L);
    t.add(opN("indexSelect(0, [2,0,2]) of [3,4] (repeats)",
        List.of(normal(3, 4), constant(repeats)), x -> x.get(0).indexSelect(0, x.get(1)),
        wrt(0, "Indexing.indexSelectSelf",
            c -> Indexing.indexSelectSelf(c.g, 0, c.x(1), c.shape(0)))));
    t.add(opN("indexSelect(-1, [1,3,1]) of [3,4] transposed",
        List.of(normal(3, 4).transposed(), constant(Tensor.of(1L, 3L, 1L))),
        x -> x.get(0).indexSelect(-1, x.get(1)),
        wrt(0, "Indexing.indexSelectSelf",
            c -> Indexing.indexSelectSelf(c.g, -1, c.x(1), c.shape(0)))));
    t.add(opN("indexSelect(1, 0-d index) of [2,3]",
        List.of(normal(2, 3), constant(Tensor.scalar(2L))),
        x -> x.get(0).indexSelect(1, x.get(1)),
        wrt(0, "Indexing.indexSelectSelf",
            c -> Indexing.indexSelectSelf(c.g, 1, c.x(1), c.shape(0)))));
    t.add(opN("indexSelect(0, [0]) of 0-d", List.of(normal(), constant(Tensor.of(0L))),
        x -> x.get(0).indexSelect(0, x.get(1)),
        wrt(0, "Indexing.indexSelectSelf",
            c -> Indexing.indexSelectSelf(c.g, 0, c.x(1), c.shape(0)))));

    t.add(opN("gather(1, [[0,0],[2,1]]) of [2,3] (repeats)",
        List.of(normal(2, 3), constant(Tensor.of(new long[] {0, 0}, new long[] {2, 1}))),
        x -> x.get(0).gather(1, x.get(1)),
        wrt(0, "Indexing.gatherSelf",
            c -> Indexing.gatherSelf(c.g, 1, c.x(1), c.shape(0)))));
    t.add(opN("gather(0, [[2,2],[1,2]]) of [3,2] transposed",
        List.of(normal(3, 2).transposed(), constant(Tensor.of(new long[] {2, 2},
            new long[] {1, 2}))),
        x -> x.get(0).gather(0, x.get(1)),
        wrt(0, "Indexing.gatherSelf",
            c -> Indexing.gatherSelf(c.g, 0, c.x(1), c.shape(0)))));
    t.add(opN("gather(-1, index [2,2,3]) of [2,3,4]",
        List.of(normal(2, 3, 4),
            constant(Tensor.of(3L, 0L, 3L, 1L, 1L, 2L, 0L, 0L, 0L, 2L, 3L, 1L).reshape(2, 2, 3))),
        x -> x.get(0).gather(-1, x.get(1)),
        wrt(0, "Indexing.gatherSelf",
            c -> Indexing.gatherSelf(c.g, -1, c.x(1), c.shape(0)))));

    t.add(opN("indexAdd(0, [2,0,2]) of [3,4] + [3,4] (repeats)",
        List.of(normal(3, 4), constant(repeats), normal(3, 4).transposed()),
        x -> x.get(0).indexAdd(0, x.get(1), x.get(2)),
        wrt(0, "Indexing.indexAddSelf", c -> Indexing.indexAddSelf(c.g)),
        wrt(2, "Indexing.indexAddSource",
            c -> Indexing.indexAddSource(c.g, 0, c.x(1), c.shape(2)))));
    t.add(opN("indexAdd(-1, [3,1]) of [2,4] stepped + [2,2]",
        List.of(normal(2, 4).stepped(), constant(Tensor.of(3L, 1L)), normal(2, 2)),
        x -> x.get(0).indexAdd(-1, x.get(1), x.get(2)),
        wrt(0, "Indexing.indexAddSelf", c -> Indexing.indexAddSelf(c.g)),
        wrt(2, "Indexing.indexAddSource",
            c -> Indexing.indexAddSource(c.g, -1, c.x(1), c.shape(2)))));
    t.add(opN("indexAdd(0, 0-d index) of 0-d + 0-d",
        List.of(normal(), constant(Tensor.scalar(0L)), normal()),
        x -> x.get(0).indexAdd(0, x.get(1), x.get(2)),
        wrt(2, "Indexing.indexAddSource",
            c -> Indexing.indexAddSource(c.g, 0, c.x(1), c.shape(2)))));

    t.add(opN("scatterAdd(1, [[0,0],[2,1]]) of [2,3] + [2,2] (repeats)",
        List.of(normal(2, 3), constant(Tensor.of(new long[] {0, 0}, new long[] {2, 1})),
            normal(2, 2).transposed()),
        x -> x.get(0).scatterAdd(1, x.get(1), x.get(2)),
        wrt(0, "Indexing.scatterAddSelf", c -> Indexing.scatterAddSelf(c.g)),
        wrt(2, "Indexing.scatterAddSrc",
            c -> Indexing.scatterAddSrc(c.g, 1, c.x(1), c.shape(2)))));
    // index [2,1] covers only part of src [3,2]: the rest of src is unused and gets 0.
    t.add(opN("scatterAdd(0, index [2,1]) of [3,2] + larger src [3,2]",
        List.of(normal(3, 2), constant(Tensor.of(new long[] {2}, new long[] {2})),
            normal(3, 2).stepped()),
        x -> x.get(0).scatterAdd(0, x.get(1), x.get(2)),
        wrt(0, "Indexing.scatterAddSelf", c -> Indexing.scatterAddSelf(c.g)),
        wrt(2, "Indexing.scatterAddSrc",
            c -> Indexing.scatterAddSrc(c.g, 0, c.x(1), c.shape(2)))));

    t.add(opN("index(mask [4]) of [4,3]",
        List.of(normal(4, 3), constant(Tensor.of(true, false, true, true))),
        x -> x.get(0).index(x.get(1)),
        wrt(0, "Indexing.indexMaskSelf",
            c -> Indexing.indexMaskSelf(c.g, c.x(1), c.shape(0)))));
    t.add(opN("index(mask [2,3]) of [2,3,2] transposed",
        List.of(normal(2, 3, 2).transposed(),
            constant(Tensor.of(false, true, true, true, false, true).reshape(2, 3))),
        x -> x.get(0).index(x.get(1)),
        wrt(0, "Indexing.indexMaskSelf",
            c -> Indexing.indexMaskSelf(c.g, c.x(1), c.shape(0)))));
    t.add(opN("maskedSelect(mask [3]) of [2,3]",
        List.of(normal(2, 3), constant(Tensor.of(true, false, true))),
        x -> x.get(0).maskedSelect(x.get(1)),
        wrt(0, "Indexing.maskedSelectSelf",
            c -> Indexing.maskedSelectSelf(c.g, c.x(1), c.shape(0)))));
    t.add(opN("maskedSelect(mask [2,3]) of [3] (the input broadcasts up)",
        List.of(normal(3), constant(Tensor.of(true, true, false, true, false, true)
            .reshape(2, 3))),
        x -> x.get(0).maskedSelect(x.get(1)),
        wrt(0, "Indexing.maskedSelectSelf",
            c -> Indexing.maskedSelectSelf(c.g, c.x(1), c.shape(0)))));

    t.add(opN("cat([2,3], [2,1], [2,2] stepped; 1)",
        List.of(normal(2, 3), normal(2, 1), normal(2, 2).stepped()),
        x -> Tensor.cat(x, 1),
        catCheck(0, 1), catCheck(1, 1), catCheck(2, 1)));
    t.add(opN("cat([2,3,2], [2,3,3] transposed; -1)",
        List.of(normal(2, 3, 2), normal(2, 3, 3).transposed()), x -> Tensor.cat(x, -1),
        catCheck(0, -1), catCheck(1, -1)));
    t.add(opN("cat([1,3], [2,3]) along 0", List.of(normal(1, 3), normal(2, 3)), Tensor::cat,
        wrt(0, "Indexing.catTensors", c -> Indexing.catTensors(c.g, c.in).get(0)),
        wrt(1, "Indexing.catTensors", c -> Indexing.catTensors(c.g, c.in).get(1))));
    t.add(opN("stack([2,3] x3) along 0",
        List.of(normal(2, 3), normal(2, 3).transposed(), normal(2, 3)), Tensor::stack,
        wrt(0, "Indexing.stackTensors", c -> Indexing.stackTensors(c.g).get(0)),
        wrt(1, "Indexing.stackTensors", c -> Indexing.stackTensors(c.g).get(1)),
        wrt(2, "Indexing.stackTensors", c -> Indexing.stackTensors(c.g).get(2))));
    t.add(opN("stack([2,3] x2; -1)", List.of(normal(2, 3).stepped(), normal(2, 3)),
        x -> Tensor.stack(x, -1), stackCheck(0, -1), stackCheck(1, -1)));
    t.add(opN("stack([3] x2; 1)", List.of(normal(3), normal(3)), x -> Tensor.stack(x, 1),
        stackCheck(0, 1), stackCheck(1, 1)));
  }

  private static Check catCheck(int i, int dim) {
    return wrt(i, "Indexing.catDimTensors",
        c -> Indexing.catDimTensors(c.g, c.in, dim).get(i));
  }

  private static Check stackCheck(int i, int dim) {
    return wrt(i, "Indexing.stackDimTensors",
        c -> Indexing.stackDimTensors(c.g, dim).get(i));
  }

  // ================================================================== the tests

  /** One body per device ({@link Devices}): inputs, g and constants live on it. */
  @TestFactory
  Stream<DynamicTest> everyAdjointAgreesWithFiniteDifferences() {
    return Devices.all().stream().flatMap(device -> table().stream().map(s ->
        DynamicTest.dynamicTest(s.name + " on " + device, () -> verify(s, device))));
  }

  @Test
  void tableCoversEveryAdjoint() {
    Set<String> inTable = table().stream().flatMap(s -> s.checks.stream())
        .map(Check::rule).collect(Collectors.toCollection(TreeSet::new));
    // @Adjoint has CLASS retention, so count the public static methods of each rules class.
    Set<String> declared = new TreeSet<>();
    for (Class<?> rules : RULE_CLASSES) {
      for (Method m : rules.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
          declared.add(rules.getSimpleName() + "." + m.getName());
        }
      }
    }
    Set<String> missing = new TreeSet<>(declared);
    missing.removeAll(inTable);
    Set<String> unknown = new TreeSet<>(inTable);
    unknown.removeAll(declared);
    assertTrue(missing.isEmpty(), () -> "adjoints with no spec entry: " + missing);
    assertTrue(unknown.isEmpty(), () -> "spec entries naming no adjoint: " + unknown);
    assertEquals(declared.size(), inTable.size());
    // Overloads would collapse in the name sets above; every adjoint has its own name.
    for (Class<?> rules : RULE_CLASSES) {
      long methods = Arrays.stream(rules.getDeclaredMethods())
          .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
          .count();
      long names = declared.stream().filter(n -> n.startsWith(rules.getSimpleName() + "."))
          .count();
      assertEquals(methods, names, rules.getSimpleName() + " overloads an adjoint name");
    }
  }

  private static void verify(Spec s, Device device) {
    Random r = new Random(s.name.hashCode());
    Distinct distinct = new Distinct(r);
    int n = s.args.size();
    double[][] values = new double[n][];
    List<Tensor> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Arg a = s.args.get(i);
      if (a.constant == null) {
        values[i] = a.values.draw(a.shape, r, distinct);
      }
      Tensor x = a.make(values[i], device);
      assertEquals(device, x.device(), s.name + ": input " + i + " device");
      if (a.layout != Layout.CONTIGUOUS) {
        assertFalse(x.isContiguous(), s.name + ": input " + i + " should be a strided view");
      }
      in.add(x);
    }
    in = Collections.unmodifiableList(in);
    Tensor out = s.forward.apply(in);
    assertEquals(DType.FLOAT64, out.dtype(), s.name + ": forward result dtype");
    assertEquals(device, out.device(), s.name + ": forward result device");
    double[] gv = new double[out.numel()];
    for (int i = 0; i < gv.length; i++) {
      gv[i] = r.nextGaussian();
    }
    Tensor g = Tensor.fromArray(gv, out.shape()).to(device);
    double[] outValues = out.toDoubleArray();
    for (Check check : s.checks) {
      Arg a = s.args.get(check.wrt);
      Tensor adjoint = check.fn.apply(new Ctx(g, out, in));
      String what = s.name + ": " + check.rule + " (input " + check.wrt + ")";
      assertArrayEquals(a.shape, adjoint.shape(), what + ": gradient shape");
      assertEquals(DType.FLOAT64, adjoint.dtype(), what + ": gradient dtype");
      assertEquals(device, adjoint.device(), what + ": gradient device");
      double[] got = adjoint.toDoubleArray();
      double[] expected = new double[got.length];
      for (int j = 0; j < got.length; j++) {
        expected[j] = vjpByFiniteDifference(s, in, check.wrt, values[check.wrt], j, gv,
            device);
      }
      for (int j = 0; j < got.length; j++) {
        double err = Math.abs(got[j] - expected[j]);
        int e = j;
        assertTrue(err <= TOL * Math.max(1, Math.abs(expected[j])), () -> what + ": element "
            + e + " is " + got[e] + ", finite differences give " + expected[e] + "\n  adjoint "
            + Arrays.toString(got) + "\n  numeric " + Arrays.toString(expected));
      }
      boolean zeroByDesign = check.rule.equals("Elementwise.signSelf");
      double largest = Arrays.stream(expected).map(Math::abs).max().orElse(0);
      assertTrue(zeroByDesign || largest > 1e-3,
          () -> what + ": the numeric gradient is all zero, so this entry checks nothing");
    }
    // Rules must not write into their arguments.
    assertArrayEquals(gv, g.toDoubleArray(), s.name + ": g was modified");
    assertArrayEquals(outValues, out.toDoubleArray(), s.name + ": out was modified");
    for (int i = 0; i < n; i++) {
      if (values[i] != null) {
        assertArrayEquals(values[i], in.get(i).toDoubleArray(), s.name + ": input " + i
            + " was modified");
      }
    }
  }

  /** {@code sum_i g_i (f(x + h e_j) - f(x - h e_j))_i / (2h)}. */
  private static double vjpByFiniteDifference(Spec s, List<Tensor> in, int wrt, double[] x,
      int j, double[] g, Device device) {
    double[] plus = x.clone();
    plus[j] += H;
    double[] minus = x.clone();
    minus[j] -= H;
    double[] fPlus = evaluate(s, in, wrt, plus, device);
    double[] fMinus = evaluate(s, in, wrt, minus, device);
    double sum = 0;
    for (int i = 0; i < g.length; i++) {
      sum += g[i] * (fPlus[i] - fMinus[i]);
    }
    return sum / (2 * H);
  }

  private static double[] evaluate(Spec s, List<Tensor> in, int wrt, double[] x,
      Device device) {
    List<Tensor> moved = new ArrayList<>(in);
    moved.set(wrt, s.args.get(wrt).make(x, device));
    return s.forward.apply(moved).toDoubleArray();
  }

  // ================================================================== table vocabulary

  /** What a rule may ask for: the upstream gradient, the result and the inputs. */
  record Ctx(Tensor g, Tensor out, List<Tensor> in) {
    Tensor x(int i) {
      return in.get(i);
    }

    int[] shape(int i) {
      return in.get(i).shape();
    }
  }

  @FunctionalInterface
  interface Rule {
    Tensor apply(Ctx c);
  }

  /** One adjoint to check: its name (for the coverage test), the input it differentiates. */
  record Check(int wrt, String rule, Rule fn) {}

  record Spec(String name, List<Arg> args, Function<List<Tensor>, Tensor> forward,
      List<Check> checks) {}

  static Check wrt(int input, String rule, Rule fn) {
    return new Check(input, rule, fn);
  }

  static Spec op1(String name, Arg a, UnaryOperator<Tensor> f, Check... checks) {
    return new Spec(name, List.of(a), x -> f.apply(x.get(0)), List.of(checks));
  }

  static Spec op2(String name, Arg a, Arg b, BinaryOperator<Tensor> f, Check... checks) {
    return new Spec(name, List.of(a, b), x -> f.apply(x.get(0), x.get(1)), List.of(checks));
  }

  static Spec opN(String name, List<Arg> args, Function<List<Tensor>, Tensor> f,
      Check... checks) {
    return new Spec(name, args, f, List.of(checks));
  }

  /** How an input's memory is laid out; its logical values are the same either way. */
  enum Layout { CONTIGUOUS, TRANSPOSED, STEPPED }

  @FunctionalInterface
  interface Values {
    double[] draw(int[] shape, Random r, Distinct distinct);
  }

  /**
   * A float64 input (drawn values, a layout) or a constant one (an index or mask, never
   * perturbed).
   */
  record Arg(int[] shape, Values values, Layout layout, Tensor constant) {
    Arg transposed() {
      return new Arg(shape, values, Layout.TRANSPOSED, constant);
    }

    Arg stepped() {
      return new Arg(shape, values, Layout.STEPPED, constant);
    }

    /**
     * A tensor on {@code device} holding {@code v} in row-major order of {@link #shape}, in this
     * layout (the strided view is taken on the device).
     */
    Tensor make(double[] v, Device device) {
      if (constant != null) {
        return constant.to(device);
      }
      Tensor dense = Tensor.fromArray(v, shape).to(device);
      switch (layout) {
        case TRANSPOSED:
          // Column-major storage of the last two dims.
          return dense.transpose(-1, -2).contiguous().transpose(-1, -2);
        case STEPPED: {
          // Every other element of a wider buffer; the gaps hold NaN, so reading one shows.
          int[] wide = shape.clone();
          wide[wide.length - 1] *= 2;
          Tensor buffer = Tensor.full(Double.NaN, DType.FLOAT64, wide).to(device);
          buffer.slice(-1, 0, null, 2).copy_(dense);
          return buffer.slice(-1, 0, null, 2);
        }
        default:
          return dense;
      }
    }
  }

  /** Distinct values at least 0.08 apart, shared by all inputs of one entry. */
  static final class Distinct {
    private final Random r;
    private final List<Integer> slots = new ArrayList<>();

    Distinct(Random r) {
      this.r = r;
      for (int k = -30; k < 30; k++) {
        slots.add(k);
      }
      Collections.shuffle(slots, r);
    }

    double next() {
      return slots.remove(slots.size() - 1) * 0.1 + 0.02 * r.nextDouble();
    }
  }

  static Arg arg(Values v, int... shape) {
    return new Arg(shape, v, Layout.CONTIGUOUS, null);
  }

  static Arg constant(Tensor t) {
    return new Arg(t.shape(), null, Layout.CONTIGUOUS, t);
  }

  static Values each(java.util.function.ToDoubleFunction<Random> draw) {
    return (shape, r, distinct) -> {
      double[] v = new double[numel(shape)];
      for (int i = 0; i < v.length; i++) {
        v[i] = draw.applyAsDouble(r);
      }
      return v;
    };
  }

  static Arg normal(int... shape) {
    return arg(each(Random::nextGaussian), shape);
  }

  /** Exactly these values (row-major): for inputs that must hold zeros or ties. */
  static Arg fixed(double[] values, int... shape) {
    return arg((s, r, distinct) -> values.clone(), shape);
  }

  /** In [0.5, 2): for log, sqrt, pow bases. */
  static Arg positive(int... shape) {
    return arg(each(r -> 0.5 + 1.5 * r.nextDouble()), shape);
  }

  /** Magnitude in [0.5, 1.5), either sign: for denominators. */
  static Arg nonzero(int... shape) {
    return arg(each(r -> (0.5 + r.nextDouble()) * (r.nextBoolean() ? 1 : -1)), shape);
  }

  /** Magnitude in [0.1, 1), either sign: away from the kink of abs, relu and sign. */
  static Arg awayFromZero(int... shape) {
    return arg(each(r -> (0.1 + 0.9 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1)), shape);
  }

  /** Standard normal, but at least 0.05 from each of {@code kinks}. */
  static Arg avoiding(double[] kinks, int... shape) {
    return arg(each(r -> {
      while (true) {
        double x = r.nextGaussian();
        if (Arrays.stream(kinks).allMatch(k -> Math.abs(x - k) > 0.05)) {
          return x;
        }
      }
    }), shape);
  }

  /** Values no two of which (in one entry) are within 0.08: for max, min, maximum, minimum. */
  static Arg distinct(int... shape) {
    return arg((s, r, distinct) -> {
      double[] v = new double[numel(s)];
      for (int i = 0; i < v.length; i++) {
        v[i] = distinct.next();
      }
      return v;
    }, shape);
  }

  /** Matrices {@code 3 I + 0.3 N(0, 1)}: invertible with condition number near 1. */
  static Arg wellConditioned(int... shape) {
    return arg((s, r, distinct) -> {
      int n = s[s.length - 1];
      double[] v = new double[numel(s)];
      for (int i = 0; i < v.length; i++) {
        int row = i / n % n;
        int col = i % n;
        v[i] = (row == col ? 3 : 0) + 0.3 * r.nextGaussian();
      }
      return v;
    }, shape);
  }

  static int numel(int[] shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    return n;
  }
}
