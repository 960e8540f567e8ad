package dev.adjoint.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.model.NameAllocator;
import org.junit.jupiter.api.Test;

/** The one allocator of generated names: each name new in its scope, numbered in its style. */
class NameAllocatorTest {
  @Test
  void forwardScopeCountsFromTwo() {
    NameAllocator names = NameAllocator.counting();
    names.reserve("dim"); // the user's own name
    assertEquals("matmul", names.newName("matmul"));
    assertEquals("matmul2", names.newName("matmul"));
    assertEquals("matmul3", names.newName("matmul"));
    assertEquals("dim2", names.newName("dim"));
    assertTrue(names.isTaken("matmul2"));
    assertFalse(names.isTaken("matmul4"));
  }

  @Test
  void savedAndBackwardScopesNumberCopiesFromOne() {
    NameAllocator names = NameAllocator.copies();
    names.reserve("h");
    assertEquals("h_1", names.newName("h"));
    assertEquals("h_2", names.newName("h"));
    assertEquals("g_h", names.newName("g_h"));
    assertEquals("g_h_1", names.newName("g_h"));
  }

  @Test
  void temporariesSkipTakenNames() {
    NameAllocator names = NameAllocator.counting();
    names.reserve("t1");
    names.reserve("t3");
    assertEquals("t2", names.newTemporary());
    assertEquals("t4", names.newTemporary());
    assertTrue(names.isTaken("t2") && names.isTaken("t4"));
    assertFalse(names.isTaken("t5"));
  }
}
