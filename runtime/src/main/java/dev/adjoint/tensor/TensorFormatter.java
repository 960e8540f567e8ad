package dev.adjoint.tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints tensors the way PyTorch's {@code torch._tensor_str} does with its default print options
 * (precision 4, threshold 1000 elements, 3 edge items, line width 80): one width for every
 * element, integer mode for floats that are all whole numbers ({@code 1.}), scientific notation
 * when magnitudes span more than 1000x or leave {@code [1e-4, 1e8]}, and a {@code ...} summary of
 * large tensors. Numbers are rounded half-even on their exact binary value, as Python does.
 */
final class TensorFormatter {
  static final int PRECISION = 4;
  static final int THRESHOLD = 1000;
  static final int EDGE_ITEMS = 3;
  static final int LINE_WIDTH = 80;

  private final boolean floating;
  private final boolean bool;
  private boolean intMode = true;
  private boolean sciMode = false;
  private int maxWidth = 1;

  private TensorFormatter(DType dtype, double[] values, long[] longs) {
    floating = dtype.isFloatingPoint();
    bool = dtype == DType.BOOL;
    if (!floating) {
      for (int i = 0; i < longs.length; i++) {
        maxWidth = Math.max(maxWidth, plain(longs[i]).length());
      }
      return;
    }
    double minAbs = Double.POSITIVE_INFINITY;
    double maxAbs = 0;
    boolean any = false;
    for (double v : values) {
      if (Double.isFinite(v) && v != 0) {
        any = true;
        minAbs = Math.min(minAbs, Math.abs(v));
        maxAbs = Math.max(maxAbs, Math.abs(v));
        if (v != Math.ceil(v)) {
          intMode = false;
        }
      }
    }
    if (!any) {
      return;
    }
    if (intMode) {
      if (maxAbs / minAbs > 1000.0 || maxAbs > 1.0e8) {
        sciMode = true;
      }
    } else if (maxAbs / minAbs > 1000.0 || maxAbs > 1.0e8 || minAbs < 1.0e-4) {
      sciMode = true;
    }
    for (double v : values) {
      if (Double.isFinite(v) && v != 0) {
        int len = sciMode ? sci(v).length()
            : intMode ? fixed(v, 0).length() + 1
            : fixed(v, PRECISION).length();
        maxWidth = Math.max(maxWidth, len);
      }
    }
  }

  static String format(Tensor t) {
    List<String> suffixes = new ArrayList<>();
    if (!t.device().isCpu()) {
      suffixes.add("device='" + t.device() + "'");
    }
    String body;
    boolean defaultDtype = t.dtype() == DType.FLOAT32 || t.dtype() == DType.INT64
        || t.dtype() == DType.BOOL;
    if (t.numel() == 0) {
      if (t.dim() != 1) {
        suffixes.add("size=" + pythonTuple(t.shape()));
      }
      if (t.dtype() != DType.FLOAT32) {
        suffixes.add("dtype=" + t.dtype());
      }
      body = "[]";
    } else {
      if (!defaultDtype) {
        suffixes.add("dtype=" + t.dtype());
      }
      body = tensorStr(t.detach().cpu(), "tensor(".length());
    }
    if (t.gradFn() != null) {
      suffixes.add("grad_fn=<" + t.gradFn().name() + ">");
    } else if (t.requiresGrad()) {
      suffixes.add("requires_grad=True");
    }
    return addSuffixes("tensor(" + body, suffixes, "tensor(".length());
  }

  private static String pythonTuple(int[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }

  private static String addSuffixes(String str, List<String> suffixes, int indent) {
    StringBuilder sb = new StringBuilder(str);
    int lastLineLen = str.length() - str.lastIndexOf('\n') + 1;
    for (String suffix : suffixes) {
      if (lastLineLen + suffix.length() + 2 > LINE_WIDTH) {
        sb.append(",\n").append(" ".repeat(indent)).append(suffix);
        lastLineLen = indent + suffix.length();
      } else {
        sb.append(", ").append(suffix);
        lastLineLen += suffix.length() + 2;
      }
    }
    return sb.append(')').toString();
  }

  private static String tensorStr(Tensor t, int indent) {
    boolean summarize = t.numel() > THRESHOLD;
    Tensor sample = summarize ? summarized(t) : t;
    TensorFormatter f = sample.dtype().isFloatingPoint()
        ? new TensorFormatter(sample.dtype(), sample.toDoubleArray(), new long[0])
        : new TensorFormatter(sample.dtype(), new double[0], sample.toLongArray());
    return f.str(t, indent, summarize);
  }

  /** The edge items PyTorch looks at to choose a format for a summarized tensor. */
  private static Tensor summarized(Tensor t) {
    if (t.dim() == 0) {
      return t;
    }
    int n = t.size(0);
    if (t.dim() == 1) {
      return n > 2 * EDGE_ITEMS
          ? Tensor.cat(List.of(t.narrow(0, 0, EDGE_ITEMS), t.narrow(0, n - EDGE_ITEMS, EDGE_ITEMS)))
          : t;
    }
    List<Tensor> parts = new ArrayList<>();
    if (n > 2 * EDGE_ITEMS) {
      for (int i = 0; i < EDGE_ITEMS; i++) {
        parts.add(summarized(t.select(0, i)));
      }
      for (int i = n - EDGE_ITEMS; i < n; i++) {
        parts.add(summarized(t.select(0, i)));
      }
    } else {
      for (int i = 0; i < n; i++) {
        parts.add(summarized(t.select(0, i)));
      }
    }
    return Tensor.stack(parts);
  }

  private String str(Tensor t, int indent, boolean summarize) {
    int dim = t.dim();
    if (dim == 0) {
      return element(t);
    }
    if (dim == 1) {
      return vector(t, indent, summarize);
    }
    int n = t.size(0);
    List<String> slices = new ArrayList<>();
    if (summarize && n > 2 * EDGE_ITEMS) {
      for (int i = 0; i < EDGE_ITEMS; i++) {
        slices.add(str(t.select(0, i), indent + 1, true));
      }
      slices.add("...");
      for (int i = n - EDGE_ITEMS; i < n; i++) {
        slices.add(str(t.select(0, i), indent + 1, true));
      }
    } else {
      for (int i = 0; i < n; i++) {
        slices.add(str(t.select(0, i), indent + 1, summarize));
      }
    }
    String sep = "," + "\n".repeat(dim - 1) + " ".repeat(indent + 1);
    return "[" + String.join(sep, slices) + "]";
  }

  private String vector(Tensor t, int indent, boolean summarize) {
    int elementLength = maxWidth + 2;
    int perLine = Math.max(1, (LINE_WIDTH - indent) / elementLength);
    int n = t.size(0);
    List<String> data = new ArrayList<>();
    if (summarize && n > 2 * EDGE_ITEMS) {
      addAll(data, t.narrow(0, 0, EDGE_ITEMS));
      data.add(" ...");
      addAll(data, t.narrow(0, n - EDGE_ITEMS, EDGE_ITEMS));
    } else {
      addAll(data, t);
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < data.size(); i += perLine) {
      lines.add(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
    }
    return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
  }

  private void addAll(List<String> out, Tensor vector) {
    if (floating) {
      for (double v : vector.toDoubleArray()) {
        out.add(pad(floatText(v)));
      }
    } else {
      for (long v : vector.toLongArray()) {
        out.add(pad(bool ? (v != 0 ? "True" : "False") : plain(v)));
      }
    }
  }

  private String element(Tensor scalar) {
    if (floating) {
      return pad(floatText(scalar.item()));
    }
    long v = scalar.itemLong();
    return pad(bool ? (v != 0 ? "True" : "False") : plain(v));
  }

  private String plain(long v) {
    return bool ? (v != 0 ? "True" : "False") : Long.toString(v);
  }

  private String pad(String s) {
    return s.length() >= maxWidth ? s : " ".repeat(maxWidth - s.length()) + s;
  }

  private String floatText(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (sciMode) {
      return sci(v);
    }
    if (intMode) {
      return fixed(v, 0) + ".";
    }
    return fixed(v, PRECISION);
  }

  /** Python's {@code f"{v:.{digits}f}"}. */
  static String fixed(double v, int digits) {
    String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    boolean negative = v < 0 || (v == 0 && 1 / v < 0);
    return negative && !s.startsWith("-") ? "-" + s : s;
  }

  /** Python's {@code f"{v:.4e}"}: {@code 1.2346e+05}. */
  static String sci(double v) {
    if (v == 0) {
      return (1 / v < 0 ? "-" : "") + "0." + "0".repeat(PRECISION) + "e+00";
    }
    BigDecimal rounded = new BigDecimal(v).round(new MathContext(PRECISION + 1,
        RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    BigDecimal mantissa = rounded.movePointLeft(exponent).setScale(PRECISION,
        RoundingMode.HALF_EVEN);
    String e = Integer.toString(Math.abs(exponent));
    return mantissa.toPlainString() + "e" + (exponent < 0 ? "-" : "+")
        + (e.length() < 2 ? "0" + e : e);
  }
}
