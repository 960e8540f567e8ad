#!/usr/bin/env python3
"""Writes the PyTorch reference values that the *LossTest classes compare the losses against.

Run with a Python that has PyTorch (made with PyTorch 1.13 from Debian's python3-torch):

    /usr/bin/python3 tools/pytorch-reference/loss_cases.py \
        > runtime/src/test/resources/pytorch/loss_cases.txt

Each case builds one torch.nn loss module, calls it on inputs that require grad, and runs
backward (with a given gradient when the reduction is 'none'):

    case <name>
    loss <torch.nn class name>
    option <key> <value>          (reduction, dtype of the input, beta, ignore_index,
                                   label_smoothing)
    tensor <role> <dtype> <shape> <values...>
    end

Shape is sizes joined by 'x' ('scalar' for 0-d). Roles: input, target, weight, pos_weight and
grad_output are inputs; out, input_grad and target_grad are PyTorch's results. Input values are
written as float64 decimals that Java reads as double and then converts to the dtype, as the
script does (torch.tensor(values, dtype=float64).to(dtype)), so both sides start from the same
numbers. Results are written with enough digits to round-trip their dtype; nan, inf and -inf
appear as such. Lines starting with '#' are comments. The file holds no JSON so the test needs
no library.
"""

import sys

import torch
import torch.nn as nn

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64}
NAMES = {v: k for k, v in DTYPES.items()}

GEN = torch.Generator().manual_seed(20240531)


def rnd(*shape, scale=1.0):
    """Normal values rounded to 3 decimals (short to write, exact to rebuild)."""
    x = torch.randn(*shape, generator=GEN, dtype=torch.float64) * scale
    return torch.round(x * 1000) / 1000


def uniform(*shape, lo=0.0, hi=1.0):
    x = torch.rand(*shape, generator=GEN, dtype=torch.float64) * (hi - lo) + lo
    return torch.round(x * 1000) / 1000


def classes(n, *shape):
    return torch.randint(0, n, shape, generator=GEN)


def fmt(dtype, v):
    if dtype == torch.int64:
        return str(int(v))
    v = float(v)
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    if dtype == torch.float32:
        return "%.9g" % v
    return repr(v)


def write_tensor(out, role, t):
    shape = "x".join(str(s) for s in t.shape) if t.dim() > 0 else "scalar"
    values = " ".join(fmt(t.dtype, v) for v in t.detach().reshape(-1).tolist())
    out.write("tensor %s %s %s %s\n" % (role, NAMES[t.dtype], shape, values))


def module(loss, reduction, options, weight, pos_weight):
    if loss in ("MSELoss", "L1Loss"):
        return getattr(nn, loss)(reduction=reduction)
    if loss == "SmoothL1Loss":
        return nn.SmoothL1Loss(reduction=reduction, beta=options.get("beta", 1.0))
    if loss == "NLLLoss":
        return nn.NLLLoss(weight=weight, ignore_index=options.get("ignore_index", -100),
                          reduction=reduction)
    if loss == "CrossEntropyLoss":
        return nn.CrossEntropyLoss(weight=weight, ignore_index=options.get("ignore_index", -100),
                                   reduction=reduction,
                                   label_smoothing=options.get("label_smoothing", 0.0))
    if loss == "BCELoss":
        return nn.BCELoss(weight=weight, reduction=reduction)
    if loss == "BCEWithLogitsLoss":
        return nn.BCEWithLogitsLoss(weight=weight, reduction=reduction, pos_weight=pos_weight)
    raise ValueError(loss)


def case(out, name, loss, reduction, inp, target, dtype=torch.float64, weight=None,
         pos_weight=None, target_grad=False, **options):
    """inp, target, weight, pos_weight: float64 (or int64 target) sources; dtype: the input's."""
    x = inp.to(dtype).clone().requires_grad_()
    t = target if target.dtype == torch.int64 else target.to(dtype)
    if target_grad:
        t = t.clone().requires_grad_()
    w = None if weight is None else weight.to(dtype)
    pw = None if pos_weight is None else pos_weight.to(dtype)
    y = module(loss, reduction, options, w, pw)(x, t)
    grad_output = None
    if y.dim() > 0:
        grad_output = rnd(*y.shape)
        y.backward(grad_output.to(dtype))
    else:
        y.backward()
    out.write("case %s\nloss %s\noption reduction %s\n" % (name, loss, reduction))
    for key, value in sorted(options.items()):
        out.write("option %s %s\n" % (key, value))
    out.write("option dtype %s\n" % NAMES[dtype])
    write_tensor(out, "input", inp)
    write_tensor(out, "target", target)
    if weight is not None:
        write_tensor(out, "weight", weight)
    if pos_weight is not None:
        write_tensor(out, "pos_weight", pos_weight)
    if grad_output is not None:
        write_tensor(out, "grad_output", grad_output)
    write_tensor(out, "out", y)
    write_tensor(out, "input_grad", x.grad)
    if target_grad:
        write_tensor(out, "target_grad", t.grad)
    out.write("end\n")


REDUCTIONS = ("mean", "sum", "none")


def pointwise_cases(out):
    for loss in ("MSELoss", "L1Loss"):
        for r in REDUCTIONS:
            case(out, "%s_%s" % (loss, r), loss, r, rnd(3, 4), rnd(3, 4), target_grad=True)
        case(out, loss + "_f32", loss, "mean", rnd(3, 4), rnd(3, 4), dtype=torch.float32,
             target_grad=True)
    # Ties: d|x - y|/dx = sign(0) = 0 where input == target.
    x = rnd(2, 3)
    case(out, "L1Loss_ties", "L1Loss", "none", x, torch.where(x > 0, x, rnd(2, 3)),
         target_grad=True)
    case(out, "MSELoss_large_f32", "MSELoss", "sum", rnd(2, 3, scale=1e4), rnd(2, 3),
         dtype=torch.float32)

    for r in REDUCTIONS:
        case(out, "SmoothL1Loss_" + r, "SmoothL1Loss", r, rnd(3, 4, scale=2), rnd(3, 4),
             target_grad=True)
    case(out, "SmoothL1Loss_beta0.5", "SmoothL1Loss", "mean", rnd(3, 4), rnd(3, 4), beta=0.5)
    case(out, "SmoothL1Loss_beta0", "SmoothL1Loss", "sum", rnd(3, 4), rnd(3, 4), beta=0.0,
         target_grad=True)
    case(out, "SmoothL1Loss_beta2_f32", "SmoothL1Loss", "none", rnd(3, 4, scale=3), rnd(3, 4),
         dtype=torch.float32, beta=2.0)
    # |input - target| exactly beta (gradient +-1, as PyTorch) and exactly 0.
    case(out, "SmoothL1Loss_boundary", "SmoothL1Loss", "none",
         torch.tensor([1.5, -0.25, 0.5, 3.0], dtype=torch.float64),
         torch.tensor([0.5, 0.75, 0.5, 2.5], dtype=torch.float64))
    # Differences of 1e30 in float32: the quadratic branch overflows and must not leak.
    case(out, "SmoothL1Loss_extreme_f32", "SmoothL1Loss", "none",
         torch.tensor([1e30, -1e30, 1e4, 0.25], dtype=torch.float64),
         torch.tensor([0.0, 1.0, -1e4, 0.0], dtype=torch.float64), dtype=torch.float32)


def nll_cases(out):
    for r in REDUCTIONS:
        case(out, "NLLLoss_" + r, "NLLLoss", r, rnd(4, 5), classes(5, 4))
        case(out, "NLLLoss_weight_" + r, "NLLLoss", r, rnd(4, 5), classes(5, 4),
             weight=uniform(5, lo=0.2, hi=2.0))
    ignored = torch.tensor([1, -100, 4, 0, -100])
    case(out, "NLLLoss_ignore_weight_mean", "NLLLoss", "mean", rnd(5, 5), ignored,
         weight=uniform(5, lo=0.2, hi=2.0))
    case(out, "NLLLoss_ignore_none", "NLLLoss", "none", rnd(5, 5), ignored)
    case(out, "NLLLoss_ignore1_mean", "NLLLoss", "mean", rnd(5, 3),
         torch.tensor([1, 0, 2, 1, 1]), ignore_index=1)
    t = classes(3, 2, 2, 2)
    t[0, 1, 0] = -100
    for r in ("mean", "none"):
        case(out, "NLLLoss_4d_" + r, "NLLLoss", r, rnd(2, 3, 2, 2), t,
             weight=uniform(3, lo=0.2, hi=2.0))
    for r in ("mean", "none"):
        case(out, "NLLLoss_unbatched_" + r, "NLLLoss", r, rnd(5), torch.tensor(3))
    case(out, "NLLLoss_all_ignored_mean", "NLLLoss", "mean", rnd(3, 4),
         torch.tensor([-100, -100, -100]))
    case(out, "NLLLoss_weight_f32", "NLLLoss", "mean", rnd(4, 5), classes(5, 4),
         dtype=torch.float32, weight=uniform(5, lo=0.2, hi=2.0))


def ce_cases(out):
    ce = "CrossEntropyLoss"
    for r in REDUCTIONS:
        case(out, "CE_" + r, ce, r, rnd(4, 5), classes(5, 4))
        case(out, "CE_weight_" + r, ce, r, rnd(4, 5), classes(5, 4),
             weight=uniform(5, lo=0.2, hi=2.0))
        case(out, "CE_ignore_weight_" + r, ce, r, rnd(5, 5),
             torch.tensor([1, -100, 4, 0, -100]), weight=uniform(5, lo=0.2, hi=2.0))
        case(out, "CE_smooth_weight_ignore_" + r, ce, r, rnd(5, 4),
             torch.tensor([3, -100, 0, 2, 1]), weight=uniform(4, lo=0.2, hi=2.0),
             label_smoothing=0.1)
    case(out, "CE_ignore2_mean", ce, "mean", rnd(4, 3), torch.tensor([2, 0, 2, 1]),
         ignore_index=2)
    case(out, "CE_smooth0.2_mean", ce, "mean", rnd(4, 5), classes(5, 4), label_smoothing=0.2)
    case(out, "CE_smooth1_sum", ce, "sum", rnd(3, 4), classes(4, 3), label_smoothing=1.0)
    t = classes(3, 2, 2, 2)
    t[1, 0, 1] = -100
    for r in ("mean", "none"):
        case(out, "CE_4d_" + r, ce, r, rnd(2, 3, 2, 2), t, weight=uniform(3, lo=0.2, hi=2.0),
             label_smoothing=0.05)
    for r in ("mean", "none"):
        case(out, "CE_unbatched_" + r, ce, r, rnd(5), torch.tensor(2), label_smoothing=0.1)
    case(out, "CE_all_ignored_mean", ce, "mean", rnd(3, 4), torch.tensor([-100, -100, -100]))

    # Class probabilities.
    for r in REDUCTIONS:
        case(out, "CE_probs_" + r, ce, r, rnd(4, 5), torch.softmax(rnd(4, 5), 1),
             target_grad=True)
    case(out, "CE_probs_weight_smooth_mean", ce, "mean", rnd(4, 5), torch.softmax(rnd(4, 5), 1),
         weight=uniform(5, lo=0.2, hi=2.0), label_smoothing=0.15, target_grad=True)
    case(out, "CE_probs_4d_none", ce, "none", rnd(2, 3, 2, 2),
         torch.softmax(rnd(2, 3, 2, 2), 1), weight=uniform(3, lo=0.2, hi=2.0))
    case(out, "CE_probs_unbatched_none", ce, "none", rnd(5), torch.softmax(rnd(5), 0))

    # Extreme logits: exp would overflow (1e4) or the logits dwarf each other (1e30).
    logits = torch.tensor([[1e4, -1e4, 0.0, 1.0],
                           [1e30, -1e30, 0.0, 2.0],
                           [-1e30, -1e30, 1e30, 3.0],
                           [1e4, 1e4, -1e30, 1e30]], dtype=torch.float64)
    labels = torch.tensor([1, 1, 2, 0])
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        for r in ("mean", "none"):
            case(out, "CE_extreme_%s_%s" % (tag, r), ce, r, logits, labels, dtype=dtype)
        case(out, "CE_extreme_smooth_weight_%s" % tag, ce, "mean", logits,
             torch.tensor([1, -100, 2, 3]), dtype=dtype, weight=uniform(4, lo=0.2, hi=2.0),
             label_smoothing=0.1)
        case(out, "CE_extreme_probs_%s" % tag, ce, "sum", logits, torch.softmax(rnd(4, 4), 1),
             dtype=dtype)


def bce_cases(out):
    for r in REDUCTIONS:
        case(out, "BCELoss_" + r, "BCELoss", r, torch.sigmoid(rnd(3, 4)), uniform(3, 4),
             target_grad=True)
    case(out, "BCELoss_weight_mean", "BCELoss", "mean", torch.sigmoid(rnd(3, 4)), uniform(3, 4),
         weight=uniform(4, lo=0.2, hi=2.0))
    case(out, "BCELoss_f32", "BCELoss", "sum", torch.sigmoid(rnd(3, 4)), uniform(3, 4),
         dtype=torch.float32, target_grad=True)
    # Probabilities of exactly 0 and 1: logs clamped at -100, gradient denominators at 1e-12.
    p = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 1e-7, 1 - 1e-7], dtype=torch.float64)
    y = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5, 1.0, 0.0, 0.25], dtype=torch.float64)
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        case(out, "BCELoss_boundary_" + tag, "BCELoss", "none", p, y, dtype=dtype,
             target_grad=True)

    bce = "BCEWithLogitsLoss"
    for r in REDUCTIONS:
        case(out, "BCEWithLogits_" + r, bce, r, rnd(3, 4, scale=2), uniform(3, 4),
             target_grad=True)
        case(out, "BCEWithLogits_posweight_" + r, bce, r, rnd(3, 4, scale=2), uniform(3, 4),
             pos_weight=uniform(4, lo=0.2, hi=3.0), target_grad=True)
    case(out, "BCEWithLogits_weight_posweight_mean", bce, "mean", rnd(3, 4, scale=2),
         uniform(3, 4), weight=uniform(3, 1, lo=0.2, hi=2.0), pos_weight=uniform(4, lo=0.2, hi=3.0))
    x = torch.tensor([[0.0, 1e4, -1e4, 1e30], [-1e30, 30.0, -30.0, 1.5]], dtype=torch.float64)
    y = torch.tensor([[0.3, 1.0, 0.0, 0.25], [0.5, 0.0, 1.0, 1.0]], dtype=torch.float64)
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        case(out, "BCEWithLogits_extreme_none_" + tag, bce, "none", x, y, dtype=dtype)
        case(out, "BCEWithLogits_extreme_posweight_mean_" + tag, bce, "mean", x, y, dtype=dtype,
             pos_weight=torch.tensor([2.0, 0.5, 3.0, 1.0], dtype=torch.float64))


def main():
    out = sys.stdout
    out.write("# Written by tools/pytorch-reference/loss_cases.py with PyTorch %s.\n"
              % torch.__version__)
    out.write("# Do not edit: rerun the script.\n")
    pointwise_cases(out)
    nll_cases(out)
    ce_cases(out)
    bce_cases(out)


if __name__ == "__main__":
    main()
