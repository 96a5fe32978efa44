"""Structured tensors built from others or from sizes: ``block_diag``, ``cartesian_prod``,
``tril_indices`` and ``triu_indices``."""

import numpy as np

from ember import _dtype
from ember._device import as_device
from ember._tensor import make_tensor
from ember.ops._common import not_implemented
from ember.ops.creation import zeros
from ember.ops.joining import cat, meshgrid, stack

__all__ = ["block_diag", "cartesian_prod", "tril_indices", "triu_indices"]

TENSOR_METHODS = ()


def block_diag(*tensors):
    """The block-diagonal matrix of ``tensors`` (0-d and 1-d ones act as one row)."""
    blocks = []
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{i} has {t._data.ndim} dimensions"
            )
        blocks.append(t.reshape(1, -1) if t._data.ndim < 2 else t)
    dtype = _dtype.result_type(*tensors) if tensors else _dtype.get_default_dtype()
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        pieces = [zeros(r, left, dtype=dtype), b.to(dtype), zeros(r, width - left - c, dtype=dtype)]
        rows.append(cat(pieces, 1))
        left += c
    return cat(rows, 0) if rows else zeros(1, 0, dtype=dtype)


def cartesian_prod(*tensors):
    """All combinations of the elements of the 1-d ``tensors``, one per row."""
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def _indices(row, col, offset, dtype, name, triangle, device):
    """The (row, col) coordinates of a triangle (``triangle``: 'tril' or 'triu') on ``device``."""
    xp = as_device(device).xp
    for arg, value in (("row", row), ("col", col)):
        if value < 0:
            raise RuntimeError(f"{arg} must be non-negative, got{value}")
    dtype = _dtype.int64 if dtype is None else dtype
    if dtype not in (_dtype.int64, _dtype.int32, _dtype.int16, _dtype.int8, _dtype.uint8):
        probe = make_tensor(xp.zeros(0, dtype.np))
        raise not_implemented(name, probe)
    mask = getattr(xp, triangle)(xp.ones((row, col), np.bool_), offset)
    r, c = xp.nonzero(mask)  # row-major, as PyTorch
    return make_tensor(xp.stack([r, c]).astype(dtype.np).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) coordinates of the lower triangle of a ``row`` x ``col`` matrix."""
    return _indices(row, col, offset, dtype, "tril_indices", "tril", device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) coordinates of the upper triangle of a ``row`` x ``col`` matrix."""
    return _indices(row, col, offset, dtype, "triu_indices", "triu", device)
