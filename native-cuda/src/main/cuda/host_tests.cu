// Host entry points over the __host__ __device__ functions the kernels use, so that the tests on
// a machine without a GPU (CI) check the device arithmetic against the CPU backend: the Philox
// stream and its value mappings, the strided index arithmetic, the scalar ops, the pointwise
// program interpreter, and the element functions of the pooling and im2col/col2im kernels (run
// here in a loop over the elements the kernels give one thread each). None touches the GPU.
#include "common.cuh"
#include "conv.cuh"
#include "indexing.cuh"
#include "ops.cuh"
#include "philox.cuh"
#include "pointwise.cuh"
#include "pool.cuh"

using namespace adj;

ADJ_EXPORT void host_philox4x32(const uint32_t* counter, const uint32_t* key, uint32_t* out) {
  uint32_t c[4] = {counter[0], counter[1], counter[2], counter[3]};
  philox4x32_10(c, key[0], key[1]);
  for (int i = 0; i < 4; i++) out[i] = c[i];
}

ADJ_EXPORT void host_philox_block(int64_t seed, int64_t block, int64_t* out) {
  uint64_t w[2];
  philox_block((uint64_t)seed, (uint64_t)block, w);
  out[0] = (int64_t)w[0];
  out[1] = (int64_t)w[1];
}

// kind: 0 uniform f32, 1 uniform f64, 2 normal (f64), 3 bernoulli (0/1 as f64), 4 int (as
// int64 bits in the double array's storage).
ADJ_EXPORT void host_random_f32(int64_t seed, int64_t offset, int64_t count, double low,
                                double high, float* out) {
  for (int64_t i = 0; i < count; i++) out[i] = uniform_value_f32(seed, offset, i, low, high);
}
ADJ_EXPORT void host_random_f64(int64_t seed, int64_t offset, int64_t count, double low,
                                double high, double* out) {
  for (int64_t i = 0; i < count; i++) out[i] = uniform_value_f64(seed, offset, i, low, high);
}
ADJ_EXPORT void host_normal_f64(int64_t seed, int64_t offset, int64_t count, double mean,
                                double std, double* out) {
  for (int64_t i = 0; i < count; i++) out[i] = normal_value(seed, offset, i, mean, std);
}
ADJ_EXPORT void host_bernoulli(int64_t seed, int64_t offset, int64_t count, double p,
                               uint8_t* out) {
  for (int64_t i = 0; i < count; i++) out[i] = bernoulli_value(seed, offset, i, p) ? 1 : 0;
}
ADJ_EXPORT void host_randint(int64_t seed, int64_t offset, int64_t count, int64_t low,
                             int64_t high, int64_t* out) {
  for (int64_t i = 0; i < count; i++) out[i] = int_value(seed, offset, i, low, high);
}

// The storage position of element i of a layout descriptor; -1 for a rank above kMaxDims.
ADJ_EXPORT int64_t host_position(const int64_t* layout, int64_t i) {
  Strided l;
  if (!decode_layout(layout, &l)) return -1;
  return l.position(i);
}

ADJ_EXPORT int host_is_contiguous(const int64_t* layout) {
  Strided l;
  if (!decode_layout(layout, &l)) return -1;
  return l.contiguous;
}

// The element functions of the unary and binary kernels over n host values.
#define ADJ_HOST_OPS(suffix, T)                                                                \
  ADJ_EXPORT void host_unary_##suffix(int op, const T* x, int64_t n, double lo, double hi,     \
                                      T* out) {                                                \
    for (int64_t i = 0; i < n; i++) out[i] = Unary<T>::apply(op, x[i], lo, hi);                \
  }                                                                                            \
  ADJ_EXPORT void host_binary_##suffix(int op, const T* a, const T* b, int64_t n, T* out,      \
                                       uint8_t* bool_out) {                                    \
    for (int64_t i = 0; i < n; i++) {                                                          \
      if (is_comparison(op)) {                                                                 \
        bool_out[i] = compare<T>(op, a[i], b[i]);                                              \
      } else {                                                                                 \
        out[i] = Binary<T>::apply(op, a[i], b[i]);                                             \
      }                                                                                        \
    }                                                                                          \
  }
ADJ_HOST_OPS(f32, float)
ADJ_HOST_OPS(f64, double)
ADJ_HOST_OPS(i64, int64_t)

ADJ_EXPORT void host_cast_f64_i64(const double* x, int64_t n, int64_t* out) {
  for (int64_t i = 0; i < n; i++) out[i] = Cast<int64_t, double>::of(x[i]);
}

// The pointwise interpreter over host arrays (inputs and outputs as host addresses); returns
// kStatusBadProgram as the device entry point would.
#define ADJ_HOST_POINTWISE(suffix, T)                                                          \
  ADJ_EXPORT int host_pointwise_##suffix(const int32_t* steps, const double* constants,        \
                                         int nsteps, const double* scalars, int nscalars,      \
                                         const int32_t* outputs, int noutputs, int64_t count,  \
                                         const int64_t* inputs, int ninputs,                   \
                                         const int64_t* output_ptrs) {                         \
    Program<T> p;                                                                              \
    if (!decode_program<T>(steps, constants, nsteps, scalars, nscalars, outputs, noutputs,     \
                           ninputs, &p)) {                                                     \
      return kStatusBadProgram;                                                                \
    }                                                                                          \
    Operands<T> ops;                                                                           \
    for (int k = 0; k < ninputs; k++) ops.in[k] = (const T*)(uintptr_t)inputs[k];              \
    for (int k = 0; k < noutputs; k++) ops.out[k] = (T*)(uintptr_t)output_ptrs[k];             \
    for (int64_t i = 0; i < count; i++) eval_program<T>(p, ops.in, ops.out, i);                \
    return 0;                                                                                  \
  }
ADJ_HOST_POINTWISE(f32, float)
ADJ_HOST_POINTWISE(f64, double)

// The pooling kernels' elements over every output (forward) or input (backward) element.
#define ADJ_HOST_POOL(suffix, T)                                                                \
  ADJ_EXPORT void host_max_pool2d_##suffix(const T* x, const int32_t* window, T* y) {           \
    Window w = decode_window(window);                                                           \
    for (int64_t e = 0; e < (int64_t)w.batch * w.channels * w.oh * w.ow; e++) {                 \
      max_pool_element<T>(x, w, y, e);                                                          \
    }                                                                                           \
  }                                                                                             \
  ADJ_EXPORT void host_max_pool2d_grad_##suffix(const T* g, const T* x, const int32_t* window,  \
                                                T* dx) {                                        \
    Window w = decode_window(window);                                                           \
    for (int64_t e = 0; e < (int64_t)w.batch * w.channels * w.height * w.width; e++) {          \
      max_pool_grad_element<T>(g, x, w, dx, e);                                                 \
    }                                                                                           \
  }                                                                                             \
  ADJ_EXPORT void host_avg_pool2d_##suffix(const T* x, const int32_t* window, int include_pad,  \
                                           T* y) {                                              \
    Window w = decode_window(window);                                                           \
    for (int64_t e = 0; e < (int64_t)w.batch * w.channels * w.oh * w.ow; e++) {                 \
      avg_pool_element<T>(x, w, include_pad != 0, y, e);                                        \
    }                                                                                           \
  }                                                                                             \
  ADJ_EXPORT void host_avg_pool2d_grad_##suffix(const T* g, const int32_t* window,              \
                                                int include_pad, T* dx) {                       \
    Window w = decode_window(window);                                                           \
    for (int64_t e = 0; e < (int64_t)w.batch * w.channels * w.height * w.width; e++) {          \
      avg_pool_grad_element<T>(g, w, include_pad != 0, dx, e);                                  \
    }                                                                                           \
  }                                                                                             \
  ADJ_EXPORT void host_adaptive_avg_pool2d_##suffix(const T* x, int64_t planes, int h, int w,   \
                                                    int oh, int ow, T* y) {                     \
    for (int64_t e = 0; e < planes * oh * ow; e++) adaptive_avg_element<T>(x, h, w, oh, ow, y, e); \
  }                                                                                             \
  ADJ_EXPORT void host_adaptive_avg_pool2d_grad_##suffix(const T* g, int64_t planes, int h,     \
                                                         int w, int oh, int ow, T* dx) {        \
    for (int64_t e = 0; e < planes * h * w; e++) {                                              \
      adaptive_avg_grad_element<T>(g, h, w, oh, ow, dx, e);                                     \
    }                                                                                           \
  }                                                                                             \
  ADJ_EXPORT void host_im2col_##suffix(const T* input, const int32_t* window, int c0, int cg,   \
                                       int images, T* col) {                                    \
    Window w = decode_window(window);                                                           \
    int64_t total = (int64_t)images * cg * w.kh * w.kw * w.oh * w.ow;                           \
    for (int64_t e = 0; e < total; e++) im2col_element<T>(input, w, c0, cg, col, e);            \
  }                                                                                             \
  ADJ_EXPORT void host_col2im_##suffix(const T* col, const int32_t* window, int c0, int cg,     \
                                       int images, T* grad_input) {                             \
    Window w = decode_window(window);                                                           \
    int64_t total = (int64_t)images * cg * w.height * w.width;                                  \
    for (int64_t e = 0; e < total; e++) col2im_element<T>(col, w, c0, cg, grad_input, e);       \
  }
ADJ_HOST_POOL(f32, float)
ADJ_HOST_POOL(f64, double)

// The indexing kernels' elements, with the same layout decoding and argument checks as their
// entry points; accumulation is a plain add in element order. Return the entry point's status.
ADJ_EXPORT int host_index_select_f64(const double* src, const int64_t* src_layout, int dim,
                                     const int64_t* index, int64_t m, double* dst) {
  ADJ_LAYOUT(ls, src_layout);
  if (dim < 0 || dim >= ls.rank) return kStatusBadArgument;
  int64_t n = 1;
  for (int d = 0; d < ls.rank; d++) n *= d == dim ? m : ls.size[d];
  for (int64_t e = 0; e < n; e++) index_select_element<double>(src, ls, dim, index, m, dst, e);
  return 0;
}

ADJ_EXPORT int host_gather_f64(const double* src, const int64_t* src_layout, int dim,
                               const int64_t* index, const int64_t* index_layout, double* dst) {
  ADJ_LAYOUT(ls, src_layout);
  ADJ_LAYOUT(li, index_layout);
  if (li.rank > 0 && (dim < 0 || dim >= li.rank || li.rank != ls.rank)) return kStatusBadArgument;
  for (int64_t e = 0; e < li.numel(); e++) {
    gather_element<double>(src, ls, li, li.rank == 0 ? -1 : dim, index, dst, e);
  }
  return 0;
}

ADJ_EXPORT int host_index_add_f64(double* dst, int64_t outer, int64_t size, int64_t inner,
                                  const int64_t* index, int64_t m, const double* source) {
  for (int64_t e = 0; e < outer * m * inner; e++) {
    int64_t at = index_add_target(e, size, index, m, inner);
    if (at >= 0) dst[at] += source[e];
  }
  return 0;
}

ADJ_EXPORT int host_scatter_add_f64(double* dst, const int64_t* dst_layout, int dim,
                                    const int64_t* index, const int64_t* index_layout,
                                    const double* src, const int64_t* src_layout) {
  ADJ_LAYOUT(ld, dst_layout);
  ADJ_LAYOUT(li, index_layout);
  ADJ_LAYOUT(ls, src_layout);
  if (li.rank > 0 && (dim < 0 || dim >= li.rank || li.rank != ld.rank || li.rank != ls.rank)) {
    return kStatusBadArgument;
  }
  for (int64_t e = 0; e < li.numel(); e++) {
    int64_t dp, sp;
    if (scatter_target(ld, li, li.rank == 0 ? -1 : dim, index, ls, e, &dp, &sp)) dst[dp] += src[sp];
  }
  return 0;
}
