package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.UserCode.compile;
import static dev.adjoint.processor.UserCode.source;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs code compiled in-process, for processor bugs that only show when the generated backward
 * executes; gradients in float64 are compared with the per-op graph of the same code, or with
 * the same backward run under another setting that must not change them.
 */
class GeneratedCodeRunsTest {
  /** Same arithmetic in a different order: agreement to 1e-12 leaves room only for rounding. */
  private static final double TOL = 1e-12;

  @TempDir Path classes;

  private final Generator gen = new Generator(7);

  private Tensor randn(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64).mul(0.5);
  }

  /** The compiled classes (and the generated service file) behind a class loader. */
  private ClassLoader load(Compilation c) throws IOException {
    assertThat(c).succeededWithoutWarnings();
    for (JavaFileObject f : c.generatedFiles()) {
      String path = f.toUri().getPath(); // /CLASS_OUTPUT/test/Layer.class, /SOURCE_OUTPUT/...
      if (path.startsWith("/CLASS_OUTPUT/")) {
        Path to = classes.resolve(path.substring("/CLASS_OUTPUT/".length()));
        Files.createDirectories(to.getParent());
        try (InputStream in = f.openInputStream()) {
          Files.copy(in, to);
        }
      }
    }
    return new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
        GeneratedCodeRunsTest.class.getClassLoader());
  }

  private static void set(Object target, String field, Object value) throws Exception {
    Field f = target.getClass().getDeclaredField(field);
    f.setAccessible(true);
    f.set(target, value);
  }

  /** {@code <Layer>_Adjoint.forwardTracked(layer, x)}, the tracked entry point. */
  private static Tensor call(ClassLoader loader, Object layer, Tensor x) throws Exception {
    Class<?> adjoint = loader.loadClass(layer.getClass().getName() + "_Adjoint");
    return (Tensor) adjoint.getMethod("forwardTracked", layer.getClass(), Tensor.class)
        .invoke(null, layer, x);
  }

  @Test
  void loopValuesOnTheStackComeBackWithTheTypeTheRuleReads() throws Exception {
    // mul(long): the int i and i + 1 are pushed in each iteration and read back as longs.
    ClassLoader loader = load(compile(source("Scaled", """
        @Layer
        public class Scaled extends Module {
          @Param Tensor w;
          int steps = 3;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor h = x;
            for (int i = 1; i <= steps; i++) {
              h = h.matmul(w).mul(i).add(x.mul(i + 1)).tanh();
            }
            return h;
          }
        }
        """)));
    Object layer = loader.loadClass("test.Scaled").getDeclaredConstructor().newInstance();
    Tensor w = randn(3, 3).requiresGrad_(true);
    set(layer, "w", w);
    Tensor x = randn(2, 3).requiresGrad_(true);
    Tensor r = randn(2, 3);

    call(loader, layer, x).mul(r).sum().backward();
    Tensor gw = w.grad();
    Tensor gx = x.grad();
    assertNotNull(gw);
    assertNotNull(gx);
    // Reference: the user's forward run as plain Java, one graph node per primitive.
    w.setGrad(null);
    x.setGrad(null);
    Tensor direct = (Tensor) layer.getClass().getMethod("forward", Tensor.class)
        .invoke(layer, x);
    direct.mul(r).sum().backward();
    assertTrue(gw.allClose(w.grad(), TOL, TOL), gw + " vs " + w.grad());
    assertTrue(gx.allClose(x.grad(), TOL, TOL), gx + " vs " + x.grad());
  }

  @Test
  void subLayerParametersGetGradientsWhenTheInputNeedsNone() throws Exception {
    // The usual first layer: the data needs no gradient, the sub-layer's weights do.
    ClassLoader loader = load(compile(source("Affine", """
        @Layer
        public class Affine extends Module {
          @Param Tensor weight;

          @Forward
          public Tensor forward(Tensor x) {
            return x.matmul(weight);
          }
        }
        """), source("Twice", """
        @Layer
        public class Twice extends Module {
          Affine fc;

          @Forward
          public Tensor forward(Tensor x) {
            Tensor a = fc.forward(x);
            return a.add(fc.forward(a.tanh()));
          }
        }
        """)));
    Object fc = loader.loadClass("test.Affine").getDeclaredConstructor().newInstance();
    Tensor weight = randn(3, 3).requiresGrad_(true);
    set(fc, "weight", weight);
    Object twice = loader.loadClass("test.Twice").getDeclaredConstructor().newInstance();
    set(twice, "fc", fc);
    Tensor data = randn(2, 3);
    Tensor r = randn(2, 3);

    call(loader, twice, data.detach().requiresGrad_(true)).mul(r).sum().backward();
    Tensor wanted = weight.grad();
    weight.setGrad(null);
    call(loader, twice, data).mul(r).sum().backward();
    assertNotNull(weight.grad(), "no gradient reached fc.weight");
    // Whether the input wants a gradient must not change the weights' gradient.
    assertTrue(weight.grad().allClose(wanted, TOL, TOL), weight.grad() + " vs " + wanted);
  }
}
