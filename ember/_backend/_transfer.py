"""Moving arrays between devices, and the device a computation must run on."""

import contextlib

import numpy as np

from ember._device import CPU, device

__all__ = ["canonical_device", "to_host", "to_device", "device_guard"]


def canonical_device(d):
    """``d`` with its index filled in: 'cuda' means the current CUDA device, another
    accelerator type without an index its device 0; the CPU has none."""
    if d.type == "cpu" or d.index is not None:
        return CPU if d.type == "cpu" else d
    if d.type == "cuda":
        from ember._backend import _cuda

        return device("cuda", _cuda.current_device())
    return device(d.type, 0)


def to_host(a):
    """A NumPy array with ``a``'s values: ``a`` itself on the CPU, else a copy to host memory."""
    if type(a) is np.ndarray:
        return a
    from ember._backend import array_module

    xp = array_module(a)
    if xp is np:
        return np.asarray(a)
    return xp.asnumpy(a)


def to_device(a, target):
    """A copy of array ``a`` on device ``target`` (canonical), or ``a`` if it is there."""
    from ember._backend import device_of

    source = device_of(a)
    if source == target:
        return a
    if target.type == "cpu":
        return to_host(a)
    xp = target.xp
    if source.type != "cpu" and source.type != target.type:
        a = to_host(a)  # between two backends: through host memory
    return xp.array(a, copy=True)


def device_guard(a):
    """A context that makes ``a``'s device current where the backend has one (CUDA)."""
    if type(a).__module__.startswith("cupy"):
        from ember._backend import _cuda

        return _cuda.guard(a)
    return contextlib.nullcontext()
