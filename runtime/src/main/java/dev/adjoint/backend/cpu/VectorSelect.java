package dev.adjoint.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise.Select} with the JDK's incubating Vector API: {@code o = a > t ? x : 0} on
 * unit-stride float32 rows, a comparison and a blend per vector, each lane exactly
 * {@link Elementwise#keepWhereGreaterF32}'s element. Blocks holding a NaN in {@code x}, and the
 * tail, take the plain loop: the Vector API's Java code, which runs until C2 has compiled the
 * loop, moves lanes through {@code Float.floatToIntBits} and would lose a NaN's payload.
 *
 * <p>Loaded by reflection only when the JVM has the {@code jdk.incubator.vector} module, and
 * compiled separately with that module (see the runtime's pom). Nothing is allocated once C2 has
 * compiled the loop ({@code KeepWhereGreaterTest} measures it).
 */
final class VectorSelect implements Elementwise.Select {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSelect INSTANCE = new VectorSelect();

  private VectorSelect() {}

  /** The kernel, or null where float vectors are narrower than 256 bits. */
  static Elementwise.Select instance() {
    return S.vectorBitSize() >= 256 ? INSTANCE : null;
  }

  @Override
  public String describe() {
    return "vector (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public void keepWhereGreater(float[] a, int a0, float t, float[] x, int x0, float[] o,
      int o0, int n) {
    int step = S.length();
    int k = 0;
    for (; k <= n - step; k += step) {
      if (!block(a, a0 + k, t, x, x0 + k, o, o0 + k)) {
        Elementwise.keepWhereGreaterF32(a, a0 + k, 1, t, x, x0 + k, 1, o, o0 + k, 1, step);
      }
    }
    if (k < n) {
      Elementwise.keepWhereGreaterF32(a, a0 + k, 1, t, x, x0 + k, 1, o, o0 + k, 1, n - k);
    }
  }

  /** One vector; false, storing nothing, when {@code x} holds a NaN. */
  private static boolean block(float[] a, int ai, float t, float[] x, int xi, float[] o,
      int oi) {
    FloatVector xv = FloatVector.fromArray(S, x, xi);
    if (xv.compare(VectorOperators.NE, xv).anyTrue()) {
      return false;
    }
    VectorMask<Float> keep = FloatVector.fromArray(S, a, ai).compare(VectorOperators.GT, t);
    FloatVector.zero(S).blend(xv, keep).intoArray(o, oi);
    return true;
  }
}
