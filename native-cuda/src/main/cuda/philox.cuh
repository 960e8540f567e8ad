// Philox4x32-10 and the mapping from its words to values, exactly as dev.adjoint.backend.Philox
// defines them (that class is the specification; see its javadoc for the stream layout). Host and
// device: the library exports host entry points that the Java tests compare with Philox.
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

namespace adj {

__host__ __device__ inline uint32_t mulhi32(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
  return __umulhi(a, b);
#else
  return (uint32_t)(((uint64_t)a * b) >> 32);
#endif
}

// Philox4x32-10 of counter (c0..c3) under key (k0, k1); the words Random123 returns.
__host__ __device__ inline void philox4x32_10(uint32_t c[4], uint32_t k0, uint32_t k1) {
  const uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  const uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
  for (int r = 0; r < 10; r++) {
    uint32_t hi0 = mulhi32(M0, c[0]), lo0 = M0 * c[0];
    uint32_t hi1 = mulhi32(M1, c[2]), lo1 = M1 * c[2];
    uint32_t n0 = hi1 ^ c[1] ^ k0;
    uint32_t n2 = hi0 ^ c[3] ^ k1;
    c[0] = n0;
    c[1] = lo1;
    c[2] = n2;
    c[3] = lo0;
    k0 += W0;
    k1 += W1;
  }
}

// Block `block` of seed's stream as two 64-bit words: word 0 is x1:x0, word 1 is x3:x2.
__host__ __device__ inline void philox_block(uint64_t seed, uint64_t block, uint64_t out[2]) {
  uint32_t c[4] = {(uint32_t)block, (uint32_t)(block >> 32), 0u, 0u};
  philox4x32_10(c, (uint32_t)seed, (uint32_t)(seed >> 32));
  out[0] = ((uint64_t)c[1] << 32) | c[0];
  out[1] = ((uint64_t)c[3] << 32) | c[2];
}

// The word value i of a draw at `offset` reads.
__host__ __device__ inline uint64_t philox_word(uint64_t seed, uint64_t offset, uint64_t i) {
  uint64_t w[2];
  philox_block(seed, offset + (i >> 1), w);
  return w[i & 1];
}

__host__ __device__ inline double uniform_double(uint64_t w) {
  return (double)(w >> 11) * 0x1p-53;
}

__host__ __device__ inline float uniform_float(uint64_t w) {
  return (float)(w >> 40) * 0x1p-24f;
}

// floor(w * range / 2^64), range read as unsigned (0 meaning 2^64).
__host__ __device__ inline uint64_t below(uint64_t w, uint64_t range) {
#ifdef __CUDA_ARCH__
  return __umul64hi(w, range);
#else
  return (uint64_t)(((unsigned __int128)w * range) >> 64);
#endif
}

__host__ __device__ inline double normal_radius(uint64_t w0) {
  return sqrt(-2.0 * log(1.0 - uniform_double(w0)) + 0.0);
}

__host__ __device__ inline double normal_angle(uint64_t w1) {
  return 6.283185307179586 * uniform_double(w1);
}

// The standard normal of value 2j (second false) or 2j + 1 (second true) of a block.
__host__ __device__ inline double normal(uint64_t w0, uint64_t w1, bool second) {
  double theta = normal_angle(w1);
  return normal_radius(w0) * (second ? sin(theta) : cos(theta));
}


// Java's Math.nextDown for the finite values it is used on here (the largest value below x).
__host__ __device__ inline double next_down(double x) {
  if (x != x || x == -INFINITY) return x;
  if (x == 0.0) return -4.9e-324;
  int64_t bits;
  memcpy(&bits, &x, sizeof bits);
  bits += x > 0 ? -1 : 1;
  memcpy(&x, &bits, sizeof bits);
  return x;
}
__host__ __device__ inline float next_down(float x) {
  if (x != x || x == -INFINITY) return x;
  if (x == 0.0f) return -1.4e-45f;
  int32_t bits;
  memcpy(&bits, &x, sizeof bits);
  bits += x > 0 ? -1 : 1;
  memcpy(&x, &bits, sizeof bits);
  return x;
}

// Value i of each draw, as RandomFill computes it on the CPU.
__host__ __device__ inline float uniform_value_f32(uint64_t seed, uint64_t offset, uint64_t i,
                                                   double low, double high) {
  float u = uniform_float(philox_word(seed, offset, i));
  if (low == 0.0 && high == 1.0) return u;
  float lf = (float)low, hf = (float)high;
  float v = (float)(low + (high - low) * (double)u);
  return v >= hf && hf > lf ? next_down(hf) : v;
}

__host__ __device__ inline double uniform_value_f64(uint64_t seed, uint64_t offset, uint64_t i,
                                                    double low, double high) {
  double v = low + (high - low) * uniform_double(philox_word(seed, offset, i));
  return v >= high && high > low ? next_down(high) : v;
}

__host__ __device__ inline double normal_value(uint64_t seed, uint64_t offset, uint64_t i,
                                               double mean, double std) {
  uint64_t w[2];
  philox_block(seed, offset + (i >> 1), w);
  return mean + std * normal(w[0], w[1], (i & 1) != 0);
}

__host__ __device__ inline bool bernoulli_value(uint64_t seed, uint64_t offset, uint64_t i,
                                                double p) {
  return uniform_double(philox_word(seed, offset, i)) < p;
}

__host__ __device__ inline int64_t int_value(uint64_t seed, uint64_t offset, uint64_t i,
                                             int64_t low, int64_t high) {
  uint64_t range = (uint64_t)high - (uint64_t)low;
  return (int64_t)((uint64_t)low + below(philox_word(seed, offset, i), range));
}

}  // namespace adj
