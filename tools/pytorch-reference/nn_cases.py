#!/usr/bin/env python3
"""Writes the PyTorch reference values that the nn layer tests compare against.

Run with a Python that has PyTorch (made with PyTorch 1.13 from Debian's python3-torch):

    /usr/bin/python3 tools/pytorch-reference/nn_cases.py \
        runtime/src/test/resources/pytorch/nn_cases.safetensors

The output is a safetensors file (written here with the standard library, so the script needs no
safetensors package). For each case <c> it holds, all float32 unless said otherwise:

    <c>.param.<name>    the layer's parameters after a seeded re-initialisation (PyTorch names)
    <c>.input           the input (int64 for the embedding)
    <c>.gout            a random upstream gradient, shaped like the output
    <c>.output          layer(input)
    <c>.grad.input      d sum(output * gout) / d input (float inputs only)
    <c>.grad.<name>     d sum(output * gout) / d parameter
    <c>.buffer.<name>   buffers after the forward (batch norm running statistics; int64 count)

A case's recipe (the layer, its mode) is in __metadata__ under the case name; the Java test
builds the same layer and loads <c>.param.* into it. Batch-norm cases named *_eval first run
two training batches (<c>.warmup0, <c>.warmup1), then evaluate <c>.input in eval mode.
"""

import json
import struct
import sys

import torch
import torch.nn as nn

torch.manual_seed(20240611)

TENSORS = {}
META = {}


def put(name, t):
    TENSORS[name] = t.detach().contiguous().clone()


def reinit(layer):
    """Random parameters (not PyTorch's init: ones and zeros would hide affine mistakes)."""
    with torch.no_grad():
        for p in layer.parameters():
            p.copy_(torch.randn_like(p) * 0.5)


def case(name, layer, x, *, train=True, reinit_params=True, warmup=()):
    if reinit_params:
        reinit(layer)
    for k, p in layer.named_parameters():
        put(f"{name}.param.{k}", p)
    layer.train(True)
    for i, w in enumerate(warmup):
        put(f"{name}.warmup{i}", w)
        layer(w)
    layer.train(train)
    META[name] = repr(layer) + (" train" if train else " eval") + (
        f" after {len(warmup)} training batches" if warmup else "")
    put(f"{name}.input", x)
    if x.is_floating_point():
        x = x.detach().clone().requires_grad_(True)
    out = layer(x)
    gout = torch.randn_like(out)
    put(f"{name}.gout", gout)
    put(f"{name}.output", out)
    (out * gout).sum().backward()
    if x.is_floating_point():
        put(f"{name}.grad.input", x.grad)
    for k, p in layer.named_parameters():
        put(f"{name}.grad.{k}", p.grad)
    for k, b in layer.named_buffers():
        put(f"{name}.buffer.{k}", b)


def away_from_zero(*shape):
    """Normal values with |x| >= 0.05, so kinks (relu at 0) are not straddled."""
    x = torch.randn(*shape)
    return torch.where(x.abs() < 0.05, x.sign() * 0.05 + x, x)


def distinct(*shape):
    """A permutation of spread-out values: no ties, so max pooling picks one element."""
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n).float() / n * 4 - 2).reshape(shape)


# Linear
case("linear", nn.Linear(5, 3), torch.randn(4, 5))
case("linear_nobias_3d", nn.Linear(5, 3, bias=False), torch.randn(2, 3, 5))

# Conv2d
case("conv_basic", nn.Conv2d(3, 4, 3), torch.randn(2, 3, 6, 6))
case("conv_stride_pad", nn.Conv2d(2, 4, 3, stride=2, padding=1), torch.randn(2, 2, 7, 7))
case("conv_dilation_groups", nn.Conv2d(4, 6, (3, 2), stride=(1, 2), padding=(2, 1),
                                       dilation=(2, 1), groups=2, bias=False),
     torch.randn(2, 4, 7, 8))
case("conv_unbatched", nn.Conv2d(2, 3, 2, stride=1, padding=1), torch.randn(2, 4, 5))

# Pooling
case("maxpool", nn.MaxPool2d(2), distinct(2, 3, 6, 6))
case("maxpool_overlap_pad", nn.MaxPool2d(3, stride=2, padding=1), distinct(2, 2, 7, 7))
case("maxpool_dilation", nn.MaxPool2d((3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
     distinct(1, 2, 7, 6))
case("avgpool", nn.AvgPool2d(2), torch.randn(2, 3, 6, 6))
case("avgpool_overlap_pad", nn.AvgPool2d(3, stride=2, padding=1), torch.randn(2, 2, 7, 7))
case("avgpool_exclude_pad", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
     torch.randn(2, 2, 7, 7))
case("adaptive_avgpool", nn.AdaptiveAvgPool2d((3, 2)), torch.randn(2, 3, 7, 5))
case("adaptive_avgpool_global", nn.AdaptiveAvgPool2d(1), torch.randn(2, 3, 4, 4))

# Shapes
case("flatten", nn.Flatten(), torch.randn(2, 3, 4))
case("flatten_0_1", nn.Flatten(0, 1), torch.randn(2, 3, 4))

# Normalisation
case("batchnorm1d_train", nn.BatchNorm1d(4), torch.randn(8, 4) * 2 + 1)
case("batchnorm1d_3d_train", nn.BatchNorm1d(3), torch.randn(4, 3, 5))
case("batchnorm2d_train", nn.BatchNorm2d(3), torch.randn(4, 3, 5, 5) * 3 - 1)
case("batchnorm2d_eval", nn.BatchNorm2d(3), torch.randn(2, 3, 4, 4), train=False,
     warmup=(torch.randn(4, 3, 4, 4) * 2 + 1, torch.randn(3, 3, 4, 4) - 2))
case("batchnorm2d_noaffine_train", nn.BatchNorm2d(2, affine=False), torch.randn(3, 2, 3, 3))
case("layernorm", nn.LayerNorm([4, 5]), torch.randn(3, 4, 5) * 2 + 0.5)
case("layernorm_noaffine", nn.LayerNorm(6, elementwise_affine=False), torch.randn(2, 3, 6))

# Embedding (a repeated index accumulates)
case("embedding", nn.Embedding(10, 4), torch.tensor([[1, 3, 1], [9, 0, 3]]))

# Activations
case("relu", nn.ReLU(), away_from_zero(3, 5))
case("leaky_relu", nn.LeakyReLU(0.2), away_from_zero(3, 5))
case("gelu", nn.GELU(), torch.randn(3, 5) * 2)
case("gelu_tanh", nn.GELU(approximate="tanh"), torch.randn(3, 5) * 2)
case("tanh", nn.Tanh(), torch.randn(3, 5))
case("sigmoid", nn.Sigmoid(), torch.randn(3, 5) * 2)
case("softmax", nn.Softmax(dim=1), torch.randn(3, 5) * 3)
case("log_softmax", nn.LogSoftmax(dim=-1), torch.randn(2, 3, 4) * 3)

# A Sequential of several kinds
case("sequential", nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.GELU(),
                                 nn.AvgPool2d(2), nn.Flatten(), nn.Linear(12, 4),
                                 nn.LeakyReLU(0.1), nn.LogSoftmax(dim=1)),
     torch.randn(3, 2, 4, 4))


def write(path):
    dtypes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    header = {"__metadata__": {k: v for k, v in META.items()}}
    header["__metadata__"]["recipe"] = "tools/pytorch-reference/nn_cases.py, torch " + \
        torch.__version__
    blobs = []
    offset = 0
    for name in sorted(TENSORS):
        t = TENSORS[name]
        data = t.numpy().tobytes()
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


write(sys.argv[1])
