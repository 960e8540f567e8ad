package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.nn.Linear;
import dev.adjoint.nn.ReLU;
import dev.adjoint.nn.Sequential;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.SGD;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * State dicts and {@code grad_fn}s print as PyTorch 1.13 prints them. The expected strings are
 * PyTorch's own output, made by {@code tools/pyrepr/state_dict_repr.py} and kept in
 * {@code pyrepr/torch_repr.txt}. Two differences are removed from PyTorch's lines before
 * comparing, both documented: the memory address PyTorch prints in a {@code grad_fn}, and the
 * optimizer options that only select one of PyTorch's implementations ({@code foreach},
 * {@code differentiable}, {@code capturable}, {@code fused}), which Adjoint does not have.
 */
class PyReprTest {
  private static Map<String, String> reference() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = PyReprTest.class.getResourceAsStream("/pyrepr/torch_repr.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String key = null;
      StringBuilder value = new StringBuilder();
      for (String line : text.split("\n")) {
        int colon = line.indexOf(": ");
        if (!line.startsWith(" ") && colon > 0) {
          if (key != null) {
            out.put(key, value.toString());
          }
          key = line.substring(0, colon);
          value = new StringBuilder(line.substring(colon + 2));
        } else {
          value.append('\n').append(line);
        }
      }
      out.put(key, value.toString());
    }
    return out;
  }

  private static String withoutImplementationSwitches(String s) {
    return s.replaceAll(", '(foreach|differentiable|capturable|fused)': (None|False|True)", "");
  }

  private static Linear linear() {
    Linear lin = new Linear(2, 1);
    Map<String, Tensor> state = new LinkedHashMap<>();
    state.put("weight", Tensor.of(new float[] {0.5f, -1.25f}).reshape(1, 2));
    state.put("bias", Tensor.of(0.125f));
    lin.loadStateDict(state);
    return lin;
  }

  @Test
  void moduleStateDict() throws IOException {
    assertEquals(reference().get("model"), linear().stateDict().toString());
  }

  @Test
  void nestedModuleStateDictWithMultiLineTensors() throws IOException {
    Sequential seq = new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 1));
    Map<String, Tensor> state = new LinkedHashMap<>();
    state.put("0.weight", Tensor.of(new float[] {1, 2, 3, 4}).reshape(2, 2));
    state.put("0.bias", Tensor.of(0f, -1f));
    state.put("2.weight", Tensor.of(new float[] {0.25f, 0.75f}).reshape(1, 2));
    state.put("2.bias", Tensor.of(2f));
    seq.loadStateDict(state);
    assertEquals(reference().get("sequential"), seq.stateDict().toString());
  }

  @Test
  void sgdStateDictBeforeAndAfterAStep() throws IOException {
    Linear lin = linear();
    SGD sgd = SGD.builder(lin.parameters()).lr(0.01).momentum(0.9).build();
    Map<String, String> ref = reference();
    assertEquals(withoutImplementationSwitches(ref.get("sgd fresh")),
        sgd.stateDict().toString());
    List<Tensor> params = lin.parameters();
    params.get(0).setGrad(Tensor.of(new float[] {1, 2}).reshape(1, 2));
    params.get(1).setGrad(Tensor.of(0.5f));
    sgd.step();
    assertEquals(withoutImplementationSwitches(ref.get("sgd stepped")),
        sgd.stateDict().toString());
  }

  @Test
  void adamBetasPrintAsATuple() throws IOException {
    Adam adam = new Adam(linear().parameters(), 0.001);
    assertEquals(withoutImplementationSwitches(reference().get("adam fresh")),
        adam.stateDict().toString());
  }

  @Test
  void adamStateAfterAStepPrintsStepAndMomentsInPyTorchsOrder() throws IOException {
    Linear lin = linear();
    Adam adam = new Adam(lin.parameters(), 0.001);
    List<Tensor> params = lin.parameters();
    params.get(0).setGrad(Tensor.of(new float[] {1, 2}).reshape(1, 2));
    params.get(1).setGrad(Tensor.of(0.5f));
    adam.step();
    assertEquals(withoutImplementationSwitches(reference().get("adam stepped")),
        adam.stateDict().toString());
  }

  @Test
  void gradFnPrintsItsNameOnly() throws IOException {
    Tensor x = Tensor.of(2f).requiresGrad_(true);
    Map<String, String> ref = reference();
    assertEquals(ref.get("grad_fn").replaceAll(" at 0x[0-9a-f]+", ""),
        x.mul(x).gradFn().toString());
    assertEquals(ref.get("grad_fn add").replaceAll(" at 0x[0-9a-f]+", ""),
        x.add(x).gradFn().toString());
  }

  @Test
  void floatsPrintAsPythonFloats() throws IOException {
    List<Object> values = Arrays.asList(0.1, 1e-08, 1e-05, 0.0001, 1e16, 1e15, 123456789.0, 3.0,
        -0.0, Double.POSITIVE_INFINITY, Double.NaN, 2.5e-07, Double.MAX_VALUE);
    assertEquals(reference().get("floats"), PyRepr.repr(values));
  }

  @Test
  void noneBooleansAndQuotedStrings() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("foreach", null);
    m.put("name", "it's");
    m.put("flag", true);
    assertEquals(reference().get("none and strings"), PyRepr.repr(m));
  }

  @Test
  void integersStayIntegersAndEmptyOrderedDict() {
    assertEquals("[0, 7, -3]", PyRepr.repr(List.of(0, 7L, -3)));
    assertEquals("OrderedDict()", PyRepr.orderedDict().toString());
    assertEquals("'a\\nb\\\\'", PyRepr.strRepr("a\nb\\"));
  }
}
