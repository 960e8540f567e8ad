package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The PyTorch reference fixtures in {@code ../shared/fixtures} (see its README): every file reads,
 * its tensors are what the README describes, and values computed here from a file's inputs match
 * the outputs PyTorch stored beside them, which also proves the bytes were decoded right.
 */
class SafeTensorsFixturesTest {
  @TestFactory
  Stream<DynamicTest> everyFixtureReadsAndIsSane() throws IOException {
    Path dir = Shared.require("fixtures/ops.safetensors").getParent();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted()
          .toList();
    }
    assertTrue(files.size() >= 4, "expected at least linreg, mlp, cnn and ops, found " + files);
    return files.stream()
        .map(f -> dynamicTest(f.getFileName().toString(), () -> checkSane(f)));
  }

  private static void checkSane(Path file) throws IOException {
    SafeTensorsFile f = SafeTensors.read(file);
    String recipe = f.metadata().get("recipe");
    assertNotNull(recipe, "__metadata__.recipe");
    assertFalse(recipe.isBlank());
    assertFalse(f.tensors().isEmpty());
    for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
      String name = e.getKey();
      Tensor t = e.getValue();
      assertTrue(t.dim() >= 1 && t.dim() <= 4, name + " has shape " + Arrays.toString(t.shape()));
      for (int d : t.shape()) {
        assertTrue(d >= 1 && d <= 1000, name + ": dimension " + d);
      }
      assertTrue(t.dtype() != DType.BOOL, name + " is " + t.dtype());
      if (t.dtype().isFloatingPoint()) {
        for (double v : t.toDoubleArray()) {
          assertTrue(Double.isFinite(v) && Math.abs(v) < 1e6, name + " holds " + v);
        }
      }
      // Gradients and trained parameters have the shape and dtype of the parameter they belong to.
      String param = name.startsWith("grad.") ? "param." + name.substring(5)
          : name.contains(".final.") ? "param." + name.substring(name.indexOf(".final.") + 7)
          : null;
      if (param != null) {
        Tensor p = f.tensor(param);
        assertArrayEquals(p.shape(), t.shape(), name + " vs " + param);
        assertEquals(p.dtype(), t.dtype(), name + " vs " + param);
      }
      if (name.matches(".*\\.step\\d+\\.loss|output\\.loss")) {
        assertEquals(1, t.numel(), name);
      }
    }
  }

  @Test
  void opsHasTheTensorsTheReadmeDescribesInHeaderOrder() throws IOException {
    SafeTensorsFile f = SafeTensors.read(Shared.require("fixtures/ops.safetensors"));
    assertEquals(List.of("chain.g", "chain.grad_w", "chain.grad_x", "chain.w", "chain.x",
        "chain.y", "inverse.in", "inverse.out", "rand.a"), List.copyOf(f.tensors().keySet()));
    for (String name : f.tensors().keySet()) {
      assertEquals(name.startsWith("chain.") ? DType.FLOAT64 : DType.FLOAT32,
          f.tensor(name).dtype(), name);
    }
    assertArrayEquals(new int[] {3, 3}, f.tensor("inverse.in").shape());
    assertArrayEquals(new int[] {5, 3}, f.tensor("rand.a").shape());
    assertEquals("7", f.metadata().get("seed"));
  }

  @Test
  void inverseMatchesPyTorch() throws IOException {
    SafeTensorsFile f = SafeTensors.read(Shared.require("fixtures/ops.safetensors"));
    Tensor in = f.tensor("inverse.in");
    Tensor expected = f.tensor("inverse.out");
    Tensor actual = in.inverse();
    assertEquals(DType.FLOAT32, actual.dtype());
    // Tolerance: PyTorch inverted in float32 (LU), whose error is about cond(A) * 2^-24; this
    // matrix has cond(A) ~ 39, so ~2.4e-6 relative. Adjoint inverts in double and rounds once
    // (error <= 2^-24 relative). The README's bound for float32 fixtures is 1e-5 relative; every
    // entry here is at least 0.72 in magnitude, so a purely relative test is meaningful (the
    // largest relative difference measured is 1.1e-6). A wrong pivot or solve is off by O(1).
    assertTrue(actual.allClose(expected, 1e-5, 0),
        () -> "inverse(inverse.in)\n" + actual + "\ndiffers from inverse.out\n" + expected);
    // And it is an inverse: A X = I to float32 rounding of entries of size ~6 summed 3 at a time.
    assertTrue(in.matmul(actual).allClose(Tensor.eye(3), 0, 1e-5), () -> in.matmul(actual)
        .toString());
  }

  @Test
  void inverseInputIsTheGramMatrixOfRandA() throws IOException {
    // The recipe computes inverse.in = a.t() @ a; recomputing it checks the decoding of both.
    SafeTensorsFile f = SafeTensors.read(Shared.require("fixtures/ops.safetensors"));
    Tensor a = f.tensor("rand.a");
    Tensor gram = a.t().matmul(a);
    // Five float32 products of entries in [0, 1) summed: a few ulps (1 ulp ~ 1.2e-7 here) of
    // difference from PyTorch's summation order; measured 1.2e-7.
    assertTrue(gram.allClose(f.tensor("inverse.in"), 1e-6, 0),
        () -> gram + "\nvs\n" + f.tensor("inverse.in"));
  }

  @Test
  void linregOutputIsTheLinearLayerOfItsInput() throws IOException {
    SafeTensorsFile f = SafeTensors.read(Shared.require("fixtures/linreg.safetensors"));
    Tensor x = f.tensor("input.x");
    Tensor yhat = x.matmul(f.tensor("param.weight").t()).add(f.tensor("param.bias"));
    // Eight float32 products summed, values below 1: float32 rounding is ~1e-7 absolute.
    assertTrue(yhat.allClose(f.tensor("output.yhat"), 1e-5, 1e-6),
        () -> yhat + "\nvs\n" + f.tensor("output.yhat"));
    Tensor mse = yhat.sub(f.tensor("input.y")).pow(2).mean();
    assertTrue(mse.allClose(f.tensor("output.loss"), 1e-5, 0));
  }

  @Test
  void classificationTargetsAreClassIndices() throws IOException {
    for (String name : List.of("fixtures/mlp.safetensors", "fixtures/cnn.safetensors")) {
      SafeTensorsFile f = SafeTensors.read(Shared.require(name));
      Tensor y = f.tensor("input.y");
      Tensor logits = f.tensor("output.logits");
      assertEquals(DType.INT64, y.dtype(), name);
      assertArrayEquals(new int[] {logits.size(0)}, y.shape(), name);
      for (long label : y.toLongArray()) {
        assertTrue(label >= 0 && label < logits.size(1), name + ": label " + label);
      }
    }
  }
}
