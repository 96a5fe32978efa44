"""Timing: the machine's float32 GEMM peak, and a workload's step timed on each framework,
alternating in one process after warm-up."""

import statistics
import time

import numpy as np

__all__ = ["timed", "gemm_peak", "time_workload"]

# Adaptive repeats: enough alternating rounds to fill about this many seconds per workload.
BUDGET_S = {False: 10.0, True: 1.0}
MAX_REPEATS = 50


def timed(fn):
    """Wall-clock seconds of one call of ``fn``."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def gemm_peak(n=2048, runs=3):
    """The best float32 GEMM rate of NumPy's BLAS on ``n x n x n`` matmuls, in FLOP/s."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)  # warm-up: page in, start the BLAS threads
    best = min(timed(lambda: np.matmul(a, b, out=out)) for _ in range(runs))
    return 2 * n**3 / best


def _repeats(round_s, quick, min_repeats):
    """How many alternating rounds fit the time budget, within the bounds."""
    fit = int(BUDGET_S[quick] / max(round_s, 1e-9))
    return max(1 if quick else min_repeats, min(MAX_REPEATS, fit))


def time_workload(cases, warmup, repeats=None, quick=False, min_repeats=3):
    """Median seconds per step of each case (``{framework: Case}``).

    Runs ``warmup`` alternating rounds (untimed, but the last sizes the adaptive repeat count
    when ``repeats`` is None: at least ``min_repeats``, or 1 when ``quick``), then ``repeats``
    timed rounds; the order inside a round flips every round so neither framework always runs
    right after the other. Returns ``({framework: median_seconds}, repeats)``.
    """
    names = list(cases)
    round_s = 0.0
    for _ in range(max(1, warmup)):
        round_s = sum(timed(cases[k].step) for k in names)
    if repeats is None:
        repeats = _repeats(round_s, quick, min_repeats)
    times = {k: [] for k in names}
    for i in range(repeats):
        for k in names if i % 2 == 0 else reversed(names):
            times[k].append(timed(cases[k].step))
    return {k: statistics.median(v) for k, v in times.items()}, repeats
