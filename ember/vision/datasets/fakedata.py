"""FakeData: random images, the same ones for the same index, for testing pipelines."""

from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image

from ember.ops.random import Generator, randint, randn
from ember.vision.datasets.vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """A dataset of ``size`` random PIL images of shape ``image_size`` (C, H, W) with random
    targets in ``[0, num_classes)``; item ``i`` is drawn from a generator seeded with
    ``i + random_offset``, so it is the same at every access.

    Differences from PyTorch: the pixels and targets come from ember's generator, so they differ
    from torchvision's for the same seed; the global random state is left untouched.
    """

    def __init__(
        self,
        size: int = 1000,
        image_size: tuple[int, int, int] = (3, 224, 224),
        num_classes: int = 10,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        random_offset: int = 0,
    ) -> None:
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        """``(image, target)`` for ``index``."""
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        generator = Generator()
        generator.manual_seed(index + self.random_offset)
        img = randn(*self.image_size, generator=generator)
        target = int(randint(0, self.num_classes, size=(1,), generator=generator)[0])
        img = _to_pil(img.numpy())
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return self.size


def _to_pil(chw):
    """A float (C, H, W) image as ``transforms.ToPILImage`` makes it: ``x * 255`` cast to uint8
    (wrapping modulo 256, as PyTorch's float-to-byte cast does), mode 'L', 'RGB' or 'RGBA'."""
    channels = chw.shape[0]
    if channels not in (1, 3, 4):
        raise ValueError(f"FakeData: image_size must have 1, 3 or 4 channels, got {chw.shape}")
    pixels = (chw * 255).astype(np.int64).astype(np.uint8).transpose(1, 2, 0)
    return Image.fromarray(pixels[:, :, 0] if channels == 1 else pixels)
