"""Indexing by flat (row-major) positions: ``put``/``put_``, and ``nonzero_static``, the
fixed-size form of ``nonzero``."""

import numpy as np

from ember._backend import array_module
from ember._dtype import SCALAR_NAMES
from ember._tensor import make_tensor
from ember.ops._inplace import make_inplace
from ember.ops.indexing import index_put

__all__ = ["put", "nonzero_static"]

TENSOR_METHODS = tuple(__all__)


def put(input, index, source, accumulate=False):
    """A copy of ``input`` with ``source`` written at the flat positions ``index`` (added
    there with ``accumulate``); differentiable in ``input`` and ``source``."""
    if index._data.dtype != np.int64:
        raise RuntimeError(
            f"put_(): Expected a long tensor for index, but got {SCALAR_NAMES[index.dtype]}"
        )
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "put_(): self and source expected to have the same dtype, but got self.dtype = "
            f"{SCALAR_NAMES[input.dtype]} and source.dtype = {SCALAR_NAMES[source.dtype]}"
        )
    if source._data.size != index._data.size:
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source._data.size}, index.numel() = {index._data.size}"
        )
    size = input._data.size
    flat_index = index._data.reshape(-1)
    bad = (flat_index >= size) | (flat_index < -size)
    if bad.any():
        raise IndexError(
            f"out of range: tried to access index {int(flat_index[bad][0])} on a tensor of "
            f"{size} elements."
        )
    xp = array_module(flat_index)
    key = (make_tensor(xp.where(flat_index < 0, flat_index + size, flat_index)),)
    flat = index_put(input.reshape(-1), key, source.reshape(-1), accumulate)
    return flat.reshape(input.shape)


put_ = make_inplace(put)
INPLACE_METHODS = ("put_",)


def nonzero_static(input, *, size, fill_value=-1):
    """The indices of the nonzero elements (as ``nonzero``), cut or padded with
    ``fill_value`` to exactly ``size`` rows."""
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    xp = array_module(input._data)
    found = xp.argwhere(input._data).astype(np.int64)[:size]
    out = xp.full((size, input._data.ndim), fill_value, np.int64)
    out[: found.shape[0]] = found
    return make_tensor(out)
