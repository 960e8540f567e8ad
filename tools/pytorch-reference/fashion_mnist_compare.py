"""PyTorch side of the Fashion-MNIST comparison: the same models, optimizer, batch sizes and
normalisation as samples/FashionMnistMlp and FashionMnistCnn, on the same machine (2 threads).
Prints test accuracy and seconds per epoch. Run with /usr/bin/python3 (Debian's python3-torch):

    /usr/bin/python3 tools/pytorch-reference/fashion_mnist_compare.py mlp 10
    /usr/bin/python3 tools/pytorch-reference/fashion_mnist_compare.py cnn 4
"""
import gzip
import sys
import time

import numpy as np
import torch
from torch import nn

DIR = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530


def idx(name, offset):
    with gzip.open(f"{DIR}/{name}", "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load(prefix):
    x = idx(f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    y = idx(f"{prefix}-labels-idx1-ubyte.gz", 8).astype(np.int64)
    return torch.from_numpy((x - MEAN) / STD), torch.from_numpy(y)


def model(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                             nn.ReLU(), nn.Linear(128, 10)), 128
    return nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10)), 64


def main():
    kind, epochs = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(2)
    torch.manual_seed(0)
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    net, batch = model(kind)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        start = time.time()
        net.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), batch):
            idx_ = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(net(xtr[idx_]), ytr[idx_])
            loss.backward()
            opt.step()
        seconds = time.time() - start
        net.eval()
        with torch.no_grad():
            acc = (net(xte).argmax(1) == yte).float().mean().item()
        print(f"{kind} epoch {epoch}: {seconds:.1f} s, test accuracy {acc:.4f}", flush=True)


if __name__ == "__main__":
    main()
