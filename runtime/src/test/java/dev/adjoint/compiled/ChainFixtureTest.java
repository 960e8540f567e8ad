package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.io.SafeTensors;
import dev.adjoint.testing.Shared;
import dev.adjoint.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ../shared/fixtures/ops.safetensors {@code chain.*}: PyTorch's float64 values of
 * {@code y = log_softmax(exp(tanh(x @ w)).sum(1) / (1 + |x|.sum(1)), dim 0)} and of
 * {@code y.backward(g)}, reproduced by {@link Functions#chain} through the generated backward.
 */
class ChainFixtureTest {
  @Test
  void generatedBackwardReproducesPyTorch() throws Exception {
    Map<String, Tensor> f = SafeTensors.load(Shared.require("fixtures/ops.safetensors"));
    Tensor x = f.get("chain.x").requiresGrad_(true);
    Tensor w = f.get("chain.w").requiresGrad_(true);
    Tensor y = Functions_Adjoint.chainTracked(x, w);
    y.backward(f.get("chain.g"));
    // float64 all the way; the README promises agreement to about 1e-10.
    assertTrue(y.allClose(f.get("chain.y"), 1e-10, 1e-12), y + " vs " + f.get("chain.y"));
    assertTrue(x.grad().allClose(f.get("chain.grad_x"), 1e-10, 1e-12), x.grad().toString());
    assertTrue(w.grad().allClose(f.get("chain.grad_w"), 1e-10, 1e-12), w.grad().toString());
  }
}
