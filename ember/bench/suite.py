"""Running the suite: each workload built and timed on both frameworks, its FLOPs counted,
then the memory pass; the results as one dict (the JSON form of the table)."""

import os
import platform
import sys

import numpy as np

from ember.bench.memory import peaks_in_subprocesses
from ember.bench.timing import gemm_peak, time_workload
from ember.bench.workloads import select

__all__ = ["measure_workload", "run"]


class _StepFailed(Exception):
    def __init__(self, framework, exc):
        super().__init__(f"{framework}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        self.framework = framework


def _labelled(framework, step):
    """``step`` with any exception tagged by the framework it came from."""

    def run():
        try:
            step()
        except Exception as exc:
            raise _StepFailed(framework, exc) from exc

    return run


def measure_workload(workload, frameworks, repeats=None, quick=False):
    """One row of the table: build ``workload`` on each of ``frameworks`` (``{name: T}``), time
    it (``repeats`` rounds, adaptive when None), count its FLOPs on the PyTorch build. A
    framework whose build or step raises is dropped from the row and named in ``error``."""
    title = workload.title + (f" [--quick: {workload.quick}]" if quick and workload.quick else "")
    row = {"name": workload.name, "title": title}
    errors, cases = [], {}
    for fw, T in frameworks.items():
        try:
            cases[fw] = workload.case(T, workload.data(T, quick))
        except Exception as exc:
            errors.append(str(_StepFailed(fw, exc)))
    timed = {fw: type(c)(_labelled(fw, c.step), c.flops, c.per) for fw, c in cases.items()}
    while timed:
        try:
            warmup = 1 if quick else workload.warmup
            medians, row["repeats"] = time_workload(
                timed, warmup, repeats, quick, workload.min_repeats
            )
            break
        except _StepFailed as exc:
            errors.append(str(exc))
            del timed[exc.framework]
    else:
        medians = {}
    for fw in frameworks:
        row[f"{fw}_s"] = medians.get(fw)
    if "ember" in medians and "torch" in medians:
        row["ratio"] = medians["ember"] / medians["torch"]
    reference = cases.get("torch") or cases.get("ember")
    row["flops"] = reference.flops() if reference and reference.flops and medians else None
    for fw, seconds in medians.items():
        row[f"{fw}_gflops"] = row["flops"] / seconds / 1e9 if row["flops"] else None
    row["per"] = reference.per if reference else None
    row["error"] = "; ".join(errors) or None
    return row


def _add_memory(rows, frameworks, args):
    names = [row["name"] for row in rows]
    peaks = peaks_in_subprocesses(names, list(frameworks), args.quick, args.threads)
    for row in rows:
        for fw in frameworks:
            peak, error = peaks[(row["name"], fw)]
            row[f"{fw}_peak_bytes"] = peak
            if error and not row["error"]:
                row["error"] = f"memory {fw}: {error}"


def _progress(text):
    print(text, file=sys.stderr, flush=True)


def run(args):
    """Run the suite for parsed ``args``; returns the results (as written by ``--json``)."""
    workloads = select([n for n in args.only.split(",") if n])
    import torch

    import ember

    if args.threads:
        torch.set_num_threads(args.threads)
        ember.set_num_threads(args.threads)
    frameworks = {"ember": ember, "torch": torch}
    _progress("measuring the float32 GEMM peak (NumPy, 2048^3)...")
    peak = gemm_peak(runs=2 if args.quick else 3)
    rows = []
    for workload in workloads:
        _progress(f"timing {workload.name}")
        rows.append(measure_workload(workload, frameworks, args.repeats, args.quick))
    if not args.no_memory:
        _progress("measuring peak memory, one child process per workload and framework...")
        _add_memory(rows, frameworks, args)
    return {
        "versions": {
            "ember": ember.__version__,
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "threads": {"torch": torch.get_num_threads(), "numpy_blas": None},
        "gemm_peak_flops": peak,
        "quick": args.quick,
        "workloads": rows,
    }
