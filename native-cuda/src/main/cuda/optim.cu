// Fused optimizer updates over many tensors in one launch (multi-tensor apply): the tensors of a
// parameter group travel by value in the kernel's parameters, blockIdx.y picks the tensor and the
// x blocks stride over its elements. Formulas and their order are PyTorch's (torch.optim.SGD and
// Adam/AdamW with foreach=False), each step rounded to T.
#include <math.h>

#include "common.cuh"

namespace adj {

constexpr int kMaxTensors = 48;

template <typename T>
struct TensorList {
  int count;
  T* param[kMaxTensors];
  const T* grad[kMaxTensors];
  T* state1[kMaxTensors];  // SGD: momentum buffer; Adam: exp_avg
  T* state2[kMaxTensors];  // Adam: exp_avg_sq
  int64_t numel[kMaxTensors];
};

// p -= lr * d, where d = g + wd p, then with momentum: buf = first ? d : mu buf + (1 - damp) d,
// d = nesterov ? d + mu buf : buf.
template <typename T>
__global__ void sgd_kernel(TensorList<T> list, T lr, T momentum, T dampening, T weight_decay,
                           int nesterov, int first_step) {
  int t = blockIdx.y;
  if (t >= list.count) return;
  T* p = list.param[t];
  const T* g = list.grad[t];
  T* buf = list.state1[t];
  int64_t n = list.numel[t];
  ADJ_GRID_STRIDE(i, n) {
    T d = g[i];
    if (weight_decay != (T)0) d = d + weight_decay * p[i];
    if (momentum != (T)0) {
      T b = first_step ? d : momentum * buf[i] + ((T)1 - dampening) * d;
      buf[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    p[i] = p[i] - lr * d;
  }
}

// Adam (decoupled = 0: weight decay added to the gradient) or AdamW (decoupled = 1: p *= 1 - lr
// wd first). bias_correction1 = 1 - beta1^t and bias_correction2_sqrt = sqrt(1 - beta2^t) are
// computed once on the host for the step t.
template <typename T>
__global__ void adam_kernel(TensorList<T> list, T lr, T beta1, T beta2, T eps, T weight_decay,
                            int decoupled, T bias_correction1, T bias_correction2_sqrt) {
  int t = blockIdx.y;
  if (t >= list.count) return;
  T* p = list.param[t];
  const T* g = list.grad[t];
  T* m = list.state1[t];
  T* v = list.state2[t];
  int64_t n = list.numel[t];
  T step_size = lr / bias_correction1;
  ADJ_GRID_STRIDE(i, n) {
    T grad = g[i];
    T param = p[i];
    if (weight_decay != (T)0) {
      if (decoupled) {
        param = param * ((T)1 - lr * weight_decay);
      } else {
        grad = grad + weight_decay * param;
      }
    }
    T mi = m[i] + ((T)1 - beta1) * (grad - m[i]);  // lerp, as torch's exp_avg.lerp_
    T vi = beta2 * v[i] + ((T)1 - beta2) * grad * grad;
    m[i] = mi;
    v[i] = vi;
    T denom = (T)sqrt((double)vi) / bias_correction2_sqrt + eps;
    p[i] = param - step_size * (mi / denom);
  }
}

template <typename T>
inline bool fill_list(TensorList<T>* list, int count, const int64_t* params, const int64_t* grads,
                      const int64_t* state1, const int64_t* state2, const int64_t* numels,
                      int64_t* largest) {
  if (count < 0 || count > kMaxTensors) return false;
  list->count = count;
  *largest = 0;
  for (int k = 0; k < count; k++) {
    list->param[k] = (T*)(uintptr_t)params[k];
    list->grad[k] = (const T*)(uintptr_t)grads[k];
    list->state1[k] = state1 == nullptr ? nullptr : (T*)(uintptr_t)state1[k];
    list->state2[k] = state2 == nullptr ? nullptr : (T*)(uintptr_t)state2[k];
    list->numel[k] = numels[k];
    if (numels[k] > *largest) *largest = numels[k];
  }
  return true;
}

}  // namespace adj

using namespace adj;

// Up to kMaxTensors (48) tensors per call; arrays of device pointers and element counts. The
// caller splits larger groups into several calls.
#define ADJ_OPTIM(suffix, T)                                                                   \
  ADJ_EXPORT int sgd_momentum_##suffix(int count, const int64_t* params, const int64_t* grads,  \
                                       const int64_t* momentum_buffers, const int64_t* numels, \
                                       double lr, double momentum, double dampening,           \
                                       double weight_decay, int nesterov, int first_step,      \
                                       cudaStream_t stream) {                                  \
    TensorList<T> list;                                                                        \
    int64_t largest;                                                                           \
    if (!fill_list<T>(&list, count, params, grads, momentum_buffers, nullptr, numels,          \
                      &largest)) {                                                             \
      return kStatusBadArgument;                                                               \
    }                                                                                          \
    if (count == 0 || largest == 0) return 0;                                                  \
    dim3 grid(blocks_for(largest) > 1024 ? 1024 : blocks_for(largest), count);                 \
    sgd_kernel<T><<<grid, kThreads, 0, stream>>>(list, (T)lr, (T)momentum, (T)dampening,       \
                                                 (T)weight_decay, nesterov, first_step);       \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }                                                                                            \
  ADJ_EXPORT int adam_##suffix(int count, const int64_t* params, const int64_t* grads,         \
                               const int64_t* exp_avgs, const int64_t* exp_avg_sqs,            \
                               const int64_t* numels, double lr, double beta1, double beta2,   \
                               double eps, double weight_decay, int decoupled, int64_t step,   \
                               cudaStream_t stream) {                                          \
    TensorList<T> list;                                                                        \
    int64_t largest;                                                                           \
    if (step < 1 || !fill_list<T>(&list, count, params, grads, exp_avgs, exp_avg_sqs, numels,  \
                                  &largest)) {                                                 \
      return kStatusBadArgument;                                                               \
    }                                                                                          \
    if (count == 0 || largest == 0) return 0;                                                  \
    double bc1 = 1.0 - pow(beta1, (double)step);                                               \
    double bc2 = sqrt(1.0 - pow(beta2, (double)step));                                         \
    dim3 grid(blocks_for(largest) > 1024 ? 1024 : blocks_for(largest), count);                 \
    adam_kernel<T><<<grid, kThreads, 0, stream>>>(list, (T)lr, (T)beta1, (T)beta2, (T)eps,     \
                                                  (T)weight_decay, decoupled, (T)bc1, (T)bc2); \
    ADJ_CHECK_LAUNCH();                                                                        \
    return 0;                                                                                  \
  }
ADJ_OPTIM(f32, float)
ADJ_OPTIM(f64, double)
