package dev.adjoint.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Pooling.TwoByTwo} with the JDK's incubating Vector API: as many windows of a row at a
 * time as a vector has lanes (L). Two loads of a window row give L (a, b) pairs, split into the
 * a's and the b's by two lane shuffles; the pairwise choice of {@link Pooling}'s 2x2 section
 * (a later element wins when NaN or greater) is then a comparison and a blend per step, so each
 * lane picks exactly the element {@link Pooling#max2x2Row} picks, and the backward pass writes
 * the same values as {@link Pooling#max2x2GradRow}.
 *
 * <p>A vector of windows may run past the end of its row: its extra lanes read the elements that
 * follow (inside the planes given) and compute values that are stored where later rows' outputs
 * (or gradients) go, which are written after them. Blocks of a row are done from the last one
 * back, and a block whose loads or stores would leave the planes given is done by the plain
 * loop, so nothing outside them is read or written. The backward pass needs even sizes for this
 * (every element then lies in a window and is rewritten); others take the plain loop.
 *
 * <p>Loaded by reflection only when the JVM has the {@code jdk.incubator.vector} module and
 * float vectors of 256 bits or more, and compiled separately with that module (see the runtime's
 * pom). Nothing is allocated once C2 has compiled the loops ({@code MaxPoolPathTest} measures
 * it).
 */
final class VectorPooling implements Pooling.TwoByTwo {
  /**
   * The preferred shape, the one the GEMM and math kernels use: vectors of a second shape would
   * share the library code's type profiles with theirs, which made C2 compile the GEMM's stores
   * with boxed vectors.
   */
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Lane l takes lane 2l (mod L): the first elements of pairs, from two vectors and a blend. */
  private static final VectorShuffle<Float> FIRSTS = shuffle(l -> 2 * l % L);
  private static final VectorShuffle<Float> SECONDS = shuffle(l -> (2 * l + 1) % L);
  private static final VectorMask<Float> UPPER_HALF = mask(l -> l >= L / 2);
  /** Lane l takes lane l / 2: each of L / 2 windows' gradients on both lanes of its pair. */
  private static final VectorShuffle<Float> LOW_PAIRS = shuffle(l -> l / 2);
  /** Lane l takes lane l ^ 1, the other element of its pair. */
  private static final VectorShuffle<Float> PARTNERS = shuffle(l -> l ^ 1);
  private static final VectorMask<Float> ODD_LANES = mask(l -> l % 2 == 1);
  private static final VectorPooling INSTANCE = new VectorPooling();

  private VectorPooling() {}

  private static VectorShuffle<Float> shuffle(java.util.function.IntUnaryOperator lane) {
    int[] source = new int[L];
    for (int l = 0; l < L; l++) {
      source[l] = lane.applyAsInt(l);
    }
    return VectorShuffle.fromArray(S, source, 0);
  }

  private static VectorMask<Float> mask(java.util.function.IntPredicate lane) {
    boolean[] set = new boolean[L];
    for (int l = 0; l < L; l++) {
      set[l] = lane.test(l);
    }
    return VectorMask.fromArray(S, set, 0);
  }

  /** The kernels, or null where float vectors are narrower than 256 bits. */
  static Pooling.TwoByTwo instance() {
    return S.vectorBitSize() >= 256 ? INSTANCE : null;
  }

  @Override
  public String describe() {
    return "vector (" + S.vectorBitSize() + "-bit, " + L + " windows per step)";
  }

  /** How many whole blocks of {@code L} windows from the row start fit in {@code room}. */
  private static int blocks(int outW, int room) {
    return Math.min((outW + L - 1) / L, Math.max(0, room) / L);
  }

  @Override
  public void forward(float[] x, int xo, float[] y, int yo, int planes, int height, int width,
      int outH, int outW) {
    int xEnd = xo + planes * height * width;
    int yEnd = yo + planes * outH * outW;
    for (int p = 0; p < planes; p++) {
      for (int i = 0; i < outH; i++) {
        int top = xo + p * height * width + 2 * i * width;
        int bottom = top + width;
        int at = yo + (p * outH + i) * outW;
        // Block k reads x up to bottom + 2 (k + 1) L and writes y up to at + (k + 1) L.
        int vector = blocks(outW, Math.min((xEnd - bottom) / 2, yEnd - at));
        if (vector * L < outW) {
          Pooling.max2x2Row(x, top, width, y, at, vector * L, outW);
        }
        for (int k = vector - 1; k >= 0; k--) {
          if (!forwardBlock(x, top + 2 * k * L, bottom + 2 * k * L, y, at + k * L)) {
            Pooling.max2x2Row(x, top, width, y, at, k * L, Math.min(outW, (k + 1) * L));
          }
        }
      }
    }
  }

  @Override
  public void backward(float[] x, int xo, float[] gradOut, int go, float[] gradIn, int gi,
      int planes, int height, int width, int outH, int outW) {
    if (height % 2 != 0 || width % 2 != 0) {
      Pooling.PLAIN_TWO_BY_TWO.backward(x, xo, gradOut, go, gradIn, gi, planes, height, width,
          outH, outW);
      return;
    }
    int xEnd = xo + planes * height * width;
    int gEnd = go + planes * outH * outW;
    int h = L / 2;
    for (int p = 0; p < planes; p++) {
      for (int i = 0; i < outH; i++) {
        int rel = p * height * width + 2 * i * width;
        int top = xo + rel;
        int bottom = top + width;
        int dTop = gi + rel;
        int dBottom = dTop + width;
        int at = go + (p * outH + i) * outW;
        // Block k (windows [k h, (k + 1) h)) reads x and writes gradIn up to bottom + (k + 1) L
        // (one geometry) and reads gradOut up to at + k h + L.
        int blocks = (outW + h - 1) / h;
        int gRoom = gEnd - at - L < 0 ? 0 : (gEnd - at - L) / h + 1;
        int vector = Math.min(blocks, Math.min((xEnd - bottom) / L, gRoom));
        if (vector * h < outW) {
          Pooling.max2x2GradRow(x, top, width, gradOut, at, gradIn, dTop, vector * h, outW);
        }
        // From the last block back: a last block that runs past the row writes the top row's
        // extra lanes into the start of the bottom row, which block 0 then rewrites.
        for (int k = vector - 1; k >= 0; k--) {
          if (!backwardBlock(x, top + k * L, bottom + k * L, gradOut, at + k * h, gradIn,
              dTop + k * L, dBottom + k * L)) {
            Pooling.max2x2GradRow(x, top, width, gradOut, at, gradIn, dTop, k * h,
                Math.min(outW, (k + 1) * h));
          }
        }
      }
    }
  }

  // One block per call, vectors kept inside: if C2 compiles a block on its own rather than
  // inlining it, no vector crosses a call (a vector that does is boxed, about 100x slower).

  /**
   * L 2x2 maxima from window rows at {@code t} and {@code b} into {@code y} at {@code o}, or
   * false, storing nothing, when one is NaN: the Vector API's Java code, which runs until C2 has
   * compiled a kernel, moves lanes through {@code Float.floatToIntBits} and loses NaN payloads,
   * so blocks with a NaN take the plain loop, which keeps each element's bits.
   */
  private static boolean forwardBlock(float[] x, int t, int b, float[] y, int o) {
    FloatVector t0 = FloatVector.fromArray(S, x, t);
    FloatVector t1 = FloatVector.fromArray(S, x, t + L);
    FloatVector b0 = FloatVector.fromArray(S, x, b);
    FloatVector b1 = FloatVector.fromArray(S, x, b + L);
    FloatVector va = t0.rearrange(FIRSTS).blend(t1.rearrange(FIRSTS), UPPER_HALF);
    FloatVector vb = t0.rearrange(SECONDS).blend(t1.rearrange(SECONDS), UPPER_HALF);
    FloatVector vc = b0.rearrange(FIRSTS).blend(b1.rearrange(FIRSTS), UPPER_HALF);
    FloatVector vd = b0.rearrange(SECONDS).blend(b1.rearrange(SECONDS), UPPER_HALF);
    VectorMask<Float> bWins = vb.compare(VectorOperators.GT, va)
        .or(vb.compare(VectorOperators.NE, vb));
    VectorMask<Float> dWins = vd.compare(VectorOperators.GT, vc)
        .or(vd.compare(VectorOperators.NE, vd));
    FloatVector upper = va.blend(vb, bWins);
    FloatVector lower = vc.blend(vd, dWins);
    VectorMask<Float> lowerWins = lower.compare(VectorOperators.GT, upper)
        .or(lower.compare(VectorOperators.NE, lower));
    FloatVector max = upper.blend(lower, lowerWins);
    if (max.compare(VectorOperators.NE, max).anyTrue()) {
      return false;
    }
    max.intoArray(y, o);
    return true;
  }

  /**
   * The input gradient of L / 2 2x2 windows (rows at {@code t} and {@code b} of {@code x},
   * gradients at {@code o}) into {@code gradIn}'s rows at {@code dt} and {@code db}. Worked in
   * the input's lanes, each lane against its pair's other element: in an (a, b) pair b wins when
   * NaN or greater, so an odd lane (a b) wins when it is NaN or greater than its partner and an
   * even lane (an a) when its partner is not. Each lane then holds its pair's winner, and the
   * lower pair wins the window when NaN or greater than the upper one. False, storing nothing,
   * when a gradient is NaN (see {@link #forwardBlock}: its payload is kept by the plain loop).
   */
  private static boolean backwardBlock(float[] x, int t, int b, float[] gradOut, int o,
      float[] gradIn, int dt, int db) {
    FloatVector top = FloatVector.fromArray(S, x, t);
    FloatVector bottom = FloatVector.fromArray(S, x, b);
    FloatVector topPartner = top.rearrange(PARTNERS);
    FloatVector bottomPartner = bottom.rearrange(PARTNERS);
    VectorMask<Float> topWins = top.compare(VectorOperators.GT, topPartner)
        .or(top.compare(VectorOperators.NE, top)).and(ODD_LANES)
        .or(topPartner.compare(VectorOperators.GT, top)
            .or(topPartner.compare(VectorOperators.NE, topPartner)).not().andNot(ODD_LANES));
    VectorMask<Float> bottomWins = bottom.compare(VectorOperators.GT, bottomPartner)
        .or(bottom.compare(VectorOperators.NE, bottom)).and(ODD_LANES)
        .or(bottomPartner.compare(VectorOperators.GT, bottom)
            .or(bottomPartner.compare(VectorOperators.NE, bottomPartner)).not()
            .andNot(ODD_LANES));
    FloatVector upper = topPartner.blend(top, topWins);
    FloatVector lower = bottomPartner.blend(bottom, bottomWins);
    VectorMask<Float> lowerWins = lower.compare(VectorOperators.GT, upper)
        .or(lower.compare(VectorOperators.NE, lower));
    FloatVector gradients = FloatVector.fromArray(S, gradOut, o);
    if (gradients.compare(VectorOperators.NE, gradients).anyTrue()) {
      return false;
    }
    FloatVector zero = FloatVector.zero(S);
    FloatVector g = zero.add(gradients.rearrange(LOW_PAIRS));
    zero.blend(g, topWins.andNot(lowerWins)).intoArray(gradIn, dt);
    zero.blend(g, bottomWins.and(lowerWins)).intoArray(gradIn, db);
    return true;
  }
}
