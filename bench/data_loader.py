"""DataLoader benchmark: one epoch over 60,000 28x28 uint8 images (MNIST-sized) turned into
float batches of 64, with 0, 1 and 2 worker processes, ember's DataLoader against PyTorch's on
the same data, alternating in one process; prints the median epoch time, images per second
and the ratio (ember / PyTorch time: below 1 means ember is faster).

Two datasets: a TensorDataset over a float tensor of all the images (each sample is a row
view), and a map-style dataset that converts one uint8 image per ``__getitem__`` (the shape of
torchvision's MNIST with ``ToTensor``).

    python bench/data_loader.py [--repeats N] [--images N]
"""

import argparse
import statistics

import numpy as np
import torch
from core import timed

import ember


class PerItemImages:
    """A map-style dataset: the uint8 image at ``i`` as a float tensor in [0, 1], and its
    label as an int, built with the namespace ``T`` (ember or torch)."""

    def __init__(self, T, images, labels):
        self.T, self.images, self.labels = T, images, labels

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = self.T.from_numpy(self.images[i]).float().div_(255.0).unsqueeze(0)
        return x, int(self.labels[i])


def _data(n):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n).astype(np.int64)
    return images, labels


def tensor_dataset(T, images, labels):
    x = T.from_numpy(images).float().div_(255.0).unsqueeze(1)  # (N, 1, 28, 28)
    return T.utils.data.TensorDataset(x, T.from_numpy(labels))


def per_item_dataset(T, images, labels):
    return PerItemImages(T, images, labels)


def epoch(T, dataset, workers):
    """A function that runs one full epoch (workers start and stop inside it)."""

    def run():
        loader = T.utils.data.DataLoader(dataset, batch_size=64, num_workers=workers)
        count = 0
        for x, _ in loader:
            count += x.shape[0]
        assert count == len(dataset)

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--images", type=int, default=60_000)
    args = parser.parse_args()
    print(f"ember {ember.__version__}, torch {torch.__version__}, numpy {np.__version__}")
    print(
        f"one epoch, {args.images} images 28x28 uint8 -> float32, batch 64, median of "
        f"{args.repeats}"
    )
    images, labels = _data(args.images)
    header = (
        f"{'dataset':<16}{'workers':>8}{'ember s':>10}{'torch s':>10}"
        f"{'ember img/s':>13}{'torch img/s':>13}{'ember/torch':>13}"
    )
    print(header)
    print("-" * len(header))
    for name, build in (("TensorDataset", tensor_dataset), ("per-item", per_item_dataset)):
        datasets = {"ember": build(ember, images, labels), "torch": build(torch, images, labels)}
        for workers in (0, 1, 2):
            cases = {
                k: epoch(T, datasets[k], workers) for k, T in (("ember", ember), ("torch", torch))
            }
            times = {k: [] for k in cases}
            for _ in range(args.repeats):
                for k, fn in cases.items():
                    times[k].append(timed(fn))
            med = {k: statistics.median(v) for k, v in times.items()}
            print(
                f"{name:<16}{workers:>8}{med['ember']:>10.2f}{med['torch']:>10.2f}"
                f"{args.images / med['ember']:>13,.0f}{args.images / med['torch']:>13,.0f}"
                f"{med['ember'] / med['torch']:>13.2f}"
            )


if __name__ == "__main__":
    main()
