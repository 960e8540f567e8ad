// The CUDA runtime API as the Java side binds it (dev.adjoint.cuda.CudaRuntime). The runtime is
// linked statically (-cudart static), so its own symbols are hidden inside this library; each
// adj_<name> below is exactly the runtime's <name>, same arguments, same cudaError_t, exported so
// that users need only the driver (libcuda.so.1), never a CUDA toolkit.
#include <cuda_runtime.h>

#include "common.cuh"

ADJ_EXPORT int adj_cudaRuntimeGetVersion(int* v) { return cudaRuntimeGetVersion(v); }
ADJ_EXPORT int adj_cudaDriverGetVersion(int* v) { return cudaDriverGetVersion(v); }
ADJ_EXPORT int adj_cudaGetDeviceCount(int* n) { return cudaGetDeviceCount(n); }
ADJ_EXPORT int adj_cudaSetDevice(int d) { return cudaSetDevice(d); }
ADJ_EXPORT int adj_cudaDeviceSynchronize() { return cudaDeviceSynchronize(); }
ADJ_EXPORT int adj_cudaGetLastError() { return cudaGetLastError(); }
ADJ_EXPORT const char* adj_cudaGetErrorName(int e) { return cudaGetErrorName((cudaError_t)e); }
ADJ_EXPORT const char* adj_cudaGetErrorString(int e) {
  return cudaGetErrorString((cudaError_t)e);
}
ADJ_EXPORT int adj_cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
  return cudaMemGetInfo(free_bytes, total_bytes);
}
ADJ_EXPORT int adj_cudaDeviceGetAttribute(int* value, int attr, int device) {
  return cudaDeviceGetAttribute(value, (cudaDeviceAttr)attr, device);
}
ADJ_EXPORT int adj_cudaMalloc(void** p, size_t bytes) { return cudaMalloc(p, bytes); }
ADJ_EXPORT int adj_cudaFree(void* p) { return cudaFree(p); }
ADJ_EXPORT int adj_cudaMallocHost(void** p, size_t bytes) { return cudaMallocHost(p, bytes); }
ADJ_EXPORT int adj_cudaFreeHost(void* p) { return cudaFreeHost(p); }
ADJ_EXPORT int adj_cudaMemcpyAsync(void* dst, const void* src, size_t bytes, int kind,
                                   cudaStream_t stream) {
  return cudaMemcpyAsync(dst, src, bytes, (cudaMemcpyKind)kind, stream);
}
ADJ_EXPORT int adj_cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t stream) {
  return cudaMemsetAsync(dst, value, bytes, stream);
}
ADJ_EXPORT int adj_cudaStreamCreateWithFlags(cudaStream_t* s, unsigned int flags) {
  return cudaStreamCreateWithFlags(s, flags);
}
ADJ_EXPORT int adj_cudaStreamSynchronize(cudaStream_t s) { return cudaStreamSynchronize(s); }
ADJ_EXPORT int adj_cudaStreamDestroy(cudaStream_t s) { return cudaStreamDestroy(s); }
ADJ_EXPORT int adj_cudaEventCreateWithFlags(cudaEvent_t* e, unsigned int flags) {
  return cudaEventCreateWithFlags(e, flags);
}
ADJ_EXPORT int adj_cudaEventRecord(cudaEvent_t e, cudaStream_t s) {
  return cudaEventRecord(e, s);
}
ADJ_EXPORT int adj_cudaEventSynchronize(cudaEvent_t e) { return cudaEventSynchronize(e); }
ADJ_EXPORT int adj_cudaEventDestroy(cudaEvent_t e) { return cudaEventDestroy(e); }

// The version of this library's kernel ABI; the Java side refuses a library of another.
ADJ_EXPORT int adj_kernels_abi_version() { return 1; }
