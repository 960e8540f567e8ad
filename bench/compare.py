"""Runs each workload in Adjoint and in PyTorch, alternating, and prints one table of medians.

Called by bench/run (which builds Adjoint and checks PyTorch). Each workload runs as pairs of
processes, one Adjoint and one PyTorch, in the order A P, P A, A P, ... (--rounds pairs, more up to
--tries while either side has fewer than --rounds quiet samples), so that a slow phase of the
host, which a virtual machine's /proc/stat does not show (other tenants on the same cores, caches
and memory), falls on both sides alike rather than on whichever ran during it. A sample counts
only when the machine was quiet: the CPU time the whole machine used during the run (from
/proc/stat), less the CPU time of the measured process itself, must stay under 0.15 cores. Each
cell is the median of a side's quiet samples (each the median of one process's timed
repetitions); a result with no quiet sample is marked '~'. The last column gives the spread: the
lowest and highest a/p of the pairs in which both samples were quiet.
"""
import argparse
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HZ = os.sysconf("SC_CLK_TCK")
WORKLOADS = ["sgemm64", "sgemm128", "sgemm256", "sgemm512", "sgemm1024", "sgemm2048",
             "add", "relu", "exp", "sum", "mean0", "linreg",
             "mlp1", "mlp32", "mlp128", "mlp512", "infer1", "infer128", "cnn128", "epoch"]


def busy_jiffies():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4]  # all but idle and iowait


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(cmd, env):
    """(median seconds, quiet?) of one run of a workload process."""
    b0, c0, t0 = busy_jiffies(), children_cpu(), time.time()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    wall = time.time() - t0
    other = ((busy_jiffies() - b0) / HZ - (children_cpu() - c0)) / wall
    median = float(out.split()[1])
    measure.extra = " ".join(w for w in out.split() if w.startswith("accuracy="))
    return median, other < 0.15


def transparent_huge_pages():
    """Whether the kernel lets a process ask for transparent huge pages ('always' or 'madvise'):
    then the JVM backs its heap with 2 MB pages (-XX:+UseTransparentHugePages), which takes a
    TLB miss per 2 MB instead of per 4 KB through a 16 MB tensor (add on 4M floats: about
    3.3 -> 1.9 ms here)."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[never]" not in f.read()
    except OSError:
        return False


JVM_OPTIONS = ["-XX:+UseTransparentHugePages"] if transparent_huge_pages() else []


def adjoint_cmd(name, threads, reps):
    cp = os.pathsep.join([os.path.join(ROOT, "bench/target/classes"),
                          os.path.join(ROOT, "runtime/target/classes"),
                          os.path.join(ROOT, "annotations/target/classes")])
    return (["java", "--add-modules", "jdk.incubator.vector"] + JVM_OPTIONS
            + ["-XX:ActiveProcessorCount=%d" % threads, "-Dadjoint.threads=%d" % threads, "-cp",
               cp, "dev.adjoint.bench.Workloads", name, str(reps)])


def torch_cmd(name, threads, reps):
    return ["/usr/bin/python3", os.path.join(ROOT, "bench/workloads.py"), name, str(threads),
            str(reps)]


def openblas_core():
    """SkylakeX on a CPU with AVX-512 (where the environment's Haswell halves sgemm), else the
    kernels OpenBLAS picks itself (SkylakeX there dies with SIGILL)."""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return "SkylakeX" if "avx512f" in line.split() else None
    return None


def torch_env(threads):
    env = dict(os.environ)
    core = openblas_core()
    if core:
        env["OPENBLAS_CORETYPE"] = core
    else:
        env.pop("OPENBLAS_CORETYPE", None)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def paired(runs, rounds, tries):
    """Runs the two sides' processes in alternating pairs; returns, per side, (median seconds,
    quiet?, extra), and the a/p ratios of the pairs in which both samples were quiet."""
    samples = [([], []) for _ in runs]  # per side: quiet, noisy
    extras = ["" for _ in runs]
    ratios = []
    for pair in range(tries):
        if pair >= rounds and all(len(q) >= rounds for q, _ in samples):
            break
        order = range(len(runs)) if pair % 2 == 0 else reversed(range(len(runs)))
        got = [None] * len(runs)
        for side in order:
            cmd, env = runs[side]
            m, ok = measure(cmd, env)
            extras[side] = measure.extra
            samples[side][0 if ok else 1].append(m)
            got[side] = (m, ok)
        if all(ok for _, ok in got):
            ratios.append(got[0][0] / got[1][0])
    results = []
    for side, (quiet, noisy) in enumerate(samples):
        results.append((median(quiet), True, extras[side]) if quiet
                       else (median(noisy), False, extras[side]))
    return results, ratios


def fmt(name, seconds):
    if name.startswith("sgemm"):
        n = int(name[5:])
        return "%8.1f GF/s" % (2.0 * n ** 3 / seconds / 1e9)
    return "%9.3f ms" % (seconds * 1e3)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", default="1,2")
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--rounds", type=int, default=2,
                   help="pairs of processes (Adjoint, PyTorch) per workload, alternating order")
    p.add_argument("--tries", type=int, default=5, help="most pairs, noisy ones included")
    p.add_argument("--no-huge-pages", action="store_true",
                   help="run Adjoint without -XX:+UseTransparentHugePages")
    p.add_argument("workloads", nargs="*", default=WORKLOADS)
    a = p.parse_args()
    if a.no_huge_pages:
        JVM_OPTIONS.clear()
    print("adjoint JVM options: %s" % " ".join(adjoint_cmd("", 1, 0)[1:-7]))
    print("%-10s %3s %14s %14s %8s %13s" % ("workload", "thr", "adjoint", "pytorch",
                                             "time a/p", "pairs' a/p"))
    for threads in [int(t) for t in a.threads.split(",")]:
        for name in a.workloads:
            # An epoch takes seconds: three per process (after one to warm up), two pairs.
            reps, rounds, tries = ((3, 2, 2) if name == "epoch"
                                   else (a.reps, a.rounds, max(a.rounds, a.tries)))
            ((ta, qa, extra_a), (tp, qp, extra_p)), ratios = paired(
                [(adjoint_cmd(name, threads, reps), dict(os.environ)),
                 (torch_cmd(name, threads, reps), torch_env(threads))], rounds, tries)
            spread = ("%5.2f-%-5.2f" % (min(ratios), max(ratios))) if ratios else "-"
            mark = "" if qa and qp else " ~noisy"
            if extra_a or extra_p:  # the epoch's test accuracies: adjoint, pytorch
                mark += " (%s / %s)" % (extra_a, extra_p)
            print("%-10s %3d %14s %14s %8.2f %13s%s" % (name, threads, fmt(name, ta),
                                                        fmt(name, tp), ta / tp, spread, mark))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
