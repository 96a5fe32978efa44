"""``VisionDataset``: the base of the vision datasets (root, transforms and torchvision's repr)."""

import os
from collections.abc import Callable
from pathlib import Path

from ember.utils.data.dataset import Dataset

__all__ = ["VisionDataset", "StandardTransform"]


class VisionDataset(Dataset):
    """Base class of the vision datasets, as ``torchvision.datasets.VisionDataset``.

    ``transforms`` is a callable of ``(input, target)``; ``transform`` and ``target_transform``
    are callables of one of them. Pass either ``transforms`` or the other two, not both.
    """

    _repr_indent = 4

    def __init__(
        self,
        root: str | Path | None = None,
        transforms: Callable | None = None,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
    ) -> None:
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        has_transforms = transforms is not None
        has_separate_transform = transform is not None or target_transform is not None
        if has_transforms and has_separate_transform:
            raise ValueError(
                "Only transforms or transform/target_transform can be passed as argument"
            )
        # Kept for code that reads them directly, as torchvision keeps them.
        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index: int):
        """The sample at ``index``; subclasses define it."""
        raise NotImplementedError

    def __len__(self) -> int:
        """The number of samples; subclasses define it."""
        raise NotImplementedError

    def __repr__(self) -> str:
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if hasattr(self, "transforms") and self.transforms is not None:
            body += [repr(self.transforms)]
        lines = [head] + [" " * self._repr_indent + line for line in body]
        return "\n".join(lines)

    def extra_repr(self) -> str:
        """Lines added to the repr after the root location."""
        return ""


def _transform_lines(transform, head):
    lines = repr(transform).splitlines()
    return [f"{head}{lines[0]}"] + [" " * len(head) + line for line in lines[1:]]


class StandardTransform:
    """Applies ``transform`` to the input and ``target_transform`` to the target."""

    def __init__(
        self, transform: Callable | None = None, target_transform: Callable | None = None
    ) -> None:
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        """``(transform(input), target_transform(target))``, skipping a missing transform."""
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self) -> str:
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += _transform_lines(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += _transform_lines(self.target_transform, "Target transform: ")
        return "\n".join(body)
