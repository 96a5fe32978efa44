"""Devices: ``Device.xp`` is the only way code reaches an array module."""

import numpy as np

__all__ = ["device"]


class device:
    """A device, as ``torch.device``: ``device('cpu')``; CUDA arrives with the CuPy backend."""

    __slots__ = ("type", "index")

    def __new__(cls, type="cpu", index=None):
        if isinstance(type, device):
            return type
        if not isinstance(type, str):
            raise TypeError(f"device() expected a string, got {type!r}")
        kind, _, idx = type.partition(":")
        if kind != "cpu":
            if kind == "cuda":
                raise RuntimeError(
                    "ember was not built with CUDA support: only the 'cpu' device is available"
                )
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {type}")
        return CPU

    @property
    def xp(self):
        return np

    def __repr__(self):
        return f"device(type='{self.type}')"

    def __str__(self):
        return self.type

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and other.type == self.type and other.index == self.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type,))


CPU = object.__new__(device)
CPU.type = "cpu"
CPU.index = None


def as_device(d):
    """Accept a device, a string, or None (meaning the CPU)."""
    if d is None or d is CPU:
        return CPU
    return device(d)
