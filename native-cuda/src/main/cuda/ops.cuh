// The scalar functions behind the unary, binary and comparison kernels, host and device, with the
// CPU backend's semantics (Java's Math): max/min propagate NaN and order -0 below +0, sign and
// relu keep NaN as PyTorch does, float32 transcendental functions are computed in double and
// rounded once (as the CPU's strided path does), int64 pow wraps around.
// Op codes are the ordinals of dev.adjoint.backend.UnaryOp and BinaryOp.
#pragma once

#include <math.h>
#include <stdint.h>

#include "common.cuh"

namespace adj {

enum UnaryCode { U_NEG, U_ABS, U_SIGN, U_RELU, U_CLAMP, U_EXP, U_LOG, U_SQRT, U_TANH,
                 U_SIGMOID, U_ERF };
enum BinaryCode { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT,
                  B_LE, B_GT, B_GE, B_LOGICAL_AND, B_LOGICAL_OR };

__host__ __device__ inline bool is_comparison(int op) { return op >= B_EQ; }

// Java's Math.max / Math.min for floating types.
template <typename T>
__host__ __device__ inline T java_max(T a, T b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == 0 && b == 0) return signbit(a) ? b : a;
  return a > b ? a : b;
}
template <typename T>
__host__ __device__ inline T java_min(T a, T b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == 0 && b == 0) return signbit(a) ? a : b;
  return a < b ? a : b;
}

// Java's Math.pow, where it differs from C's: a NaN exponent gives NaN (C: pow(1, NaN) = 1), and
// so does a base of magnitude 1 with an infinite exponent (C: 1).
template <typename T>
__host__ __device__ inline T java_pow(T a, T b) {
  double x = (double)a, y = (double)b;
  if (y != y) return (T)y;
  if ((x == 1.0 || x == -1.0) && isinf(y)) return (T)NAN;
  return (T)pow(x, y);
}

template <typename T>
__host__ __device__ inline T unary_float(int op, T x, double lo, double hi) {
  double d = (double)x;
  switch (op) {
    case U_NEG: return -x;
    case U_ABS: return x < 0 ? -x : (x == 0 ? (T)0 : x);  // |-0| = +0, NaN stays NaN
    case U_SIGN: return x > 0 ? (T)1 : (x < 0 ? (T)-1 : (T)0);
    case U_RELU: return x > 0 || x != x ? x : (T)0;
    case U_CLAMP: return x != x ? x : (T)java_min(java_max(d, lo), hi);
    case U_EXP: return (T)exp(d);
    case U_LOG: return (T)log(d);
    case U_SQRT: return (T)sqrt(d);
    case U_TANH: return (T)tanh(d);
    case U_SIGMOID: return (T)(1.0 / (1.0 + exp(-d)));
    case U_ERF: return x == 0 ? (T)0 : (T)erf(d);  // the CPU's erf gives +0 for -0
    default: return x;
  }
}

__host__ __device__ inline int64_t unary_long(int op, int64_t x, double lo, double hi) {
  switch (op) {
    case U_NEG: return (int64_t)(0ULL - (uint64_t)x);
    case U_ABS: return x < 0 ? (int64_t)(0ULL - (uint64_t)x) : x;
    case U_SIGN: return x > 0 ? 1 : (x < 0 ? -1 : 0);
    case U_RELU: return x > 0 ? x : 0;
    case U_CLAMP: {
      int64_t l = java_long_of(lo), h = java_long_of(hi);
      int64_t v = x > l ? x : l;
      return v < h ? v : h;
    }
    default: return x;  // the others are computed in float32 by the caller
  }
}

template <typename T>
struct Unary {
  __host__ __device__ static T apply(int op, T x, double lo, double hi) {
    return unary_float<T>(op, x, lo, hi);
  }
};
template <>
struct Unary<int64_t> {
  __host__ __device__ static int64_t apply(int op, int64_t x, double lo, double hi) {
    return unary_long(op, x, lo, hi);
  }
};

// int64 pow by squaring with wrap-around; negative exponents as PyTorch's integer kernel.
__host__ __device__ inline int64_t pow_exact(int64_t base, int64_t e) {
  if (e < 0) {
    if (base == 1) return 1;
    if (base == -1) return (e & 1) == 0 ? 1 : -1;
    return 0;
  }
  uint64_t result = 1, b = (uint64_t)base;
  while (e > 0) {
    if (e & 1) result *= b;
    b *= b;
    e >>= 1;
  }
  return (int64_t)result;
}

template <typename T>
struct Binary {
  __host__ __device__ static T apply(int op, T a, T b) {
    switch (op) {
      case B_ADD: return a + b;
      case B_SUB: return a - b;
      case B_MUL: return a * b;
      case B_DIV: return a / b;
      case B_POW: return java_pow(a, b);
      case B_MAXIMUM: return java_max(a, b);
      case B_MINIMUM: return java_min(a, b);
      default: return a;
    }
  }
};
template <>
struct Binary<int64_t> {
  __host__ __device__ static int64_t apply(int op, int64_t a, int64_t b) {
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
      case B_ADD: return (int64_t)(ua + ub);
      case B_SUB: return (int64_t)(ua - ub);
      case B_MUL: return (int64_t)(ua * ub);
      case B_DIV: return b == 0 ? 0 : (a == INT64_MIN && b == -1 ? a : a / b);
      case B_POW: return pow_exact(a, b);
      case B_MAXIMUM: return a > b ? a : b;
      case B_MINIMUM: return a < b ? a : b;
      default: return a;
    }
  }
};
template <>
struct Binary<boolean> {
  __host__ __device__ static boolean apply(int op, boolean a, boolean b) {
    switch (op) {
      case B_ADD:
      case B_MAXIMUM: return a | b;
      case B_MUL:
      case B_MINIMUM: return a & b;
      default: return a;
    }
  }
};

template <typename T>
__host__ __device__ inline boolean compare(int op, T a, T b) {
  switch (op) {
    case B_EQ: return a == b;
    case B_NE: return a != b;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_LOGICAL_AND: return a != (T)0 && b != (T)0;
    case B_LOGICAL_OR: return a != (T)0 || b != (T)0;
    default: return 0;
  }
}

}  // namespace adj
