"""``ember.vision.datasets``: torchvision's datasets, read from the official file formats,
with checksum-verified downloads (see ``utils``). ``MNIST.sample()`` works offline."""

from ember.vision.datasets.cifar import CIFAR10, CIFAR100
from ember.vision.datasets.fakedata import FakeData
from ember.vision.datasets.folder import DatasetFolder, ImageFolder
from ember.vision.datasets.mnist import EMNIST, KMNIST, MNIST, QMNIST, FashionMNIST
from ember.vision.datasets.svhn import SVHN
from ember.vision.datasets.vision import VisionDataset

__all__ = [
    "VisionDataset",
    "MNIST",
    "FashionMNIST",
    "KMNIST",
    "EMNIST",
    "QMNIST",
    "CIFAR10",
    "CIFAR100",
    "SVHN",
    "ImageFolder",
    "DatasetFolder",
    "FakeData",
]
