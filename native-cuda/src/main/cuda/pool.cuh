// 2-d pooling, forward and backward side by side, as element functions for host and device:
// pool.cu runs one per thread, the host tests run them in a loop against the CPU backend.
// Semantics of backend/cpu/Pooling: max keeps the first maximum of each window (NaN always wins)
// and its backward finds it again; average divides by the window area with padding when asked,
// else by the part inside; adaptive windows are [floor(i H / oh), ceil((i + 1) H / oh)).
// Backward elements gather (one per input element): no atomics, a fixed order of additions.
#pragma once

#include <math.h>
#include <stdint.h>

#include "window.cuh"

namespace adj {

__host__ __device__ inline int imin(int a, int b) { return a < b ? a : b; }
__host__ __device__ inline int imax(int a, int b) { return a > b ? a : b; }

// The in-plane offset of window (i, j)'s maximum, as Pooling.argmax scans it.
template <typename T>
__host__ __device__ inline int window_argmax(const T* x, const Window& w, int i, int j) {
  int h0 = i * w.sh - w.ph, w0 = j * w.sw - w.pw;
  int h1 = imin(h0 + (w.kh - 1) * w.dh + 1, w.height);
  int w1 = imin(w0 + (w.kw - 1) * w.dw + 1, w.width);
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

// Output element e of [N, C, oh, ow].
template <typename T>
__host__ __device__ inline void max_pool_element(const T* x, const Window& w, T* y, int64_t e) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
  int64_t p = e / on;
  int q = (int)(e % on);
  const T* plane = x + p * in;
  y[e] = plane[window_argmax(plane, w, q / w.ow, q % w.ow)];
}

// The output windows [lo, hi] that can contain input row y.
__host__ __device__ inline void covering(int y, int stride, int pad, int span, int out, int* lo,
                                         int* hi) {
  int a = y + pad - span;  // oy * stride >= a
  *lo = a <= 0 ? 0 : (a + stride - 1) / stride;
  *hi = imin((y + pad) / stride, out - 1);
}

// Input element e of [N, C, H, W].
template <typename T>
__host__ __device__ inline void max_pool_grad_element(const T* g, const T* x, const Window& w,
                                                      T* dx, int64_t e) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
  int64_t p = e / in;
  int q = (int)(e % in), y = q / w.width, xx = q % w.width;
  const T* plane = x + p * in;
  int i0, i1, j0, j1;
  covering(y, w.sh, w.ph, (w.kh - 1) * w.dh, w.oh, &i0, &i1);
  covering(xx, w.sw, w.pw, (w.kw - 1) * w.dw, w.ow, &j0, &j1);
  T acc = 0;
  for (int i = i0; i <= i1; i++) {
    for (int j = j0; j <= j1; j++) {
      if (window_argmax(plane, w, i, j) == q) acc += g[p * on + (int64_t)i * w.ow + j];
    }
  }
  dx[e] = acc;
}

__host__ __device__ inline int avg_divisor(const Window& w, int i, int j, bool include_pad) {
  int h0 = i * w.sh - w.ph, w0 = j * w.sw - w.pw;
  int h1 = imin(h0 + w.kh, w.height + w.ph), w1 = imin(w0 + w.kw, w.width + w.pw);
  int area = (h1 - h0) * (w1 - w0);
  h0 = imax(h0, 0);
  w0 = imax(w0, 0);
  h1 = imin(h1, w.height);
  w1 = imin(w1, w.width);
  if (h0 >= h1 || w0 >= w1) return 0;
  return include_pad ? area : (h1 - h0) * (w1 - w0);
}

template <typename T>
__host__ __device__ inline void avg_pool_element(const T* x, const Window& w, bool include_pad,
                                                 T* y, int64_t e) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
  int64_t p = e / on;
  int q = (int)(e % on), i = q / w.ow, j = q % w.ow;
  int h0 = imax(i * w.sh - w.ph, 0), h1 = imin(i * w.sh - w.ph + w.kh, w.height);
  int w0 = imax(j * w.sw - w.pw, 0), w1 = imin(j * w.sw - w.pw + w.kw, w.width);
  int div = avg_divisor(w, i, j, include_pad);
  T sum = 0;
  for (int r = h0; r < h1; r++) {
    for (int c = w0; c < w1; c++) sum += x[p * in + r * w.width + c];
  }
  y[e] = div == 0 ? (T)0 : sum / (T)div;
}

template <typename T>
__host__ __device__ inline void avg_pool_grad_element(const T* g, const Window& w,
                                                      bool include_pad, T* dx, int64_t e) {
  int64_t on = (int64_t)w.oh * w.ow, in = (int64_t)w.height * w.width;
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

__host__ __device__ inline int adaptive_start(int i, int in, int out) {
  return (int)((int64_t)i * in / out);
}
__host__ __device__ inline int adaptive_end(int i, int in, int out) {
  return (int)(((int64_t)(i + 1) * in + out - 1) / out);
}

template <typename T>
__host__ __device__ inline void adaptive_avg_element(const T* x, int h, int wd, int oh, int ow,
                                                     T* y, int64_t e) {
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

template <typename T>
__host__ __device__ inline void adaptive_avg_grad_element(const T* g, int h, int wd, int oh,
                                                          int ow, T* dx, int64_t e) {
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

}  // namespace adj
