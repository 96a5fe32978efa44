"""The benchmark suite: each workload on ember and on PyTorch in one process, alternating,
after warm-up; prints the median step time of each, the ratio (ember / PyTorch: below 1 means
ember is faster), the peak memory of each (a child process per workload and framework), and
the achieved GFLOP/s against this machine's float32 GEMM peak measured with NumPy.

    python -m ember.bench [--only NAME[,NAME]] [--repeats N] [--threads N] [--quick]
                          [--no-memory] [--json PATH]

Absolute times on a shared machine are noise; the ratios measured side by side are the figures
to quote. PyTorch is needed (the ``test`` extra installs it).
"""

import argparse
import importlib.util
import os
import sys

from ember.bench.report import format_table, write_json
from ember.bench.suite import run
from ember.bench.workloads import WORKLOADS, select

__all__ = ["main"]

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m ember.bench",
        description=__doc__.split("\n\n")[0],
        epilog="workloads: " + ", ".join(WORKLOADS),
    )
    parser.add_argument("--only", default="", help="comma-separated workload names")
    parser.add_argument("--repeats", type=int, help="timed rounds (default: fit ~10 s each)")
    parser.add_argument("--threads", type=int, help="intra-op threads of both frameworks")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about a minute: one warm-up, ~1 s of rounds, smaller batches for the heavy workloads",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory pass")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    return parser


def _limit_threads(n, argv):
    """Limit NumPy's BLAS to ``n`` threads; returns how. Without threadpoolctl the BLAS pool
    size is fixed when NumPy loads (and ``import ember`` loads it before this runs), so the
    process re-executes itself once with the thread environment variables set."""
    if importlib.util.find_spec("threadpoolctl") is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n)
        return "threadpoolctl"
    if any(os.environ.get(v) != str(n) for v in _THREAD_VARIABLES):
        os.environ.update({v: str(n) for v in _THREAD_VARIABLES})
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "ember.bench", *argv])
    return "environment variables " + ", ".join(_THREAD_VARIABLES) + " (set before NumPy loads)"


def _print(results):
    v = results["versions"]
    load = results["load_average"]
    print(
        f"ember {v['ember']}, torch {v['torch']}, numpy {v['numpy']}, Python {v['python']}; "
        f"{results['cpus']} CPUs"
        + (f", load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}" if load else "")
    )
    blas = results["threads"]["numpy_blas"] or "NumPy BLAS at its default"
    print(f"threads: torch {results['threads']['torch']}; {blas}")
    if load and load[0] > results["cpus"] and results["threads"]["torch"] > 1:
        # Measured on the 2-core development machine under load 5-6: with 2 threads both
        # PyTorch's OpenMP and OpenBLAS wait at barriers for descheduled threads, and a 1 ms
        # MLP step takes 50-100 ms.
        print(
            "warning: the load average exceeds the CPU count; multi-threaded steps mostly wait "
            "for descheduled threads: --threads 1 gives steadier figures"
        )
    print(f"float32 GEMM peak (NumPy, 2048^3): {results['gemm_peak_flops'] / 1e9:.1f} GFLOP/s")
    print()
    print(format_table(results["workloads"], results["gemm_peak_flops"]))
    print()
    for row in results["workloads"]:
        print(f"  {row['name']:<20} {row['title']}")
    print(
        "\nms: median step time; n: timed rounds; ember/torch below 1: ember faster."
        "\nMiB: peak RSS above the baseline, in a child process per workload and framework"
        "\n(per framework under --quick; see ember.bench.memory). GF/s: counted GEMM FLOPs per"
        "\nmedian step (ember.bench.flops; a training step is 3x the forward); % peak: of the"
        "\nGEMM peak above. Absolute times on a shared machine are noise; ratios count."
    )


def main(argv=None):
    """Parse the command line, run the suite, print the table, write the JSON if asked."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        select([n for n in args.only.split(",") if n])
    except ValueError as exc:
        parser.error(str(exc))
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    threads_method = _limit_threads(args.threads, argv) if args.threads else None
    results = run(args)
    results["threads"]["numpy_blas"] = threads_method
    _print(results)
    if args.json:
        write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
