"""Transforms that hold transforms: Compose, Lambda, RandomApply, RandomChoice, RandomOrder."""

import random
from collections.abc import Sequence

from ember import nn, ops

__all__ = ["Compose", "Lambda", "RandomApply", "RandomChoice", "RandomOrder", "RandomTransforms"]


def _listing(name, transforms, first=None):
    lines = [f"{name}("]
    if first is not None:
        lines.append(f"    {first}")
    lines += [f"    {t}" for t in transforms]
    return "\n".join(lines) + "\n)"


class Compose:
    """Apply ``transforms`` in order.

    Example::

        >>> from PIL import Image
        >>> from ember.vision import transforms
        >>> pipeline = transforms.Compose(
        ...     [transforms.Resize(16), transforms.CenterCrop(16), transforms.ToTensor()]
        ... )
        >>> pipeline(Image.new("RGB", (40, 20))).shape
        ember.Size([3, 16, 16])
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return _listing(self.__class__.__name__, self.transforms)


class Lambda:
    """Apply a user function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class RandomApply(nn.Module):
    """Apply all of ``transforms`` with probability ``p``, or none of them."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img):
        """Transform ``img`` with the whole list or leave it as it is."""
        if self.p < ops.rand(1).item():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return _listing(self.__class__.__name__, self.transforms, first=f"p={self.p}")


class RandomTransforms:
    """Base class for a list of transforms applied in a random way."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __repr__(self):
        return _listing(self.__class__.__name__, self.transforms)


class RandomOrder(RandomTransforms):
    """Apply ``transforms`` in a random order.

    The order is drawn from Python's ``random`` module, as torchvision draws it, so seed it
    with ``random.seed`` (``ops.manual_seed`` does not reach it).
    """

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img


class RandomChoice(RandomTransforms):
    """Apply one of ``transforms``, picked with weights ``p``.

    The pick is drawn from Python's ``random`` module, as torchvision draws it.
    """

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args):
        t = random.choices(self.transforms, weights=self.p)[0]
        return t(*args)

    def __repr__(self):
        return f"{super().__repr__()}(p={self.p})"
