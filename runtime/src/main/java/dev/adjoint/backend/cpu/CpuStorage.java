package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;

/**
 * Host storage: one Java array of the dtype's element type ({@code float[]}, {@code double[]},
 * {@code long[]} or {@code boolean[]}).
 */
public final class CpuStorage implements Storage {
  private final DType dtype;
  /** Null once released. */
  private Object array;
  private final int size;
  private final long serial = SERIALS.getAndIncrement();

  /** The serial the next storage gets: storages are numbered in the order they are made. */
  private static final java.util.concurrent.atomic.AtomicLong SERIALS =
      new java.util.concurrent.atomic.AtomicLong();

  /** The most elements one CPU storage holds: a Java array's limit (the VM reserves 8). */
  public static final int MAX_SIZE = Integer.MAX_VALUE - 8;

  private CpuStorage(DType dtype, Object array, int size) {
    this.dtype = dtype;
    this.array = array;
    this.size = size;
  }

  /** A zero-filled storage. */
  public static CpuStorage allocate(DType dtype, int numel) {
    return new CpuStorage(dtype, newArray(dtype, numel), numel);
  }

  /** A zero-filled Java array of {@code dtype}'s element type (no storage: a host copy's). */
  static Object newArray(DType dtype, int numel) {
    return switch (dtype) {
      case FLOAT32 -> new float[numel];
      case FLOAT64 -> new double[numel];
      case INT64 -> new long[numel];
      case BOOL -> new boolean[numel];
    };
  }

  /** Wraps {@code array} (not copied): float[], double[], long[] or boolean[]. */
  public static CpuStorage wrap(Object array) {
    if (array instanceof float[] f) {
      return new CpuStorage(DType.FLOAT32, f, f.length);
    } else if (array instanceof double[] d) {
      return new CpuStorage(DType.FLOAT64, d, d.length);
    } else if (array instanceof long[] l) {
      return new CpuStorage(DType.INT64, l, l.length);
    } else if (array instanceof boolean[] b) {
      return new CpuStorage(DType.BOOL, b, b.length);
    }
    throw new IllegalArgumentException(
        "CpuStorage.wrap: expected float[], double[], long[] or boolean[], got "
            + (array == null ? "null" : array.getClass().getSimpleName()));
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public Device device() {
    return Device.cpu();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long serial() {
    return serial;
  }

  /** The serial the next CPU storage will get. */
  static long nextSerial() {
    return SERIALS.get();
  }

  @Override
  public boolean isReleased() {
    return array == null;
  }

  /**
   * Gives up the array (for the backend's pool) and makes every later use of this storage an
   * {@link IllegalStateException}; returns the array, or null when already released.
   */
  Object release() {
    Object a = array;
    array = null;
    return a;
  }

  /**
   * The backing array, shared (not a copy).
   *
   * @throws IllegalStateException when the storage was released
   */
  public Object array() {
    Object a = array;
    if (a == null) {
      throw new IllegalStateException("a CPU storage of " + size + " " + dtype + " elements was"
          + " used after it was released (a tensor outlived the temporary that owned its"
          + " memory)");
    }
    return a;
  }

  /** The backing array of a float32 storage. */
  public float[] floats() {
    return (float[]) array();
  }

  /** The backing array of a float64 storage. */
  public double[] doubles() {
    return (double[]) array();
  }

  /** The backing array of an int64 storage. */
  public long[] longs() {
    return (long[]) array();
  }

  /** The backing array of a bool storage. */
  public boolean[] bools() {
    return (boolean[]) array();
  }

  /** Element {@code i} as a double (bool as 0 or 1). */
  public double getDouble(int i) {
    Object array = array();
    return switch (dtype) {
      case FLOAT32 -> ((float[]) array)[i];
      case FLOAT64 -> ((double[]) array)[i];
      case INT64 -> ((long[]) array)[i];
      case BOOL -> ((boolean[]) array)[i] ? 1 : 0;
    };
  }

  /** Element {@code i} as a long (floats truncated toward zero, as a C cast). */
  public long getLong(int i) {
    Object array = array();
    return switch (dtype) {
      case FLOAT32 -> (long) ((float[]) array)[i];
      case FLOAT64 -> (long) ((double[]) array)[i];
      case INT64 -> ((long[]) array)[i];
      case BOOL -> ((boolean[]) array)[i] ? 1 : 0;
    };
  }

  /** Sets element {@code i} from a double, converting as a C cast (nonzero is true). */
  public void setDouble(int i, double v) {
    Object array = array();
    switch (dtype) {
      case FLOAT32 -> ((float[]) array)[i] = (float) v;
      case FLOAT64 -> ((double[]) array)[i] = v;
      case INT64 -> ((long[]) array)[i] = (long) v;
      case BOOL -> ((boolean[]) array)[i] = v != 0;
    }
  }

  /** Sets element {@code i} from a long. */
  public void setLong(int i, long v) {
    Object array = array();
    switch (dtype) {
      case FLOAT32 -> ((float[]) array)[i] = v;
      case FLOAT64 -> ((double[]) array)[i] = v;
      case INT64 -> ((long[]) array)[i] = v;
      case BOOL -> ((boolean[]) array)[i] = v != 0;
    }
  }
}
