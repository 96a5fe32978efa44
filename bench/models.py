"""Model benchmark: one training step (forward, loss, backward, optimizer step) of the same
model code on ember and on PyTorch, alternating in one process; prints medians and ratios
(ember / PyTorch: below 1 means ember is faster).

    python bench/models.py [--repeats N]
"""

import argparse

import numpy as np
import torch
from core import compare

import ember


def _batch(T, shape, classes, n=64):
    rng = np.random.default_rng(0)
    x = T.tensor(rng.standard_normal((n, *shape), dtype=np.float32))
    y = T.tensor(rng.integers(0, classes, n))
    return x, y


def mlp(T):
    nn = T.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn(T):
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 7 * 7, 10),
    )


class _LastStep:
    """Adapts a sequence model to classification: logits from the last time step."""

    def __init__(self, body, head):
        self.body, self.head = body, head
        self.params = list(body.parameters()) + list(head.parameters())

    def __call__(self, x):
        out = self.body(x)
        out = out[0] if isinstance(out, tuple) else out
        return self.head(out[:, -1])

    def parameters(self):
        return iter(self.params)


def lstm(T):
    return _LastStep(T.nn.LSTM(28, 64, batch_first=True), T.nn.Linear(64, 10))


def transformer(T):
    layer = T.nn.TransformerEncoderLayer(28, 4, 64, dropout=0.0, batch_first=True)
    return _LastStep(layer, T.nn.Linear(28, 10))


MODELS = {
    "MLP 784-128-10": (mlp, (1, 28, 28)),
    "CNN 2 conv + pool": (cnn, (1, 28, 28)),
    "LSTM 28->64, 28 steps": (lstm, (28, 28)),
    "Transformer enc layer": (transformer, (28, 28)),
}


def training_step(T, build, shape):
    T.manual_seed(0)
    model = build(T)
    opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = _batch(T, shape, 10)
    loss_fn = T.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    print(f"ember {ember.__version__}, torch {torch.__version__}, numpy {np.__version__}")
    print("one training step, batch 64 (ms)")
    for name, (build, shape) in MODELS.items():
        compare(
            name,
            {
                "ember": training_step(ember, build, shape),
                "torch": training_step(torch, build, shape),
            },
            args.repeats,
            per=1e3,
        )


if __name__ == "__main__":
    main()
