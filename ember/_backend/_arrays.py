"""Structural array helpers where NumPy and CuPy differ: unbuffered scatter (``ufunc.at``),
strided views, write flags, floating-point error state, and moving host arrays to a module.

Each helper takes the array module (or reads it from its array argument) and works for NumPy,
NumPy-like test modules and CuPy alike; CuPy and cupyx are imported inside the CuPy branches
only, so importing this module never imports CuPy.
"""

import contextlib

import numpy as np

from ember._backend import array_module

__all__ = [
    "add_at",
    "multiply_at",
    "extreme_at",
    "put_along_axis",
    "as_strided",
    "is_writeable",
    "is_array",
    "data_address",
    "reshape_view",
    "errstate",
    "repeat_indices",
    "run_ranks",
    "to_module",
    "to_host",
]


def _is_cupy(xp):
    # CuPy itself, or the namespace that runs it on another GPU (ember._backend._cuda). NumPy
    # is answered first: these helpers sit on CPU hot paths.
    return xp is not np and getattr(xp, "__name__", "") == "cupy"


def add_at(out, index, values):
    """``out[index] += values`` with repeated indices accumulating (``np.add.at``)."""
    xp = array_module(out)
    if not _is_cupy(xp):
        xp.add.at(out, index, values)
        return
    import cupyx

    cupyx.scatter_add(*_flat_scatter(xp, out, index, values))


def extreme_at(out, index, values, reduce):
    """``out[index] = max(out[index], values)`` (``reduce='amax'``) or min (``'amin'``), with
    repeated indices all taking part (``np.maximum.at`` / ``np.minimum.at``)."""
    xp = array_module(out)
    if not _is_cupy(xp):
        (xp.maximum if reduce == "amax" else xp.minimum).at(out, index, values)
        return
    import cupyx

    (cupyx.scatter_max if reduce == "amax" else cupyx.scatter_min)(
        *_flat_scatter(xp, out, index, values)
    )


def _flat_scatter(xp, out, index, values):
    """(target, index, values) for a cupyx scatter. A key of one integer array per dim of a
    C-contiguous ``out`` (what gather/scatter build) becomes one flat index into ``out``'s
    memory, the plainest form of cupyx's scatter kernels; other keys pass through."""
    values = xp.asarray(values, dtype=out.dtype)
    if not (
        isinstance(index, tuple)
        and len(index) == out.ndim
        and out.flags.c_contiguous
        and all(hasattr(i, "dtype") and i.dtype.kind in "iu" for i in index)
    ):
        return out, index, values
    arrays = xp.broadcast_arrays(*(xp.asarray(i) for i in index))
    flat = xp.ravel_multi_index(tuple(a.ravel() for a in arrays), out.shape, mode="wrap")
    values = xp.broadcast_to(values, arrays[0].shape).ravel()
    return out.reshape(-1), flat, values


def multiply_at(out, index, values):
    """``out[index] *= values`` with repeated indices multiplying in (``np.multiply.at``)."""
    xp = array_module(out)
    if not _is_cupy(xp):
        xp.multiply.at(out, index, values)
        return
    # CuPy has no scatter-multiply (no atomic product): apply the updates in rounds, each round
    # taking the first remaining update of every target, so no round writes a target twice.
    index = index if isinstance(index, tuple) else (index,)
    shape = np.broadcast_shapes(*(getattr(i, "shape", ()) for i in index), ())
    flat = xp.ravel_multi_index(
        tuple(xp.broadcast_to(xp.asarray(i), shape).ravel() for i in index),
        out.shape[: len(index)],
        mode="wrap",
    )
    values = xp.broadcast_to(xp.asarray(values), shape + out.shape[len(index) :])
    values = values.reshape((flat.size,) + out.shape[len(index) :])
    view = out.reshape((-1,) + out.shape[len(index) :])
    pending = xp.arange(flat.size)
    while pending.size:
        _, first = xp.unique(flat[pending], return_index=True)
        take = pending[first]
        view[flat[take]] *= values[take]
        keep = xp.ones(pending.size, dtype=bool)
        keep[first] = False
        pending = pending[keep]


def put_along_axis(out, indices, values, axis):
    """``np.put_along_axis(out, indices, values, axis)`` for either module (last write wins)."""
    xp = array_module(out)
    if hasattr(xp, "put_along_axis"):
        xp.put_along_axis(out, indices, values, axis)
        return
    key = list(xp.ix_(*[xp.arange(n) for n in indices.shape]))
    key[axis] = indices
    out[tuple(key)] = values


def as_strided(x, shape, strides, writeable=True):
    """A view of ``x``'s memory with ``shape`` and byte ``strides`` (NumPy's ``as_strided``).

    ``writeable=False`` marks the view read-only under NumPy; CuPy arrays have no write flag,
    so there the caller's contract (never writing an overlapping view) is what holds.
    """
    xp = array_module(x)
    if not _is_cupy(xp):
        # subok keeps an ndarray subclass (the test device's arrays) on its device.
        return np.lib.stride_tricks.as_strided(x, shape, strides, subok=True, writeable=writeable)
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def is_writeable(x):
    """Whether ``x`` may be written (CuPy arrays always may)."""
    flags = x.flags
    return getattr(flags, "writeable", True)


def is_array(x):
    """Whether ``x`` is an array of any backend (NumPy's, or a registered one)."""
    from ember._backend import is_device_array

    return isinstance(x, np.ndarray) or is_device_array(x)


def data_address(a):
    """The address of ``a``'s first element (host or device memory)."""
    if _is_cupy(array_module(a)):
        return a.data.ptr
    return a.__array_interface__["data"][0]


def reshape_view(a, shape):
    """``a`` reshaped to ``shape`` as a view, or None when its layout needs a copy."""
    xp = array_module(a)
    if not _is_cupy(xp):
        try:
            return np.reshape(a, shape, copy=False)
        except ValueError:
            return None
    # CuPy's reshape copies silently when it must: a result in other memory means no view.
    out = a.reshape(shape)
    return out if out.data.ptr == a.data.ptr else None


def repeat_indices(counts):
    """``[0] * counts[0] + [1] * counts[1] + ...`` as an int64 array of ``counts``' module
    (``np.repeat(np.arange(n), counts)``; CuPy's repeat takes no array of counts)."""
    xp = array_module(counts)
    if not _is_cupy(xp):
        return xp.repeat(xp.arange(counts.size, dtype=np.int64), counts)
    ends = xp.cumsum(counts)
    total = int(ends[-1]) if counts.size else 0
    return xp.searchsorted(ends, xp.arange(total), side="right").astype(np.int64)


def run_ranks(first):
    """Each position's rank within its run of equal sorted keys (0, 1, 2...), from ``first``
    (True where a run starts): its position minus its run's start."""
    xp = array_module(first)
    n = first.size
    if not _is_cupy(xp):
        return xp.arange(n) - xp.maximum.accumulate(xp.where(first, xp.arange(n), 0))
    # CuPy has no maximum.accumulate: index each run's start by a cumulative count instead.
    starts = xp.nonzero(first)[0]
    return xp.arange(n) - starts[xp.cumsum(first) - 1]


def errstate(xp, **kwargs):
    """``np.errstate(**kwargs)`` under NumPy; nothing under CuPy, whose kernels never warn."""
    if _is_cupy(xp):
        return contextlib.nullcontext()
    return np.errstate(**kwargs)


def to_module(xp, array):
    """``array`` (computed on the host) as an array of module ``xp``: itself under NumPy, one
    copy to the device under CuPy."""
    if xp is np:
        return array if type(array) is np.ndarray else to_host(array)
    return xp.asarray(array)


def to_host(array):
    """``array`` as a NumPy array: itself under NumPy, one copy from the device under CuPy."""
    if type(array) is np.ndarray:
        return array
    xp = array_module(array)
    return array if xp is np else xp.asnumpy(array)
