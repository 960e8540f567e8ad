package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.Philox;
import dev.adjoint.nn.Dropout;
import dev.adjoint.nn.Functional;
import dev.adjoint.nn.Init;
import dev.adjoint.nn.Linear;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The generator as (seed, offset) of the Philox stream: what each draw reads, how far it moves the
 * offset, its state, and the promise that one seed gives the same numbers on any thread count.
 */
class GeneratorTest {
  /** Runs {@code draw} with parallel work on a pool of {@code threads} threads. */
  private static <T> T onThreads(int threads, Supplier<T> draw) {
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return pool.submit(draw::get).join();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void tensorDrawsReadTheStreamAtTheGeneratorsOffset() {
    long seed = 1234;
    Generator g = new Generator(seed);
    g.nextLong(); // one block
    float[] u = Tensor.rand(g, 5).toFloatArray();
    for (int i = 0; i < 5; i++) {
      assertEquals(Philox.uniformFloat(Philox.word(seed, 1, i)), u[i], "rand " + i);
    }
    float[] z = Tensor.randn(g, 3).toFloatArray(); // rand(5) took blocks 1..3
    for (int i = 0; i < 3; i++) {
      long w0 = Philox.word(seed, 4, i & ~1);
      long w1 = Philox.word(seed, 4, i | 1);
      assertEquals((float) Philox.normal(w0, w1, (i & 1) == 1), z[i], "randn " + i);
    }
    long[] k = Tensor.randint(g, -3, 4, 4).toLongArray(); // randn(3) took blocks 4..5
    for (int i = 0; i < 4; i++) {
      assertEquals(-3 + Philox.below(Philox.word(seed, 6, i), 7), k[i], "randint " + i);
    }
    assertEquals(8, g.offset());
    assertEquals(Philox.uniformDouble(Philox.word(seed, 8, 0)), g.nextDouble());
  }

  @Test
  void eachDrawAdvancesTheOffsetByHalfItsCountRoundedUp() {
    Generator g = new Generator(5);
    assertEquals(0, g.offset());
    Tensor.rand(g, 5);
    assertEquals(3, g.offset());
    Tensor.randn(g, 2, 2);
    assertEquals(5, g.offset());
    Tensor.randint(g, 0, 9, 1);
    assertEquals(6, g.offset());
    Tensor.rand(g, 0);
    assertEquals(6, g.offset());
    g.nextLong();
    g.nextFloat();
    g.nextDouble();
    g.nextGaussian();
    g.nextLong(10);
    assertEquals(11, g.offset());
    Functional.dropoutMask(Tensor.ones(3, 5), 0.5, g); // 15 values
    assertEquals(19, g.offset());
    Functional.dropoutMask(Tensor.ones(3, 5), 1, g); // all dropped: nothing drawn
    assertEquals(19, g.offset());
    Init.normal_(Tensor.zeros(3, 3), 0, 1, g); // 9 values
    assertEquals(24, g.offset());
    assertEquals(24, g.reserve(7));
    assertEquals(28, g.offset());
    assertEquals(1234, g.setSeed(1234).initialSeed());
    assertEquals(0, g.offset());
  }

  @Test
  void theStateIsTheSeedAndTheOffsetAndRoundTrips() {
    Generator g = new Generator(-77);
    Tensor.randn(g, 7);
    long[] state = g.getState();
    assertEquals(Generator.STATE_LENGTH, state.length);
    assertEquals(-77, state[1]);
    assertEquals(4, state[2]);
    float[] next = Tensor.rand(g, 6).toFloatArray();
    Generator other = new Generator(0);
    other.setState(state);
    assertArrayEquals(next, Tensor.rand(other, 6).toFloatArray());
    assertArrayEquals(g.getState(), other.getState());
    state[2] = 0; // getState returns a copy
    assertEquals(7, other.offset());
  }

  @Test
  void badStatesAreRefusedByName() {
    Generator g = new Generator(0);
    assertEquals("Generator.setState: expected 3 longs from getState(), got 5 (a state of the"
        + " xoshiro256** generator of an earlier Adjoint, which this one cannot continue)",
        assertThrows(IllegalArgumentException.class, () -> g.setState(new long[5]))
            .getMessage());
    assertEquals("Generator.setState: expected 3 longs from getState(), got null",
        assertThrows(IllegalArgumentException.class, () -> g.setState(null)).getMessage());
    long[] state = g.getState();
    state[0] ^= 1;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> g.setState(state))
        .getMessage().startsWith("Generator.setState: not a Philox4x32-10 generator state"));
    long[] negative = g.getState();
    negative[2] = -1;
    assertEquals("Generator.setState: the offset must be non-negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> g.setState(negative)).getMessage());
    assertEquals("Generator.reserve: count must be non-negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> g.reserve(-1)).getMessage());
  }

  /** Large enough that the backend splits each fill over several chunks. */
  private static final int BIG = 300 * 512;

  @Test
  void oneSeedGivesTheSameNumbersOnOneTwoAndThreeThreads() {
    float[][] rand = new float[3][];
    float[][] randn = new float[3][];
    long[][] randint = new long[3][];
    float[][] mask = new float[3][];
    float[][] init = new float[3][];
    float[][] linear = new float[3][];
    for (int t = 1; t <= 3; t++) {
      rand[t - 1] = onThreads(t, () -> Tensor.rand(new Generator(9), BIG).toFloatArray());
      randn[t - 1] = onThreads(t, () -> Tensor.randn(new Generator(9), BIG).toFloatArray());
      randint[t - 1] = onThreads(t,
          () -> Tensor.randint(new Generator(9), 0, 1000, BIG).toLongArray());
      mask[t - 1] = onThreads(t, () -> new Dropout(0.3, new Generator(9))
          .call(Tensor.ones(300, 512)).toFloatArray());
      init[t - 1] = onThreads(t, () -> Init.kaimingUniform_(Tensor.zeros(300, 512), Math.sqrt(5),
          "fan_in", "leaky_relu", new Generator(9)).toFloatArray());
      linear[t - 1] = onThreads(t, () -> new Linear(512, 300, true, new Generator(9))
          .stateDict().get("weight").toFloatArray());
    }
    for (int t = 1; t < 3; t++) {
      assertArrayEquals(rand[0], rand[t], "rand on " + (t + 1) + " threads");
      assertArrayEquals(randn[0], randn[t], "randn on " + (t + 1) + " threads");
      assertArrayEquals(randint[0], randint[t], "randint on " + (t + 1) + " threads");
      assertArrayEquals(mask[0], mask[t], "dropout on " + (t + 1) + " threads");
      assertArrayEquals(init[0], init[t], "Init on " + (t + 1) + " threads");
      assertArrayEquals(linear[0], linear[t], "Linear on " + (t + 1) + " threads");
    }
    assertFalse(Arrays.equals(rand[0], Tensor.rand(new Generator(10), BIG).toFloatArray()));
  }

  /** The dropout mask keeps value i when the stream's float64 uniform i is below 1 - p. */
  @Test
  void aSeededDropoutMaskIsTheStreamsBernoulli() {
    double p = 0.3;
    long seed = 42;
    Generator g = new Generator(seed);
    g.reserve(6); // offset 3
    float[] mask = Functional.dropoutMask(Tensor.ones(DType.FLOAT32, 64, 33), p, g)
        .toFloatArray();
    float scale = (float) (1 / (1 - p));
    for (int i = 0; i < mask.length; i++) {
      boolean keep = Philox.uniformDouble(Philox.word(seed, 3, i)) < 1 - p;
      assertEquals(keep ? scale : 0f, mask[i], "element " + i);
    }
    // float64 masks keep the same elements.
    Generator h = new Generator(seed);
    h.reserve(6);
    double[] mask64 = Functional.dropoutMask(Tensor.ones(DType.FLOAT64, 64, 33), p, h)
        .toDoubleArray();
    for (int i = 0; i < mask.length; i++) {
      assertEquals(mask[i] != 0, mask64[i] != 0, "element " + i);
    }
  }

  /** Init.uniform_ of a float32 tensor: {@code (float) (a + (b - a) u)}, u of 24 bits. */
  @Test
  void aSeededInitIsTheStreamsUniform() {
    float[] w = Init.uniform_(Tensor.zeros(7, 3), -0.5, 0.25, new Generator(3)).toFloatArray();
    for (int i = 0; i < w.length; i++) {
      float u = Philox.uniformFloat(Philox.word(3, 0, i));
      assertEquals((float) (-0.5 + 0.75 * u), w[i], "element " + i);
    }
    // A non-contiguous target is filled in its own row-major order.
    Tensor t = Tensor.zeros(3, 7).t();
    Init.uniform_(t, -0.5, 0.25, new Generator(3));
    assertArrayEquals(w, t.contiguous().toFloatArray());
    // An int64 target gets the float64 draw converted as a C cast.
    long[] ints = Init.uniform_(Tensor.zeros(DType.INT64, 5), 0, 10, new Generator(4))
        .toLongArray();
    for (int i = 0; i < 5; i++) {
      assertEquals((long) (10 * Philox.uniformDouble(Philox.word(4, 0, i))), ints[i]);
    }
  }
}
