"""MNIST and its relatives (FashionMNIST, KMNIST, EMNIST, QMNIST), read from the IDX files."""

import os
import shutil
import string
import warnings
from collections.abc import Callable
from http.client import HTTPException
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ember.ops.creation import from_numpy
from ember.serialization import load
from ember.vision.datasets._idx import (
    read_image_file,
    read_label_file,
    read_sn3_pascalvincent_tensor,
)
from ember.vision.datasets.utils import (
    ChecksumError,
    check_integrity,
    download_and_extract_archive,
    extract_archive,
    verify_str_arg,
)
from ember.vision.datasets.vision import VisionDataset

__all__ = [
    "MNIST",
    "FashionMNIST",
    "KMNIST",
    "EMNIST",
    "QMNIST",
    "read_sn3_pascalvincent_tensor",
    "read_image_file",
    "read_label_file",
]

# The embedded sample, in torchvision's layout: <root>/MNIST/raw/*-idx?-ubyte.gz.
_SAMPLE_ROOT = str(Path(__file__).resolve().parents[1] / "_data" / "mnist_sample")


def _existing(path):
    """``path`` or ``path.gz``, whichever exists (the plain file first), else None."""
    for candidate in (path, path + ".gz"):
        if os.path.isfile(candidate):
            return candidate
    return None


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: 28x28 handwritten digits, labels 0-9.

    Reads ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (plain or ``.gz``).
    Items are ``(PIL.Image in mode 'L', int)``; ``data`` is a uint8 tensor (N, 28, 28) and
    ``targets`` an int64 tensor (N,).

    Offline sample: ``MNIST.sample(train=True)`` loads 8,000 real digits shipped inside ember
    (7,000 train, 1,000 test), no ``root`` and no network needed; see
    ``ember/vision/_data/mnist_sample/README.md`` for their origin and licence.

    Args:
        root: folder holding ``MNIST/raw/``.
        train: the training set (60,000 digits) if True, else the test set (10,000).
        transform: a callable applied to the PIL image.
        target_transform: a callable applied to the label.
        download: fetch the files from ``mirrors`` when they are missing (MD5-checked).
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]

    def __init__(
        self,
        root: str | Path,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if self._check_legacy_exist():
            self.data, self.targets = self._load_legacy_data()
            return
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    @classmethod
    def sample(
        cls,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
    ) -> "MNIST":
        """The 8,000 real MNIST digits embedded in ember: 7,000 train, 1,000 test, offline.

        An ember addition (torchvision has no embedded sample).

        Example::

            >>> from ember.vision import transforms
            >>> from ember.vision.datasets import MNIST
            >>> test = MNIST.sample(train=False, transform=transforms.ToTensor())
            >>> image, label = test[0]
            >>> len(test), image.shape, image.dtype
            (1000, ember.Size([1, 28, 28]), ember.float32)
        """
        if cls is not MNIST:
            raise TypeError(f"{cls.__name__}.sample: only MNIST ships an embedded sample")
        return cls(
            _SAMPLE_ROOT, train=train, transform=transform, target_transform=target_transform
        )

    @property
    def train_labels(self):
        """Deprecated name of ``targets``."""
        warnings.warn("train_labels has been renamed targets", stacklevel=2)
        return self.targets

    @property
    def test_labels(self):
        """Deprecated name of ``targets``."""
        warnings.warn("test_labels has been renamed targets", stacklevel=2)
        return self.targets

    @property
    def train_data(self):
        """Deprecated name of ``data``."""
        warnings.warn("train_data has been renamed data", stacklevel=2)
        return self.data

    @property
    def test_data(self):
        """Deprecated name of ``data``."""
        warnings.warn("test_data has been renamed data", stacklevel=2)
        return self.data

    @property
    def raw_folder(self) -> str:
        """``root/<ClassName>/raw``, where the IDX files live."""
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self) -> str:
        """``root/<ClassName>/processed``, where old torchvision versions cached tensors."""
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self) -> dict[str, int]:
        """Class name -> label."""
        return {name: i for i, name in enumerate(self.classes)}

    def _check_legacy_exist(self):
        files = (self.training_file, self.test_file)
        return all(check_integrity(os.path.join(self.processed_folder, f)) for f in files)

    def _load_legacy_data(self):
        # Folders prepared by torchvision < 0.9 hold (data, targets) saved with torch.save.
        data_file = self.training_file if self.train else self.test_file
        return load(os.path.join(self.processed_folder, data_file), weights_only=True)

    def _raw_file(self, kind):
        prefix = "train" if self.train else "t10k"
        idx = "idx3" if kind == "images" else "idx1"
        return os.path.join(self.raw_folder, f"{prefix}-{kind}-{idx}-ubyte")

    def _load_data(self):
        data = read_image_file(_existing(self._raw_file("images")))
        targets = read_label_file(_existing(self._raw_file("labels")))
        return data, targets

    def _check_exists(self) -> bool:
        names = (os.path.splitext(filename)[0] for filename, _ in self.resources)
        return all(_existing(os.path.join(self.raw_folder, name)) for name in names)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        """``(image, target)``: a PIL image in mode 'L' and the class index."""
        img, target = self.data.numpy()[index], int(self.targets.numpy()[index])
        img = Image.fromarray(img)  # a 2-d uint8 array is a mode 'L' image
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def download(self) -> None:
        """Download and extract the files that are missing, trying each mirror in turn.

        Differences from PyTorch: a bad checksum or a broken connection also moves on to the
        next mirror, and the final error lists every mirror's failure.
        """
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            failures = []
            for mirror in self.mirrors:
                url = f"{mirror}{filename}"
                try:
                    print(f"Downloading {url}")
                    download_and_extract_archive(
                        url, download_root=self.raw_folder, filename=filename, md5=md5
                    )
                    break
                except (OSError, HTTPException, ChecksumError) as error:
                    # URLError and broken connections are OSErrors; a bad checksum from one
                    # mirror is worth another mirror too.
                    print(f"Failed to download (trying next):\n{error}")
                    failures.append(f"  {url}: {error}")
            else:
                raise RuntimeError(
                    f"Error downloading {filename}: every mirror failed:\n" + "\n".join(failures)
                )

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: 28x28 clothing
    images in 10 classes, in MNIST's format under ``root/FashionMNIST/raw``."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: 28x28 cursive Japanese
    characters in 10 classes, in MNIST's format under ``root/KMNIST/raw``."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """`EMNIST <https://www.nist.gov/itl/products-and-services/emnist-dataset>`_: handwritten
    letters and digits; ``split`` is one of ``byclass``, ``bymerge``, ``balanced``, ``letters``,
    ``digits``, ``mnist``. Reads ``root/EMNIST/raw/emnist-<split>-<train|test>-...-ubyte``."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # The lowercase letters that bymerge/balanced merge into their uppercase twin.
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root: str | Path, split: str, **kwargs: Any) -> None:
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = f"training_{split}.pt"
        self.test_file = f"test_{split}.pt"
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self) -> str:
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self) -> str:
        """Path of this split's IDX image file."""
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self) -> str:
        """Path of this split's IDX label file."""
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _load_data(self):
        data = read_image_file(_existing(self.images_file))
        return data, read_label_file(_existing(self.labels_file))

    def _check_exists(self) -> bool:
        return all(_existing(f) for f in (self.images_file, self.labels_file))

    def download(self) -> None:
        """Download the EMNIST archive and unpack every split's files into ``raw_folder``."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for gzip_file in os.listdir(gzip_folder):
            if gzip_file.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, gzip_file), self.raw_folder)
        shutil.rmtree(gzip_folder)


_QMNIST_URL = "https://raw.githubusercontent.com/facebookresearch/qmnist/master/"


class QMNIST(MNIST):
    """`QMNIST <https://github.com/facebookresearch/qmnist>`_: MNIST with its full NIST
    provenance. ``what`` is ``train``, ``test``, ``test10k``, ``test50k`` or ``nist``; with
    ``compat=True`` the target is the class index, else the 8-column int64 label row."""

    # Each subset and the files it is read from.
    subsets = {
        "train": "train",
        "test": "test",
        "test10k": "test",
        "test50k": "test",
        "nist": "nist",
    }
    resources = {
        "train": [
            (_QMNIST_URL + "qmnist-train-images-idx3-ubyte.gz", "ed72d4157d28c017586c42bc6afe6370"),
            (_QMNIST_URL + "qmnist-train-labels-idx2-int.gz", "0058f8dd561b90ffdd0f734c6a30e5e4"),
        ],
        "test": [
            (_QMNIST_URL + "qmnist-test-images-idx3-ubyte.gz", "1394631089c404de565df7b7aeaf9412"),
            (_QMNIST_URL + "qmnist-test-labels-idx2-int.gz", "5b5b05890a5e13444e108efe57b788aa"),
        ],
        "nist": [
            (_QMNIST_URL + "xnist-images-idx3-ubyte.xz", "7f124b3b8ab81486c9d8c2749c17f834"),
            (_QMNIST_URL + "xnist-labels-idx2-int.xz", "5ed0e788978e45d4a8bd4b7caec3d79d"),
        ],
    }
    classes = MNIST.classes

    def __init__(
        self,
        root: str | Path,
        what: str | None = None,
        compat: bool = True,
        train: bool = True,
        **kwargs: Any,
    ) -> None:
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets.keys()))
        self.compat = compat
        self.data_file = what + ".pt"
        self.training_file = self.data_file
        self.test_file = self.data_file
        super().__init__(root, train, **kwargs)

    def _resource_path(self, i):
        url = self.resources[self.subsets[self.what]][i][0]
        return os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0])

    @property
    def images_file(self) -> str:
        """Path of this subset's IDX image file."""
        return self._resource_path(0)

    @property
    def labels_file(self) -> str:
        """Path of this subset's IDX label file (int32, one 8-column row per image)."""
        return self._resource_path(1)

    def _check_exists(self) -> bool:
        return all(_existing(f) for f in (self.images_file, self.labels_file))

    def _load_data(self):
        data = read_sn3_pascalvincent_tensor(_existing(self.images_file))
        if data.numpy().dtype != np.uint8:
            raise TypeError(f"data should be of dtype ember.uint8 instead of {data.dtype}")
        if data.dim() != 3:
            raise ValueError(f"data should have 3 dimensions instead of {data.dim()}")
        labels = read_sn3_pascalvincent_tensor(_existing(self.labels_file)).numpy()
        if labels.ndim != 2:
            raise ValueError(f"targets should have 2 dimensions instead of {labels.ndim}")
        images = data.numpy()
        if self.what == "test10k":
            images, labels = images[:10000], labels[:10000]
        elif self.what == "test50k":
            images, labels = images[10000:], labels[10000:]
        return _tensor(images), _tensor(labels.astype(np.int64))

    def download(self) -> None:
        """Download this subset's two files (only the subset asked for by ``what``)."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for url, md5 in self.resources[self.subsets[self.what]]:
            download_and_extract_archive(url, self.raw_folder, md5=md5)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        """``(image, target)``; the target is an int with ``compat``, else a label row."""
        img = Image.fromarray(self.data.numpy()[index])
        target = self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.compat:
            target = int(target[0])
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self) -> str:
        return f"Split: {self.what}"


def _tensor(array):
    """A tensor owning a contiguous copy of ``array``."""
    return from_numpy(np.ascontiguousarray(array).copy())
