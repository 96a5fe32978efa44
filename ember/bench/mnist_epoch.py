"""A DataLoader-fed MNIST epoch, end to end (loader included), on the sample embedded in ember.

ember: ``MNIST.sample(train=True)`` with ``ToTensor`` + ``Normalize((0.1307,), (0.3081,))``
(each item decoded to a PIL image, converted and normalised by ember.vision) through
``ember.utils.data.DataLoader``. PyTorch: the same uint8 images in a ``Dataset`` whose
``__getitem__`` computes the same normalised tensor with torch ops (``float() / 255``, minus
the mean, over the std; torchvision is not installed), through ``torch.utils.data.DataLoader``.
Both: batch 64, shuffled by a seeded generator, ``num_workers=0``, the tutorial CNN trained with
SGD (lr 0.01, momentum 0.9) and cross-entropy.
"""

from ember.bench import models
from ember.bench.case import Case
from ember.bench.flops import TRAINING_MULTIPLIER, count_forward_flops

__all__ = ["mnist_epoch_data", "mnist_epoch"]

_MEAN, _STD = 0.1307, 0.3081
_QUICK_IMAGES = 1280  # 20 batches of 64 under --quick


class NormalisedImages:
    """A map-style dataset over uint8 images ``(N, 28, 28)``: item ``i`` is the image as a
    normalised float tensor ``(1, 28, 28)`` computed with ``T``'s ops, and its int label."""

    def __init__(self, T, images, labels):
        self.images, self.labels = images, labels
        self.float32 = T.float32

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = self.images[i].to(self.float32).div(255.0).sub(_MEAN).div(_STD)
        return x.unsqueeze(0), int(self.labels[i])


def mnist_epoch_data(T, quick):
    """The training dataset of the embedded sample (its first 1,280 images under ``quick``)."""
    from ember.vision import transforms
    from ember.vision.datasets import MNIST

    if T.__name__ == "ember":
        normalise = transforms.Compose(
            [transforms.ToTensor(), transforms.Normalize((_MEAN,), (_STD,))]
        )
        dataset = MNIST.sample(train=True, transform=normalise)
    else:
        raw = MNIST.sample(train=True)
        images = T.from_numpy(raw.data.numpy().copy())
        dataset = NormalisedImages(T, images, raw.targets.numpy().copy())
    if quick:
        dataset = T.utils.data.Subset(dataset, range(_QUICK_IMAGES))
    return dataset


def mnist_epoch(T, dataset):
    """One epoch of the tutorial CNN over ``dataset``; its detail column is images per second."""
    T.manual_seed(0)
    model = models.tutorial_cnn(T).train()
    opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = T.nn.CrossEntropyLoss()
    generator = T.Generator().manual_seed(0)
    loader = T.utils.data.DataLoader(dataset, batch_size=64, shuffle=True, generator=generator)
    n = len(dataset)

    def step():
        for x, y in loader:
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

    def flops():
        one = count_forward_flops(T, model, T.zeros(1, 1, 28, 28))
        return TRAINING_MULTIPLIER * one * n

    return Case(step, flops, per=(n, "img/s"))
