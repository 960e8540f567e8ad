// 2-d pooling, forward and backward side by side, with the CPU's semantics (backend/cpu/Pooling):
// max keeps the first maximum of each window (NaN always wins) and its backward finds it again;
// average divides by the window area with padding when asked, else by the part inside; adaptive
// windows are [floor(i H / oh), ceil((i + 1) H / oh)). Backward kernels gather (one thread per
// input element), so they need no atomics and sum in a fixed order.
#include "common.cuh"
#include "window.cuh"

namespace adj {

// The in-plane offset of window (i, j)'s maximum, as Pooling.argmax scans it.
template <typename T>
__device__ inline int argmax(const T* x, const Window& w, int i, int j) {
  int h0 = i * w.sh - w.ph, w0 = j * w.sw - w.pw;
  int h1 = min(h0 + (w.kh - 1) * w.dh + 1, w.height);
  int w1 = min(w0 + (w.kw - 1) * w.dw + 1, w.width);
  while (h0 < 0) h0 += w.dh;
  while (w0 < 0) w0 += w.dw;
  int best = h0 * w.width + w0;
  double max = -INFINITY;
  for (int r = h0; r < h1; r += w.dh) {
    for (int c = w0; c < w1; c += w.dw) {
      double v = (double)x[r * w.width + c];
      if (v > max || v != v) {
        max = v;
        best = r * w.width + c;
      }
    }
  }
  return best;
}

template <typename T>
__global__ void max_pool_kernel(const T* x, Window w, T* y, int64_t total) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
  ADJ_GRID_STRIDE(e, total) {
    int64_t p = e / on;
    int q = (int)(e % on);
    const T* plane = x + p * in;
    y[e] = plane[argmax(plane, w, q / w.ow, q % w.ow)];
  }
}

// The output windows that can contain input row y: oy with oy*sh - ph <= y <= oy*sh - ph + span.
__device__ inline void covering(int y, int stride, int pad, int span, int out, int* lo, int* hi) {
  int a = y + pad - span;  // oy * stride >= a
  *lo = a <= 0 ? 0 : (a + stride - 1) / stride;
  int b = y + pad;         // oy * stride <= b
  *hi = min(b / stride, out - 1);
}

template <typename T>
__global__ void max_pool_grad_kernel(const T* g, const T* x, Window w, T* dx, int64_t total) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
  ADJ_GRID_STRIDE(e, total) {
    int64_t p = e / in;
    int q = (int)(e % in), y = q / w.width, xx = q % w.width;
    const T* plane = x + p * in;
    int i0, i1, j0, j1;
    covering(y, w.sh, w.ph, (w.kh - 1) * w.dh, w.oh, &i0, &i1);
    covering(xx, w.sw, w.pw, (w.kw - 1) * w.dw, w.ow, &j0, &j1);
    T acc = 0;
    for (int i = i0; i <= i1; i++) {
      for (int j = j0; j <= j1; j++) {
        if (argmax(plane, w, i, j) == q) acc += g[p * on + (int64_t)i * w.ow + j];
      }
    }
    dx[e] = acc;
  }
}

__device__ inline int avg_divisor(const Window& w, int i, int j, bool include_pad) {
  int h0 = i * w.sh - w.ph, w0 = j * w.sw - w.pw;
  int h1 = min(h0 + w.kh, w.height + w.ph), w1 = min(w0 + w.kw, w.width + w.pw);
  int area = (h1 - h0) * (w1 - w0);
  h0 = max(h0, 0);
  w0 = max(w0, 0);
  h1 = min(h1, w.height);
  w1 = min(w1, w.width);
  if (h0 >= h1 || w0 >= w1) return 0;
  return include_pad ? area : (h1 - h0) * (w1 - w0);
}

template <typename T>
__global__ void avg_pool_kernel(const T* x, Window w, bool include_pad, T* y, int64_t total) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
  ADJ_GRID_STRIDE(e, total) {
    int64_t p = e / on;
    int q = (int)(e % on), i = q / w.ow, j = q % w.ow;
    int h0 = max(i * w.sh - w.ph, 0), h1 = min(i * w.sh - w.ph + w.kh, w.height);
    int w0 = max(j * w.sw - w.pw, 0), w1 = min(j * w.sw - w.pw + w.kw, w.width);
    int div = avg_divisor(w, i, j, include_pad);
    T sum = 0;
    for (int r = h0; r < h1; r++) {
      for (int c = w0; c < w1; c++) sum += x[p * in + r * w.width + c];
    }
    y[e] = div == 0 ? (T)0 : sum / (T)div;
  }
}

template <typename T>
__global__ void avg_pool_grad_kernel(const T* g, Window w, bool include_pad, T* dx,
                                     int64_t total) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
  ADJ_GRID_STRIDE(e, total) {
    int64_t p = e / in;
    int q = (int)(e % in), y = q / w.width, xx = q % w.width;
    int i0, i1, j0, j1;
    covering(y, w.sh, w.ph, w.kh - 1, w.oh, &i0, &i1);
    covering(xx, w.sw, w.pw, w.kw - 1, w.ow, &j0, &j1);
    T acc = 0;
    for (int i = i0; i <= i1; i++) {
      for (int j = j0; j <= j1; j++) {
        int div = avg_divisor(w, i, j, include_pad);
        if (div != 0) acc += g[p * on + (int64_t)i * w.ow + j] / (T)div;
      }
    }
    dx[e] = acc;
  }
}

__host__ __device__ inline int adaptive_start(int i, int in, int out) {
  return (int)((int64_t)i * in / out);
}
__host__ __device__ inline int adaptive_end(int i, int in, int out) {
  return (int)(((int64_t)(i + 1) * in + out - 1) / out);
}

template <typename T>
__global__ void adaptive_avg_kernel(const T* x, int h, int wd, int oh, int ow, T* y,
                                    int64_t total) {
  ADJ_GRID_STRIDE(e, total) {
    int64_t p = e / ((int64_t)oh * ow);
    int q = (int)(e % ((int64_t)oh * ow)), i = q / ow, j = q % ow;
    int h0 = adaptive_start(i, h, oh), h1 = adaptive_end(i, h, oh);
    int w0 = adaptive_start(j, wd, ow), w1 = adaptive_end(j, wd, ow);
    T sum = 0;
    for (int r = h0; r < h1; r++) {
      for (int c = w0; c < w1; c++) sum += x[p * h * wd + r * wd + c];
    }
    y[e] = sum / (T)((h1 - h0) * (w1 - w0));
  }
}

template <typename T>
__global__ void adaptive_avg_grad_kernel(const T* g, int h, int wd, int oh, int ow, T* dx,
                                         int64_t total) {
  ADJ_GRID_STRIDE(e, total) {
    int64_t p = e / ((int64_t)h * wd);
    int q = (int)(e % ((int64_t)h * wd)), y = q / wd, x = q % wd;
    T acc = 0;
    for (int i = 0; i < oh; i++) {
      int h0 = adaptive_start(i, h, oh), h1 = adaptive_end(i, h, oh);
      if (y < h0 || y >= h1) continue;
      for (int j = 0; j < ow; j++) {
        int w0 = adaptive_start(j, wd, ow), w1 = adaptive_end(j, wd, ow);
        if (x < w0 || x >= w1) continue;
        acc += g[p * oh * ow + i * ow + j] / (T)((h1 - h0) * (w1 - w0));
      }
    }
    dx[e] = acc;
  }
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
