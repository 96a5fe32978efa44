"""Array backends: the array module (NumPy, or CuPy for CUDA) that op code computes with.

Op code never names NumPy for array math. Inside ``Op.forward`` it uses ``ctx.xp``, the array
module of the op's inputs; elsewhere ``array_module(*arrays)`` gives the same answer. NumPy
stays the default: an array type that another backend registers maps to that backend's module
and to the device its arrays live on (``device_of``).

The array work of the autograd engine lives here too (``sum_to``, ``add``), so that the engine
computes with the gradient's own array module and never through Tensor methods.
"""

import numpy as np

from ember import _device
from ember._backend import _fp  # noqa: F401 - Note [quiet floating point]: silences NumPy
from ember._backend._transfer import canonical_device, device_guard, to_device, to_host
from ember._device import CPU, register_device_type

__all__ = [
    "array_module",
    "register_array_type",
    "device_of",
    "is_device_array",
    "sum_to",
    "add",
    "canonical_device",
    "to_host",
    "to_device",
    "device_guard",
]

# Array type -> array module, for every backend other than NumPy.
_MODULES = {}
# Array type -> function(array) -> ember device.
_DEVICES = {}


def register_array_type(array_type, module, device_of=None):
    """Declare that arrays of ``array_type`` compute with ``module`` (a NumPy-like namespace)
    and live on ``device_of(array)`` (a device; the CPU when not given)."""
    _MODULES[array_type] = module
    _DEVICES[array_type] = device_of or (lambda array: CPU)


def _lookup(array_type):
    """The registered module of ``array_type``; CuPy registers itself on first sight."""
    module = _MODULES.get(array_type)
    if module is None and array_type.__module__.startswith("cupy"):
        from ember._backend import _cuda

        _cuda.cupy_module()
        module = _MODULES.get(array_type)
    return module


def array_module(*arrays):
    """The array module of ``arrays``: the first non-NumPy backend's, else NumPy."""
    for a in arrays:
        t = type(a)
        if t is np.ndarray:
            continue
        module = _MODULES.get(t) or _lookup(t)
        if module is not None:
            return module
    return np


def is_device_array(a):
    """True for an array of a registered non-NumPy backend (CuPy, the test device)."""
    t = type(a)
    return t is not np.ndarray and (t in _MODULES or _lookup(t) is not None)


def device_of(a):
    """The device an array lives on: the CPU for NumPy arrays and NumPy scalars."""
    t = type(a)
    if t is np.ndarray:
        return CPU
    find = _DEVICES.get(t)
    if find is None:
        if _lookup(t) is None:
            return CPU
        find = _DEVICES[t]
    return find(a)


def sum_to(a, shape):
    """``a`` summed over its broadcast dimensions down to ``shape`` (the reverse of
    broadcasting ``shape`` to ``a.shape``); ``a`` itself when the shapes match."""
    if a.shape == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1
    )
    return a.sum(axis=axes, keepdims=True).reshape(shape)


def add(a, b):
    """``a + b`` as an array (NumPy turns the sum of two 0-d arrays into a scalar)."""
    out = a + b
    if type(out) is np.ndarray:
        return out
    return array_module(a, b).asarray(out)


def _install_cuda():
    from ember._backend import _cuda

    register_device_type("cuda", _cuda.array_module_for)
    _device._ACCELERATOR["available"] = _cuda.is_available


_install_cuda()
