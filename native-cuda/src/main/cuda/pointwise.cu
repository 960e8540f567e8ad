// Fused pointwise programs (optimizer updates and other fused elementwise chains): one pass over
// memory, the program interpreted per element (pointwise.cuh).
#include "common.cuh"
#include "pointwise.cuh"

namespace adj {

template <typename T>
__global__ void pointwise_kernel(Program<T> p, Operands<T> ops, int64_t count) {
  ADJ_GRID_STRIDE(i, count) { eval_program<T>(p, ops.in, ops.out, i); }
}

}  // namespace adj

using namespace adj;

// inputs and outputs are arrays of device pointers, each at its operand's first element.
#define ADJ_POINTWISE(suffix, T)                                                               \
  ADJ_EXPORT int pointwise_##suffix(const int32_t* steps, const double* constants, int nsteps, \
                                    const double* scalars, int nscalars,                       \
                                    const int32_t* outputs, int noutputs, int64_t count,       \
                                    const int64_t* inputs, int ninputs,                        \
                                    const int64_t* output_ptrs, cudaStream_t stream) {         \
    Program<T> p;                                                                              \
    if (!decode_program<T>(steps, constants, nsteps, scalars, nscalars, outputs, noutputs,     \
                           ninputs, &p)) {                                                     \
      return kStatusBadProgram;                                                                \
    }                                                                                          \
    if (count == 0) return 0;                                                                  \
    Operands<T> ops;                                                                           \
    for (int k = 0; k < ninputs; k++) ops.in[k] = (const T*)(uintptr_t)inputs[k];              \
    for (int k = 0; k < noutputs; k++) ops.out[k] = (T*)(uintptr_t)output_ptrs[k];             \
    pointwise_kernel<T><<<blocks_for(count), kThreads, 0, stream>>>(p, ops, count);            \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }
ADJ_POINTWISE(f32, float)
ADJ_POINTWISE(f64, double)
