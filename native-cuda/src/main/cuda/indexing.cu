// Indexing: index_select, gather, index_add, scatter_add, and the device-side range check they
// and the ops above them rely on. An index out of range never reads or writes another element:
// the op skips it, and check_range (run first on the same stream) has recorded the first
// offending element in an error slot that the host reads when it next waits (CudaBackend turns it
// into the op's exception).
#include "common.cuh"

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

// The storage position of row-major element e of a view whose dimension `dim` is resized to
// `dim_size` and whose coordinate along it is replaced by `pick` (or kept when pick < 0).
__device__ inline int64_t position_picking(const Strided& l, int64_t e, int dim, int64_t dim_size,
                                           const int64_t* index, bool index_by_coordinate,
                                           bool* ok) {
  int64_t at = l.offset;
  for (int d = l.rank - 1; d >= 0; d--) {
    int64_t s = d == dim ? dim_size : l.size[d];
    int64_t q = e / s;
    int64_t c = e - q * s;
    e = q;
    if (d == dim && index_by_coordinate) {
      int64_t k = index[c];
      if (k < 0 || k >= l.size[d]) *ok = false;
      c = k;
    }
    at += c * l.stride[d];
  }
  return at;
}

template <typename T>
__global__ void index_select_kernel(const T* src, Strided ls, int dim, const int64_t* index,
                                    int64_t m, T* dst, int64_t n) {
  ADJ_GRID_STRIDE(e, n) {
    bool ok = true;
    int64_t p = position_picking(ls, e, dim, m, index, true, &ok);
    if (ok) dst[e] = src[p];
  }
}

// index (contiguous, the shape of dst) picks the coordinate along dim of each element.
template <typename T>
__global__ void gather_kernel(const T* src, Strided ls, Strided shape, int dim,
                              const int64_t* index, T* dst, int64_t n) {
  ADJ_GRID_STRIDE(e, n) {
    int64_t at = ls.offset, rest = e;
    bool ok = true;
    for (int d = shape.rank - 1; d >= 0; d--) {
      int64_t q = rest / shape.size[d];
      int64_t c = rest - q * shape.size[d];
      rest = q;
      if (d == dim) {
        c = index[e];
        ok = c >= 0 && c < ls.size[d];
      }
      at += c * ls.stride[d];
    }
    if (ok) dst[e] = src[at];
  }
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

// dst (contiguous [outer, size, inner]) gets source (contiguous [outer, m, inner]) rows added at
// index[i]; repeated indices accumulate through atomics.
template <typename T>
__global__ void index_add_kernel(T* dst, int64_t size, const int64_t* index, int64_t m,
                                 const T* source, int64_t inner, int64_t n) {
  ADJ_GRID_STRIDE(e, n) {
    int64_t j = e % inner;
    int64_t i = (e / inner) % m;
    int64_t o = e / (inner * m);
    int64_t k = index[i];
    if (k >= 0 && k < size) atomic_accumulate(&dst[(o * size + k) * inner + j], source[e]);
  }
}

// Over index's positions (contiguous, of `shape`): dst at the same coordinates but index[e] along
// dim accumulates src at the same coordinates.
template <typename T>
__global__ void scatter_add_kernel(T* dst, Strided ld, Strided shape, int dim,
                                   const int64_t* index, const T* src, Strided ls, int64_t n) {
  ADJ_GRID_STRIDE(e, n) {
    int64_t dp = ld.offset, sp = ls.offset, rest = e;
    bool ok = true;
    for (int d = shape.rank - 1; d >= 0; d--) {
      int64_t q = rest / shape.size[d];
      int64_t c = rest - q * shape.size[d];
      rest = q;
      sp += c * ls.stride[d];
      if (d == dim) {
        c = index[e];
        ok = c >= 0 && c < ld.size[d];
      }
      dp += c * ld.stride[d];
    }
    if (ok) atomic_accumulate(&dst[dp], src[sp]);
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
