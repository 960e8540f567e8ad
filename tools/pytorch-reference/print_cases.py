#!/usr/bin/env python3
"""Writes the PyTorch printing reference that PrintTest compares Tensor.toString() against.

Run with a Python that has PyTorch (made with PyTorch 1.13 from Debian's python3-torch):

    /usr/bin/python3 tools/pytorch-reference/print_cases.py \
        > runtime/src/test/resources/pytorch/print_cases.txt

Each case gives the input exactly, so Java rebuilds the same tensor, then str(tensor):

    case <name>
    dtype <float32|float64|int64|bool>
    shape <sizes...>                 (nothing after "shape" for a 0-d tensor)
    values <v...>                    (row-major; floats as Python repr of the exact value,
                                      nan/inf/-inf; bools as 1/0)
  or
    gen <A> <M> <S> <D>              (element i is ((i * A) % M - S) / D, computed in float64
                                      and then rounded to the dtype; int64 ignores D and bool
                                      takes "nonzero"; integer arithmetic is exact)
    expect <n>                       (then n lines: str(tensor))

Lines starting with '#' are comments. The file holds no JSON so the test needs no library.
"""

import sys

import torch

DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "int64": torch.int64,
    "bool": torch.bool,
}


def gen_values(dtype, n, a, m, s, d):
    raw = [(i * a) % m - s for i in range(n)]
    if dtype == "int64":
        return raw
    if dtype == "bool":
        return [r != 0 for r in raw]
    return [float(r) / d for r in raw]


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def encode(dtype, value):
    if dtype == "bool":
        return "1" if value else "0"
    if dtype == "int64":
        return str(int(value))
    return repr(float(value))


CASES = []


def explicit(name, dtype, shape, values):
    """A case with its values listed; float values are rounded to the dtype by torch.tensor."""
    t = torch.tensor(values, dtype=DTYPES[dtype]).reshape(shape)
    CASES.append((name, dtype, shape, "values", t))


def generated(name, dtype, shape, a, m, s, d=1.0):
    vals = gen_values(dtype, numel(shape), a, m, s, d)
    t = torch.tensor(vals, dtype=DTYPES[dtype]).reshape(shape)
    CASES.append((name, dtype, shape, ("gen", a, m, s, d), t))


def build():
    nan, inf = float("nan"), float("inf")
    explicit("eye3", "float32", (3, 3), torch.eye(3).flatten().tolist())
    explicit("four_decimals", "float32", (2, 2), [0.1234, -1.5, 2.25, 3.14159])
    explicit("negative", "float32", (3,), [-1.0, 2.5, -3.25])
    explicit("int_mode", "float32", (2,), [1.0, 2.0])
    explicit("int_mode_negative_zero", "float32", (3,), [-0.0, 0.0, 1.0])
    explicit("zeros", "float32", (2, 2), [0.0, 0.0, 0.0, 0.0])
    explicit("sci_small", "float32", (2,), [1e-5, 1.0])
    explicit("sci_big", "float32", (1,), [1e9])
    explicit("sci_int_ratio", "float32", (2,), [1.0, 2000.0])
    explicit("sci_ratio", "float32", (2,), [100000.0, 0.5])
    explicit("sci_negative", "float32", (2, 2), [-1.5e-7, 2.0, 3.25e3, -4.0])
    explicit("int_mode_big", "float32", (1,), [123456789.0])
    explicit("min_boundary", "float32", (2,), [0.0001, 1.0])
    explicit("mixed_widths", "float32", (3,), [1.5, -123.25, 10.0625])
    explicit("rounding", "float32", (4,), [0.12345, 0.99995, -2.00005, 0.5])
    explicit("nan_inf", "float32", (4,), [nan, inf, -inf, 1.5])
    explicit("nan_zero", "float32", (2,), [nan, 0.0])
    explicit("inf_int_mode", "float32", (3,), [inf, 2.0, -3.0])
    explicit("int64_matrix", "int64", (2, 2), [1, -20, 300, 4])
    explicit("int64_big", "int64", (2,), [9223372036854775807, -1])
    explicit("bool_matrix", "bool", (2, 2), [True, False, False, True])
    explicit("bool_true", "bool", (2,), [True, True])
    explicit("float64", "float64", (2, 2), [1.5, 2.0, 3.0, 4.0])
    explicit("float64_int_mode", "float64", (2,), [1.0, 2.0])
    explicit("float64_precise", "float64", (2,), [0.1, 1.0 / 3.0])
    explicit("scalar_float", "float32", (), 3.5)
    explicit("scalar_float_int", "float32", (), 2.0)
    explicit("scalar_float_sci", "float32", (), -0.0001)
    explicit("scalar_nan", "float32", (), nan)
    explicit("scalar_int", "int64", (), -7)
    explicit("scalar_bool", "bool", (), False)
    explicit("scalar_float64", "float64", (), 2.5)
    explicit("empty_float", "float32", (0,), [])
    explicit("empty_rows", "float32", (0, 3), [])
    explicit("empty_int", "int64", (0,), [])
    explicit("empty_float64_2d", "float64", (2, 0), [])
    explicit("empty_bool", "bool", (0,), [])
    explicit("empty_3d", "float32", (1, 0, 2), [])
    # Lines wrap at 80 characters.
    generated("wrap_float", "float32", (40,), 1, 1000, 20, 1.25)
    generated("wrap_int", "int64", (50,), 1, 1000, 0)
    generated("wrap_bool", "bool", (30,), 1, 3, 1)
    generated("wrap_float64", "float64", (20,), 1, 1000, 0, 1.5)
    generated("wrap_float64_short", "float64", (7,), 7, 11, 5, 3.0)
    generated("wrap_rows", "float32", (3, 30), 37, 101, 50, 7.0)
    generated("wrap_rows_float64", "float64", (2, 12), 37, 101, 50, 7.0)
    # Blank lines between blocks of 3-d and 4-d tensors.
    generated("blocks_3d", "float32", (2, 3, 4), 1, 1000, 0)
    generated("blocks_3d_int", "int64", (2, 3, 4), 5, 17, 8)
    generated("blocks_4d", "float32", (2, 2, 2, 2), 3, 7, 3, 2.0)
    # Over 1000 elements: summarized with '...'.
    generated("summary_1d", "float32", (2000,), 1, 100000, 0)
    generated("summary_1d_fraction", "float32", (1001,), 7, 1009, 500, 8.0)
    generated("summary_2d", "float32", (40, 50), 13, 997, 400, 4.0)
    generated("summary_2d_wide", "float32", (2, 1000), 1, 3000, 0, 2.0)
    generated("summary_2d_tall", "float32", (1000, 2), 3, 1013, 0, 1.0)
    generated("summary_3d", "float32", (10, 20, 30), 7, 6007, 3000, 16.0)
    generated("summary_3d_int_mode", "float32", (10, 20, 30), 1, 100000, -1000, 1.0)
    generated("summary_3d_int64", "int64", (4, 5, 60), 7, 1000, 500)
    generated("summary_sci", "float32", (1200,), 11, 1201, 600, 1e6)
    generated("summary_int", "int64", (1500,), 17, 3001, 1500)
    generated("summary_bool", "bool", (1200,), 1, 2, 0)
    generated("summary_float64", "float64", (30, 40), 13, 1201, 600, 3.0)


def main(out):
    build()
    out.write("# Written by tools/pytorch-reference/print_cases.py with PyTorch %s.\n"
              % torch.__version__)
    out.write("# Do not edit: rerun the script.\n")
    for name, dtype, shape, source, t in CASES:
        assert t.dtype == DTYPES[dtype] and tuple(t.shape) == tuple(shape), name
        out.write("case %s\n" % name)
        out.write("dtype %s\n" % dtype)
        out.write(("shape " + " ".join(str(s) for s in shape)).rstrip() + "\n")
        if source == "values":
            vals = t.flatten().tolist()
            out.write(("values " + " ".join(encode(dtype, v) for v in vals)).rstrip() + "\n")
        else:
            _, a, m, s, d = source
            out.write("gen %d %d %d %r\n" % (a, m, s, float(d)))
        text = str(t)
        lines = text.split("\n")
        out.write("expect %d\n" % len(lines))
        for line in lines:
            out.write(line + "\n")


if __name__ == "__main__":
    main(sys.stdout)
