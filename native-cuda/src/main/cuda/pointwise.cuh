// The fused pointwise programs of dev.adjoint.backend.Pointwise, interpreted: the program travels
// by value in the kernel's parameters (steps, per-step constants with the call's scalars already
// placed) and each thread evaluates it for its elements, rounding every step to T as the CPU does.
// Host and device, so the library's host entry point checks the interpreter against the CPU.
#pragma once

#include <math.h>
#include <stdint.h>

#include "ops.cuh"

namespace adj {

constexpr int kMaxSteps = 64;
constexpr int kMaxInputs = 16;
constexpr int kMaxOutputs = 8;

// Ordinals of Pointwise.Op.
enum PointwiseCode { P_INPUT, P_SCALAR, P_CONSTANT, P_NEG, P_SQRT, P_EXP, P_LOG, P_ABS, P_ADD,
                     P_SUB, P_MUL, P_DIV, P_MAXIMUM, P_MINIMUM };

template <typename T>
struct Program {
  int steps;
  int outputs;
  int8_t op[kMaxSteps];
  int8_t a[kMaxSteps];
  int8_t b[kMaxSteps];
  int8_t arg[kMaxSteps];
  T value[kMaxSteps];  // SCALAR and CONSTANT steps: the value converted to T
  int8_t out[kMaxOutputs];
};

// Fills `p` from the Java encoding: 4 ints per step (op, a, b, arg), per-step constants and the
// call's scalars. False when the program exceeds the limits above or is malformed.
template <typename T>
__host__ __device__ inline bool decode_program(const int32_t* steps, const double* constants,
                                               int nsteps, const double* scalars, int nscalars,
                                               const int32_t* outputs, int noutputs, int ninputs,
                                               Program<T>* p) {
  if (nsteps < 1 || nsteps > kMaxSteps || noutputs < 1 || noutputs > kMaxOutputs ||
      ninputs > kMaxInputs) {
    return false;
  }
  p->steps = nsteps;
  p->outputs = noutputs;
  for (int s = 0; s < nsteps; s++) {
    int op = steps[4 * s], a = steps[4 * s + 1], b = steps[4 * s + 2], arg = steps[4 * s + 3];
    if (op < P_INPUT || op > P_MINIMUM || a >= s || b >= s) return false;
    if (op >= P_NEG && a < 0) return false;
    if (op >= P_ADD && b < 0) return false;
    if (op == P_INPUT && (arg < 0 || arg >= ninputs)) return false;
    if (op == P_SCALAR && (arg < 0 || arg >= nscalars)) return false;
    p->op[s] = (int8_t)op;
    p->a[s] = (int8_t)a;
    p->b[s] = (int8_t)b;
    p->arg[s] = (int8_t)arg;
    p->value[s] = op == P_SCALAR ? (T)scalars[arg] : (op == P_CONSTANT ? (T)constants[s] : (T)0);
  }
  for (int k = 0; k < noutputs; k++) {
    if (outputs[k] < 0 || outputs[k] >= nsteps) return false;
    p->out[k] = (int8_t)outputs[k];
  }
  return true;
}

// Evaluates element i: reads every input first, then writes every output.
template <typename T>
__host__ __device__ inline void eval_program(const Program<T>& p, const T* const* in,
                                             T* const* out, int64_t i) {
  T v[kMaxSteps];
  for (int s = 0; s < p.steps; s++) {
    T x = p.op[s] >= P_NEG ? v[p.a[s]] : (T)0;
    T y = p.op[s] >= P_ADD ? v[p.b[s]] : (T)0;
    T r;
    switch (p.op[s]) {
      case P_INPUT: r = in[p.arg[s]][i]; break;
      case P_SCALAR:
      case P_CONSTANT: r = p.value[s]; break;
      case P_NEG: r = -x; break;
      case P_SQRT: r = (T)sqrt((double)x); break;
      case P_EXP: r = (T)exp((double)x); break;
      case P_LOG: r = (T)log((double)x); break;
      case P_ABS: r = unary_float<T>(U_ABS, x, 0, 0); break;
      case P_ADD: r = x + y; break;
      case P_SUB: r = x - y; break;
      case P_MUL: r = x * y; break;
      case P_DIV: r = x / y; break;
      case P_MAXIMUM: r = java_max(x, y); break;
      default: r = java_min(x, y); break;
    }
    v[s] = r;
  }
  for (int k = 0; k < p.outputs; k++) out[k][i] = v[p.out[k]];
}

template <typename T>
struct Operands {
  const T* in[kMaxInputs];
  T* out[kMaxOutputs];
};

}  // namespace adj
