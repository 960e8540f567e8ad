package dev.adjoint.backend.cpu;

import dev.adjoint.tensor.SingularMatrixException;

/** Matrix inverse by LU decomposition with partial pivoting, computed in double. */
final class Linalg {
  private Linalg() {}

  static void inverse(Strided a, Strided dst) {
    CpuStorage in = a.storage();
    CpuStorage out = dst.storage();
    int batch = a.shape()[0];
    int n = a.shape()[1];
    // A pivot this small relative to the matrix is zero up to the input's own rounding.
    double eps = a.dtype() == dev.adjoint.tensor.DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
    for (int bi = 0; bi < batch; bi++) {
      int base = a.storageOffset() + bi * n * n;
      double[] lu = new double[n * n];
      double scale = 0;
      for (int i = 0; i < n * n; i++) {
        lu[i] = in.getDouble(base + i);
        scale = Math.max(scale, Math.abs(lu[i]));
      }
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      // A pivot is zero when it is rounding noise relative to its own column's original size
      // (so diag(1e-20, 1) inverts, while [[1,2,3],[4,5,6],[7,8,9]] is singular).
      double[] colScale = new double[n];
      for (int i = 0; i < n * n; i++) {
        colScale[i % n] = Math.max(colScale[i % n], Math.abs(lu[i]));
      }
      for (int col = 0; col < n; col++) {
        int p = col;
        for (int r = col + 1; r < n; r++) {
          if (Math.abs(lu[r * n + col]) > Math.abs(lu[p * n + col])) {
            p = r;
          }
        }
        double pivot = lu[p * n + col];
        double tiny = n * eps * colScale[col];
        if (!(Math.abs(pivot) > tiny) || !Double.isFinite(pivot)) {
          throw new SingularMatrixException(String.format(
              "inverse: matrix %d of %d (%dx%d) is singular: pivot %d is %s after partial"
                  + " pivoting (largest entry %s), so it has no inverse",
              bi, batch, n, n, col, pivot, scale));
        }
        if (p != col) {
          for (int j = 0; j < n; j++) {
            double t = lu[p * n + j];
            lu[p * n + j] = lu[col * n + j];
            lu[col * n + j] = t;
          }
          int t = perm[p];
          perm[p] = perm[col];
          perm[col] = t;
        }
        for (int r = col + 1; r < n; r++) {
          double f = lu[r * n + col] / pivot;
          lu[r * n + col] = f;
          for (int j = col + 1; j < n; j++) {
            lu[r * n + j] -= f * lu[col * n + j];
          }
        }
      }
      // Solve L U x = P e_j for every column j of the identity.
      double[] x = new double[n];
      int obase = dst.storageOffset() + bi * n * n;
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < n; i++) {
          double s = perm[i] == j ? 1 : 0;
          for (int q = 0; q < i; q++) {
            s -= lu[i * n + q] * x[q];
          }
          x[i] = s;
        }
        for (int i = n - 1; i >= 0; i--) {
          double s = x[i];
          for (int q = i + 1; q < n; q++) {
            s -= lu[i * n + q] * x[q];
          }
          x[i] = s / lu[i * n + i];
        }
        for (int i = 0; i < n; i++) {
          out.setDouble(obase + i * n + j, x[i]);
        }
      }
    }
  }
}
