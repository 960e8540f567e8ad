// Indexing: index_select, gather, index_add, scatter_add, and the device-side range check they
// and the ops above them rely on. An index out of range never reads or writes another element:
// the op skips it, and check_range (run first on the same stream) has recorded the first
// offending element in an error slot that the host reads when it next waits (CudaBackend turns it
// into the op's exception).
#include "common.cuh"
#include "indexing.cuh"

namespace adj {

// Error slot: {first offending row-major position (INT64_MAX-ish when none: the host fills the
// slot with 0x7f bytes), the value there as double bits}.
template <typename T>
__global__ void check_range_kernel(const T* src, Strided l, int64_t n, double low, double high,
                                   double allowed, long long* slot) {
  ADJ_GRID_STRIDE(i, n) {
    double v = (double)src[l.position(i)];
    if (!(v >= low && v <= high) && !(v == allowed)) atomicMin(&slot[0], (long long)i);
  }
}

template <typename T>
__global__ void record_value_kernel(const T* src, Strided l, long long* slot) {
  long long at = slot[0];
  if (at != 0x7f7f7f7f7f7f7f7fLL) {
    double v = (double)src[l.position(at)];
    slot[1] = __double_as_longlong(v);
  }
}

template <typename T>
__global__ void index_select_kernel(const T* src, Strided ls, int dim, const int64_t* index,
                                    int64_t m, T* dst, int64_t n) {
  ADJ_GRID_STRIDE(e, n) { index_select_element<T>(src, ls, dim, index, m, dst, e); }
}

template <typename T>
__global__ void gather_kernel(const T* src, Strided ls, Strided shape, int dim,
                              const int64_t* index, T* dst, int64_t n) {
  ADJ_GRID_STRIDE(e, n) { gather_element<T>(src, ls, shape, dim, index, dst, e); }
}

template <typename T>
__device__ inline void atomic_accumulate(T* at, T v) { atomicAdd(at, v); }
template <>
__device__ inline void atomic_accumulate<int64_t>(int64_t* at, int64_t v) {
  atomicAdd((unsigned long long*)at, (unsigned long long)v);
}
template <>
__device__ inline void atomic_accumulate<boolean>(boolean* at, boolean v) {
  if (!v) return;
  uintptr_t a = (uintptr_t)at;
  unsigned int* word = (unsigned int*)(a & ~(uintptr_t)3);
  atomicOr(word, 1u << (8 * (a & 3)));
}

// Repeated indices accumulate through atomics.
template <typename T>
__global__ void index_add_kernel(T* dst, int64_t size, const int64_t* index, int64_t m,
                                 const T* source, int64_t inner, int64_t n) {
  ADJ_GRID_STRIDE(e, n) {
    int64_t at = index_add_target(e, size, index, m, inner);
    if (at >= 0) atomic_accumulate(&dst[at], source[e]);
  }
}

template <typename T>
__global__ void scatter_add_kernel(T* dst, Strided ld, Strided shape, int dim,
                                   const int64_t* index, const T* src, Strided ls, int64_t n) {
  ADJ_GRID_STRIDE(e, n) {
    int64_t dp, sp;
    if (scatter_target(ld, shape, dim, index, ls, e, &dp, &sp)) {
      atomic_accumulate(&dst[dp], src[sp]);
    }
  }
}

}  // namespace adj

using namespace adj;

#define ADJ_CHECK_RANGE(suffix, T)                                                              \
  ADJ_EXPORT int check_range_##suffix(const T* src, const int64_t* layout, double low,          \
                                      double high, double allowed, long long* slot,             \
                                      cudaStream_t stream) {                                    \
    ADJ_LAYOUT(l, layout);                                                                      \
    int64_t n = l.numel();                                                                      \
    if (n == 0) return 0;                                                                       \
    check_range_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(src, l, n, low, high,         \
                                                                  allowed, slot);               \
    ADJ_CHECK_LAUNCH();                                                                         \
    record_value_kernel<T><<<1, 1, 0, stream>>>(src, l, slot);                                  \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }
ADJ_CHECK_RANGE(f32, float)
ADJ_CHECK_RANGE(f64, double)
ADJ_CHECK_RANGE(i64, int64_t)
ADJ_CHECK_RANGE(bool, boolean)

// dst is contiguous (src's shape with dim resized to m); index points at its first element.
#define ADJ_INDEXING(suffix, T)                                                                  \
  ADJ_EXPORT int index_select_##suffix(const T* src, const int64_t* src_layout, int dim,         \
                                       const int64_t* index, int64_t m, T* dst,                  \
                                       cudaStream_t stream) {                                    \
    ADJ_LAYOUT(ls, src_layout);                                                                  \
    if (dim < 0 || dim >= ls.rank) return kStatusBadArgument;                                    \
    int64_t n = ls.size[dim] == 0 ? 0 : ls.numel() / ls.size[dim] * m;                           \
    if (ls.size[dim] == 0) {                                                                     \
      n = 1;                                                                                     \
      for (int d = 0; d < ls.rank; d++) n *= d == dim ? m : ls.size[d];                          \
    }                                                                                            \
    if (n == 0) return 0;                                                                        \
    index_select_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(src, ls, dim, index, m, dst,  \
                                                                   n);                           \
    ADJ_CHECK_LAUNCH();                                                                          \
    return 0;                                                                                    \
  }                                                                                              \
  ADJ_EXPORT int gather_##suffix(const T* src, const int64_t* src_layout, int dim,               \
                                 const int64_t* index, const int64_t* index_layout, T* dst,      \
                                 cudaStream_t stream) {                                          \
    ADJ_LAYOUT(ls, src_layout);                                                                  \
    ADJ_LAYOUT(li, index_layout);                                                                \
    if (li.rank > 0 && (dim < 0 || dim >= li.rank || li.rank != ls.rank)) {                      \
      return kStatusBadArgument;                                                                 \
    }                                                                                            \
    int64_t n = li.numel();                                                                      \
    if (n == 0) return 0;                                                                        \
    gather_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(src, ls, li, li.rank == 0 ? -1 : dim, \
                                                             index, dst, n);                     \
    ADJ_CHECK_LAUNCH();                                                                          \
    return 0;                                                                                    \
  }                                                                                              \
  ADJ_EXPORT int index_add_##suffix(T* dst, int64_t outer, int64_t size, int64_t inner,          \
                                    const int64_t* index, int64_t m, const T* source,            \
                                    cudaStream_t stream) {                                       \
    int64_t n = outer * m * inner;                                                               \
    if (n == 0) return 0;                                                                        \
    index_add_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(dst, size, index, m, source,     \
                                                                inner, n);                       \
    ADJ_CHECK_LAUNCH();                                                                          \
    return 0;                                                                                    \
  }                                                                                              \
  ADJ_EXPORT int scatter_add_##suffix(T* dst, const int64_t* dst_layout, int dim,                \
                                      const int64_t* index, const int64_t* index_layout,         \
                                      const T* src, const int64_t* src_layout,                   \
                                      cudaStream_t stream) {                                     \
    ADJ_LAYOUT(ld, dst_layout);                                                                  \
    ADJ_LAYOUT(li, index_layout);                                                                \
    ADJ_LAYOUT(ls, src_layout);                                                                  \
    if (li.rank > 0 && (dim < 0 || dim >= li.rank || li.rank != ld.rank || li.rank != ls.rank)) { \
      return kStatusBadArgument;                                                                 \
    }                                                                                            \
    int64_t n = li.numel();                                                                      \
    if (n == 0) return 0;                                                                        \
    scatter_add_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(                               \
        dst, ld, li, li.rank == 0 ? -1 : dim, index, src, ls, n);                                \
    ADJ_CHECK_LAUNCH();                                                                          \
    return 0;                                                                                    \
  }
ADJ_INDEXING(f32, float)
ADJ_INDEXING(f64, double)
ADJ_INDEXING(i64, int64_t)
ADJ_INDEXING(bool, boolean)
