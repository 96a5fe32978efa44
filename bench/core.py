"""Core benchmark: per-op autograd overhead and large matmul, ember against PyTorch.

Runs the same code on both frameworks in one process, alternating, and prints medians and
ratios (ember / PyTorch: below 1 means ember is faster). Absolute times on a shared machine
are noise; the ratios measured side by side are the figures to quote.

    python bench/core.py [--repeats N]
"""

import argparse
import statistics
import time

import numpy as np
import torch

import ember


def chain(T, a, b, x0, n=100):
    """100 recorded ``x = x * b + a`` on 4x4 tensors, then ``sum().backward()``."""
    x = x0
    for _ in range(n):
        x = x * b + a
    x.sum().backward()


def chain_case(T):
    a = T.ones(4, 4, requires_grad=True)
    b = T.full((4, 4), 0.5, requires_grad=True)
    x0 = T.ones(4, 4, requires_grad=True)
    return lambda: chain(T, a, b, x0)


def matmul_case(T, n):
    rng = np.random.default_rng(0)
    a = T.tensor(rng.standard_normal((n, n), dtype=np.float32), requires_grad=True)
    b = T.tensor(rng.standard_normal((n, n), dtype=np.float32), requires_grad=True)

    def step():
        a.grad = None
        b.grad = None
        (a @ b).sum().backward()

    return step


def numpy_gemm_case(n):
    """What the forward and the two backward GEMMs cost in NumPy alone (3 GEMMs)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    g = np.ones((n, n), np.float32)

    def step():
        a @ b
        g @ b.T
        a.T @ g

    return step


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def compare(name, cases, repeats, per=1.0, unit="ms"):
    """Alternate the cases ``repeats`` times; print each median and the ratios to the first."""
    for fn in cases.values():
        fn()  # warm up
    times = {k: [] for k in cases}
    for _ in range(repeats):
        for k, fn in cases.items():
            times[k].append(timed(fn))
    med = {k: statistics.median(v) * per for k, v in times.items()}
    first = next(iter(med))
    cells = "  ".join(f"{k} {v:9.2f} {unit}" for k, v in med.items())
    ratios = "  ".join(f"{first}/{k} {med[first] / med[k]:.2f}" for k in med if k != first)
    print(f"{name:<28} {cells}  {ratios}")
    return med


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    print(f"ember {ember.__version__}, torch {torch.__version__}, numpy {np.__version__}")
    compare(
        "chain x*b+a (us per op)",
        {"ember": chain_case(ember), "torch": chain_case(torch)},
        args.repeats,
        per=1e6 / 200,
        unit="us",
    )
    for n in (1024, 2048):
        compare(
            f"matmul {n} fwd+bwd f32",
            {
                "ember": matmul_case(ember, n),
                "torch": matmul_case(torch, n),
                "numpy": numpy_gemm_case(n),
            },
            max(3, args.repeats // 6),
            per=1e3,
        )


if __name__ == "__main__":
    main()
