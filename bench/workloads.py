"""The PyTorch side of bench/run: one workload per process, the shapes of Workloads.java.

Usage: workloads.py <workload> <threads> [repetitions] (at least that many timed repetitions, and
at least MIN_SECONDS of them but for the epoch). Prints "<name> <median s> <min> <max>".
"""
import os
import sys
import time

import torch


def workload(name):
    g = torch.Generator().manual_seed(1)
    if name == "epoch":
        return epoch(g)
    if name.startswith("sgemm"):
        n = int(name[5:])
        a, b = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g)
        return lambda: a @ b
    big, big2 = torch.randn(1 << 22, generator=g), torch.randn(1 << 22, generator=g)
    mat = torch.randn(1 << 11, 1 << 11, generator=g)
    simple = {
        "add": lambda: big + big2,
        "relu": lambda: torch.relu(big),
        "exp": lambda: torch.exp(big),
        "sum": lambda: big.sum(),
        "mean0": lambda: mat.mean(0),
    }
    if name in simple:
        return simple[name]
    nn = torch.nn
    if name == "linreg":
        x, y = torch.randn(20640, 8, generator=g), torch.randn(20640, 1, generator=g)
        model = nn.Linear(8, 1)
        return trainer(model, torch.optim.SGD(model.parameters(), 0.01), nn.MSELoss(), x, y)
    if name == "cnn128":
        model = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(16, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(),
                              nn.Linear(128, 10))
        x = torch.randn(128, 1, 28, 28, generator=g)
        y = torch.randint(0, 10, (128,), generator=g)
        return trainer(model, torch.optim.Adam(model.parameters(), 1e-3),
                       nn.CrossEntropyLoss(), x, y)
    if name.startswith("mlp") or name.startswith("infer"):
        train = name.startswith("mlp")
        batch = int(name[3:] if train else name[5:])
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                              nn.Linear(128, 10))
        x = torch.randn(batch, 784, generator=g)
        if not train:
            model.eval()

            def infer():
                with torch.no_grad():
                    model(x).sum()
            return infer
        y = torch.randint(0, 10, (batch,), generator=g)
        return trainer(model, torch.optim.Adam(model.parameters(), 1e-3),
                       nn.CrossEntropyLoss(), x, y)
    raise SystemExit("unknown workload " + name)


ACCURACY = [None]


def epoch(g):
    """One epoch of the Fashion-MNIST MLP (batch 128, Adam 1e-3, shuffled), as Workloads.java."""
    import gzip
    import numpy as np
    d = "/usr/share/datasets/fashion-mnist"

    def idx(name, offset):
        with gzip.open(f"{d}/{name}", "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

    def load(prefix):
        x = idx(f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32)
        y = idx(f"{prefix}-labels-idx1-ubyte.gz", 8).astype(np.int64)
        return torch.from_numpy((x / 255 - 0.2860) / 0.3530), torch.from_numpy(y)

    xtr, ytr = load("train")
    xte, yte = load("t10k")
    nn = torch.nn
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                          nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    lossf = nn.CrossEntropyLoss()

    def run():
        model.train()
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr), 128):
            j = perm[i:i + 128]
            opt.zero_grad()
            lossf(model(xtr[j]), ytr[j]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            ACCURACY[0] = (model(xte).argmax(1) == yte).float().mean().item()
    return run


def trainer(model, opt, lossf, x, y):
    def step():
        opt.zero_grad()
        lossf(model(x), y).backward()
        opt.step()
    return step


def main():
    name, threads = sys.argv[1], int(sys.argv[2])
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    step = workload(name)
    # an epoch warms up in one
    end, warm = time.perf_counter() + (0 if name == "epoch" else 3), 0
    while warm < (1 if name == "epoch" else 5) or time.perf_counter() < end:  # 3 s, as the Java side (whose JIT needs that and more)
        step()
        warm += 1
    # BENCH_CPU_TIME=1 times this thread's CPU time instead of the wall clock (as Workloads'
    # -Dbench.cpuTime=true; meaningful at 1 thread on a machine shared with other work).
    clock = time.thread_time if os.environ.get("BENCH_CPU_TIME") == "1" else time.perf_counter
    # At least reps repetitions and, but for the epoch, at least MIN_SECONDS of them (as the
    # Java side): 20 repetitions of a 4-microsecond product timed 80 microseconds of a process.
    times = []
    end = time.perf_counter() + (0 if name == "epoch" else MIN_SECONDS)
    while len(times) < reps or (time.perf_counter() < end and len(times) < MAX_REPS):
        t0 = clock()
        step()
        times.append(clock() - t0)
    times.sort()
    extra = "" if ACCURACY[0] is None else " accuracy=%.4f" % ACCURACY[0]
    print("%s %.9f %.9f %.9f%s" % (name, times[len(times) // 2], times[0], times[-1], extra))


# The timed repetitions' least duration and greatest count (both sides use the same).
MIN_SECONDS = 0.5
MAX_REPS = 200_000


if __name__ == "__main__":
    main()
