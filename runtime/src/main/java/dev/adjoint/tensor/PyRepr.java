package dev.adjoint.tensor;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code repr} of the values a state dict holds, so that printing one in Java reads as
 * printing it in PyTorch: {@code null} is {@code None}, booleans {@code True}/{@code False},
 * strings {@code 'quoted'}, integers as integers, floating-point numbers as Python prints a
 * {@code float} ({@code 0.01}, {@code 1e-08}, {@code 3.0}, {@code 1e+16}, {@code inf},
 * {@code nan}), tensors as {@link Tensor#toString()} ({@code tensor([0.1250])}), maps as
 * {@code dict}s ({@code {'a': 1}}) and lists as {@code list}s ({@code [0, 1]}).
 *
 * <p>Whether a number prints as {@code 0} or {@code 0.0} follows its Java type, the only record
 * of what it is: a {@code Double} or {@code Float} is a Python {@code float}, an {@code Integer}
 * or {@code Long} an {@code int}. Optimizer options are documented as {@code Double}s, so SGD's
 * default momentum prints {@code 0.0} where PyTorch, whose default is the Python int {@code 0},
 * prints {@code 0}; the two agree whenever the PyTorch user passes a float
 * ({@code momentum=0.0}).
 *
 * <p>Floats print with the digits of {@link Double#toString(double)} (the shortest that read back
 * to the same double for all but a few values on JDK 17, where Python always gives the shortest)
 * laid out as Python's {@code repr}: positional from {@code 1e-4} up to below {@code 1e16},
 * scientific with a signed two-digit exponent outside that.
 */
public final class PyRepr {
  private PyRepr() {}

  /** Python's {@code repr} of {@code value} (see the class documentation for the mapping). */
  public static String repr(Object value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value, false);
    return sb.toString();
  }

  /**
   * A new insertion-ordered map that prints as PyTorch prints {@code module.state_dict()}:
   * {@code OrderedDict([('weight', tensor(...)), ('bias', tensor(...))])}.
   */
  public static <V> Map<String, V> orderedDict() {
    return new OrderedDict<>();
  }

  /**
   * A new insertion-ordered map that prints as PyTorch prints {@code optimizer.state_dict()}:
   * a {@code dict} in which a list of numbers under any key but {@code params} is a tuple
   * ({@code 'betas': (0.9, 0.999)}), as PyTorch keeps such options (betas, etas, step sizes).
   */
  public static Map<String, Object> optimizerDict() {
    return new OptimizerDict();
  }

  /** Python's {@code repr} of the float {@code v}. */
  public static String floatRepr(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0.0" : "0.0";
    }
    return layout(new BigDecimal(Double.toString(v)));
  }

  private static String floatRepr(float v) {
    if (Float.isNaN(v) || Float.isInfinite(v) || v == 0) {
      return floatRepr((double) v);
    }
    return layout(new BigDecimal(Float.toString(v)));
  }

  /** Python's {@code repr} layout of a nonzero finite decimal. */
  private static String layout(BigDecimal d) {
    String sign = d.signum() < 0 ? "-" : "";
    BigDecimal a = d.abs().stripTrailingZeros();
    String digits = a.unscaledValue().toString();
    // a = digits * 10^-scale; the decimal exponent of the first digit:
    int exp = digits.length() - 1 - a.scale();
    if (exp >= -4 && exp < 16) {
      String plain = a.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String e = Integer.toString(Math.abs(exp));
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
  }

  /** Python's {@code repr} of a string: single quotes unless it holds one and no double quote. */
  public static String strRepr(String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder sb = new StringBuilder().append(q);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c == q) {
            sb.append('\\').append(c);
          } else if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append(q).toString();
  }

  private static void append(StringBuilder sb, Object v, boolean tuples) {
    if (v == null) {
      sb.append("None");
    } else if (v instanceof Boolean b) {
      sb.append(b ? "True" : "False");
    } else if (v instanceof Double d) {
      sb.append(floatRepr(d.doubleValue()));
    } else if (v instanceof Float f) {
      sb.append(floatRepr(f.floatValue()));
    } else if (v instanceof Number n) {
      sb.append(n);
    } else if (v instanceof CharSequence s) {
      sb.append(strRepr(s.toString()));
    } else if (v instanceof Tensor t) {
      sb.append(t);
    } else if (v instanceof OrderedDict<?> od) {
      sb.append(od);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        append(sb, e.getKey(), tuples);
        sb.append(": ");
        boolean tuple = tuples && !"params".equals(e.getKey())
            && e.getValue() instanceof List<?> l && !l.isEmpty()
            && l.stream().allMatch(x -> x instanceof Number);
        if (tuple) {
          appendSequence(sb, (List<?>) e.getValue(), '(', ')', tuples);
        } else {
          append(sb, e.getValue(), tuples);
        }
        if (it.hasNext()) {
          sb.append(", ");
        }
      }
      sb.append('}');
    } else if (v instanceof Collection<?> c) {
      appendSequence(sb, c, '[', ']', tuples);
    } else {
      sb.append(v);
    }
  }

  private static void appendSequence(StringBuilder sb, Collection<?> c, char open, char close,
      boolean tuples) {
    sb.append(open);
    Iterator<?> it = c.iterator();
    while (it.hasNext()) {
      append(sb, it.next(), tuples);
      if (it.hasNext()) {
        sb.append(", ");
      }
    }
    if (open == '(' && c.size() == 1) {
      sb.append(',');
    }
    sb.append(close);
  }

  /** A {@link LinkedHashMap} that prints as Python's {@code OrderedDict}. */
  private static final class OrderedDict<V> extends LinkedHashMap<String, V> {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
      if (isEmpty()) {
        return "OrderedDict()";
      }
      StringBuilder sb = new StringBuilder("OrderedDict([");
      Iterator<Map.Entry<String, V>> it = entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, V> e = it.next();
        sb.append('(').append(strRepr(e.getKey())).append(", ");
        append(sb, e.getValue(), false);
        sb.append(')');
        if (it.hasNext()) {
          sb.append(", ");
        }
      }
      return sb.append("])").toString();
    }
  }

  /** A {@link LinkedHashMap} that prints as PyTorch's optimizer state dict. */
  private static final class OptimizerDict extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      append(sb, new LinkedHashMap<>(this), true);
      return sb.toString();
    }
  }
}
