// Dense linear algebra that cuBLAS does not cover: int64 GEMM (exact, wrapping like Java's long)
// and batched matrix inversion (Gauss-Jordan with partial pivoting, one block per matrix).
// Floating GEMM goes to cuBLAS (CudaBackend.gemm).
#include <math.h>

#include "common.cuh"

namespace adj {

// Backend.gemm's operand convention: row-major (trans false, ld between rows) or column-major
// (trans true, ld between columns).
template <typename T>
__global__ void gemm_naive_kernel(bool ta, bool tb, int m, int n, int k, T alpha, const T* a,
                                  int64_t lda, int64_t sa, const T* b, int64_t ldb, int64_t sb,
                                  T beta, T* c, int64_t ldc, int64_t sc, int batch) {
  int64_t total = (int64_t)batch * m * n;
  ADJ_GRID_STRIDE(e, total) {
    int64_t j = e % n, i = (e / n) % m, bi = e / ((int64_t)m * n);
    const T* A = a + bi * sa;
    const T* B = b + bi * sb;
    T acc = 0;
    for (int p = 0; p < k; p++) {
      T x = ta ? A[i + p * lda] : A[i * lda + p];
      T y = tb ? B[p + j * ldb] : B[p * ldb + j];
      acc += x * y;
    }
    T* C = c + bi * sc + i * ldc + j;
    *C = beta == (T)0 ? alpha * acc : alpha * acc + beta * *C;
  }
}

// Inverts matrix blockIdx.x of a (contiguous [batch, n, n]) into dst through work ([batch, n, 2n]
// doubles, then [batch, n] column scales). A pivot that is rounding noise relative to its column
// (|pivot| <= n eps max|column|, eps the input dtype's, as the CPU's LU decides) records the first
// such matrix in slot (atomicMin), as check_range does. Partial pivoting picks the same pivots as
// the CPU's LU: rows above the diagonal never compete.
template <typename T>
__global__ void inverse_kernel(const T* a, T* dst, double* work, int n, double eps,
                               long long* slot) {
  __shared__ int pivot_row;
  __shared__ bool singular;
  int64_t mat = blockIdx.x;
  const T* A = a + mat * n * n;
  T* D = dst + mat * n * n;
  double* W = work + mat * n * 2 * n;
  double* scale = work + (int64_t)gridDim.x * n * 2 * n + mat * n;
  int w = 2 * n;
  for (int e = threadIdx.x; e < n * w; e += blockDim.x) {
    int r = e / w, c = e % w;
    W[e] = c < n ? (double)A[r * n + c] : (c - n == r ? 1.0 : 0.0);
  }
  for (int c = threadIdx.x; c < n; c += blockDim.x) {
    double m = 0;
    for (int r = 0; r < n; r++) m = fmax(m, fabs((double)A[r * n + c]));
    scale[c] = m;
  }
  __syncthreads();
  if (threadIdx.x == 0) singular = false;
  __syncthreads();
  for (int col = 0; col < n; col++) {
    if (threadIdx.x == 0) {
      int best = col;
      double bv = fabs(W[col * w + col]);
      for (int r = col + 1; r < n; r++) {
        double v = fabs(W[r * w + col]);
        if (v > bv) { bv = v; best = r; }
      }
      pivot_row = best;
      double pivot = W[best * w + col];
      if (!(fabs(pivot) > n * eps * scale[col]) || !isfinite(pivot)) singular = true;
    }
    __syncthreads();
    if (singular) break;
    int pr = pivot_row;
    if (pr != col) {
      for (int c = threadIdx.x; c < w; c += blockDim.x) {
        double t = W[col * w + c];
        W[col * w + c] = W[pr * w + c];
        W[pr * w + c] = t;
      }
    }
    __syncthreads();
    double p = W[col * w + col];
    __syncthreads();
    for (int c = threadIdx.x; c < w; c += blockDim.x) W[col * w + c] /= p;
    __syncthreads();
    for (int e = threadIdx.x; e < n * w; e += blockDim.x) {
      int r = e / w, c = e % w;
      if (r != col && c != col) W[e] -= W[r * w + col] * W[col * w + c];
    }
    __syncthreads();
    for (int r = threadIdx.x; r < n; r += blockDim.x) {
      if (r != col) W[r * w + col] = 0.0;
    }
    __syncthreads();
  }
  if (singular) {
    if (threadIdx.x == 0) atomicMin(&slot[0], (long long)mat);
    return;
  }
  for (int e = threadIdx.x; e < n * n; e += blockDim.x) {
    D[e] = (T)W[(e / n) * w + n + e % n];
  }
}

}  // namespace adj

using namespace adj;

// Pointers are at each operand's first element (offsets applied by the caller).
#define ADJ_GEMM(suffix, T)                                                                   \
  ADJ_EXPORT int gemm_##suffix(int trans_a, int trans_b, int m, int n, int k, double alpha,   \
                               const T* a, int64_t lda, int64_t stride_a, const T* b,         \
                               int64_t ldb, int64_t stride_b, double beta, T* c, int64_t ldc, \
                               int64_t stride_c, int batch, cudaStream_t stream) {            \
    int64_t total = (int64_t)batch * m * n;                                                   \
    if (total == 0) return 0;                                                                 \
    gemm_naive_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(                         \
        trans_a != 0, trans_b != 0, m, n, k, Cast<T, double>::of(alpha), a, lda, stride_a, b, \
        ldb, stride_b, Cast<T, double>::of(beta), c, ldc, stride_c, batch);                   \
    ADJ_CHECK_LAUNCH();                                                                       \
    return 0;                                                                                 \
  }
ADJ_GEMM(f32, float)
ADJ_GEMM(f64, double)
ADJ_GEMM(i64, int64_t)

// work: batch * n * (2n + 1) doubles of scratch; slot as check_range's.
#define ADJ_INVERSE(suffix, T, EPS)                                                            \
  ADJ_EXPORT int inverse_##suffix(const T* a, T* dst, double* work, int batch, int n,          \
                                  long long* slot, cudaStream_t stream) {                      \
    if (batch == 0 || n == 0) return 0;                                                        \
    inverse_kernel<T><<<batch, 128, 0, stream>>>(a, dst, work, n, EPS, slot);                  \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }
ADJ_INVERSE(f32, float, 0x1p-23)
ADJ_INVERSE(f64, double, 0x1p-52)
