// The geometry of dev.adjoint.backend.Window2d, passed from Java as 14 ints in record order.
#pragma once

#include <stdint.h>

namespace adj {

struct Window {
  int batch, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};

__host__ __device__ inline Window decode_window(const int32_t* w) {
  Window r = {w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12],
              w[13]};
  return r;
}

}  // namespace adj
