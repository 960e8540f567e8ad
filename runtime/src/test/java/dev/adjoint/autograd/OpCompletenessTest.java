package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.nn.Functional;
import dev.adjoint.nn.LossOps;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Index;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.ValuesIndices;
import dev.adjoint.testing.Devices;
import dev.adjoint.testing.GradCheck;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every public op that returns a tensor records its gradient, or says why it has none.
 *
 * <p>The walk: every public method of {@link Tensor}, {@link Functional} and every class whose
 * compiled code declares a {@code @Primitive} (found by scanning the class files, see {@link
 * PrimitiveTable}) that returns a tensor or a tensor carrier ({@link ValuesIndices},
 * {@code Tensor[]}, {@code List<Tensor>}) must have an entry in {@link #cases()}, keyed by its
 * signature. A new public op without one fails {@link #everyPublicTensorOpHasACase()} with "no
 * completeness case for Tensor.foo(int): add one", so an op that forgets its rule cannot slip in.
 *
 * <p>Each entry is one of:
 *
 * <ul>
 *   <li>{@code grad}: called on float64 inputs that require grad, every floating result requires
 *       grad through a recorded node, and the gradient of a random weighted sum of the results
 *       agrees with float64 central differences ({@link GradCheck}) for every differentiable
 *       input; inputs the rule table declares non-differentiable ({@code nondifferentiable}) are
 *       passed tracked and must receive no gradient, and must be declared so in the class file;
 *   <li>{@code noGrad}: called with tracked inputs, no result requires grad. A {@code @Primitive}
 *       must say {@code differentiable = false} for this; any other method is on the commented
 *       exclusion list below (creation ops, comparisons, integer results);
 *   <li>{@code inPlace}: in-place ops record nothing, so they must refuse a tracked receiver and a
 *       tracked tensor operand (a clear error, never a lost gradient);
 *   <li>{@code custom}: a hand-derived check, for conversions between dtypes (where float32
 *       rounding rules out finite differences) and the autograd accessors.
 * </ul>
 *
 * <p>Inputs are drawn from a grid of distinct values at least 0.04 apart and at least 0.3 from 0
 * (and from the clamp bounds used here), so that no input sits within the difference step of a
 * kink (abs, relu, clamp, max) and ties cannot occur.
 */
class OpCompletenessTest {
  // ================================================================== the table

  private static Map<String, Case> cases() {
    Map<String, Case> t = new LinkedHashMap<>();
    creation(t);
    conversions(t);
    shapes(t);
    indexing(t);
    elementwise(t);
    inPlace(t);
    reductions(t);
    linalg(t);
    functional(t);
    return t;
  }

  /** No tensor input, so nothing to differentiate: the result must not require grad. */
  private static void creation(Map<String, Case> t) {
    String creation = "creation op: no tensor input";
    noGrad(t, "Tensor.eye(int)", creation, in -> Tensor.eye(2));
    noGrad(t, "Tensor.eye(int,int)", creation, in -> Tensor.eye(2, 3));
    noGrad(t, "Tensor.eye(int,int,DType)", creation, in -> Tensor.eye(2, 3, DType.FLOAT64));
    noGrad(t, "Tensor.zeros(int[])", creation, in -> Tensor.zeros(2, 3));
    noGrad(t, "Tensor.zeros(DType,int[])", creation, in -> Tensor.zeros(DType.FLOAT64, 2));
    noGrad(t, "Tensor.zeros(DType,Device,int[])", creation,
        in -> Tensor.zeros(DType.FLOAT64, Device.cpu(), 2));
    noGrad(t, "Tensor.empty(DType,Device,int[])", creation,
        in -> Tensor.empty(DType.FLOAT64, Device.cpu(), 2));
    noGrad(t, "Tensor.ones(int[])", creation, in -> Tensor.ones(2, 3));
    noGrad(t, "Tensor.ones(DType,int[])", creation, in -> Tensor.ones(DType.FLOAT64, 2));
    noGrad(t, "Tensor.full(double,int[])", creation, in -> Tensor.full(1.5, 2));
    noGrad(t, "Tensor.full(double,DType,int[])", creation,
        in -> Tensor.full(1.5, DType.FLOAT64, 2));
    noGrad(t, "Tensor.arange(long)", creation, in -> Tensor.arange(3));
    noGrad(t, "Tensor.arange(long,long)", creation, in -> Tensor.arange(1, 3));
    noGrad(t, "Tensor.arange(long,long,long)", creation, in -> Tensor.arange(1, 7, 2));
    noGrad(t, "Tensor.arange(double,double,double)", creation,
        in -> Tensor.arange(0.0, 1.0, 0.25));
    noGrad(t, "Tensor.linspace(double,double,int)", creation, in -> Tensor.linspace(0, 1, 5));
    noGrad(t, "Tensor.rand(int[])", creation, in -> Tensor.rand(2, 2));
    noGrad(t, "Tensor.rand(Generator,int[])", creation, in -> Tensor.rand(new Generator(1), 2));
    noGrad(t, "Tensor.randn(int[])", creation, in -> Tensor.randn(2, 2));
    noGrad(t, "Tensor.randn(Generator,int[])", creation,
        in -> Tensor.randn(new Generator(1), 2));
    noGrad(t, "Tensor.randint(long,long,int[])", creation, in -> Tensor.randint(0, 5, 3));
    noGrad(t, "Tensor.randint(Generator,long,long,int[])", creation,
        in -> Tensor.randint(new Generator(1), 0, 5, 3));
    noGrad(t, "Tensor.of(float[])", creation, in -> Tensor.of(1f, 2f));
    noGrad(t, "Tensor.of(float[][])", creation, in -> Tensor.of(new float[][] {{1f}, {2f}}));
    noGrad(t, "Tensor.of(double[])", creation, in -> Tensor.of(1.0, 2.0));
    noGrad(t, "Tensor.of(double[][])", creation, in -> Tensor.of(new double[][] {{1}, {2}}));
    noGrad(t, "Tensor.of(long[])", creation, in -> Tensor.of(1L, 2L));
    noGrad(t, "Tensor.of(long[][])", creation, in -> Tensor.of(new long[][] {{1}, {2}}));
    noGrad(t, "Tensor.of(boolean[])", creation, in -> Tensor.of(true, false));
    noGrad(t, "Tensor.fromArray(Object,int[])", creation,
        in -> Tensor.fromArray(new double[] {1, 2, 3, 4}, 2, 2));
    noGrad(t, "Tensor.scalar(double)", creation, in -> Tensor.scalar(1.5));
    noGrad(t, "Tensor.scalar(double,DType)", creation, in -> Tensor.scalar(1.5, DType.FLOAT64));
    noGrad(t, "Tensor.scalar(long)", creation, in -> Tensor.scalar(3L));
    noGrad(t, "Tensor.scalar(boolean)", creation, in -> Tensor.scalar(true));
    // A raw view over a storage (for backends and io), like PyTorch's .data: outside the graph
    // even when the storage belongs to a tracked tensor.
    noGrad(t, "Tensor.wrap(Storage,int[],int[],int)", "raw storage view, outside the graph",
        in -> Tensor.wrap(in.get(0).storage(), new int[] {3}, new int[] {2}, 0), d(2, 3));
    noGrad(t, "Tensor.wrap(Storage,Layout)", "raw storage view, outside the graph",
        in -> Tensor.wrap(in.get(0).storage(), dev.adjoint.backend.Layout.of(new int[] {3},
            new long[] {2}, 0)), d(2, 3));
    // Like-creation primitives declared differentiable = false: only the shape is used.
    noGrad(t, "Tensor.zerosLike()", "declared differentiable = false", in -> in.get(0)
        .zerosLike(), d(2, 3));
    noGrad(t, "Tensor.onesLike()", "declared differentiable = false", in -> in.get(0)
        .onesLike(), d(2, 3));
  }

  private static void conversions(Map<String, Case> t) {
    grad(t, "Tensor.to(Device)", in -> in.get(0).to(Device.cpu()), d(2, 3));
    grad(t, "Tensor.cpu()", in -> in.get(0).cpu(), d(2, 3));
    grad(t, "Tensor.to(Device,DType)", in -> in.get(0).to(Device.cpu(), DType.FLOAT64),
        d(2, 3));
    // Float32 rounding (~6e-8) over a 1e-6 step rules out finite differences through a float32
    // result, so the conversions get hand-derived checks: d(sum(w * x.to(T))) / dx = w, in x's
    // dtype.
    custom(t, "Tensor.to(DType)", () -> {
      conversionRecords(x -> x.to(DType.FLOAT32), DType.FLOAT64, DType.FLOAT32);
      conversionRecords(x -> x.to(DType.FLOAT64), DType.FLOAT32, DType.FLOAT64);
    });
    custom(t, "Tensor.toFloat()",
        () -> conversionRecords(Tensor::toFloat, DType.FLOAT64, DType.FLOAT32));
    custom(t, "Tensor.toDouble()",
        () -> conversionRecords(Tensor::toDouble, DType.FLOAT32, DType.FLOAT64));
    String integral = "integer or bool result: carries no gradient (PyTorch: not differentiable)";
    noGrad(t, "Tensor.toLong()", integral, in -> in.get(0).toLong(), d(2, 3));
    noGrad(t, "Tensor.toBool()", integral, in -> in.get(0).toBool(), d(2, 3));
    noGrad(t, "Tensor.detach()", "declared differentiable = false", in -> in.get(0).detach(),
        d(2, 3));
    // Autograd accessors, not ops.
    custom(t, "Tensor.requiresGrad_(boolean)", () -> {
      Tensor x = Tensor.zeros(DType.FLOAT64, 2);
      assertSame(x, x.requiresGrad_(true));
      assertTrue(x.requiresGrad());
    });
    custom(t, "Tensor.grad()", () -> {
      Tensor x = Tensor.of(1.0, 2.0).requiresGrad_(true);
      assertNull(x.grad());
      x.mul(3.0).sum().backward();
      assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray());
      assertFalse(x.grad().requiresGrad(), "a gradient is not part of a graph");
    });
  }

  private static void shapes(Map<String, Case> t) {
    grad(t, "Tensor.t()", in -> in.get(0).t(), d(2, 3));
    grad(t, "Tensor.transpose(int,int)", in -> in.get(0).transpose(0, -1), d(2, 3, 2));
    grad(t, "Tensor.permute(int[])", in -> in.get(0).permute(2, 0, 1), d(2, 3, 2));
    grad(t, "Tensor.view(int[])", in -> in.get(0).view(3, 2), d(2, 3));
    grad(t, "Tensor.reshape(int[])", in -> in.get(0).t().reshape(-1), d(2, 3));
    grad(t, "Tensor.flatten()", in -> in.get(0).flatten(), d(2, 3));
    grad(t, "Tensor.flatten(int,int)", in -> in.get(0).flatten(1, 2), d(2, 3, 2));
    grad(t, "Tensor.squeeze()", in -> in.get(0).squeeze(), d(2, 1, 3));
    grad(t, "Tensor.squeeze(int)", in -> in.get(0).squeeze(1), d(2, 1, 3));
    grad(t, "Tensor.unsqueeze(int)", in -> in.get(0).unsqueeze(1), d(2, 3));
    grad(t, "Tensor.expand(int[])", in -> in.get(0).expand(2, 3, 2), d(3, 1));
    grad(t, "Tensor.expandAs(Tensor)", in -> in.get(0).expandAs(in.get(1)), d(3, 1),
        nd("other", 2, 3, 2));
    grad(t, "Tensor.contiguous()", in -> in.get(0).t().contiguous(), d(2, 3));
    grad(t, "Tensor.clone()", in -> in.get(0).clone(), d(2, 3));
    grad(t, "Tensor.split(int,int)", in -> in.get(0).split(2, 1), d(2, 5));
    grad(t, "Tensor.split(int[],int)", in -> in.get(0).split(new int[] {1, 3, 1}, -1), d(2, 5));
    grad(t, "Tensor.chunk(int,int)", in -> in.get(0).chunk(2, 0), d(3, 2));
    grad(t, "Tensor.cat(List)", in -> Tensor.cat(List.of(in.get(0), in.get(1))), d(1, 3),
        d(2, 3));
    grad(t, "Tensor.cat(List,int)", in -> Tensor.cat(List.of(in.get(0), in.get(1)), 1),
        d(2, 1), d(2, 3));
    grad(t, "Tensor.stack(List)", in -> Tensor.stack(List.of(in.get(0), in.get(1))), d(2, 3),
        d(2, 3));
    grad(t, "Tensor.stack(List,int)", in -> Tensor.stack(List.of(in.get(0), in.get(1)), -1),
        d(2, 3), d(2, 3));
  }

  private static void indexing(Map<String, Case> t) {
    grad(t, "Tensor.get(int[])", in -> in.get(0).get(1, -1), d(3, 4));
    grad(t, "Tensor.select(int,int)", in -> in.get(0).select(1, -2), d(3, 4));
    grad(t, "Tensor.narrow(int,int,int)", in -> in.get(0).narrow(1, 1, 2), d(3, 4));
    grad(t, "Tensor.slice(int,Integer,Integer,int)", in -> in.get(0).slice(1, 0, null, 2),
        d(3, 4));
    grad(t, "Tensor.index(String)", in -> in.get(0).index("1:, None, ::2"), d(3, 4));
    grad(t, "Tensor.index(Index[])",
        in -> in.get(0).index(Index.ellipsis(), Index.range(1, 3)), d(3, 4));
    grad(t, "Tensor.index(Tensor)", in -> in.get(0).index(in.get(1)), d(3, 2),
        c(Tensor.of(true, false, true)));
    grad(t, "Tensor.indexSelect(int,Tensor)", in -> in.get(0).indexSelect(0, in.get(1)),
        d(3, 2), c(Tensor.of(2L, 0L, 2L)));
    grad(t, "Tensor.gather(int,Tensor)", in -> in.get(0).gather(1, in.get(1)), d(2, 3),
        c(Tensor.of(new long[][] {{0, 0}, {2, 1}})));
    grad(t, "Tensor.indexAdd(int,Tensor,Tensor)",
        in -> in.get(0).indexAdd(0, in.get(1), in.get(2)), d(3, 2), c(Tensor.of(2L, 0L, 2L)),
        d(3, 2));
    grad(t, "Tensor.scatterAdd(int,Tensor,Tensor)",
        in -> in.get(0).scatterAdd(1, in.get(1), in.get(2)), d(2, 3),
        c(Tensor.of(new long[][] {{0, 0}, {2, 1}})), d(2, 3));
    noGrad(t, "Tensor.nonzero()", "declared differentiable = false: int64 positions",
        in -> in.get(0).nonzero(), d(2, 3));
    grad(t, "Tensor.maskedSelect(Tensor)", in -> in.get(0).maskedSelect(in.get(1)), d(2, 3),
        c(Tensor.of(true, false, true)));
    grad(t, "Tensor.maskedFill(Tensor,double)", in -> in.get(0).maskedFill(in.get(1), 0.5),
        d(2, 3), c(Tensor.of(true, false, true)));
    grad(t, "Tensor.where(Tensor,Tensor,Tensor)",
        in -> Tensor.where(in.get(0), in.get(1), in.get(2)), c(Tensor.of(true, false, true)),
        d(2, 3), d(3));
  }

  private static void elementwise(Map<String, Case> t) {
    grad(t, "Tensor.add(Tensor)", in -> in.get(0).add(in.get(1)), d(2, 3), d(3));
    grad(t, "Tensor.add(Tensor,double)", in -> in.get(0).add(in.get(1), -1.5), d(2, 3),
        d(2, 1));
    grad(t, "Tensor.add(double)", in -> in.get(0).add(0.7), d(2, 3));
    grad(t, "Tensor.add(long)", in -> in.get(0).add(2L), d(2, 3));
    grad(t, "Tensor.sub(Tensor)", in -> in.get(0).sub(in.get(1)), d(2, 3), d(3));
    grad(t, "Tensor.sub(double)", in -> in.get(0).sub(0.7), d(2, 3));
    grad(t, "Tensor.sub(long)", in -> in.get(0).sub(2L), d(2, 3));
    grad(t, "Tensor.mul(Tensor)", in -> in.get(0).mul(in.get(1)), d(2, 3), d(2, 1));
    grad(t, "Tensor.mul(double)", in -> in.get(0).mul(-1.25), d(2, 3));
    grad(t, "Tensor.mul(long)", in -> in.get(0).mul(3L), d(2, 3));
    grad(t, "Tensor.div(Tensor)", in -> in.get(0).div(in.get(1)), d(2, 3), d(3));
    grad(t, "Tensor.div(double)", in -> in.get(0).div(-2.5), d(2, 3));
    grad(t, "Tensor.pow(Tensor)", in -> in.get(0).pow(in.get(1)), pos(2, 3), d(3));
    grad(t, "Tensor.pow(double)", in -> in.get(0).pow(2.5), pos(2, 3));
    grad(t, "Tensor.pow(long)", in -> in.get(0).pow(3L), d(2, 3));
    grad(t, "Tensor.maximum(Tensor)", in -> in.get(0).maximum(in.get(1)), d(2, 3), d(3));
    grad(t, "Tensor.minimum(Tensor)", in -> in.get(0).minimum(in.get(1)), d(2, 3), d(3));
    String comparison = "declared differentiable = false: bool result";
    noGrad(t, "Tensor.eq(Tensor)", comparison, in -> in.get(0).eq(in.get(1)), d(3), d(3));
    noGrad(t, "Tensor.eq(double)", comparison, in -> in.get(0).eq(0.5), d(3));
    noGrad(t, "Tensor.ne(Tensor)", comparison, in -> in.get(0).ne(in.get(1)), d(3), d(3));
    noGrad(t, "Tensor.ne(double)", comparison, in -> in.get(0).ne(0.5), d(3));
    noGrad(t, "Tensor.lt(Tensor)", comparison, in -> in.get(0).lt(in.get(1)), d(3), d(3));
    noGrad(t, "Tensor.lt(double)", comparison, in -> in.get(0).lt(0.5), d(3));
    noGrad(t, "Tensor.le(Tensor)", comparison, in -> in.get(0).le(in.get(1)), d(3), d(3));
    noGrad(t, "Tensor.le(double)", comparison, in -> in.get(0).le(0.5), d(3));
    noGrad(t, "Tensor.gt(Tensor)", comparison, in -> in.get(0).gt(in.get(1)), d(3), d(3));
    noGrad(t, "Tensor.gt(double)", comparison, in -> in.get(0).gt(0.5), d(3));
    noGrad(t, "Tensor.ge(Tensor)", comparison, in -> in.get(0).ge(in.get(1)), d(3), d(3));
    noGrad(t, "Tensor.ge(double)", comparison, in -> in.get(0).ge(0.5), d(3));
    noGrad(t, "Tensor.logicalAnd(Tensor)", comparison,
        in -> in.get(0).logicalAnd(in.get(1)), d(3), d(3));
    noGrad(t, "Tensor.logicalOr(Tensor)", comparison, in -> in.get(0).logicalOr(in.get(1)),
        d(3), d(3));
    noGrad(t, "Tensor.logicalNot()", comparison, in -> in.get(0).logicalNot(), d(3));
    grad(t, "Tensor.neg()", in -> in.get(0).neg(), d(2, 3));
    grad(t, "Tensor.exp()", in -> in.get(0).exp(), d(2, 3));
    grad(t, "Tensor.log()", in -> in.get(0).log(), pos(2, 3));
    grad(t, "Tensor.sqrt()", in -> in.get(0).sqrt(), pos(2, 3));
    grad(t, "Tensor.abs()", in -> in.get(0).abs(), d(2, 3));
    // The derivative of sign is 0 away from 0: the check is that a node is recorded and that
    // finite differences agree (they are 0 too).
    put(t, "Tensor.sign()", new Case(Kind.GRAD, null, in -> in.get(0).sign(),
        List.of(d(2, 3)), null, true));
    grad(t, "Tensor.tanh()", in -> in.get(0).tanh(), d(2, 3));
    grad(t, "Tensor.sigmoid()", in -> in.get(0).sigmoid(), d(2, 3));
    grad(t, "Tensor.relu()", in -> in.get(0).relu(), d(2, 3));
    grad(t, "Tensor.clamp(double,double)", in -> in.get(0).clamp(-1.03, 1.03), d(3, 4));
    grad(t, "Tensor.clampMin(double)", in -> in.get(0).clampMin(-1.03), d(3, 4));
    grad(t, "Tensor.clampMax(double)", in -> in.get(0).clampMax(1.03), d(3, 4));
  }

  private static void inPlace(Map<String, Case> t) {
    inPlace(t, "Tensor.add_(Tensor)", Tensor::add_);
    inPlace(t, "Tensor.add_(double)", (a, b) -> a.add_(0.5));
    inPlace(t, "Tensor.add_(long)", (a, b) -> a.add_(2L));
    inPlace(t, "Tensor.add_(Tensor,double)", (a, b) -> a.add_(b, 2.0));
    inPlace(t, "Tensor.sub_(Tensor)", Tensor::sub_);
    inPlace(t, "Tensor.sub_(double)", (a, b) -> a.sub_(0.5));
    inPlace(t, "Tensor.sub_(long)", (a, b) -> a.sub_(2L));
    inPlace(t, "Tensor.mul_(Tensor)", Tensor::mul_);
    inPlace(t, "Tensor.mul_(double)", (a, b) -> a.mul_(0.5));
    inPlace(t, "Tensor.mul_(long)", (a, b) -> a.mul_(2L));
    inPlace(t, "Tensor.div_(Tensor)", Tensor::div_);
    inPlace(t, "Tensor.div_(double)", (a, b) -> a.div_(0.5));
    inPlace(t, "Tensor.pow_(double)", (a, b) -> a.pow_(2.0));
    inPlace(t, "Tensor.neg_()", (a, b) -> a.neg_());
    inPlace(t, "Tensor.exp_()", (a, b) -> a.exp_());
    inPlace(t, "Tensor.log_()", (a, b) -> a.log_());
    inPlace(t, "Tensor.sqrt_()", (a, b) -> a.sqrt_());
    inPlace(t, "Tensor.abs_()", (a, b) -> a.abs_());
    inPlace(t, "Tensor.sign_()", (a, b) -> a.sign_());
    inPlace(t, "Tensor.tanh_()", (a, b) -> a.tanh_());
    inPlace(t, "Tensor.sigmoid_()", (a, b) -> a.sigmoid_());
    inPlace(t, "Tensor.relu_()", (a, b) -> a.relu_());
    inPlace(t, "Tensor.clamp_(double,double)", (a, b) -> a.clamp_(-1.0, 1.0));
    inPlace(t, "Tensor.fill_(double)", (a, b) -> a.fill_(2.0));
    inPlace(t, "Tensor.zero_()", (a, b) -> a.zero_());
    inPlace(t, "Tensor.copy_(Tensor)", Tensor::copy_);
  }

  private static void reductions(Map<String, Case> t) {
    grad(t, "Tensor.sum()", in -> in.get(0).sum(), d(2, 3));
    grad(t, "Tensor.sum(int)", in -> in.get(0).sum(1), d(2, 3));
    grad(t, "Tensor.sum(int,boolean)", in -> in.get(0).sum(0, true), d(2, 3));
    grad(t, "Tensor.sum(int[],boolean)", in -> in.get(0).sum(new int[] {0, 2}, false),
        d(2, 3, 2));
    grad(t, "Tensor.prod()", in -> in.get(0).prod(), d(2, 3));
    grad(t, "Tensor.prod(int,boolean)", in -> in.get(0).prod(1, false), d(2, 3));
    grad(t, "Tensor.mean()", in -> in.get(0).mean(), d(2, 3));
    grad(t, "Tensor.mean(int)", in -> in.get(0).mean(-1), d(2, 3));
    grad(t, "Tensor.mean(int,boolean)", in -> in.get(0).mean(0, true), d(2, 3));
    grad(t, "Tensor.mean(int[],boolean)", in -> in.get(0).mean(new int[] {1}, true), d(2, 3));
    grad(t, "Tensor.max()", in -> in.get(0).max(), d(2, 3));
    grad(t, "Tensor.max(int)", in -> in.get(0).max(1), d(2, 3));
    grad(t, "Tensor.max(int,boolean)", in -> in.get(0).max(0, true), d(2, 3));
    grad(t, "Tensor.min()", in -> in.get(0).min(), d(2, 3));
    grad(t, "Tensor.min(int)", in -> in.get(0).min(1), d(2, 3));
    grad(t, "Tensor.min(int,boolean)", in -> in.get(0).min(-1, true), d(2, 3));
    String argExtreme = "declared differentiable = false: int64 positions";
    noGrad(t, "Tensor.argmax()", argExtreme, in -> in.get(0).argmax(), d(2, 3));
    noGrad(t, "Tensor.argmax(int,boolean)", argExtreme, in -> in.get(0).argmax(1, false),
        d(2, 3));
    noGrad(t, "Tensor.argmin()", argExtreme, in -> in.get(0).argmin(), d(2, 3));
    noGrad(t, "Tensor.argmin(int,boolean)", argExtreme, in -> in.get(0).argmin(0, true),
        d(2, 3));
    grad(t, "Tensor.var()", in -> in.get(0).var(), d(2, 3));
    grad(t, "Tensor.var(int)", in -> in.get(0).var(1), d(2, 3));
    grad(t, "Tensor.var(int[],int,boolean)", in -> in.get(0).var(new int[] {0}, 0, true),
        d(3, 2));
    grad(t, "Tensor.std()", in -> in.get(0).std(), d(2, 3));
    grad(t, "Tensor.std(int)", in -> in.get(0).std(1), d(2, 3));
    grad(t, "Tensor.std(int[],int,boolean)", in -> in.get(0).std(new int[] {0, 1}, 1, false),
        d(2, 3));
    grad(t, "Tensor.logsumexp(int)", in -> in.get(0).logsumexp(1), d(2, 3));
    grad(t, "Tensor.logsumexp(int,boolean)", in -> in.get(0).logsumexp(0, true), d(2, 3));
    grad(t, "Tensor.logsumexp(int[],boolean)",
        in -> in.get(0).logsumexp(new int[] {0, 1}, false), d(2, 3));
  }

  private static void linalg(Map<String, Case> t) {
    grad(t, "Tensor.matmul(Tensor)", in -> in.get(0).matmul(in.get(1)), d(2, 2, 3), d(3, 2));
    grad(t, "Tensor.mm(Tensor)", in -> in.get(0).mm(in.get(1)), d(2, 3), d(3, 2));
    grad(t, "Tensor.bmm(Tensor)", in -> in.get(0).bmm(in.get(1)), d(2, 2, 3), d(2, 3, 2));
    grad(t, "Tensor.inverse()", in -> in.get(0).inverse(), new In(In.Role.WELL_CONDITIONED,
        null, new int[] {3, 3}, null));
  }

  private static void functional(Map<String, Case> t) {
    grad(t, "Functional.conv2d(Tensor,Tensor,Tensor,int[],int[],int[],int)",
        in -> Functional.conv2d(in.get(0), in.get(1), in.get(2), new int[] {1}, new int[] {1},
            new int[] {1}, 1), d(1, 2, 3, 3), d(3, 2, 2, 2), d(3));
    grad(t, "Functional.maxPool2d(Tensor,int[],int[],int[],int[])",
        in -> Functional.maxPool2d(in.get(0), new int[] {2}, null, new int[] {0},
            new int[] {1}), d(1, 1, 4, 4));
    grad(t, "Functional.avgPool2d(Tensor,int[],int[],int[],boolean)",
        in -> Functional.avgPool2d(in.get(0), new int[] {2}, new int[] {1}, new int[] {1},
            false), d(1, 2, 3, 3));
    grad(t, "Functional.adaptiveAvgPool2d(Tensor,int[])",
        in -> Functional.adaptiveAvgPool2d(in.get(0), new int[] {2, 1}), d(2, 3, 3));
    grad(t, "Functional.erf(Tensor)", in -> Functional.erf(in.get(0)), d(2, 3));
    grad(t, "Functional.gelu(Tensor,String)", in -> Functional.gelu(in.get(0), "none")
        .add(Functional.gelu(in.get(0), "tanh")), d(2, 3));
    grad(t, "Functional.leakyRelu(Tensor,double)",
        in -> Functional.leakyRelu(in.get(0), 0.1), d(2, 3));
    grad(t, "Functional.softmax(Tensor,int)", in -> Functional.softmax(in.get(0), 1), d(2, 3));
    grad(t, "Functional.logSoftmax(Tensor,int)", in -> Functional.logSoftmax(in.get(0), 0),
        d(2, 3));
    noGrad(t, "Functional.dropoutMask(Tensor,double,Generator)",
        "declared differentiable = false: a random mask",
        in -> Functional.dropoutMask(in.get(0), 0.3, new Generator(11)), d(2, 3));
    // A fresh generator with one seed per call: the same mask for every finite difference.
    grad(t, "Functional.dropout(Tensor,double,boolean,Generator)",
        in -> Functional.dropout(in.get(0), 0.3, true, new Generator(11)), d(4, 4));
    grad(t, "Functional.embedding(Tensor,Tensor)",
        in -> Functional.embedding(in.get(0), in.get(1)),
        c(Tensor.of(new long[][] {{2, 0}, {2, 1}})), d(3, 2));
    grad(t, "LossOps.binaryCrossEntropy(Tensor,Tensor)",
        in -> LossOps.binaryCrossEntropy(in.get(0), in.get(1)), prob(2, 3), prob(2, 3));
  }

  // ================================================================== the tests

  /** The classes whose public tensor ops are walked. */
  private static List<Class<?>> walkedClasses() {
    Set<Class<?>> classes = new LinkedHashSet<>(List.of(Tensor.class, Functional.class));
    for (String name : PrimitiveTable.classesDeclaringPrimitives(Tensor.class)) {
      try {
        classes.add(Class.forName(name));
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
    }
    return List.copyOf(classes);
  }

  @Test
  void theWalkFindsEveryClassOfPrimitives() {
    Set<String> found = PrimitiveTable.classesDeclaringPrimitives(Tensor.class);
    // A class-file scan that found nothing would make the walk vacuous.
    assertTrue(found.containsAll(Set.of(Tensor.class.getName(), Functional.class.getName(),
        LossOps.class.getName())), () -> "found " + found);
    assertFalse(PrimitiveTable.read(Tensor.class).isEmpty());
  }

  @Test
  void everyPublicTensorOpHasACase() {
    Map<String, Case> table = cases();
    Set<String> walked = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    for (Class<?> type : walkedClasses()) {
      Map<String, PrimitiveTable.Declaration> declared = PrimitiveTable.read(type);
      for (Method m : type.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.isBridge()
            || !returnsTensors(m)) {
          continue;
        }
        if (declared.get(PrimitiveTable.key(m)) == PrimitiveTable.RULE) {
          continue; // an @Adjoint rule next to its op (LossOps): a gradient, not an op
        }
        String key = key(m);
        walked.add(key);
        if (!table.containsKey(key)) {
          missing.add("no completeness case for " + key + ": add one");
        }
      }
    }
    assertTrue(missing.isEmpty(), () -> String.join("\n", missing));
    Set<String> stale = new TreeSet<>(table.keySet());
    stale.removeAll(walked);
    assertTrue(stale.isEmpty(), () -> "cases naming no public tensor op: " + stale);
  }

  @Test
  void casesAgreeWithTheRuleTable() {
    Map<String, Case> table = cases();
    List<String> problems = new ArrayList<>();
    for (Class<?> type : walkedClasses()) {
      Map<String, PrimitiveTable.Declaration> declared = PrimitiveTable.read(type);
      for (Method m : type.getDeclaredMethods()) {
        Case c = table.get(key(m));
        PrimitiveTable.Declaration p = declared.get(PrimitiveTable.key(m));
        if (c == null || p == null) {
          continue;
        }
        if (!p.differentiable() && c.kind != Kind.NO_GRAD) {
          problems.add(key(m) + " is declared differentiable = false but its case is "
              + c.kind);
        }
        if (p.differentiable() && c.kind == Kind.NO_GRAD) {
          problems.add(key(m) + " is a differentiable primitive but its case expects no"
              + " gradient (" + c.reason + ")");
        }
        for (In in : c.inputs) {
          if (in.role == In.Role.NONDIFFERENTIABLE && !p.nondifferentiable().contains(in.name)) {
            problems.add(key(m) + ": input " + in.name + " gets no gradient but the rule table"
                + " does not declare it nondifferentiable (declared: " + p.nondifferentiable()
                + ")");
          }
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  /**
   * One body per device ({@link Devices}): the inputs of gradient and no-gradient cases live on
   * it; custom and in-place cases pin behaviour that does not depend on the device and run once.
   */
  @TestFactory
  Stream<DynamicTest> everyCaseHolds() {
    List<Device> devices = Devices.all();
    return cases().entrySet().stream().flatMap(e -> devices.stream()
        .filter(d -> d.equals(devices.get(0)) || e.getValue().kind == Kind.GRAD
            || e.getValue().kind == Kind.NO_GRAD)
        .map(d -> DynamicTest.dynamicTest(e.getKey() + " on " + d,
            () -> verify(e.getKey(), e.getValue(), d))));
  }

  @Test
  void maxAndMinAlongADimRecordTheirValues() {
    // The per-op path of h.max(1).values(): the values carry the node; the indices are int64.
    Tensor x = Tensor.of(new double[][] {{1, 5, 2}, {7, 3, 4}}).requiresGrad_(true);
    ValuesIndices vi = x.max(1);
    assertNotNull(vi.values().gradFn());
    assertFalse(vi.indices().requiresGrad());
    ValuesIndices lo = x.min(0, true);
    assertNotNull(lo.values().gradFn());
    vi.values().sum().add(lo.values().mul(2.0).sum()).backward();
    // d/dx: 1 at each row's max (5, 7); 2 at each column's min (1, 3, 2).
    assertArrayEquals(new double[] {2, 1, 2, 1, 2, 0}, x.grad().toDoubleArray());
  }

  // ================================================================== checks

  private static void verify(String key, Case c, Device device) {
    switch (c.kind) {
      case CUSTOM -> c.custom.run();
      case IN_PLACE -> verifyInPlace(key, c.inPlace);
      case NO_GRAD -> verifyNoGrad(key, c, device);
      case GRAD -> verifyGrad(key, c, device);
    }
  }

  private static void verifyNoGrad(String key, Case c, Device device) {
    List<Tensor> in = inputs(key, c.inputs, device);
    Object result = c.op.apply(in);
    List<Tensor> outs = tensors(result);
    assertFalse(outs.isEmpty(), key + ": no tensor result");
    for (Tensor out : outs) {
      assertFalse(out.requiresGrad(), key + " (" + c.reason + "): the result requires grad");
      assertNull(out.gradFn(), key + ": the result has a node");
    }
  }

  private static void verifyGrad(String key, Case c, Device device) {
    List<Tensor> in = inputs(key, c.inputs, device);
    Object result = c.op.apply(in);
    List<Tensor> outs = tensors(result);
    assertFalse(outs.isEmpty(), key + ": no tensor result");
    if (result instanceof ValuesIndices vi) {
      assertFalse(vi.indices().requiresGrad(), key + ": indices require grad");
      outs = List.of(vi.values());
    }
    Random r = new Random(key.hashCode());
    List<Tensor> weights = new ArrayList<>();
    for (Tensor out : outs) {
      assertEquals(DType.FLOAT64, out.dtype(), key + ": result dtype");
      assertTrue(out.requiresGrad(), key + ": the result does not require grad (no node"
          + " recorded)");
      boolean passedThrough = in.stream().anyMatch(x -> x == out);
      assertTrue(out.gradFn() != null || passedThrough,
          key + ": the result requires grad but has no node");
      double[] w = new double[out.numel()];
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextGaussian();
      }
      weights.add(Tensor.fromArray(w, out.shape()).to(out.device()));
    }
    Function<List<Tensor>, Tensor> loss = results -> {
      Tensor sum = null;
      for (int k = 0; k < results.size(); k++) {
        Tensor term = results.get(k).mul(weights.get(k)).sum();
        sum = sum == null ? term : sum.add(term);
      }
      return sum;
    };
    loss.apply(outs).backward();
    List<Tensor> wrt = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      In spec = c.inputs.get(i);
      if (spec.role == In.Role.CONSTANT) {
        continue;
      }
      if (spec.role == In.Role.NONDIFFERENTIABLE) {
        assertNull(in.get(i).grad(), key + ": " + spec.name + " is not differentiable but got"
            + " a gradient");
        continue;
      }
      wrt.add(in.get(i));
    }
    assertFalse(wrt.isEmpty(), key + ": nothing to differentiate");
    GradCheck.check(() -> {
      Object again = c.op.apply(in);
      List<Tensor> ts = again instanceof ValuesIndices vi ? List.of(vi.values())
          : tensors(again);
      return loss.apply(ts);
    }, wrt);
    if (!c.zeroGradient) {
      boolean any = wrt.stream().anyMatch(x -> Arrays.stream(x.grad().toDoubleArray())
          .anyMatch(v -> Math.abs(v) > 1e-3));
      assertTrue(any, key + ": every gradient is zero, so the check shows nothing");
    }
  }

  /**
   * In-place ops record no node, so they must refuse what would lose a gradient: a receiver that
   * requires grad, and a tensor operand that requires grad (PyTorch would record it). Without
   * tracked tensors, or under noGrad, they work and return the receiver.
   */
  private static void verifyInPlace(String key, BiFunction<Tensor, Tensor, Tensor> op) {
    Tensor tracked = Tensor.of(0.5, 0.75, 1.25).requiresGrad_(true);
    Tensor plain = Tensor.of(0.25, 1.5, 2.0);
    IllegalStateException self = assertThrows(IllegalStateException.class,
        () -> op.apply(tracked, Tensor.of(1.5, 2.0, 0.5)), key + " on a tracked receiver");
    assertTrue(self.getMessage().contains("in-place"), self.getMessage());
    assertArrayEquals(new double[] {0.5, 0.75, 1.25}, tracked.toDoubleArray(),
        key + " wrote before refusing");
    Tensor target = Tensor.of(0.25, 1.5, 2.0);
    if (key.contains("(Tensor")) {
      IllegalStateException operand = assertThrows(IllegalStateException.class,
          () -> op.apply(target, tracked), key + " with a tracked operand");
      assertTrue(operand.getMessage().contains("operand requires grad"), operand.getMessage());
      assertArrayEquals(new double[] {0.25, 1.5, 2.0}, target.toDoubleArray(),
          key + " wrote before refusing");
    } else {
      op.apply(target, tracked);
      assertFalse(target.requiresGrad(), key);
    }
    Tensor out = op.apply(plain, Tensor.of(1.5, 2.0, 0.5));
    assertSame(plain, out, key + " returns its receiver");
    try (GradMode.Scope off = GradMode.noGrad()) {
      Tensor leaf = Tensor.of(0.5, 0.75, 1.25).requiresGrad_(true);
      assertSame(leaf, op.apply(leaf, tracked), key + " under noGrad");
    }
  }

  private static void conversionRecords(Function<Tensor, Tensor> convert, DType from,
      DType to) {
    Tensor x = Tensor.of(0.5, -1.25, 3.0).to(from).requiresGrad_(true);
    Tensor y = convert.apply(x);
    assertEquals(to, y.dtype());
    assertNotNull(y.gradFn(), "conversion " + from + " -> " + to + " recorded no node");
    Tensor w = Tensor.of(0.5, -2.0, 0.25).to(to);
    y.mul(w).sum().backward();
    assertEquals(from, x.grad().dtype());
    assertArrayEquals(new double[] {0.5, -2.0, 0.25}, x.grad().toDoubleArray());
  }

  // ================================================================== inputs

  private static List<Tensor> inputs(String key, List<In> specs, Device device) {
    Random r = new Random(key.hashCode() * 31L + 7);
    List<Integer> slots = new ArrayList<>();
    for (int k = 0; k < 60; k++) {
      slots.add(k);
    }
    Collections.shuffle(slots, r);
    List<Tensor> out = new ArrayList<>();
    for (In spec : specs) {
      if (spec.role == In.Role.CONSTANT) {
        out.add(spec.constant == null ? null : spec.constant.to(device));
        continue;
      }
      int n = 1;
      for (int s : spec.shape) {
        n *= s;
      }
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        if (slots.isEmpty()) {
          throw new IllegalStateException(key + ": more than 60 drawn input elements");
        }
        // Distinct magnitudes 0.3 + 0.05 k + [0, 0.01): never within 0.02 of 0 or +-1.03.
        double magnitude = 0.3 + 0.05 * slots.remove(slots.size() - 1) + 0.01 * r.nextDouble();
        v[i] = switch (spec.role) {
          case POSITIVE -> 0.2 + magnitude;
          case PROBABILITY -> 0.1 + 0.8 * (magnitude - 0.3) / 3.0;
          case WELL_CONDITIONED -> (i / spec.shape[1] == i % spec.shape[1] ? 3 : 0)
              + 0.1 * (r.nextBoolean() ? magnitude : -magnitude);
          default -> r.nextBoolean() ? magnitude : -magnitude;
        };
      }
      out.add(Tensor.fromArray(v, spec.shape).to(device).requiresGrad_(true));
    }
    return out;
  }

  /** The tensors in a result: a tensor, a carrier's tensors, or none. */
  private static List<Tensor> tensors(Object result) {
    if (result instanceof Tensor t) {
      return List.of(t);
    }
    if (result instanceof ValuesIndices vi) {
      return List.of(vi.values(), vi.indices());
    }
    if (result instanceof Tensor[] array) {
      return List.of(array);
    }
    if (result instanceof Collection<?> list) {
      return list.stream().map(Tensor.class::cast).collect(Collectors.toList());
    }
    if (result == null) {
      return List.of();
    }
    throw new AssertionError("not a tensor result: " + result.getClass());
  }

  private static boolean returnsTensors(Method m) {
    Class<?> r = m.getReturnType();
    if (r == Tensor.class || r == ValuesIndices.class || r == Tensor[].class) {
      return true;
    }
    if (Collection.class.isAssignableFrom(r)) {
      Type g = m.getGenericReturnType();
      return g instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
          && p.getActualTypeArguments()[0] == Tensor.class;
    }
    return false;
  }

  /** {@code Tensor.add(Tensor,double)}: the declaring class's and parameters' simple names. */
  private static String key(Method m) {
    return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "("
        + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
            .collect(Collectors.joining(",")) + ")";
  }

  // ================================================================== table vocabulary

  enum Kind { GRAD, NO_GRAD, IN_PLACE, CUSTOM }

  @FunctionalInterface
  interface Op {
    Object apply(List<Tensor> in);
  }

  /** One input: a drawn float64 tensor (in a role) or a constant (an index or a mask). */
  record In(Role role, String name, int[] shape, Tensor constant) {
    enum Role { DIFFERENTIABLE, POSITIVE, PROBABILITY, WELL_CONDITIONED, NONDIFFERENTIABLE,
      CONSTANT }
  }

  record Case(Kind kind, String reason, Op op, List<In> inputs,
      BiFunction<Tensor, Tensor, Tensor> inPlace, boolean zeroGradient, Runnable custom) {
    Case(Kind kind, String reason, Op op, List<In> inputs,
        BiFunction<Tensor, Tensor, Tensor> inPlace, boolean zeroGradient) {
      this(kind, reason, op, inputs, inPlace, zeroGradient, null);
    }
  }

  private static void put(Map<String, Case> t, String key, Case c) {
    if (t.put(key, c) != null) {
      fail("two cases for " + key);
    }
  }

  private static void grad(Map<String, Case> t, String key, Op op, In... inputs) {
    put(t, key, new Case(Kind.GRAD, null, op, List.of(inputs), null, false));
  }

  private static void noGrad(Map<String, Case> t, String key, String reason, Op op,
      In... inputs) {
    put(t, key, new Case(Kind.NO_GRAD, reason, op, List.of(inputs), null, false));
  }

  private static void inPlace(Map<String, Case> t, String key,
      BiFunction<Tensor, Tensor, Tensor> op) {
    put(t, key, new Case(Kind.IN_PLACE, null, null, List.of(), op, false));
  }

  private static void custom(Map<String, Case> t, String key, Runnable check) {
    put(t, key, new Case(Kind.CUSTOM, null, null, List.of(), null, false, check));
  }

  /** A differentiable float64 input of distinct values, away from 0 and +-1.03. */
  private static In d(int... shape) {
    return new In(In.Role.DIFFERENTIABLE, null, shape, null);
  }

  /** Like {@link #d} but positive (at least 0.5): for log, sqrt and pow bases. */
  private static In pos(int... shape) {
    return new In(In.Role.POSITIVE, null, shape, null);
  }

  /** In (0.1, 0.9): probabilities. */
  private static In prob(int... shape) {
    return new In(In.Role.PROBABILITY, null, shape, null);
  }

  /**
   * A tracked float64 input that the rule table declares non-differentiable under {@code name}:
   * it must get no gradient.
   */
  private static In nd(String name, int... shape) {
    return new In(In.Role.NONDIFFERENTIABLE, name, shape, null);
  }

  /** A constant input: an int64 index or a bool mask, never perturbed. */
  private static In c(Tensor constant) {
    return new In(In.Role.CONSTANT, null, constant.shape(), constant);
  }
}
