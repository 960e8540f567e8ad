package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.Pointwise.Step;
import dev.adjoint.tensor.DType;
import dev.adjoint.backend.Storage;
import java.util.List;

/**
 * Evaluates a {@link Pointwise} program over contiguous operands, a block of elements at a time:
 * each step is one loop over the block (short, unit stride, which the JIT vectorizes), reading and
 * writing registers that stay in the L1 cache, so memory is read and written once whatever the
 * program's length. Scalar and constant registers are filled once per call. Large operands are
 * split into chunks of whole blocks run in parallel; each chunk has its own registers.
 */
final class PointwiseKernel {
  /** Elements per block: the registers of a 20-step float64 program fit in 160 KiB. */
  static final int BLOCK = 1024;
  /** Elements per parallel chunk, at least. */
  private static final int GRAIN = 1 << 15;

  private PointwiseKernel() {}

  static void run(Pointwise program, double[] scalars, long count, Storage[] inputs,
      long[] inputOffsets, Storage[] outputs, long[] outputOffsets) {
    int n = Math.toIntExact(count);
    if (n == 0) {
      return;
    }
    boolean f32 = outputs[0].dtype() == DType.FLOAT32;
    int[] inOff = new int[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      inOff[k] = Math.toIntExact(inputOffsets[k]);
    }
    int[] outOff = new int[outputs.length];
    for (int k = 0; k < outputs.length; k++) {
      outOff[k] = Math.toIntExact(outputOffsets[k]);
    }
    int chunks = Parallel.chunks(n, GRAIN);
    int per = (int) (((long) n + chunks - 1) / chunks);
    Parallel.forEach(chunks, chunks > 1, c -> {
      int start = c * per;
      int end = (int) Math.min(n, (long) start + per);
      if (start < end) {
        if (f32) {
          runF32(program, scalars, inputs, inOff, outputs, outOff, start, end);
        } else {
          runF64(program, scalars, inputs, inOff, outputs, outOff, start, end);
        }
      }
    });
  }

  private static void runF32(Pointwise program, double[] scalars, Storage[] inputs,
      int[] inOff, Storage[] outputs, int[] outOff, int start, int end) {
    List<Step> steps = program.steps();
    int len0 = Math.min(BLOCK, end - start);
    float[][] reg = new float[steps.size()][];
    for (int i = 0; i < reg.length; i++) {
      Step st = steps.get(i);
      reg[i] = new float[len0];
      if (st.op() == Pointwise.Op.SCALAR || st.op() == Pointwise.Op.CONSTANT) {
        float v = (float) (st.op() == Pointwise.Op.SCALAR ? scalars[st.arg()] : st.constant());
        java.util.Arrays.fill(reg[i], v);
      }
    }
    float[][] in = new float[inputs.length][];
    for (int k = 0; k < inputs.length; k++) {
      in[k] = CpuBackend.cpu(inputs[k]).floats();
    }
    for (int b0 = start; b0 < end; b0 += BLOCK) {
      int len = Math.min(BLOCK, end - b0);
      for (int i = 0; i < reg.length; i++) {
        Step st = steps.get(i);
        float[] r = reg[i];
        switch (st.op()) {
          case INPUT -> System.arraycopy(in[st.arg()], inOff[st.arg()] + b0, r, 0, len);
          case SCALAR, CONSTANT -> { }
          case NEG -> {
            float[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = -a[j];
            }
          }
          case SQRT -> {
            float[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = (float) Math.sqrt(a[j]);
            }
          }
          case EXP -> {
            float[] a = reg[st.a()];
            DenseMath.kernels().exp(a, 0, r, 0, len);
          }
          case LOG -> {
            float[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = (float) Math.log(a[j]);
            }
          }
          case ABS -> {
            float[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.abs(a[j]);
            }
          }
          case ADD -> {
            float[] a = reg[st.a()];
            float[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] + c[j];
            }
          }
          case SUB -> {
            float[] a = reg[st.a()];
            float[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] - c[j];
            }
          }
          case MUL -> {
            float[] a = reg[st.a()];
            float[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] * c[j];
            }
          }
          case DIV -> {
            float[] a = reg[st.a()];
            float[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] / c[j];
            }
          }
          case MAXIMUM -> {
            float[] a = reg[st.a()];
            float[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.max(a[j], c[j]);
            }
          }
          case MINIMUM -> {
            float[] a = reg[st.a()];
            float[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.min(a[j], c[j]);
            }
          }
          default -> throw new IllegalStateException("Pointwise: unknown op " + st.op());
        }
      }
      for (int k = 0; k < outputs.length; k++) {
        System.arraycopy(reg[program.output(k)], 0, CpuBackend.cpu(outputs[k]).array(),
            outOff[k] + b0, len);
      }
    }
  }

  private static void runF64(Pointwise program, double[] scalars, Storage[] inputs,
      int[] inOff, Storage[] outputs, int[] outOff, int start, int end) {
    List<Step> steps = program.steps();
    int len0 = Math.min(BLOCK, end - start);
    double[][] reg = new double[steps.size()][];
    for (int i = 0; i < reg.length; i++) {
      Step st = steps.get(i);
      reg[i] = new double[len0];
      if (st.op() == Pointwise.Op.SCALAR || st.op() == Pointwise.Op.CONSTANT) {
        double v = st.op() == Pointwise.Op.SCALAR ? scalars[st.arg()] : st.constant();
        java.util.Arrays.fill(reg[i], v);
      }
    }
    double[][] in = new double[inputs.length][];
    for (int k = 0; k < inputs.length; k++) {
      in[k] = CpuBackend.cpu(inputs[k]).doubles();
    }
    for (int b0 = start; b0 < end; b0 += BLOCK) {
      int len = Math.min(BLOCK, end - b0);
      for (int i = 0; i < reg.length; i++) {
        Step st = steps.get(i);
        double[] r = reg[i];
        switch (st.op()) {
          case INPUT -> System.arraycopy(in[st.arg()], inOff[st.arg()] + b0, r, 0, len);
          case SCALAR, CONSTANT -> { }
          case NEG -> {
            double[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = -a[j];
            }
          }
          case SQRT -> {
            double[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.sqrt(a[j]);
            }
          }
          case EXP -> {
            double[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.exp(a[j]);
            }
          }
          case LOG -> {
            double[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.log(a[j]);
            }
          }
          case ABS -> {
            double[] a = reg[st.a()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.abs(a[j]);
            }
          }
          case ADD -> {
            double[] a = reg[st.a()];
            double[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] + c[j];
            }
          }
          case SUB -> {
            double[] a = reg[st.a()];
            double[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] - c[j];
            }
          }
          case MUL -> {
            double[] a = reg[st.a()];
            double[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] * c[j];
            }
          }
          case DIV -> {
            double[] a = reg[st.a()];
            double[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = a[j] / c[j];
            }
          }
          case MAXIMUM -> {
            double[] a = reg[st.a()];
            double[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.max(a[j], c[j]);
            }
          }
          case MINIMUM -> {
            double[] a = reg[st.a()];
            double[] c = reg[st.b()];
            for (int j = 0; j < len; j++) {
              r[j] = Math.min(a[j], c[j]);
            }
          }
          default -> throw new IllegalStateException("Pointwise: unknown op " + st.op());
        }
      }
      for (int k = 0; k < outputs.length; k++) {
        System.arraycopy(reg[program.output(k)], 0, CpuBackend.cpu(outputs[k]).array(),
            outOff[k] + b0, len);
      }
    }
  }
}
