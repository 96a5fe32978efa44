"""Peak memory of a workload, measured in a fresh subprocess per workload and framework, so
that one framework's allocator arena (or an earlier workload's) does not pollute another's
(one child per framework under ``--quick``: see the Note below).

In the child: import the framework, warm it up (a tiny model trained one step with each
optimizer the suite uses: PyTorch imports some 800 modules, about 70 MB, when its first
optimizer is built, and BLAS pools start on the first GEMM; that is start-up, not the
workload), build the workload's data, take the resident set size as the baseline, reset the
kernel's high-water mark (``/proc/self/clear_refs``), build the model and optimizer and run
``memory_steps`` steps; the peak is ``VmHWM`` minus the baseline, so it covers the parameters,
gradients, optimizer state and activations, not the imports or the data.
Without ``/proc`` (not Linux) ``ru_maxrss`` stands in, not reset, so the figure is a lower
bound.

    python -m ember.bench.memory WORKLOAD[,WORKLOAD] {ember,torch} [--quick] [--threads N]
"""

import argparse
import gc
import importlib
import json
import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ember.bench.workloads import WORKLOADS, select

__all__ = ["measure_peak", "peaks_in_subprocess", "peaks_in_subprocesses"]

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_bytes(field):
    """A ``kB`` field of ``/proc/self/status`` in bytes, or None without ``/proc``."""
    if not _STATUS.exists():
        return None
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return None


def _maxrss_bytes():
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _reset_high_water_mark():
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def _warm_up(T):
    """Trigger the framework's lazy imports and pools before the baseline is taken."""
    model = T.nn.Linear(256, 256)
    x = T.ones(64, 256)
    for optimizer in (T.optim.SGD, T.optim.Adam, T.optim.AdamW, T.optim.Adadelta):
        opt = optimizer(model.parameters(), lr=0.01)
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()


def measure_peak(workload, T, quick=False):
    """Peak bytes above the baseline of ``workload`` on ``T``, measured in this process."""
    _warm_up(T)
    data = workload.data(T, quick)
    gc.collect()
    if _reset_high_water_mark():
        baseline = _status_bytes("VmRSS")
    else:
        baseline = _maxrss_bytes()
    case = workload.case(T, data)
    for _ in range(workload.memory_steps):
        case.step()
    peak = _status_bytes("VmHWM") if baseline is not None else None
    if peak is None:
        peak = _maxrss_bytes()
    return max(0, peak - baseline)


# Note [one child per framework under --quick]
#     A child per workload and framework costs a fresh import of ember and PyTorch each time
#     (about 2 and 5 CPU seconds), which alone breaks --quick's minute. Under --quick one child
#     per framework measures every workload in turn, with glibc's mmap threshold fixed at 64 KiB
#     and the heap trimmed above 128 KiB, so that the blocks one workload frees go back to the
#     kernel instead of feeding the next workload unseen. Measured against fresh children, its
#     figures run 2-15% lower (the default allocator keeps more of what it frees) and do not
#     depend on the order of the workloads.
_SHARED_CHILD_ENV = {"MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "131072"}


def _child_env(shared):
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])  # the folder that holds ember/
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    if shared:
        env.update(_SHARED_CHILD_ENV)
    return env


def peaks_in_subprocess(names, framework, quick=False, threads=None, timeout=900):
    """Run :func:`measure_peak` for each workload of ``names`` in one child process; returns
    ``{name: (bytes, None) or (None, error text)}``."""
    cmd = [sys.executable, "-m", "ember.bench.memory", ",".join(names), framework]
    cmd += ["--quick"] if quick else []
    cmd += ["--threads", str(threads)] if threads else []
    env = _child_env(shared=len(names) > 1)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return dict.fromkeys(names, (None, f"timed out after {timeout} s"))
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return dict.fromkeys(names, (None, f"exit {proc.returncode}: {tail}"))
    peaks = json.loads(lines[-1])
    return {n: tuple(peaks[n]) for n in names}


def peaks_in_subprocesses(names, frameworks, quick=False, threads=None, jobs=2):
    """Peak memory of every (workload, framework) pair, ``jobs`` children at a time (memory
    does not depend on timing, so the children may share the CPUs): a child per pair, or per
    framework under ``quick`` (see Note [one child per framework under --quick])."""
    groups = [([n], f) for n in names for f in frameworks]
    if quick:
        groups = [(list(names), f) for f in frameworks]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(lambda g: (g[1], peaks_in_subprocess(*g, quick, threads)), groups)
        return {(n, f): peak for f, peaks in results for n, peak in peaks.items()}


def main(argv=None):
    """Child entry point: print ``{workload: [bytes, null] or [null, error]}`` as JSON."""
    parser = argparse.ArgumentParser(description="peak memory of benchmark workloads")
    parser.add_argument("workloads", help="comma-separated names: " + ", ".join(WORKLOADS))
    parser.add_argument("framework", choices=["ember", "torch"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args(argv)
    try:
        workloads = select(args.workloads.split(","))
    except ValueError as exc:
        parser.error(str(exc))
    T = importlib.import_module(args.framework)
    if args.threads:
        T.set_num_threads(args.threads)
    peaks = {}
    for workload in workloads:
        try:
            peaks[workload.name] = [measure_peak(workload, T, args.quick), None]
        except Exception as exc:  # reported in the table; the other workloads still run
            peaks[workload.name] = [None, f"{type(exc).__name__}: {exc}".splitlines()[0]]
    print(json.dumps(peaks))


if __name__ == "__main__":
    main()
