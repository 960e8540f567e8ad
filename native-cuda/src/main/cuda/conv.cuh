// im2col and col2im, the index work of convolution, as element functions for host and device:
// conv.cu runs one per thread, the host tests run them in a loop against the CPU backend's
// convolution. The GEMMs between them are cuBLAS's (CudaBackend).
#pragma once

#include <stdint.h>

#include "window.cuh"

namespace adj {

// Element e of col [images][cg * kh * kw][oh * ow] for the channels [c0, c0 + cg) of input
// (contiguous [images, C, H, W]): the input value each window position reads, 0 in the padding.
template <typename T>
__host__ __device__ inline void im2col_element(const T* input, const Window& w, int c0, int cg,
                                               T* col, int64_t e) {
  int64_t plane = (int64_t)w.oh * w.ow;
  int64_t rows = (int64_t)cg * w.kh * w.kw;
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

// The adjoint of im2col for input element e of [images][cg][H][W]: the sum of the columns that
// read it (a gather, so no atomics and a fixed order), written over channel c0 + c of grad_input.
template <typename T>
__host__ __device__ inline void col2im_element(const T* col, const Window& w, int c0, int cg,
                                               T* grad_input, int64_t e) {
  int64_t plane = (int64_t)w.oh * w.ow;
  int64_t rows = (int64_t)cg * w.kh * w.kw;
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

}  // namespace adj
