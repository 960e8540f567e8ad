// 2-d pooling kernels, forward and backward side by side: one thread per element of pool.cuh's
// element functions (which hold the semantics and are tested on the host).
#include "common.cuh"
#include "pool.cuh"

namespace adj {

template <typename T>
__global__ void max_pool_kernel(const T* x, Window w, T* y, int64_t total) {
  ADJ_GRID_STRIDE(e, total) { max_pool_element<T>(x, w, y, e); }
}

template <typename T>
__global__ void max_pool_grad_kernel(const T* g, const T* x, Window w, T* dx, int64_t total) {
  ADJ_GRID_STRIDE(e, total) { max_pool_grad_element<T>(g, x, w, dx, e); }
}

template <typename T>
__global__ void avg_pool_kernel(const T* x, Window w, bool include_pad, T* y, int64_t total) {
  ADJ_GRID_STRIDE(e, total) { avg_pool_element<T>(x, w, include_pad, y, e); }
}

template <typename T>
__global__ void avg_pool_grad_kernel(const T* g, Window w, bool include_pad, T* dx,
                                     int64_t total) {
  ADJ_GRID_STRIDE(e, total) { avg_pool_grad_element<T>(g, w, include_pad, dx, e); }
}

template <typename T>
__global__ void adaptive_avg_kernel(const T* x, int h, int wd, int oh, int ow, T* y,
                                    int64_t total) {
  ADJ_GRID_STRIDE(e, total) { adaptive_avg_element<T>(x, h, wd, oh, ow, y, e); }
}

template <typename T>
__global__ void adaptive_avg_grad_kernel(const T* g, int h, int wd, int oh, int ow, T* dx,
                                         int64_t total) {
  ADJ_GRID_STRIDE(e, total) { adaptive_avg_grad_element<T>(g, h, wd, oh, ow, dx, e); }
}

}  // namespace adj

using namespace adj;

// All tensors contiguous [N, C, H, W] from their pointers; gradients are overwritten.
#define ADJ_POOL(suffix, T)                                                                     \
  ADJ_EXPORT int max_pool2d_##suffix(const T* x, const int32_t* window, T* y,                   \
                                     cudaStream_t stream) {                                     \
    Window w = decode_window(window);                                                           \
    int64_t total = (int64_t)w.batch * w.channels * w.oh * w.ow;                                \
    if (total == 0) return 0;                                                                   \
    max_pool_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(x, w, y, total);             \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }                                                                                             \
  ADJ_EXPORT int max_pool2d_grad_##suffix(const T* g, const T* x, const int32_t* window, T* dx, \
                                          cudaStream_t stream) {                                \
    Window w = decode_window(window);                                                           \
    int64_t total = (int64_t)w.batch * w.channels * w.height * w.width;                         \
    if (total == 0) return 0;                                                                   \
    max_pool_grad_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(g, x, w, dx, total);    \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }                                                                                             \
  ADJ_EXPORT int avg_pool2d_##suffix(const T* x, const int32_t* window, int include_pad, T* y,  \
                                     cudaStream_t stream) {                                     \
    Window w = decode_window(window);                                                           \
    int64_t total = (int64_t)w.batch * w.channels * w.oh * w.ow;                                \
    if (total == 0) return 0;                                                                   \
    avg_pool_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(x, w, include_pad != 0, y,   \
                                                                   total);                      \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }                                                                                             \
  ADJ_EXPORT int avg_pool2d_grad_##suffix(const T* g, const int32_t* window, int include_pad,   \
                                          T* dx, cudaStream_t stream) {                         \
    Window w = decode_window(window);                                                           \
    int64_t total = (int64_t)w.batch * w.channels * w.height * w.width;                         \
    if (total == 0) return 0;                                                                   \
    avg_pool_grad_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(g, w, include_pad != 0, \
                                                                        dx, total);             \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }                                                                                             \
  ADJ_EXPORT int adaptive_avg_pool2d_##suffix(const T* x, int64_t planes, int h, int w, int oh, \
                                              int ow, T* y, cudaStream_t stream) {              \
    int64_t total = planes * oh * ow;                                                           \
    if (total == 0) return 0;                                                                   \
    adaptive_avg_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(x, h, w, oh, ow, y,      \
                                                                       total);                  \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }                                                                                             \
  ADJ_EXPORT int adaptive_avg_pool2d_grad_##suffix(const T* g, int64_t planes, int h, int w,    \
                                                   int oh, int ow, T* dx,                       \
                                                   cudaStream_t stream) {                       \
    int64_t total = planes * h * w;                                                             \
    if (total == 0) return 0;                                                                   \
    adaptive_avg_grad_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(g, h, w, oh, ow,    \
                                                                            dx, total);         \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }
ADJ_POOL(f32, float)
ADJ_POOL(f64, double)
