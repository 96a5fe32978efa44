"""CUDA step times: ember on CuPy against PyTorch on CUDA, same model code, alternating.

One training step (forward, cross-entropy, backward, optimizer step) of an MLP and of a small
CNN, synchronised before each clock read; prints medians in ms and ember / PyTorch ratios
(below 1: ember is faster). Run from the repository root on a machine with a GPU:

    PYTHONPATH=. python tools/gpu_bench.py [--repeats N]
"""

import argparse
import statistics
import time

import numpy as np
import torch

import ember


def mlp(T):
    nn = T.nn
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
        nn.Linear(512, 10),
    )  # fmt: skip


def cnn(T):
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 10),
    )  # fmt: skip


def make_step(T, build, shape, batch, opt_name):
    """A closure running one training step on CUDA in namespace ``T``."""
    rng = np.random.default_rng(0)
    T.manual_seed(0)
    model = build(T).to("cuda")
    opt = getattr(T.optim, opt_name)(model.parameters(), lr=1e-3)
    x = T.tensor(rng.standard_normal((batch, *shape), dtype=np.float32)).to("cuda")
    y = T.tensor(rng.integers(0, 10, batch)).to("cuda")
    loss_fn = T.nn.CrossEntropyLoss()
    sync = T.cuda.synchronize

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        sync()
        return loss

    return step


def timed(step, repeats):
    for _ in range(3):
        step()  # warm up: kernel compilation, memory pool
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"ember {ember.__version__} on {ember.cuda.get_device_name()}, torch {torch.__version__}")
    cases = [
        ("mlp 784-512-512-10 b256 SGD", mlp, (1, 28, 28), 256, "SGD"),
        ("cnn 2conv+fc 32x32 b128 Adam", cnn, (3, 32, 32), 128, "Adam"),
    ]
    for name, build, shape, batch, opt in cases:
        steps = {
            "ember": make_step(ember, build, shape, batch, opt),
            "torch": make_step(torch, build, shape, batch, opt),
        }
        med = {}
        for _ in range(2):  # alternate the two frameworks
            for key, step in steps.items():
                med.setdefault(key, []).extend(timed(step, args.repeats // 2))
        ms = {k: statistics.median(v) * 1e3 for k, v in med.items()}
        loss_e = float(steps["ember"]())
        loss_t = float(steps["torch"]())
        print(
            f"{name:<32} ember {ms['ember']:8.2f} ms  torch {ms['torch']:8.2f} ms  "
            f"ember/torch {ms['ember'] / ms['torch']:.2f}  (losses {loss_e:.4f} {loss_t:.4f})"
        )


if __name__ == "__main__":
    main()
