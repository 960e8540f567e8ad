package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Default initialisation of the layers and the {@link Init} functions: bounds exactly, and sample
 * mean and standard deviation within 5 standard errors (a false failure has probability below
 * 1e-6 per check). For n draws from a distribution with standard deviation s, the sample mean has
 * standard error s / sqrt(n); the sample standard deviation has relative standard error
 * sqrt(kurtosis - 1) / (2 sqrt(n)): 0.447 / sqrt(n) for a uniform, 0.707 / sqrt(n) for a normal.
 */
class InitTest {
  /** Mean, standard deviation and largest magnitude of the elements. */
  private static double[] stats(Tensor t) {
    double[] v = t.toDoubleArray();
    double sum = 0;
    double max = 0;
    for (double x : v) {
      sum += x;
      max = Math.max(max, Math.abs(x));
    }
    double mean = sum / v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return new double[] {mean, Math.sqrt(ss / v.length), max};
  }

  /** Uniform on [-bound, bound]: within the bound, reaching close to it, right mean and std. */
  private static void assertUniform(Tensor t, double bound, String what) {
    int n = t.numel();
    double[] s = stats(t);
    double std = bound / Math.sqrt(3);
    assertTrue(s[2] <= bound * (1 + 1e-7), what + ": max |w| " + s[2] + " above " + bound);
    if (n >= 1000) { // P(max < 0.98 bound) = 0.98^n < 2e-9
      assertTrue(s[2] >= 0.98 * bound, what + ": max |w| " + s[2] + " far below " + bound);
    }
    assertEquals(0, s[0], 5 * std / Math.sqrt(n), what + ": mean");
    assertEquals(std, s[1], 5 * 0.447 / Math.sqrt(n) * std, what + ": std");
  }

  private static void assertNormal(Tensor t, double mean, double std, String what) {
    int n = t.numel();
    double[] s = stats(t);
    assertEquals(mean, s[0], 5 * std / Math.sqrt(n), what + ": mean");
    assertEquals(std, s[1], 5 * 0.707 / Math.sqrt(n) * std, what + ": std");
  }

  @Test
  void linearDrawsFromPlusMinusOneOverSqrtFanIn() {
    Linear fc = new Linear(400, 300, true, new Generator(1));
    // kaiming_uniform_(a = sqrt 5): gain sqrt(2 / (1 + 5)), bound gain sqrt(3 / 400) = 1 / 20.
    assertUniform(fc.weight, 1 / 20.0, "Linear weight");
    assertUniform(fc.bias, 1 / 20.0, "Linear bias");
    assertEquals(DType.FLOAT32, fc.weight.dtype());
    assertArrayEquals(new int[] {300, 400}, fc.weight.shape());
  }

  @Test
  void conv2dUsesTheReceptiveFieldInItsFanIn() {
    Conv2d conv = new Conv2d(32, 64, new int[] {3}, new int[] {1}, new int[] {0},
        new int[] {1}, 2, true, new Generator(2));
    // fan_in = 32 / 2 groups * 3 * 3 = 144, bound 1 / 12.
    assertArrayEquals(new int[] {64, 16, 3, 3}, conv.weight.shape());
    assertUniform(conv.weight, 1 / 12.0, "Conv2d weight");
    double[] b = stats(conv.bias);
    assertTrue(b[2] <= 1 / 12.0, "Conv2d bias within the same bound");
  }

  @Test
  void embeddingIsStandardNormalAndNormsStartAtOneAndZero() {
    assertNormal(new Embedding(1000, 64, new Generator(3)).weight, 0, 1, "Embedding weight");
    BatchNorm2d bn = new BatchNorm2d(5);
    assertArrayEquals(new float[] {1, 1, 1, 1, 1}, bn.weight.toFloatArray(), 0f);
    assertArrayEquals(new float[5], bn.bias.toFloatArray(), 0f);
    assertArrayEquals(new float[5], bn.running_mean.toFloatArray(), 0f);
    assertArrayEquals(new float[] {1, 1, 1, 1, 1}, bn.running_var.toFloatArray(), 0f);
    assertEquals(0, bn.num_batches_tracked.itemLong());
    LayerNorm ln = new LayerNorm(new int[] {2, 3});
    assertArrayEquals(new int[] {2, 3}, ln.weight.shape());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, ln.weight.toFloatArray(), 0f);
    assertArrayEquals(new float[6], ln.bias.toFloatArray(), 0f);
  }

  @Test
  void gainsAreNnInitsCalculateGain() {
    assertEquals(1, Init.calculateGain("linear"));
    assertEquals(1, Init.calculateGain("conv2d"));
    assertEquals(1, Init.calculateGain("sigmoid"));
    assertEquals(5.0 / 3, Init.calculateGain("tanh"));
    assertEquals(Math.sqrt(2), Init.calculateGain("relu"));
    assertEquals(Math.sqrt(2 / 1.0001), Init.calculateGain("leaky_relu"), 1e-15);
    assertEquals(Math.sqrt(2 / 1.04), Init.calculateGain("leaky_relu", 0.2), 1e-15);
    assertEquals(0.75, Init.calculateGain("selu"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Init.calculateGain("swish"));
    assertTrue(e.getMessage().contains("unsupported nonlinearity swish"), e.getMessage());
  }

  @Test
  void fansCountTheReceptiveField() {
    assertArrayEquals(new int[] {144, 288}, Init.fans(Tensor.zeros(32, 16, 3, 3)));
    assertArrayEquals(new int[] {5, 3}, Init.fans(Tensor.zeros(3, 5)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Init.fans(Tensor.zeros(4)));
    assertTrue(e.getMessage().startsWith("Fan in and fan out can not be computed for tensor with"
        + " fewer than 2 dimensions"), e.getMessage());
  }

  @Test
  void xavierAndKaimingHaveTheirScales() {
    Generator gen = new Generator(4);
    Tensor w = Tensor.zeros(300, 200);
    // Xavier: a = sqrt(6 / (200 + 300)), std = sqrt(2 / 500).
    assertUniform(Init.xavierUniform_(w, 1, gen), Math.sqrt(6 / 500.0), "xavierUniform_");
    assertUniform(Init.xavierUniform_(w, 2, gen), 2 * Math.sqrt(6 / 500.0), "xavierUniform_ x2");
    assertNormal(Init.xavierNormal_(w, 1, gen), 0, Math.sqrt(2 / 500.0), "xavierNormal_");
    // Kaiming defaults (a = 0, fan_in, leaky_relu): gain sqrt 2, bound sqrt(6 / fan_in).
    assertUniform(Init.kaimingUniform_(w, 0, "fan_in", "leaky_relu", gen),
        Math.sqrt(6 / 200.0), "kaimingUniform_");
    assertNormal(Init.kaimingNormal_(w, 0, "fan_out", "relu", gen), 0,
        Math.sqrt(2) / Math.sqrt(300), "kaimingNormal_ fan_out");
    assertUniform(Init.uniform_(w, -0.5, 0.5, gen), 0.5, "uniform_");
    assertNormal(Init.normal_(w, 2, 0.5, gen), 2, 0.5, "normal_");
    assertArrayEquals(new float[] {7, 7}, Init.constant_(Tensor.zeros(2), 7).toFloatArray(), 0f);
    assertArrayEquals(new float[] {1, 1}, Init.ones_(Tensor.zeros(2)).toFloatArray(), 0f);
    assertArrayEquals(new float[] {0, 0}, Init.zeros_(Tensor.ones(2)).toFloatArray(), 0f);
  }

  @Test
  void generatorsMakeInitialisationReproducible() {
    Tensor a = Init.kaimingUniform_(Tensor.zeros(4, 5), 0, "fan_in", "relu", new Generator(7));
    Tensor b = Init.kaimingUniform_(Tensor.zeros(4, 5), 0, "fan_in", "relu", new Generator(7));
    assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
    Tensor.manualSeed(11);
    Linear first = new Linear(3, 2);
    Tensor.manualSeed(11);
    Linear second = new Linear(3, 2);
    assertArrayEquals(first.weight.toFloatArray(), second.weight.toFloatArray(), 0f);
  }

  @Test
  void initWorksOnParametersInPlaceAndOutsideTheGraph() {
    Linear fc = new Linear(3, 2);
    Tensor w = fc.parameter("weight");
    assertTrue(w.requiresGrad());
    Tensor same = Init.zeros_(w);
    assertTrue(same == w, "in place, returning the tensor");
    assertTrue(w.isLeaf(), "no graph node");
    assertArrayEquals(new float[6], w.toFloatArray(), 0f);
  }

  @Test
  void badArgumentsAreRefused() {
    Tensor w = Tensor.zeros(3, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Init.kaimingNormal_(w, 0, "fan_avg", "relu"));
    assertEquals("Mode fan_avg not supported, please use one of fan_in, fan_out",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Init.uniform_(w, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Init.normal_(w, 0, -1));
  }

  @Test
  void factoriesMakeFloat32Tensors() {
    Tensor u = Init.uniform(new Generator(1), -1, 1, 2, 3);
    assertEquals(DType.FLOAT32, u.dtype());
    assertArrayEquals(new int[] {2, 3}, u.shape());
    assertTrue(stats(u)[2] <= 1);
    Tensor n = Init.normal(0, 1, 4);
    assertArrayEquals(new int[] {4}, n.shape());
  }
}
