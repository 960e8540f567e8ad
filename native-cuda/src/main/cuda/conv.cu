// Convolution by im2col + GEMM (cuBLAS, driven by CudaBackend): im2col unfolds the windows of a
// chunk of images for one group, col2im folds the columns back (the input gradient), and
// bias_add broadcasts the bias over the output planes. Forward and backward side by side.
#include "common.cuh"
#include "window.cuh"

namespace adj {

// col[n][c * kh * kw + ki * kw + kj][oh * ow_ + ow] for the channels [c0, c0 + cg) of images
// [0, images) of input (contiguous [images, C, H, W] from its pointer).
template <typename T>
__global__ void im2col_kernel(const T* input, Window w, int c0, int cg, int images, T* col) {
  int64_t plane = (int64_t)w.oh * w.ow;
  int64_t rows = (int64_t)cg * w.kh * w.kw;
  int64_t total = images * rows * plane;
  ADJ_GRID_STRIDE(e, total) {
    int64_t p = e % plane;
    int64_t row = (e / plane) % rows;
    int64_t n = e / (plane * rows);
    int kj = (int)(row % w.kw), ki = (int)((row / w.kw) % w.kh), c = (int)(row / (w.kw * w.kh));
    int oy = (int)(p / w.ow), ox = (int)(p % w.ow);
    int y = oy * w.sh - w.ph + ki * w.dh;
    int x = ox * w.sw - w.pw + kj * w.dw;
    T v = 0;
    if (y >= 0 && y < w.height && x >= 0 && x < w.width) {
      v = input[((n * w.channels + c0 + c) * (int64_t)w.height + y) * w.width + x];
    }
    col[e] = v;
  }
}

// The adjoint of im2col: each input element of channels [c0, c0 + cg) sums the columns that read
// it (a gather, so no atomics and a deterministic order), overwriting grad_input.
template <typename T>
__global__ void col2im_kernel(const T* col, Window w, int c0, int cg, int images, T* grad_input) {
  int64_t plane = (int64_t)w.oh * w.ow;
  int64_t rows = (int64_t)cg * w.kh * w.kw;
  int64_t total = (int64_t)images * cg * w.height * w.width;
  ADJ_GRID_STRIDE(e, total) {
    int x = (int)(e % w.width);
    int y = (int)((e / w.width) % w.height);
    int c = (int)((e / ((int64_t)w.width * w.height)) % cg);
    int64_t n = e / ((int64_t)w.width * w.height * cg);
    T acc = 0;
    for (int ki = 0; ki < w.kh; ki++) {
      int ty = y + w.ph - ki * w.dh;
      if (ty < 0 || ty % w.sh != 0) continue;
      int oy = ty / w.sh;
      if (oy >= w.oh) continue;
      for (int kj = 0; kj < w.kw; kj++) {
        int tx = x + w.pw - kj * w.dw;
        if (tx < 0 || tx % w.sw != 0) continue;
        int ox = tx / w.sw;
        if (ox >= w.ow) continue;
        int64_t row = ((int64_t)c * w.kh + ki) * w.kw + kj;
        acc += col[(n * rows + row) * plane + (int64_t)oy * w.ow + ox];
      }
    }
    grad_input[((n * w.channels + c0 + c) * (int64_t)w.height + y) * w.width + x] = acc;
  }
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
    im2col_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(input, w, c0, cg, images,     \
                                                                 col);                         \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }                                                                                            \
  ADJ_EXPORT int col2im_##suffix(const T* col, const int32_t* window, int c0, int cg,          \
                                 int images, T* grad_input, cudaStream_t stream) {             \
    Window w = decode_window(window);                                                          \
    int64_t total = (int64_t)images * cg * w.height * w.width;                                 \
    if (total == 0) return 0;                                                                  \
    col2im_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(col, w, c0, cg, images,       \
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
