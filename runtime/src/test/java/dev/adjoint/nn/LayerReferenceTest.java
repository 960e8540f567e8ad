package dev.adjoint.nn;

import static dev.adjoint.nn.NnTesting.assertMatchesTorch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.io.SafeTensorsFile;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every layer against PyTorch 1.13: {@code tools/pytorch-reference/nn_cases.py} wrote, for each
 * case, the parameters, an input, an upstream gradient {@code gout}, and PyTorch's output,
 * gradients of {@code sum(output * gout)} and buffers. Here the same layer is built, the same
 * parameters are loaded with {@code setParameter} (so the registry names must be PyTorch's), and
 * the output, the input and parameter gradients (through the generated backward) and the buffers
 * must agree to float32 rounding ({@link NnTesting#FLOAT32_TOL}); the layer must also print as
 * PyTorch's {@code repr} (kept in the file's metadata).
 */
class LayerReferenceTest {
  private static final String FILE = "pytorch/nn_cases.safetensors";

  /** The Java counterpart of each case's PyTorch layer (the recipe is in the file's metadata). */
  static Module layer(String name) {
    return switch (name) {
      case "linear" -> new Linear(5, 3);
      case "linear_nobias_3d" -> new Linear(5, 3, false);
      case "conv_basic" -> new Conv2d(3, 4, 3);
      case "conv_stride_pad" -> new Conv2d(2, 4, 3, 2, 1);
      case "conv_dilation_groups" -> new Conv2d(4, 6, new int[] {3, 2}, new int[] {1, 2},
          new int[] {2, 1}, new int[] {2, 1}, 2, false, new dev.adjoint.tensor.Generator(0));
      case "conv_unbatched" -> new Conv2d(2, 3, 2, 1, 1);
      case "maxpool" -> new MaxPool2d(2);
      case "maxpool_overlap_pad" -> new MaxPool2d(3, 2, 1);
      case "maxpool_dilation" -> new MaxPool2d(new int[] {3, 2}, new int[] {2, 1},
          new int[] {1, 0}, new int[] {1, 2});
      case "avgpool" -> new AvgPool2d(2);
      case "avgpool_overlap_pad" -> new AvgPool2d(3, 2, 1);
      case "avgpool_exclude_pad" -> new AvgPool2d(new int[] {3}, new int[] {2}, new int[] {1},
          false);
      case "adaptive_avgpool" -> new AdaptiveAvgPool2d(new int[] {3, 2});
      case "adaptive_avgpool_global" -> new AdaptiveAvgPool2d(1);
      case "flatten" -> new Flatten();
      case "flatten_0_1" -> new Flatten(0, 1);
      case "batchnorm1d_train" -> new BatchNorm1d(4);
      case "batchnorm1d_3d_train" -> new BatchNorm1d(3);
      case "batchnorm2d_train", "batchnorm2d_eval" -> new BatchNorm2d(3);
      case "batchnorm2d_noaffine_train" -> new BatchNorm2d(2, 1e-5, 0.1, false, true);
      case "layernorm" -> new LayerNorm(new int[] {4, 5});
      case "layernorm_noaffine" -> new LayerNorm(new int[] {6}, 1e-5, false);
      case "embedding" -> new Embedding(10, 4);
      case "relu" -> new ReLU();
      case "leaky_relu" -> new LeakyReLU(0.2);
      case "gelu" -> new GELU();
      case "gelu_tanh" -> new GELU("tanh");
      case "tanh" -> new Tanh();
      case "sigmoid" -> new Sigmoid();
      case "softmax" -> new Softmax(1);
      case "log_softmax" -> new LogSoftmax(-1);
      case "sequential" -> new Sequential(new Conv2d(2, 3, 3, 1, 1), new BatchNorm2d(3),
          new GELU(), new AvgPool2d(2), new Flatten(), new Linear(12, 4), new LeakyReLU(0.1),
          new LogSoftmax(1));
      default -> throw new AssertionError("no Java layer for case " + name);
    };
  }

  private static Map<String, Tensor> withPrefix(SafeTensorsFile f, String prefix) {
    Map<String, Tensor> out = new TreeMap<>();
    f.tensors().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyLayerMatchesPyTorch() throws IOException {
    SafeTensorsFile f = NnTesting.resource(FILE);
    TreeSet<String> cases = new TreeSet<>();
    for (String k : f.tensors().keySet()) {
      cases.add(k.substring(0, k.indexOf('.')));
    }
    return cases.stream().map(c -> DynamicTest.dynamicTest(c + ": " + f.metadata().get(c),
        () -> check(f, c)));
  }

  private static void check(SafeTensorsFile f, String c) {
    Module m = layer(c);
    String recipe = f.metadata().get(c);
    assertEquals(recipe.replaceAll(" (train|eval)( after \\d+ training batches)?$", ""),
        m.toString(), "printed like PyTorch's repr");
    Map<String, Tensor> params = withPrefix(f, c + ".param.");
    assertEquals(params.keySet(), new TreeSet<>(m.namedParameters().keySet()),
        "parameter names (PyTorch's state_dict keys)");
    params.forEach((k, v) -> m.setParameter(k, v.clone()));
    m.train();
    for (int i = 0; f.tensors().containsKey(c + ".warmup" + i); i++) {
      m.call(f.tensor(c + ".warmup" + i));
    }
    if (c.endsWith("_eval")) {
      m.eval();
    }
    Tensor input = f.tensor(c + ".input").clone();
    if (input.dtype().isFloatingPoint()) {
      input.requiresGrad_(true);
    }
    Tensor out = m.call(input);
    assertMatchesTorch(f.tensor(c + ".output"), out, c + " output");
    out.backward(f.tensor(c + ".gout"));
    if (input.dtype().isFloatingPoint()) {
      assertMatchesTorch(f.tensor(c + ".grad.input"), input.grad(), c + " input gradient");
    }
    for (String k : params.keySet()) {
      assertMatchesTorch(f.tensor(c + ".grad." + k), m.parameter(k).grad(),
          c + " gradient of " + k);
    }
    Map<String, Tensor> buffers = withPrefix(f, c + ".buffer.");
    assertEquals(buffers.keySet(), new TreeSet<>(m.namedBuffers().keySet()), "buffer names");
    buffers.forEach((k, v) -> {
      Tensor mine = m.namedBuffers().get(k);
      if (v.dtype().isFloatingPoint()) {
        assertMatchesTorch(v, mine, c + " buffer " + k);
      } else {
        assertEquals(v.dtype(), mine.dtype(), c + " buffer " + k + " dtype");
        assertArrayEquals(v.shape(), mine.shape(), c + " buffer " + k + " shape");
        assertArrayEquals(v.toLongArray(), mine.toLongArray(), c + " buffer " + k);
      }
    });
  }

  @Test
  void referenceFileHasEveryLayerKind() throws IOException {
    SafeTensorsFile f = NnTesting.resource(FILE);
    String all = String.join(" ", f.metadata().values());
    for (String kind : List.of("Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
        "Flatten", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "ReLU", "LeakyReLU",
        "GELU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Sequential")) {
      assertTrue(all.contains(kind + "("), "a case for " + kind);
    }
  }
}
