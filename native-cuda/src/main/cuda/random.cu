// The counter-based generator: value i of a draw depends only on (seed, offset, i), so one
// thread per value gives the CPU's numbers (philox.cuh holds the definitions).
#include "common.cuh"
#include "philox.cuh"

namespace adj {

template <typename T>
__global__ void uniform_kernel(T* dst, int64_t count, uint64_t seed, uint64_t offset,
                               double low, double high);

template <>
__global__ void uniform_kernel<float>(float* dst, int64_t count, uint64_t seed, uint64_t offset,
                                      double low, double high) {
  ADJ_GRID_STRIDE(i, count) { dst[i] = uniform_value_f32(seed, offset, i, low, high); }
}

template <>
__global__ void uniform_kernel<double>(double* dst, int64_t count, uint64_t seed,
                                       uint64_t offset, double low, double high) {
  ADJ_GRID_STRIDE(i, count) { dst[i] = uniform_value_f64(seed, offset, i, low, high); }
}

template <typename T>
__global__ void normal_kernel(T* dst, int64_t count, uint64_t seed, uint64_t offset, double mean,
                              double std) {
  ADJ_GRID_STRIDE(i, count) { dst[i] = (T)normal_value(seed, offset, i, mean, std); }
}

template <typename T>
__global__ void bernoulli_kernel(T* dst, int64_t count, uint64_t seed, uint64_t offset,
                                 double p) {
  ADJ_GRID_STRIDE(i, count) { dst[i] = bernoulli_value(seed, offset, i, p) ? (T)1 : (T)0; }
}

template <typename T>
__global__ void randint_kernel(T* dst, int64_t count, uint64_t seed, uint64_t offset,
                               int64_t low, int64_t high) {
  ADJ_GRID_STRIDE(i, count) { dst[i] = (T)int_value(seed, offset, i, low, high); }
}

}  // namespace adj

using namespace adj;

// dst points at element `start` already; values 0 .. count - 1 of the draw.
#define ADJ_UNIFORM(suffix, T)                                                              \
  ADJ_EXPORT int random_uniform_##suffix(T* dst, int64_t count, int64_t seed, int64_t offset, \
                                         double low, double high, cudaStream_t stream) {     \
    if (count <= 0) return 0;                                                               \
    uniform_kernel<T><<<blocks_for(count), kThreads, 0, stream>>>(dst, count, seed, offset, \
                                                                  low, high);              \
    ADJ_CHECK_LAUNCH();                                                                     \
    return 0;                                                                               \
  }
ADJ_UNIFORM(f32, float)
ADJ_UNIFORM(f64, double)

#define ADJ_NORMAL(suffix, T)                                                              \
  ADJ_EXPORT int random_normal_##suffix(T* dst, int64_t count, int64_t seed, int64_t offset, \
                                        double mean, double std, cudaStream_t stream) {     \
    if (count <= 0) return 0;                                                              \
    normal_kernel<T><<<blocks_for(count), kThreads, 0, stream>>>(dst, count, seed, offset, \
                                                                 mean, std);              \
    ADJ_CHECK_LAUNCH();                                                                    \
    return 0;                                                                              \
  }
ADJ_NORMAL(f32, float)
ADJ_NORMAL(f64, double)

#define ADJ_BERNOULLI(suffix, T)                                                              \
  ADJ_EXPORT int random_bernoulli_##suffix(T* dst, int64_t count, int64_t seed, int64_t offset, \
                                           double p, cudaStream_t stream) {                    \
    if (count <= 0) return 0;                                                                 \
    bernoulli_kernel<T><<<blocks_for(count), kThreads, 0, stream>>>(dst, count, seed, offset, \
                                                                    p);                      \
    ADJ_CHECK_LAUNCH();                                                                       \
    return 0;                                                                                 \
  }
ADJ_BERNOULLI(f32, float)
ADJ_BERNOULLI(f64, double)
ADJ_BERNOULLI(i64, int64_t)
ADJ_BERNOULLI(bool, boolean)

#define ADJ_RANDINT(suffix, T)                                                              \
  ADJ_EXPORT int random_int_##suffix(T* dst, int64_t count, int64_t seed, int64_t offset,     \
                                     int64_t low, int64_t high, cudaStream_t stream) {       \
    if (count <= 0) return 0;                                                               \
    randint_kernel<T><<<blocks_for(count), kThreads, 0, stream>>>(dst, count, seed, offset, \
                                                                  low, high);              \
    ADJ_CHECK_LAUNCH();                                                                     \
    return 0;                                                                               \
  }
ADJ_RANDINT(f32, float)
ADJ_RANDINT(f64, double)
ADJ_RANDINT(i64, int64_t)
