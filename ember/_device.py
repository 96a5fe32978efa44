"""Devices: ``device`` names where a tensor lives; ``device.xp`` is its array module.

Note [device types]
A device type maps to a provider: ``provider(index) -> array module``. 'cpu' gives NumPy;
'cuda' is installed by ``ember._backend`` and gives CuPy, imported on first use, so that
``import ember`` never imports CuPy. ``device('cuda:1')`` constructs without a GPU, as in
PyTorch; only reaching its array module (allocating) fails. Tests register one more type
(``ember.testing.device``) to exercise transfers and mismatches without a GPU.
"""

import numpy as np

__all__ = ["device", "as_device", "set_default_device", "get_default_device"]

# Device types PyTorch names in its "Expected one of ..." message.
_KNOWN_TYPES = (
    "cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, "
    "mps, meta, hpu, mtia, privateuseone"
)

# Device type -> provider(index) -> array module (see Note [device types]).
_PROVIDERS = {"cpu": lambda index: np}
# Whether an accelerator (CUDA) is present; ember._backend installs the real check.
_ACCELERATOR = {"available": lambda: False}


def register_device_type(name, provider):
    """Make ``device(name)`` valid; ``provider(index)`` returns its array module."""
    _PROVIDERS[name] = provider


class device:
    """A device, as ``torch.device``: ``device('cpu')``, ``device('cuda', 0)``, ``'cuda:1'``."""

    __slots__ = ("type", "index")

    def __new__(cls, type="cpu", index=None):
        if isinstance(type, device):
            return type
        if isinstance(type, int) and not isinstance(type, bool):
            # device(0) names a device of the current accelerator, as in PyTorch.
            if not _ACCELERATOR["available"]():
                raise RuntimeError("Cannot access accelerator device when none is available.")
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
        if kind not in _PROVIDERS:
            if kind in _KNOWN_TYPES.split(", "):
                raise RuntimeError(
                    f"ember has no '{kind}' backend: the device types are "
                    f"{', '.join(sorted(_PROVIDERS))}"
                )
            raise RuntimeError(
                f"Expected one of {_KNOWN_TYPES} device type at start of device string: {type}"
            )
        if index is None:
            if kind == "cpu":
                return CPU
        elif isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"device(): argument 'index' must be int, not {_typename(index)}")
        elif index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        d = object.__new__(cls)
        d.type = kind
        d.index = index
        return d

    @property
    def xp(self):
        """The array module of this device: NumPy for 'cpu', CuPy for 'cuda'."""
        return _PROVIDERS[self.type](self.index)

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

    def __enter__(self):
        # ``with ember.device('cuda'):`` makes it the default device, as in PyTorch.
        global _default
        stack = _ENTERED.setdefault(id(self), [])
        stack.append(_default)
        _default = self
        return self

    def __exit__(self, *exc):
        global _default
        _default = _ENTERED[id(self)].pop()


def _typename(x):
    return type(x).__name__


CPU = object.__new__(device)
CPU.type = "cpu"
CPU.index = None

_default = CPU
_ENTERED = {}


def as_device(d):
    """Accept a device, a string, an index, or None (the default device, CPU unless set)."""
    if d is None:
        return _default
    if d is CPU:
        return CPU
    return device(d)


def set_default_device(device):
    """Set the device that factory functions (``zeros``, ``tensor``...) allocate on."""
    global _default
    _default = CPU if device is None else as_device(device)


def get_default_device():
    """The device that factory functions allocate on when given no ``device=``."""
    return _default
