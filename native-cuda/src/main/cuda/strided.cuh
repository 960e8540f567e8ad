// Strided and broadcast index arithmetic, the same on host and device. A layout travels from
// Java (LayoutCodec) as int64 words: {rank, offset, size[0..rank), stride[0..rank)}; strides may
// be 0 (broadcast) and the sizes multiply to the element count. Compiled for the host too, so
// the library's host test entry points check it against Java's Layout.position.
#pragma once

#include <stdint.h>

namespace adj {

constexpr int kMaxDims = 16;

struct Strided {
  int rank;
  int contiguous;  // row-major dense from offset: position(i) = offset + i
  int64_t offset;
  int64_t size[kMaxDims];
  int64_t stride[kMaxDims];

  // The storage position of the element at row-major position i.
  __host__ __device__ inline int64_t position(int64_t i) const {
    if (contiguous) return offset + i;
    int64_t at = offset;
    for (int d = rank - 1; d >= 0; d--) {
      int64_t s = size[d];
      int64_t q = i / s;
      at += (i - q * s) * stride[d];
      i = q;
    }
    return at;
  }

  __host__ __device__ inline int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < rank; d++) n *= size[d];
    return n;
  }
};

// Reads a descriptor; false when its rank exceeds kMaxDims (the entry point returns
// kStatusBadRank then, never reads past the arrays).
__host__ __device__ inline bool decode_layout(const int64_t* words, Strided* out) {
  int64_t rank = words[0];
  if (rank < 0 || rank > kMaxDims) return false;
  out->rank = (int)rank;
  out->offset = words[1];
  int64_t expected = 1;
  int contiguous = 1;
  for (int d = 0; d < kMaxDims; d++) {
    out->size[d] = d < rank ? words[2 + d] : 1;
    out->stride[d] = d < rank ? words[2 + rank + d] : 0;
  }
  for (int d = (int)rank - 1; d >= 0; d--) {
    if (out->size[d] != 1 && out->stride[d] != expected) contiguous = 0;
    expected *= out->size[d];
  }
  out->contiguous = contiguous;
  return true;
}

}  // namespace adj
