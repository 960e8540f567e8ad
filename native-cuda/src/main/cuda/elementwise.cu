// fill, copy (with casts), unary, binary, binary-with-scalar and where over strided and broadcast
// layouts: one thread per element of the output's shape, each operand located through its own
// layout (strided.cuh).
#include "common.cuh"
#include "ops.cuh"

namespace adj {

template <typename T>
__global__ void fill_kernel(T* dst, Strided ld, int64_t n, T value) {
  ADJ_GRID_STRIDE(i, n) { dst[ld.position(i)] = value; }
}

template <typename S, typename D>
__global__ void copy_kernel(const S* src, Strided ls, D* dst, Strided ld, int64_t n) {
  ADJ_GRID_STRIDE(i, n) { dst[ld.position(i)] = Cast<D, S>::of(src[ls.position(i)]); }
}

template <typename T>
__global__ void unary_kernel(int op, const T* src, Strided ls, T* dst, Strided ld, int64_t n,
                             double lo, double hi) {
  ADJ_GRID_STRIDE(i, n) { dst[ld.position(i)] = Unary<T>::apply(op, src[ls.position(i)], lo, hi); }
}

template <typename T>
__global__ void binary_kernel(int op, const T* a, Strided la, const T* b, Strided lb, void* dst,
                              Strided ld, int64_t n) {
  if (is_comparison(op)) {
    ADJ_GRID_STRIDE(i, n) {
      ((boolean*)dst)[ld.position(i)] = compare<T>(op, a[la.position(i)], b[lb.position(i)]);
    }
  } else {
    ADJ_GRID_STRIDE(i, n) {
      ((T*)dst)[ld.position(i)] = Binary<T>::apply(op, a[la.position(i)], b[lb.position(i)]);
    }
  }
}

template <typename T>
__global__ void binary_scalar_kernel(int op, const T* a, Strided la, T s, int scalar_first,
                                     void* dst, Strided ld, int64_t n) {
  ADJ_GRID_STRIDE(i, n) {
    T x = a[la.position(i)];
    T l = scalar_first ? s : x;
    T r = scalar_first ? x : s;
    if (is_comparison(op)) {
      ((boolean*)dst)[ld.position(i)] = compare<T>(op, l, r);
    } else {
      ((T*)dst)[ld.position(i)] = Binary<T>::apply(op, l, r);
    }
  }
}

template <typename T>
__global__ void where_kernel(const boolean* c, Strided lc, const T* a, Strided la, const T* b,
                             Strided lb, T* dst, Strided ld, int64_t n) {
  ADJ_GRID_STRIDE(i, n) {
    dst[ld.position(i)] = c[lc.position(i)] ? a[la.position(i)] : b[lb.position(i)];
  }
}

}  // namespace adj

using namespace adj;

// Each entry point takes device pointers to element 0 of its storages and layout descriptors
// (the layout's offset is applied here), and returns a cudaError_t (0 on success).
#define ADJ_FILL(suffix, T)                                                              \
  ADJ_EXPORT int fill_##suffix(T* dst, const int64_t* dst_layout, double value,           \
                               cudaStream_t stream) {                                     \
    ADJ_LAYOUT(ld, dst_layout);                                                          \
    int64_t n = ld.numel();                                                              \
    if (n == 0) return 0;                                                                \
    fill_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(dst, ld, n,                   \
                                                          Cast<T, double>::of(value));  \
    ADJ_CHECK_LAUNCH();                                                                  \
    return 0;                                                                            \
  }
ADJ_FILL(f32, float)
ADJ_FILL(f64, double)
ADJ_FILL(i64, int64_t)
ADJ_FILL(bool, boolean)

#define ADJ_COPY(ss, S, ds, D)                                                                \
  ADJ_EXPORT int copy_##ss##_##ds(const S* src, const int64_t* src_layout, D* dst,            \
                                  const int64_t* dst_layout, cudaStream_t stream) {           \
    ADJ_LAYOUT(ls, src_layout);                                                               \
    ADJ_LAYOUT(ld, dst_layout);                                                               \
    int64_t n = ld.numel();                                                                   \
    if (n == 0) return 0;                                                                     \
    copy_kernel<S, D><<<blocks_for(n), kThreads, 0, stream>>>(src, ls, dst, ld, n);           \
    ADJ_CHECK_LAUNCH();                                                                       \
    return 0;                                                                                 \
  }
#define ADJ_COPY_FROM(ss, S)     \
  ADJ_COPY(ss, S, f32, float)    \
  ADJ_COPY(ss, S, f64, double)   \
  ADJ_COPY(ss, S, i64, int64_t)  \
  ADJ_COPY(ss, S, bool, boolean)
ADJ_COPY_FROM(f32, float)
ADJ_COPY_FROM(f64, double)
ADJ_COPY_FROM(i64, int64_t)
ADJ_COPY_FROM(bool, boolean)

#define ADJ_UNARY(suffix, T)                                                                  \
  ADJ_EXPORT int unary_##suffix(int op, const T* src, const int64_t* src_layout, T* dst,      \
                                const int64_t* dst_layout, double lo, double hi,              \
                                cudaStream_t stream) {                                        \
    ADJ_LAYOUT(ls, src_layout);                                                               \
    ADJ_LAYOUT(ld, dst_layout);                                                               \
    int64_t n = ld.numel();                                                                   \
    if (n == 0) return 0;                                                                     \
    unary_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(op, src, ls, dst, ld, n, lo, hi); \
    ADJ_CHECK_LAUNCH();                                                                       \
    return 0;                                                                                 \
  }
ADJ_UNARY(f32, float)
ADJ_UNARY(f64, double)
ADJ_UNARY(i64, int64_t)

#define ADJ_BINARY(suffix, T)                                                                 \
  ADJ_EXPORT int binary_##suffix(int op, const T* a, const int64_t* a_layout, const T* b,     \
                                 const int64_t* b_layout, void* dst,                          \
                                 const int64_t* dst_layout, cudaStream_t stream) {            \
    ADJ_LAYOUT(la, a_layout);                                                                 \
    ADJ_LAYOUT(lb, b_layout);                                                                 \
    ADJ_LAYOUT(ld, dst_layout);                                                               \
    int64_t n = ld.numel();                                                                   \
    if (n == 0) return 0;                                                                     \
    binary_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(op, a, la, b, lb, dst, ld, n);   \
    ADJ_CHECK_LAUNCH();                                                                       \
    return 0;                                                                                 \
  }                                                                                           \
  ADJ_EXPORT int binary_scalar_##suffix(int op, const T* a, const int64_t* a_layout,          \
                                        double scalar, int scalar_first, void* dst,           \
                                        const int64_t* dst_layout, cudaStream_t stream) {     \
    ADJ_LAYOUT(la, a_layout);                                                                 \
    ADJ_LAYOUT(ld, dst_layout);                                                               \
    int64_t n = ld.numel();                                                                   \
    if (n == 0) return 0;                                                                     \
    binary_scalar_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(                          \
        op, a, la, Cast<T, double>::of(scalar), scalar_first, dst, ld, n);                    \
    ADJ_CHECK_LAUNCH();                                                                       \
    return 0;                                                                                 \
  }                                                                                           \
  ADJ_EXPORT int where_##suffix(const boolean* cond, const int64_t* cond_layout, const T* a,  \
                                const int64_t* a_layout, const T* b, const int64_t* b_layout, \
                                T* dst, const int64_t* dst_layout, cudaStream_t stream) {     \
    ADJ_LAYOUT(lc, cond_layout);                                                              \
    ADJ_LAYOUT(la, a_layout);                                                                 \
    ADJ_LAYOUT(lb, b_layout);                                                                 \
    ADJ_LAYOUT(ld, dst_layout);                                                               \
    int64_t n = ld.numel();                                                                   \
    if (n == 0) return 0;                                                                     \
    where_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(cond, lc, a, la, b, lb, dst, ld,  \
                                                            n);                               \
    ADJ_CHECK_LAUNCH();                                                                       \
    return 0;                                                                                 \
  }
ADJ_BINARY(f32, float)
ADJ_BINARY(f64, double)
ADJ_BINARY(i64, int64_t)
ADJ_BINARY(bool, boolean)
