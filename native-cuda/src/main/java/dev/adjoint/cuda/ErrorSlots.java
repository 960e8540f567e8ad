package dev.adjoint.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Device-side error flags for checks that run asynchronously (range checks, index checks, singular
 * matrices): each check gets a slot of two int64 words on the device, {first offending position,
 * the value there as double bits}, filled with {@code 0x7f} bytes (no error) beforehand. A kernel
 * that finds an error lowers the position with {@code atomicMin}; when the host next waits
 * ({@link CudaBackend#synchronize()}), the slots are read and the first failed check (in the
 * order the checks were queued) throws its exception. Not thread-safe: the backend guards it.
 */
final class ErrorSlots {
  /** The slot value meaning "no error": eight 0x7f bytes. */
  static final long CLEAR = 0x7f7f7f7f7f7f7f7fL;
  static final int SLOTS = 1024;

  /** Builds the exception of a failed check from the slot's {position, value bits}. */
  interface Failure {
    RuntimeException error(long position, long valueBits);
  }

  private final long device;
  private final List<Failure> pending = new ArrayList<>();

  ErrorSlots(long device) {
    this.device = device;
  }

  /** Whether every slot is in use (the backend synchronizes first, then {@link #take} again). */
  boolean full() {
    return pending.size() == SLOTS;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** The device address of a new slot whose failure {@code failure} describes. */
  long take(Failure failure) {
    if (full()) {
      throw new IllegalStateException("ErrorSlots: all " + SLOTS + " slots in use");
    }
    pending.add(failure);
    return device + 16L * (pending.size() - 1);
  }

  /** Bytes of the slots in use (what the host copies back). */
  long usedBytes() {
    return 16L * pending.size();
  }

  long device() {
    return device;
  }

  /**
   * The first failure among the slots read back ({@code words}: two per slot in use), or null;
   * forgets every pending check either way.
   */
  RuntimeException collect(long[] words) {
    RuntimeException first = null;
    for (int i = 0; i < pending.size() && first == null; i++) {
      if (words[2 * i] != CLEAR) {
        first = pending.get(i).error(words[2 * i], words[2 * i + 1]);
      }
    }
    pending.clear();
    return first;
  }

  /** A failure that reports the offending value. */
  static Failure ofValue(LongFunction<RuntimeException> fromValueBits) {
    return (position, bits) -> fromValueBits.apply(bits);
  }
}
