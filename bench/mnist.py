"""End to end: train the shared data README's two reference models on ../shared/data's MNIST
sample with ember and with PyTorch (same code, same batches), and print test accuracy and
wall time for each.

    python bench/mnist.py [--epochs 5] [--data ../shared/data/mnist-sample]
"""

import argparse
import gzip
import time
from pathlib import Path

import numpy as np
import torch

import ember

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mnist-sample"


def read_idx(path):
    """An IDX file (gzip-compressed) as a NumPy array."""
    with gzip.open(path) as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(folder, split):
    images = read_idx(folder / f"{split}-images-idx3-ubyte.gz").astype(np.float32) / 255
    labels = read_idx(folder / f"{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return (images[:, None] - 0.1307) / 0.3081, labels


def mlp(nn):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn(nn):
    return nn.Sequential(
        nn.Conv2d(1, 10, 5),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Conv2d(10, 20, 5),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(320, 500),
        nn.ReLU(),
        nn.Linear(500, 10),
    )


def train(T, build, train_set, test_set, epochs):
    """SGD(lr=0.01, momentum=0.9), batch 64, as the reference figures; returns (acc, seconds)."""
    T.manual_seed(0)
    model = build(T.nn)
    opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = T.nn.CrossEntropyLoss()
    (x_train, y_train), (x_test, y_test) = train_set, test_set
    order = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(epochs):
        perm = order.permutation(len(x_train))
        for i in range(0, len(perm), 64):
            batch = perm[i : i + 64]
            opt.zero_grad()
            loss_fn(model(T.tensor(x_train[batch])), T.tensor(y_train[batch])).backward()
            opt.step()
    seconds = time.perf_counter() - start
    with T.no_grad():
        predicted = model(T.tensor(x_test)).argmax(1)
        accuracy = (predicted == T.tensor(y_test)).float().mean().item()
    return accuracy, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    train_set, test_set = load(args.data, "train"), load(args.data, "t10k")
    for name, build in (("MLP 784-128-10", mlp), ("CNN 2 conv + 2 fc", cnn)):
        cells = []
        for T in (ember, torch):
            accuracy, seconds = train(T, build, train_set, test_set, args.epochs)
            cells.append(f"{T.__name__} {accuracy:.2%} in {seconds:5.1f} s")
        print(f"{name:<20} " + "   ".join(cells))


if __name__ == "__main__":
    main()
