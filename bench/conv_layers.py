"""Conv2d layers at ResNet-18-CIFAR and MNIST-CNN shapes: ember against PyTorch.

Forward, and forward+backward (input, weight and bias gradients), timed on both frameworks in
one process, alternating, medians; ratios are ember / PyTorch (below 1: ember faster). PyTorch
runs with 2 threads, as NumPy's OpenBLAS does. ``--memory`` also measures the peak resident
memory that one forward+backward adds over the process after setup (Linux: the peak RSS
``VmHWM`` is reset through ``/proc/self/clear_refs`` after setup and read from
``/proc/self/status`` after the step, in a fresh subprocess per framework and shape;
``ru_maxrss`` cannot be reset, and the imports' peak hides the step's).

    python bench/conv_layers.py [--repeats N] [--memory]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

import ember

# (name, batch, in_ch, out_ch, size, kernel, stride, padding)
SHAPES = [
    ("stem 3->64 @32 k3", 32, 3, 64, 32, 3, 1, 1),
    ("64->64 @32 k3", 32, 64, 64, 32, 3, 1, 1),
    ("64->128 @32 k3 s2", 32, 64, 128, 32, 3, 2, 1),
    ("128->128 @16 k3", 32, 128, 128, 16, 3, 1, 1),
    ("128->256 @16 k3 s2", 32, 128, 256, 16, 3, 2, 1),
    ("256->256 @8 k3", 32, 256, 256, 8, 3, 1, 1),
    ("256->512 @8 k3 s2", 32, 256, 512, 8, 3, 2, 1),
    ("512->512 @4 k3", 32, 512, 512, 4, 3, 1, 1),
    ("ds 64->128 @32 k1 s2", 32, 64, 128, 32, 1, 2, 0),
    ("ds 128->256 @16 k1 s2", 32, 128, 256, 16, 1, 2, 0),
    ("ds 256->512 @8 k1 s2", 32, 256, 512, 8, 1, 2, 0),
    ("mnist 1->32 @28 k3", 64, 1, 32, 28, 3, 1, 0),
    ("mnist 32->64 @26 k3", 64, 32, 64, 26, 3, 1, 0),
]


def case(T, shape, backward):
    """A closure running one forward (and backward) of the layer on framework ``T``."""
    _, n, c, o, size, k, s, p = shape
    rng = np.random.default_rng(0)
    x = T.tensor(rng.standard_normal((n, c, size, size), dtype=np.float32), requires_grad=True)
    layer = T.nn.Conv2d(c, o, k, stride=s, padding=p)
    if not backward:

        def fwd():
            with T.no_grad():
                layer(x)

        return fwd

    def step():
        x.grad = None
        layer.zero_grad()
        layer(x).sum().backward()

    return step


def median_ms(fns, repeats):
    """Medians (ms) of each of ``fns``, run alternately ``repeats`` times after a warm-up."""
    times = [[] for _ in fns]
    for fn in fns:
        fn()
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) * 1e3 for t in times]


def peak_extra_mb(framework, index):
    """Peak RSS (MB) one forward+backward adds, measured in a fresh subprocess."""
    code = (
        "import re, sys, json; sys.path.insert(0, 'bench'); import conv_layers as b;"
        f"import {framework} as T; T.set_num_threads(2) if hasattr(T, 'set_num_threads') else 0;"
        f"f = b.case(T, b.SHAPES[{index}], True);"
        "st = lambda k: int(re.search(k + r':\\s+(\\d+)', open('/proc/self/status').read())[1]);"
        "open('/proc/self/clear_refs', 'w').write('5'); r0 = st('VmRSS'); f();"
        "print(json.dumps(st('VmHWM') - r0))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1]) / 1024


def main():
    """Print the table of medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    print(f"load average: {os.getloadavg()}")
    print(f"{'layer':24s} {'fwd ember':>9s} {'torch':>7s} {'ratio':>6s}"
          f" {'f+b ember':>10s} {'torch':>7s} {'ratio':>6s}")  # fmt: skip
    for i, shape in enumerate(SHAPES):
        ef, tf = median_ms([case(ember, shape, False), case(torch, shape, False)], args.repeats)
        eb, tb = median_ms([case(ember, shape, True), case(torch, shape, True)], args.repeats)
        line = (
            f"{shape[0]:24s} {ef:9.2f} {tf:7.2f} {ef / tf:6.2f} {eb:10.2f} {tb:7.2f} {eb / tb:6.2f}"
        )
        if args.memory:
            em, tm = peak_extra_mb("ember", i), peak_extra_mb("torch", i)
            line += f"  peak MB {em:6.1f} {tm:6.1f} {em / max(tm, 0.1):5.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
