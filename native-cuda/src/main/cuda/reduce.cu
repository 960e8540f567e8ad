// Row reductions: one block per row of a [outer, inner] view of a strided source, read in place.
// Floating results accumulate in double, int64 results exactly; MAX and MIN also give the index
// of the first extreme, and a NaN wins (the first one), as on the CPU and in PyTorch.
#include <math.h>

#include "common.cuh"

namespace adj {

enum ReduceCode { R_SUM, R_PROD, R_MEAN, R_MAX, R_MIN, R_VAR, R_LOGSUMEXP };

template <typename S>
__device__ inline double load_double(const S* src, const Strided& l, int64_t i) {
  return (double)src[l.position(i)];
}
template <typename S>
__device__ inline int64_t load_long(const S* src, const Strided& l, int64_t i) {
  return (int64_t)src[l.position(i)];
}

// Whether (v, i) should replace (best, at) as the running max (or min): NaN wins, then the
// larger (smaller) value, then the earlier position.
__device__ inline bool better(bool max, double v, int64_t i, double best, int64_t at) {
  bool vn = v != v, bn = best != best;
  if (vn || bn) return vn && (!bn || i < at);
  if (v == best) return i < at;
  return max ? v > best : v < best;
}
__device__ inline bool better_long(bool max, int64_t v, int64_t i, int64_t best, int64_t at) {
  if (v == best) return i < at;
  return max ? v > best : v < best;
}

template <typename A>
__device__ inline A block_sum(A v, A* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  A out = shared[0];
  __syncthreads();
  return out;
}

__device__ inline double block_prod(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) shared[threadIdx.x] *= shared[threadIdx.x + s];
    __syncthreads();
  }
  double out = shared[0];
  __syncthreads();
  return out;
}

// The max of a block's values with NaN propagating (LOGSUMEXP's shift).
__device__ inline double block_max(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      double a = shared[threadIdx.x], b = shared[threadIdx.x + s];
      shared[threadIdx.x] = (a != a || b != b) ? NAN : (a > b ? a : b);
    }
    __syncthreads();
  }
  double out = shared[0];
  __syncthreads();
  return out;
}

template <typename S, typename D>
__global__ void reduce_floating(int op, const S* src, Strided l, int64_t outer, int64_t inner,
                                D* values, int64_t* indices, double param) {
  __shared__ double sd[kThreads];
  __shared__ int64_t si[kThreads];
  for (int64_t r = blockIdx.x; r < outer; r += gridDim.x) {
    int64_t base = r * inner;
    double result = 0;
    int64_t where = 0;
    if (op == R_SUM || op == R_MEAN || op == R_VAR) {
      double acc = 0;
      for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
        acc += load_double(src, l, base + j);
      }
      double sum = block_sum(acc, sd);
      result = op == R_SUM ? sum : sum / (double)inner;
      if (op == R_VAR) {
        double mean = result, ss = 0;
        for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
          double d = load_double(src, l, base + j) - mean;
          ss += d * d;
        }
        ss = block_sum(ss, sd);
        double dof = (double)inner - param;
        result = ss / (dof > 0 ? dof : 0.0);
      }
    } else if (op == R_PROD) {
      double acc = 1;
      for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
        acc *= load_double(src, l, base + j);
      }
      result = block_prod(acc, sd);
    } else if (op == R_LOGSUMEXP) {
      double m = -INFINITY;
      for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
        double v = load_double(src, l, base + j);
        m = (v != v || m != m) ? NAN : (v > m ? v : m);
      }
      m = block_max(m, sd);
      if (isinf(m) || m != m) {
        result = m;  // all -inf gives -inf, any +inf gives +inf, NaN propagates
      } else {
        double s = 0;
        for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
          s += exp(load_double(src, l, base + j) - m);
        }
        result = m + log(block_sum(s, sd));
      }
    } else {  // MAX, MIN
      bool max = op == R_MAX;
      double best = NAN;
      int64_t at = INT64_MAX;
      for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
        double v = load_double(src, l, base + j);
        if (at == INT64_MAX || better(max, v, j, best, at)) {
          best = v;
          at = j;
        }
      }
      sd[threadIdx.x] = best;
      si[threadIdx.x] = at;
      __syncthreads();
      for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
          int64_t oat = si[threadIdx.x + s];
          if (oat != INT64_MAX && (si[threadIdx.x] == INT64_MAX ||
                                   better(max, sd[threadIdx.x + s], oat, sd[threadIdx.x],
                                          si[threadIdx.x]))) {
            sd[threadIdx.x] = sd[threadIdx.x + s];
            si[threadIdx.x] = oat;
          }
        }
        __syncthreads();
      }
      result = sd[0];
      where = si[0] == INT64_MAX ? 0 : si[0];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      values[r] = (D)result;
      if (indices != nullptr) indices[r] = where;
    }
  }
}

template <typename S>
__global__ void reduce_long(int op, const S* src, Strided l, int64_t outer, int64_t inner,
                            int64_t* values, int64_t* indices) {
  __shared__ int64_t sv[kThreads];
  __shared__ int64_t si[kThreads];
  for (int64_t r = blockIdx.x; r < outer; r += gridDim.x) {
    int64_t base = r * inner;
    int64_t result = 0, where = 0;
    if (op == R_SUM) {
      uint64_t acc = 0;
      for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
        acc += (uint64_t)load_long(src, l, base + j);
      }
      result = (int64_t)block_sum<unsigned long long>(acc, (unsigned long long*)sv);
    } else if (op == R_PROD) {
      uint64_t acc = 1;
      for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
        acc *= (uint64_t)load_long(src, l, base + j);
      }
      sv[threadIdx.x] = (int64_t)acc;
      __syncthreads();
      for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
          sv[threadIdx.x] = (int64_t)((uint64_t)sv[threadIdx.x] * (uint64_t)sv[threadIdx.x + s]);
        }
        __syncthreads();
      }
      result = sv[0];
      __syncthreads();
    } else {  // MAX, MIN (the others have no int64 result)
      bool max = op == R_MAX;
      int64_t best = 0, at = INT64_MAX;
      for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) {
        int64_t v = load_long(src, l, base + j);
        if (at == INT64_MAX || better_long(max, v, j, best, at)) {
          best = v;
          at = j;
        }
      }
      sv[threadIdx.x] = best;
      si[threadIdx.x] = at;
      __syncthreads();
      for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
          int64_t oat = si[threadIdx.x + s];
          if (oat != INT64_MAX && (si[threadIdx.x] == INT64_MAX ||
                                   better_long(max, sv[threadIdx.x + s], oat, sv[threadIdx.x],
                                               si[threadIdx.x]))) {
            sv[threadIdx.x] = sv[threadIdx.x + s];
            si[threadIdx.x] = oat;
          }
        }
        __syncthreads();
      }
      result = sv[0];
      where = si[0] == INT64_MAX ? 0 : si[0];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      values[r] = result;
      if (indices != nullptr) indices[r] = where;
    }
  }
}

inline unsigned int row_blocks(int64_t outer) {
  return (unsigned int)(outer < 65535LL * 16 ? (outer < 1 ? 1 : outer) : 65535LL * 16);
}

}  // namespace adj

using namespace adj;

// values and indices point at the first output element (the caller applied their offsets);
// indices may be null.
#define ADJ_REDUCE_FLOAT(ss, S, ds, D)                                                          \
  ADJ_EXPORT int reduce_##ss##_##ds(int op, const S* src, const int64_t* src_layout,            \
                                    int64_t outer, int64_t inner, D* values, int64_t* indices,  \
                                    double param, cudaStream_t stream) {                        \
    ADJ_LAYOUT(l, src_layout);                                                                  \
    if (outer == 0) return 0;                                                                   \
    reduce_floating<S, D><<<row_blocks(outer), kThreads, 0, stream>>>(op, src, l, outer, inner, \
                                                                      values, indices, param);  \
    ADJ_CHECK_LAUNCH();                                                                         \
    return 0;                                                                                   \
  }
#define ADJ_REDUCE_LONG(ss, S)                                                                   \
  ADJ_EXPORT int reduce_##ss##_i64(int op, const S* src, const int64_t* src_layout,              \
                                   int64_t outer, int64_t inner, int64_t* values,                \
                                   int64_t* indices, double param, cudaStream_t stream) {        \
    (void)param;                                                                                 \
    ADJ_LAYOUT(l, src_layout);                                                                   \
    if (outer == 0) return 0;                                                                    \
    reduce_long<S><<<row_blocks(outer), kThreads, 0, stream>>>(op, src, l, outer, inner, values, \
                                                               indices);                        \
    ADJ_CHECK_LAUNCH();                                                                          \
    return 0;                                                                                    \
  }
#define ADJ_REDUCE_FROM(ss, S)         \
  ADJ_REDUCE_FLOAT(ss, S, f32, float)  \
  ADJ_REDUCE_FLOAT(ss, S, f64, double) \
  ADJ_REDUCE_LONG(ss, S)
ADJ_REDUCE_FROM(f32, float)
ADJ_REDUCE_FROM(f64, double)
ADJ_REDUCE_FROM(i64, int64_t)
ADJ_REDUCE_FROM(bool, boolean)
