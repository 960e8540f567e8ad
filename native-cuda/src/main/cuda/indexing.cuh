// The index arithmetic of the indexing kernels as element functions for host and device:
// indexing.cu runs one per thread, the host tests run them in a loop against the CPU backend.
// An index outside its dimension makes the element do nothing (the range check run before the op
// has recorded it); `accumulate` is the kernels' atomic add, a plain add on the host.
#pragma once

#include <stdint.h>

#include "strided.cuh"

namespace adj {

// The storage position of row-major element e of a view of l whose dimension `dim` is resized
// to `dim_size` and whose coordinate along it is replaced by index[coordinate]; *ok turns false
// when that index lies outside l's dimension.
__host__ __device__ inline int64_t position_picking(const Strided& l, int64_t e, int dim,
                                                    int64_t dim_size, const int64_t* index,
                                                    bool* ok) {
  int64_t at = l.offset;
  for (int d = l.rank - 1; d >= 0; d--) {
    int64_t s = d == dim ? dim_size : l.size[d];
    int64_t q = e / s;
    int64_t c = e - q * s;
    e = q;
    if (d == dim) {
      int64_t k = index[c];
      if (k < 0 || k >= l.size[d]) *ok = false;
      c = k;
    }
    at += c * l.stride[d];
  }
  return at;
}

// dst (contiguous, src's shape with dim resized to m) element e.
template <typename T>
__host__ __device__ inline void index_select_element(const T* src, const Strided& ls, int dim,
                                                     const int64_t* index, int64_t m, T* dst,
                                                     int64_t e) {
  bool ok = true;
  int64_t p = position_picking(ls, e, dim, m, index, &ok);
  if (ok) dst[e] = src[p];
}

// index (contiguous, of `shape`, dst's too) picks the coordinate along dim of element e.
template <typename T>
__host__ __device__ inline void gather_element(const T* src, const Strided& ls,
                                               const Strided& shape, int dim,
                                               const int64_t* index, T* dst, int64_t e) {
  int64_t at = ls.offset, rest = e;
  bool ok = true;
  for (int d = shape.rank - 1; d >= 0; d--) {
    int64_t q = rest / shape.size[d];
    int64_t c = rest - q * shape.size[d];
    rest = q;
    if (d == dim) {
      c = index[e];
      ok = c >= 0 && c < ls.size[d];
    }
    at += c * ls.stride[d];
  }
  if (ok) dst[e] = src[at];
}

// Where element e of source (contiguous [outer, m, inner]) goes in dst (contiguous
// [outer, size, inner]), or -1 for an index out of range.
__host__ __device__ inline int64_t index_add_target(int64_t e, int64_t size,
                                                    const int64_t* index, int64_t m,
                                                    int64_t inner) {
  int64_t j = e % inner;
  int64_t i = (e / inner) % m;
  int64_t o = e / (inner * m);
  int64_t k = index[i];
  return k >= 0 && k < size ? (o * size + k) * inner + j : -1;
}

// For element e of index (contiguous, of `shape`): the positions in dst (index[e] along dim) and
// src (the same coordinates); false for an index out of range.
__host__ __device__ inline bool scatter_target(const Strided& ld, const Strided& shape, int dim,
                                               const int64_t* index, const Strided& ls,
                                               int64_t e, int64_t* dp, int64_t* sp) {
  int64_t d_at = ld.offset, s_at = ls.offset, rest = e;
  bool ok = true;
  for (int d = shape.rank - 1; d >= 0; d--) {
    int64_t q = rest / shape.size[d];
    int64_t c = rest - q * shape.size[d];
    rest = q;
    s_at += c * ls.stride[d];
    if (d == dim) {
      c = index[e];
      ok = c >= 0 && c < ld.size[d];
    }
    d_at += c * ld.stride[d];
  }
  *dp = d_at;
  *sp = s_at;
  return ok;
}

}  // namespace adj
