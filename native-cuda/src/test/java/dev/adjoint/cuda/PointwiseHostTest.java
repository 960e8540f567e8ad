package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pointwise program interpreter (pointwise.cuh) that the CUDA kernel runs, compiled for the
 * host and fed {@link CudaBackend.EncodedProgram}'s encoding, against the CPU backend's
 * {@link Backend#pointwise} on an Adam step that uses every operation, in place, in float32 and
 * float64: bit-identical except where libm's exp and log round differently (1 ulp).
 */
class PointwiseHostTest {
  private static final Backend CPU = Backends.cpu();

  @BeforeEach
  void built() {
    HostKernels.assumeBuilt();
  }

  /** Adam with every op: p, g, m, v in; p, m, v out (in place), plus exp/log/abs/min/neg. */
  private static Pointwise program() {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value p = b.input();
    Pointwise.Value g = b.input();
    Pointwise.Value m = b.input();
    Pointwise.Value v = b.input();
    Pointwise.Value lr = b.scalar();
    Pointwise.Value beta1 = b.scalar();
    Pointwise.Value beta2 = b.scalar();
    Pointwise.Value one = b.constant(1.0);
    Pointwise.Value eps = b.constant(1e-8);
    Pointwise.Value m2 = b.add(b.mul(beta1, m), b.mul(b.sub(one, beta1), g));
    Pointwise.Value v2 = b.add(b.mul(beta2, v), b.mul(b.sub(one, beta2), b.mul(g, g)));
    Pointwise.Value step = b.div(m2, b.add(b.sqrt(v2), eps));
    Pointwise.Value p2 = b.sub(p, b.mul(lr, step));
    Pointwise.Value extra = b.binary(Pointwise.Op.MINIMUM,
        b.unary(Pointwise.Op.EXP, b.neg(b.unary(Pointwise.Op.ABS, g))),
        b.maximum(b.unary(Pointwise.Op.LOG, b.add(v2, one)), m2));
    b.output(p2).output(m2).output(v2).output(extra);
    return b.build();
  }

  private static void check(DType t) {
    int n = 257;
    SplittableRandom r = new SplittableRandom(t.ordinal());
    double[][] in = new double[4][n];
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < n; i++) {
        in[k][i] = k == 3 ? r.nextDouble() : r.nextDouble(-2, 2);
      }
    }
    in[1][5] = Double.NaN;
    in[1][6] = -0.0;
    double[] scalars = {1e-3, 0.9, 0.999};
    Pointwise prog = program();

    // The CPU: p, g, m, v storages, p, m, v updated in place, a fresh fourth output.
    Storage[] s = new Storage[5];
    Memory[] host = new Memory[5];
    int eb = t == DType.FLOAT32 ? 4 : 8;
    for (int k = 0; k < 5; k++) {
      host[k] = new Memory((long) n * eb);
      if (t == DType.FLOAT32) {
        float[] f = new float[n];
        for (int i = 0; k < 4 && i < n; i++) {
          f[i] = (float) in[k][i];
        }
        s[k] = CPU.fromHostArray(f);
        host[k].write(0, f, 0, n);
      } else {
        double[] d = k < 4 ? in[k].clone() : new double[n];
        s[k] = CPU.fromHostArray(d);
        host[k].write(0, d, 0, n);
      }
    }
    CPU.pointwise(prog, scalars, n, new Storage[] {s[0], s[1], s[2], s[3]}, new long[4],
        new Storage[] {s[0], s[2], s[3], s[4]}, new long[4]);

    CudaBackend.EncodedProgram e = CudaBackend.EncodedProgram.of(prog);
    long[] inputs = {ptr(host[0]), ptr(host[1]), ptr(host[2]), ptr(host[3])};
    long[] outputs = {ptr(host[0]), ptr(host[2]), ptr(host[3]), ptr(host[4])};
    int nsteps = e.steps().length / 4;
    int status = t == DType.FLOAT32
        ? HostKernels.host_pointwise_f32(e.steps(), e.constants(), nsteps, scalars, 3,
            e.outputs(), 4, n, inputs, 4, outputs)
        : HostKernels.host_pointwise_f64(e.steps(), e.constants(), nsteps, scalars, 3,
            e.outputs(), 4, n, inputs, 4, outputs);
    assertEquals(0, status);
    int[] which = {0, 2, 3, 4};
    for (int o = 0; o < 4; o++) {
      int k = which[o];
      Object cpu = CPU.toHostArray(s[k], Layout.contiguous(n));
      for (int i = 0; i < n; i++) {
        double want = t == DType.FLOAT32 ? ((float[]) cpu)[i] : ((double[]) cpu)[i];
        double got = t == DType.FLOAT32 ? host[k].getFloat(4L * i) : host[k].getDouble(8L * i);
        String what = t + " output " + o + " element " + i;
        if (o == 3 && Double.isFinite(want)) {
          // exp and log: glibc and Java's Math each within 1 ulp of exact.
          double ulp = t == DType.FLOAT32 ? Math.ulp((float) want) : Math.ulp(want);
          assertEquals(want, got, ulp, what);
        } else {
          assertEquals(want, got, 0.0, what);
        }
      }
    }
  }

  private static long ptr(Memory m) {
    return com.sun.jna.Pointer.nativeValue(m);
  }

  @Test
  void float32AdamStepMatchesTheCpu() {
    check(DType.FLOAT32);
  }

  @Test
  void float64AdamStepMatchesTheCpu() {
    check(DType.FLOAT64);
  }

  @Test
  void programsBeyondTheLimitsAreRefused() {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value x = b.input();
    for (int i = 0; i < 70; i++) {
      x = b.neg(x);
    }
    CudaBackend.EncodedProgram e = CudaBackend.EncodedProgram.of(b.output(x).build());
    long[] none = new long[1];
    assertEquals(CudaStatus.BAD_PROGRAM, HostKernels.host_pointwise_f32(e.steps(), e.constants(),
        e.steps().length / 4, new double[0], 0, e.outputs(), 1, 0, none, 1, none));
  }
}
