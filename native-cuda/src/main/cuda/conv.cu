// Convolution by im2col + GEMM (cuBLAS, driven by CudaBackend): im2col unfolds the windows of a
// chunk of images for one group, col2im folds the columns back (the input gradient), and
// bias_add broadcasts the bias over the output planes. Forward and backward side by side; the
// index work is conv.cuh's element functions.
#include "common.cuh"
#include "conv.cuh"

namespace adj {

template <typename T>
__global__ void im2col_kernel(const T* input, Window w, int c0, int cg, int64_t total, T* col) {
  ADJ_GRID_STRIDE(e, total) { im2col_element<T>(input, w, c0, cg, col, e); }
}

template <typename T>
__global__ void col2im_kernel(const T* col, Window w, int c0, int cg, int64_t total,
                              T* grad_input) {
  ADJ_GRID_STRIDE(e, total) { col2im_element<T>(col, w, c0, cg, grad_input, e); }
}

template <typename T>
__global__ void bias_add_kernel(T* dst, const T* bias, int64_t channels, int64_t plane,
                                int64_t total) {
  ADJ_GRID_STRIDE(e, total) { dst[e] += bias[(e / plane) % channels]; }
}

}  // namespace adj

using namespace adj;

#define ADJ_CONV(suffix, T)                                                                    \
  ADJ_EXPORT int im2col_##suffix(const T* input, const int32_t* window, int c0, int cg,        \
                                 int images, T* col, cudaStream_t stream) {                    \
    Window w = decode_window(window);                                                          \
    int64_t total = (int64_t)images * cg * w.kh * w.kw * w.oh * w.ow;                          \
    if (total == 0) return 0;                                                                  \
    im2col_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(input, w, c0, cg, total,      \
                                                                 col);                         \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }                                                                                            \
  ADJ_EXPORT int col2im_##suffix(const T* col, const int32_t* window, int c0, int cg,          \
                                 int images, T* grad_input, cudaStream_t stream) {             \
    Window w = decode_window(window);                                                          \
    int64_t total = (int64_t)images * cg * w.height * w.width;                                 \
    if (total == 0) return 0;                                                                  \
    col2im_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(col, w, c0, cg, total,        \
                                                                 grad_input);                  \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }                                                                                            \
  ADJ_EXPORT int bias_add_##suffix(T* dst, const T* bias, int64_t images, int64_t channels,    \
                                   int64_t plane, cudaStream_t stream) {                       \
    int64_t total = images * channels * plane;                                                 \
    if (total == 0) return 0;                                                                  \
    bias_add_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(dst, bias, channels, plane, \
                                                                   total);                     \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }
ADJ_CONV(f32, float)
ADJ_CONV(f64, double)
