#!/usr/bin/env python3
"""Writes the PyTorch reference that the dev.adjoint.optim tests replay.

Run with a Python that has PyTorch (made with PyTorch 1.13 from Debian's python3-torch):

    /usr/bin/python3 tools/pytorch-reference/optim_cases.py \
        > runtime/src/test/resources/pytorch/optim_cases.txt

Everything is float32 and deterministic (the data comes from a seeded generator and is written
out, so Java never regenerates it). One item per line, words separated by spaces; floats are
Python's repr of the exact value (so a float32 value parses back exactly), booleans
True/False, Python's None is None. Lines starting with '#' are comments.

The problem: parameters w [3, 2], b [2] and c [2], data x [6, 3] and y [6, 2];
loss = ((x @ w + b - y) ** 2).mean(). c is not in the loss, so its grad stays None and every
optimizer must leave it alone.

    tensor <name> <ndim> <sizes...> <values...>       data and initial parameters
    case <name> <SGD|Adam|AdamW|RMSprop>              then, until 'end':
      kwargs <key>=<value> ...                        constructor arguments (betas=0.9,0.99)
      group <param names, comma separated> <key>=<value> ...
                                                      one line per group, in order; no group
                                                      line means the plain list [w, b, c]
      after <k> <param> <values...>                   the parameter after k steps (k = 1..5)
      sdgroup <g> <key> <value>                       optimizer.state_dict() after 2 steps:
      sdgroup <g> params <indices...>                 param_groups[g][key]
      sdstate <index> <key> tensor <ndim> <sizes...> <values...>
      sdstate <index> <key> int <value>               state[index][key] (a tensor, a Python
      sdstate <index> <key> float <value>             int or float; None is left out)
    end

Schedulers: each case builds SGD over one parameter per group with the given lrs, then
records scheduler.get_last_lr() (PyTorch's _last_lr) after construction (k = 0; for
ReduceLROnPlateau the group lrs) and after each step:

    sched <name> <StepLR|CosineAnnealingLR|ReduceLROnPlateau> lrs=<lr,lr...> <key>=<value> ...
      metrics <values...>                             ReduceLROnPlateau only: step(metric) inputs
      lr <k> <lr per group...>
    end

Gradient clipping: parameters p [2, 3], q [4] with fixed grads, and r with no grad:

    clip <name> max_norm=<v> norm_type=<v|inf>
      given <param> <values...>                       the grad before clipping
      total <value>                                   what clip_grad_norm_ returned
      grad <param> <values...>                        the grad after clipping
    end
"""

import math

import torch


def fmt(v):
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (tuple, list)):
        return ",".join(fmt(x) for x in v)
    if isinstance(v, torch.Tensor):
        return " ".join(repr(float(x)) for x in v.flatten().tolist())
    if isinstance(v, int):
        return repr(v)
    return repr(float(v))


def tensor_words(t):
    return " ".join([str(t.dim())] + [str(s) for s in t.shape] + [fmt(t)])


def emit(*words):
    print(" ".join(str(w) for w in words))


gen = torch.Generator().manual_seed(20240611)
X = torch.randn(6, 3, generator=gen)
Y = torch.randn(6, 2, generator=gen)
INIT = {
    "w": torch.randn(3, 2, generator=gen),
    "b": torch.randn(2, generator=gen),
    "c": torch.randn(2, generator=gen),
}
NAMES = ["w", "b", "c"]
OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
}
# Switches of PyTorch's implementation (foreach kernels, CUDA graphs, ...), not hyperparameters.
IMPLEMENTATION_KEYS = {"foreach", "capturable", "differentiable", "fused"}


def kv(d):
    return " ".join(f"{k}={fmt(v)}" for k, v in d.items())


def optim_case(name, opt, kwargs, groups=None):
    params = {n: INIT[n].clone().requires_grad_(True) for n in NAMES}
    if groups is None:
        spec = [params[n] for n in NAMES]
    else:
        spec = [dict(options, params=[params[n] for n in names]) for names, options in groups]
    optimizer = OPTIMIZERS[opt](spec, **kwargs)
    emit("case", name, opt)
    emit("kwargs", kv(kwargs))
    for names, options in groups or []:
        emit("group", ",".join(names), kv(options))
    for k in range(1, 6):
        optimizer.zero_grad(set_to_none=True)
        loss = ((X @ params["w"] + params["b"] - Y) ** 2).mean()
        loss.backward()
        optimizer.step()
        for n in NAMES:
            emit("after", k, n, fmt(params[n].detach()))
        if k == 2:
            sd = optimizer.state_dict()
            for g, group in enumerate(sd["param_groups"]):
                for key, value in group.items():
                    if key == "params":
                        emit("sdgroup", g, "params", " ".join(str(i) for i in value))
                    elif key not in IMPLEMENTATION_KEYS:
                        emit("sdgroup", g, key, fmt(value))
            for index in sorted(sd["state"]):
                for key, value in sd["state"][index].items():
                    if isinstance(value, torch.Tensor):
                        emit("sdstate", index, key, "tensor", tensor_words(value))
                    elif isinstance(value, int):
                        emit("sdstate", index, key, "int", value)
                    elif value is not None:
                        emit("sdstate", index, key, "float", fmt(value))
    emit("end")


def optim_cases():
    optim_case("sgd_plain", "SGD", dict(lr=0.1))
    optim_case("sgd_momentum_dampening_decay", "SGD",
               dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-2))
    optim_case("sgd_nesterov", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3))
    optim_case("sgd_maximize", "SGD", dict(lr=0.01, momentum=0.5, maximize=True))
    optim_case("sgd_groups", "SGD", dict(lr=0.1, momentum=0.5),
               [(["w"], dict(lr=0.01)),
                (["b", "c"], dict(weight_decay=0.1, nesterov=True))])
    optim_case("adam_default", "Adam", dict(lr=1e-2))
    optim_case("adam_decay_amsgrad", "Adam",
               dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1, amsgrad=True))
    optim_case("adam_groups", "Adam", dict(lr=0.02),
               [(["b"], dict(amsgrad=True, weight_decay=0.5)),
                (["w", "c"], dict(lr=0.1, betas=(0.5, 0.6)))])
    optim_case("adamw_default", "AdamW", dict(lr=1e-2))
    optim_case("adamw_amsgrad", "AdamW", dict(lr=0.05, weight_decay=0.1, amsgrad=True))
    optim_case("adamw_groups", "AdamW", dict(lr=0.03, betas=(0.85, 0.95)),
               [(["w"], dict(weight_decay=0.0)), (["b", "c"], dict(weight_decay=0.3, eps=1e-3))])
    optim_case("rmsprop_default", "RMSprop", dict(lr=1e-2))
    optim_case("rmsprop_centered_momentum", "RMSprop",
               dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.8, centered=True))
    optim_case("rmsprop_groups", "RMSprop", dict(lr=0.02),
               [(["w", "c"], dict(centered=True)), (["b"], dict(momentum=0.5, alpha=0.5))])


def sched_case(name, kind, lrs, kwargs, steps, metrics=None):
    params = [torch.zeros(1, requires_grad=True) for _ in lrs]
    optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=1.0)
    scheduler = getattr(torch.optim.lr_scheduler, kind)(optimizer, **kwargs)
    emit("sched", name, kind, "lrs=" + fmt(lrs), kv(kwargs))
    if metrics is not None:
        emit("metrics", " ".join(repr(m) for m in metrics))
    emit("lr", 0, " ".join(repr(g["lr"]) for g in optimizer.param_groups))
    for k in range(1, steps + 1):
        optimizer.step()
        if metrics is None:
            scheduler.step()
            last = scheduler.get_last_lr()
        else:
            scheduler.step(metrics[k - 1])
            last = scheduler._last_lr
        emit("lr", k, " ".join(repr(v) for v in last))
    emit("end")


def sched_cases():
    sched_case("step_two_groups", "StepLR", [0.1, 0.01], dict(step_size=3, gamma=0.5), 10)
    sched_case("step_default_gamma", "StepLR", [1.0], dict(step_size=1), 4)
    # Runs past T_max and 2 * T_max, through the recursive form and its restart branch.
    sched_case("cosine_eta_min", "CosineAnnealingLR", [0.1, 0.05], dict(T_max=4, eta_min=1e-3), 13)
    sched_case("cosine_zero_min", "CosineAnnealingLR", [0.5], dict(T_max=3), 9)
    plateau_metrics = [1.0, 0.9, 0.95, 0.91, 0.899, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6,
                       0.6, 0.6, 0.6, 0.6, 0.6]
    sched_case("plateau_min_rel", "ReduceLROnPlateau", [0.1, 0.05],
               dict(mode="min", factor=0.5, patience=2, threshold=1e-2, threshold_mode="rel",
                    cooldown=1, min_lr=[2e-2, 1e-3]),
               len(plateau_metrics), plateau_metrics)
    rising = [0.1, 0.12, 0.16, 0.2, 0.19, 0.18, 0.3, 0.3, 0.31, 0.2, 0.2, 0.2, 0.2]
    sched_case("plateau_max_abs", "ReduceLROnPlateau", [1.0],
               dict(mode="max", factor=0.1, patience=0, threshold=0.05, threshold_mode="abs",
                    cooldown=2, min_lr=1e-3, eps=1e-8),
               len(rising), rising)
    # The last reductions are smaller than eps and are skipped.
    flat = [1.0] * 8
    sched_case("plateau_eps", "ReduceLROnPlateau", [1e-6],
               dict(factor=0.5, patience=1, eps=3e-7), len(flat), flat)


def clip_case(name, max_norm, norm_type):
    gen_grads = torch.Generator().manual_seed(99)
    p = torch.zeros(2, 3, requires_grad=True)
    q = torch.zeros(4, requires_grad=True)
    r = torch.zeros(2, requires_grad=True)
    p.grad = torch.randn(2, 3, generator=gen_grads)
    q.grad = torch.randn(4, generator=gen_grads) * 3
    norm_word = "inf" if math.isinf(norm_type) else repr(float(norm_type))
    emit("clip", name, f"max_norm={fmt(max_norm)}", f"norm_type={norm_word}")
    emit("given", "p", fmt(p.grad))
    emit("given", "q", fmt(q.grad))
    total = torch.nn.utils.clip_grad_norm_([p, q, r], max_norm, norm_type)
    emit("total", fmt(total))
    emit("grad", "p", fmt(p.grad))
    emit("grad", "q", fmt(q.grad))
    emit("end")


def clip_cases():
    clip_case("l2_clipped", 1.0, 2.0)
    clip_case("l2_unclipped", 100.0, 2.0)
    clip_case("l1_clipped", 2.0, 1.0)
    clip_case("l3_clipped", 1.5, 3.0)
    clip_case("inf_clipped", 0.5, math.inf)
    clip_case("inf_unclipped", 50.0, math.inf)


def main():
    print("# Generated by tools/pytorch-reference/optim_cases.py with torch " + torch.__version__)
    print("# Read by dev.adjoint.optim tests; see the script for the format.")
    emit("tensor", "x", tensor_words(X))
    emit("tensor", "y", tensor_words(Y))
    for n in NAMES:
        emit("tensor", n, tensor_words(INIT[n]))
    optim_cases()
    sched_cases()
    clip_cases()


if __name__ == "__main__":
    main()
