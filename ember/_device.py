"""Devices: ``Device.xp`` is the only way code reaches an array module."""

import numpy as np

__all__ = ["device"]

_KNOWN_TYPES = (
    "cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, "
    "mps, meta, hpu, mtia, privateuseone"
)


class device:
    """A device, as ``torch.device``: ``device('cpu')``, ``device('cpu', 0)``; CUDA arrives
    with the CuPy backend."""

    __slots__ = ("type", "index")

    def __new__(cls, type="cpu", index=None):
        if isinstance(type, device):
            return type
        if isinstance(type, int) and not isinstance(type, bool):
            # device(0) names the first accelerator in PyTorch.
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got {type!r}")
        kind, _, idx = type.partition(":")
        if idx:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed "
                    f"explicitly: {type}"
                )
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if kind == "cuda":
            raise RuntimeError(
                "ember was not built with CUDA support: only the 'cpu' device is available"
            )
        if kind != "cpu":
            raise RuntimeError(
                f"Expected one of {_KNOWN_TYPES} device type at start of device string: {type}"
            )
        if index is None:
            return CPU
        if index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        d = object.__new__(cls)
        d.type = kind
        d.index = int(index)
        return d

    @property
    def xp(self):
        return np

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # As in PyTorch, a device never equals a string: device('cpu') == 'cpu' is False.
        return isinstance(other, device) and other.type == self.type and other.index == self.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = object.__new__(device)
CPU.type = "cpu"
CPU.index = None


def as_device(d):
    """Accept a device, a string, or None (meaning the CPU)."""
    if d is None or d is CPU:
        return CPU
    return device(d)
