package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Threads}: the API, the {@code adjoint.threads} property and their errors. */
class ThreadsTest {
  private int before;
  private String propertyBefore;

  @BeforeEach
  void remember() {
    before = Threads.getNumThreads();
    propertyBefore = System.getProperty(Threads.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (propertyBefore == null) {
      System.clearProperty(Threads.PROPERTY);
    } else {
      System.setProperty(Threads.PROPERTY, propertyBefore);
    }
    Threads.setNumThreads(before);
  }

  @Test
  void setAndGetLikeTorchSetNumThreads() {
    Threads.setNumThreads(3);
    assertEquals(3, Threads.getNumThreads());
    Threads.setNumThreads(1);
    assertEquals(1, Threads.getNumThreads());
  }

  @Test
  void fewerThanOneThreadIsRejected() {
    assertThrowsWith(IllegalArgumentException.class, () -> Threads.setNumThreads(0),
        "Threads.setNumThreads: the number of threads must be >= 1, got 0");
    assertThrowsWith(IllegalArgumentException.class, () -> Threads.setNumThreads(-4), "got -4");
    assertEquals(before, Threads.getNumThreads(), "a rejected count changes nothing");
  }

  @Test
  void theDefaultIsTheCoresAvailable() {
    System.clearProperty(Threads.PROPERTY);
    Threads.resetForTest();
    assertEquals(Runtime.getRuntime().availableProcessors(), Threads.getNumThreads());
    assertEquals(6, Threads.fromProperty(null, 6));
  }

  @Test
  void thePropertySetsTheStartingCount() {
    System.setProperty(Threads.PROPERTY, "5");
    Threads.resetForTest();
    assertEquals(5, Threads.getNumThreads());
    // Read once: changing the property later does nothing, setNumThreads does.
    System.setProperty(Threads.PROPERTY, "7");
    assertEquals(5, Threads.getNumThreads());
    Threads.setNumThreads(2);
    assertEquals(2, Threads.getNumThreads());
    assertEquals(3, Threads.fromProperty(" 3 ", 8));
    assertEquals(1, Threads.fromProperty("1", 8));
  }

  @Test
  void aBadPropertyNamesItself() {
    assertThrowsWith(IllegalArgumentException.class, () -> Threads.fromProperty("two", 4),
        "System property adjoint.threads=\"two\" is not a number of threads",
        "positive integer", "-Dadjoint.threads=2");
    assertThrowsWith(IllegalArgumentException.class, () -> Threads.fromProperty("0", 4),
        "adjoint.threads=\"0\"", "must be >= 1");
    assertThrowsWith(IllegalArgumentException.class, () -> Threads.fromProperty("-1", 4),
        "adjoint.threads=\"-1\"");
    assertThrowsWith(IllegalArgumentException.class, () -> Threads.fromProperty("", 4),
        "adjoint.threads=\"\"");
    // Through the public API: the error comes at the first read and repeats until fixed.
    System.setProperty(Threads.PROPERTY, "lots");
    Threads.resetForTest();
    assertThrowsWith(IllegalArgumentException.class, Threads::getNumThreads,
        "adjoint.threads=\"lots\"");
    assertThrowsWith(IllegalArgumentException.class, Threads::getNumThreads,
        "adjoint.threads=\"lots\"");
    Threads.setNumThreads(2); // an explicit count wins over a bad property
    assertEquals(2, Threads.getNumThreads());
  }
}
