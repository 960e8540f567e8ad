package dev.adjoint.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Philox4x32-10 against Random123's published answers, and the value mappings by hand. */
class PhiloxTest {
  private static int[] words(long... w) {
    int[] out = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = (int) w[i];
    }
    return out;
  }

  private static int[] philox(int[] counter, int[] key) {
    int[] out = new int[4];
    Philox.philox4x32(counter, key, out);
    return out;
  }

  /** Random123 kat_vectors, "philox4x32 10" lines: counter, key, expected output. */
  @Test
  void knownAnswers() {
    assertArrayEquals(words(0x6627e8d5L, 0xe169c58dL, 0xbc57ac4cL, 0x9b00dbd8L),
        philox(words(0, 0, 0, 0), words(0, 0)));
    assertArrayEquals(words(0x408f276dL, 0x41c83b0eL, 0xa20bc7c6L, 0x6d5451fdL),
        philox(words(0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL),
            words(0xffffffffL, 0xffffffffL)));
    assertArrayEquals(words(0xd16cfe09L, 0x94fdccebL, 0x5001e420L, 0x24126ea1L),
        philox(words(0x243f6a88L, 0x85a308d3L, 0x13198a2eL, 0x03707344L),
            words(0xa4093822L, 0x299f31d0L)));
  }

  /** Block b of a seed is the Philox of counter (lo32 b, hi32 b, 0, 0), key (lo32, hi32 seed). */
  @Test
  void theStreamsBlocksAreThePhiloxOfTheirCounter() {
    long seed = 0x299f31d0_a4093822L;
    long block = 0x85a308d3_243f6a88L;
    int[] x = philox(words(0x243f6a88L, 0x85a308d3L, 0, 0), words(0xa4093822L, 0x299f31d0L));
    long[] w = new long[2];
    Philox.block(seed, block, w);
    assertEquals((x[1] & 0xffffffffL) << 32 | (x[0] & 0xffffffffL), w[0]);
    assertEquals((x[3] & 0xffffffffL) << 32 | (x[2] & 0xffffffffL), w[1]);
    // Value i of a draw at offset o reads word i % 2 of block o + i / 2.
    assertEquals(w[0], Philox.word(seed, block - 3, 6));
    assertEquals(w[1], Philox.word(seed, block - 3, 7));
    // The all-zero vector: seed 0, block 0.
    Philox.block(0, 0, w);
    assertEquals(0xe169c58d_6627e8d5L, w[0]);
    assertEquals(0x9b00dbd8_bc57ac4cL, w[1]);
  }

  @Test
  void uniformsAreTheTopBitsOfTheWord() {
    assertEquals(0.0, Philox.uniformDouble(0));
    assertEquals(1 - 0x1p-53, Philox.uniformDouble(-1L));
    assertEquals(0.5, Philox.uniformDouble(Long.MIN_VALUE));
    assertEquals(0f, Philox.uniformFloat(0xff_ffff_ffffL)); // only the top 24 bits count
    assertEquals(1 - 0x1p-24f, Philox.uniformFloat(-1L));
    // The float32 uniform is the float64 one truncated to 24 bits.
    long w = 0x9b00dbd8_bc57ac4cL;
    assertEquals(Math.floor(Philox.uniformDouble(w) * 0x1p24) * 0x1p-24, Philox.uniformFloat(w));
  }

  /** below(w, r) is floor(w r / 2^64) with w and r unsigned: checked against BigInteger. */
  @Test
  void belowIsTheHighHalfOfTheUnsignedProduct() {
    long[] values = {0, 1, 2, 7, 0x7fff_ffff_ffff_ffffL, Long.MIN_VALUE, -1L, -2L,
        0xe169c58d_6627e8d5L, 0x9b00dbd8_bc57ac4cL, 10, 60000, 1L << 32};
    BigInteger two64 = BigInteger.ONE.shiftLeft(64);
    for (long w : values) {
      for (long r : values) {
        BigInteger expected = new BigInteger(Long.toUnsignedString(w))
            .multiply(new BigInteger(Long.toUnsignedString(r))).divide(two64);
        assertEquals(expected.longValue(), Philox.below(w, r), w + " * " + r);
      }
    }
    // Range r: each outcome k is hit by the words in [ceil(k 2^64 / r), ceil((k + 1) 2^64 / r)).
    assertEquals(9, Philox.below(-1L, 10));
    assertEquals(0, Philox.below(0x1999_9999_9999_9999L, 10));
    assertEquals(1, Philox.below(0x1999_9999_9999_999AL, 10));
  }

  @Test
  void normalsAreBoxMullerOfTheBlocksTwoUniforms() {
    long w0 = Long.MIN_VALUE; // u0 = 1/2: radius sqrt(2 ln 2)
    long w1 = 0x2000_0000_0000_0000L; // u1 = 1/8: angle pi/4
    double r = Math.sqrt(2 * Math.log(2));
    assertEquals(r * Math.cos(Math.PI / 4), Philox.normal(w0, w1, false), 1e-15);
    assertEquals(r * Math.sin(Math.PI / 4), Philox.normal(w0, w1, true), 1e-15);
    // u0 = 0 gives log(1) = 0, never log(0).
    assertEquals(0.0, Philox.normal(0, w1, false));
    assertTrue(Double.isFinite(Philox.normal(-1L, 0, false)));
  }

  @Test
  void blocksRoundUp() {
    assertEquals(0, Philox.blocks(0));
    assertEquals(1, Philox.blocks(1));
    assertEquals(1, Philox.blocks(2));
    assertEquals(2, Philox.blocks(3));
    assertEquals(1L << 62, Philox.blocks(Long.MAX_VALUE));
  }
}
