// Shared by every kernel file: exported entry points, launch checking, the grid shape, element
// types and the strided layout descriptor that Java's LayoutCodec writes.
#pragma once

#include <cuda_runtime.h>
#include <stdint.h>

#include "strided.cuh"

// Only what carries ADJ_EXPORT leaves the library (the rest is compiled -fvisibility=hidden).
#define ADJ_EXPORT extern "C" __attribute__((visibility("default")))

// Every launch is checked where it happens: the launch error (bad configuration, too many
// resources, a sticky error from an earlier kernel) is returned to Java as the cudaError_t it is.
#define ADJ_CHECK_LAUNCH()                   \
  do {                                       \
    cudaError_t adj_err = cudaGetLastError(); \
    if (adj_err != cudaSuccess) {            \
      return (int)adj_err;                   \
    }                                        \
  } while (0)

// A call into the runtime inside an entry point: returns its status when it fails.
#define ADJ_TRY(call)                        \
  do {                                       \
    cudaError_t adj_err = (call);            \
    if (adj_err != cudaSuccess) {            \
      return (int)adj_err;                   \
    }                                        \
  } while (0)

// Decodes a layout descriptor argument into `var`, or returns kStatusBadRank.
#define ADJ_LAYOUT(var, words)                         \
  adj::Strided var;                                    \
  if (!adj::decode_layout(words, &var)) return adj::kStatusBadRank;

namespace adj {

// Status codes of our own (beyond cudaError_t's range) for arguments the kernels cannot take.
constexpr int kStatusBadRank = 100001;     // a layout of more than kMaxDims dimensions
constexpr int kStatusBadProgram = 100002;  // a pointwise program over the launch limits
constexpr int kStatusBadArgument = 100003; // any other argument a kernel cannot take

constexpr int kThreads = 256;

// Blocks for n elements at kThreads per block, capped: kernels loop grid-stride beyond it.
inline unsigned int blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  if (b < 1) b = 1;
  if (b > 65535LL * 8) b = 65535LL * 8;
  return (unsigned int)b;
}

#define ADJ_GRID_STRIDE(i, n)                                                  \
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n);  \
       i += (int64_t)blockDim.x * gridDim.x)

// bool tensors are one byte per element, 0 or 1.
typedef uint8_t boolean;

// Converts between element types as the CPU backend does (Java's casts): floating to int64
// truncates toward zero, saturates and sends NaN to 0 (CUDA's cvt.rzi does exactly that on the
// device; the host path spells it out), anything to bool is "!= 0", bool to a number is 0 or 1.
template <typename To, typename From>
struct Cast {
  __host__ __device__ static To of(From v) { return (To)v; }
};
template <typename From>
struct Cast<boolean, From> {
  __host__ __device__ static boolean of(From v) { return v != (From)0 ? 1 : 0; }
};
template <>
struct Cast<boolean, boolean> {
  __host__ __device__ static boolean of(boolean v) { return v; }
};
__host__ __device__ inline int64_t java_long_of(double v) {
#ifdef __CUDA_ARCH__
  return __double2ll_rz(v);
#else
  if (v != v) return 0;
  if (v >= 9223372036854775807.0) return INT64_MAX;
  if (v <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)v;
#endif
}
template <>
struct Cast<int64_t, double> {
  __host__ __device__ static int64_t of(double v) { return java_long_of(v); }
};
template <>
struct Cast<int64_t, float> {
  __host__ __device__ static int64_t of(float v) { return java_long_of((double)v); }
};

}  // namespace adj
