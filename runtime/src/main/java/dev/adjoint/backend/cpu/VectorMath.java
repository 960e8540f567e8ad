package dev.adjoint.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseMath} with the JDK's incubating Vector API, on float32 rows: {@code exp} and
 * {@code tanh} through
 * {@code lanewise(VectorOperators.EXP / TANH)}, which C2 compiles to short-vector math routines
 * (Intel's SVML on x86), and {@code sigmoid(x) = 1 / (1 + exp(-x))} from the same {@code exp},
 * float32 computed in float64 lanes and rounded (in float32 its three roundings reach 2 ulps).
 * Results are within 1 ulp of the correctly rounded value, not bit-identical to
 * {@code (float) Math.exp(x)} (PyTorch's vectorized {@code exp} is also a 1-ulp routine); tails
 * shorter than a vector run the plain loops. Nothing is allocated once C2 has compiled the loops
 * (vectors that escape would be boxed: {@code DenseMathTest} measures it).
 *
 * <p>Loaded by reflection only when the JVM has the {@code jdk.incubator.vector} module, and
 * compiled separately with that module (see the runtime's pom), so nothing else needs it.
 */
final class VectorMath implements DenseMath {
  static final VectorMath INSTANCE = new VectorMath();
  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  /** As many floats as DS has doubles. */
  private static final VectorSpecies<Float> FH =
      VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
  private static final DoubleVector ONE = DoubleVector.broadcast(DS, 1.0);

  private VectorMath() {}

  @Override
  public String describe() {
    return "vector (" + FS.vectorBitSize() + "-bit exp, tanh, sigmoid)";
  }

  @Override
  public void exp(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    for (int end = FS.loopBound(n); k < end; k += FS.length()) {
      FloatVector.fromArray(FS, a, a0 + k).lanewise(VectorOperators.EXP).intoArray(o, o0 + k);
    }
    DenseMath.PLAIN.exp(a, a0 + k, o, o0 + k, n - k);
  }

  @Override
  public void tanh(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    for (int end = FS.loopBound(n); k < end; k += FS.length()) {
      FloatVector.fromArray(FS, a, a0 + k).lanewise(VectorOperators.TANH).intoArray(o, o0 + k);
    }
    DenseMath.PLAIN.tanh(a, a0 + k, o, o0 + k, n - k);
  }

  @Override
  public void sigmoid(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    for (int end = FH.loopBound(n); k < end; k += FH.length()) {
      DoubleVector x = (DoubleVector) FloatVector.fromArray(FH, a, a0 + k)
          .convertShape(VectorOperators.F2D, DS, 0);
      DoubleVector s = ONE.div(x.neg().lanewise(VectorOperators.EXP).add(1.0));
      ((FloatVector) s.convertShape(VectorOperators.D2F, FH, 0)).intoArray(o, o0 + k);
    }
    DenseMath.PLAIN.sigmoid(a, a0 + k, o, o0 + k, n - k);
  }
}
