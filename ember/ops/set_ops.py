"""Set-like ops on values: ``unique``, ``unique_consecutive``, and the sorted-search ops
``searchsorted`` and ``bucketize``.

Their outputs are values picked from the input or integer positions, so PyTorch defines no
derivative for them: ``unique`` of a tensor that requires grad gives a result that requires
grad but whose backward raises, as PyTorch's does.
"""

import numpy as np

from ember._backend import array_module
from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._common import wrap_dim
from ember.ops._inplace import write_out

__all__ = ["unique", "unique_consecutive", "searchsorted", "bucketize"]

TENSOR_METHODS = ("unique", "unique_consecutive")


class _Unique(Op):
    """The unique values (output 0) with inverse indices and counts (never differentiable);
    ``kernel(xp, x, **params)`` computes them with the array module ``xp``."""

    non_differentiable = (1, 2)

    def forward(ctx, x, kernel, params):
        return kernel(ctx.xp, x, **params)

    def backward(ctx, *grads):
        raise RuntimeError(f"the derivative for '{ctx.name}' is not implemented.")


def _results(values, inverse, counts, return_inverse, return_counts):
    out = [values]
    if return_inverse:
        out.append(inverse)
    if return_counts:
        out.append(counts)
    return out[0] if len(out) == 1 else tuple(out)


def _check_dim(x, dim):
    d = wrap_dim(dim, x.ndim)
    if x.size == 0 and any(s == 0 for i, s in enumerate(x.shape) if i != d):
        raise RuntimeError(
            "There are 0 sized dimensions, and they aren't selected, so unique cannot be applied"
        )
    return d


def _unique_kernel(xp, x, dim):
    if dim is None:
        values, inverse, counts = xp.unique(
            x.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False
        )
        return values, inverse.reshape(x.shape).astype(np.int64), counts.astype(np.int64)
    if x.shape[dim] == 0:
        return x.copy(), xp.zeros(0, np.int64), xp.zeros(0, np.int64)
    values, inverse, counts = xp.unique(x, return_inverse=True, return_counts=True, axis=dim)
    return values, inverse.reshape(-1).astype(np.int64), counts.astype(np.int64)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values of ``input`` (or distinct slices along ``dim``), sorted; with the
    index of each element's value (``return_inverse``) and how often each occurs.

    Differences from PyTorch: the values are sorted even with ``sorted=False``.
    """
    d = None if dim is None else _check_dim(input._data, dim)
    values, inverse, counts = _apply(input, _unique_kernel, {"dim": d}, "_unique2")
    return _results(values, inverse, counts, return_inverse, return_counts)


def _apply(input, kernel, params, name):
    values, inverse, counts = _Unique.apply(input, kernel=kernel, params=params)
    if values._grad_fn is not None:
        values._grad_fn.name = name
    return values, inverse, counts


def _consecutive_kernel(xp, x, dim):
    if dim is None:
        flat = x.reshape(-1)
        starts = xp.ones(flat.shape[0], np.bool_)
        starts[1:] = flat[1:] != flat[:-1]
        inverse = (xp.cumsum(starts) - 1).reshape(x.shape)
        values = flat[starts]
    else:
        moved = xp.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
        starts = xp.ones(moved.shape[0], np.bool_)
        starts[1:] = (moved[1:] != moved[:-1]).any(axis=1)
        inverse = xp.cumsum(starts) - 1
        values = xp.compress(starts, x, axis=dim)
    counts = xp.diff(xp.append(xp.flatnonzero(starts), starts.shape[0]))
    return values, inverse.astype(np.int64), counts.astype(np.int64)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """``input`` with each run of equal consecutive values (or slices along ``dim``) kept
    once; with each element's run index and the run lengths."""
    d = None if dim is None else _check_dim(input._data, dim)
    values, inverse, counts = _apply(input, _consecutive_kernel, {"dim": d}, "unique_consecutive")
    return _results(values, inverse, counts, return_inverse, return_counts)


# ---- sorted search ------------------------------------------------------------------------------


def _side(side, right):
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise RuntimeError(
            f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
        )
    if right and side == "left":
        raise RuntimeError(
            "torch.searchsorted(): side and right can't be set to opposites, got side of left "
            "while right was True"
        )
    return side


def _search(xp, boundaries, values, side, sorter):
    """Per-row ``searchsorted`` over the innermost dim (1-d boundaries serve every row)."""
    if boundaries.ndim == 1:
        if sorter is not None:
            return xp.searchsorted(boundaries, values, side=side, sorter=sorter)
        return xp.searchsorted(boundaries, values, side=side)
    lead = boundaries.shape[:-1]
    rows_b = boundaries.reshape(-1, boundaries.shape[-1])
    rows_v = values.reshape(-1, values.shape[-1])
    rows_s = None if sorter is None else sorter.reshape(rows_b.shape)
    out = xp.empty(rows_v.shape, np.int64)
    for i in range(rows_b.shape[0]):
        b = rows_b[i] if rows_s is None else rows_b[i][rows_s[i]]
        out[i] = xp.searchsorted(b, rows_v[i], side=side)
    return out.reshape(lead + values.shape[-1:])


class SearchSorted(Op):
    """Insertion indices of ``values`` in the innermost dim of ``boundaries`` (no gradient)."""

    differentiable = False

    def forward(ctx, boundaries, values, side, sorter, dtype):
        xp = ctx.xp
        return xp.asarray(_search(xp, boundaries, values, side, sorter)).astype(dtype)


def searchsorted(
    sorted_sequence, input, *, out_int32=False, right=False, side=None, out=None, sorter=None
):
    """Where each value of ``input`` would be inserted in the innermost dim of
    ``sorted_sequence`` to keep it sorted."""
    side = _side(side, right)
    boundaries = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    values = array_module(boundaries).asarray(input) if scalar else input._data
    if boundaries.ndim > 1 and (
        scalar or values.ndim != boundaries.ndim or values.shape[:-1] != boundaries.shape[:-1]
    ):
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(boundaries.shape)} and input value tensor "
            f"{list(values.shape)}"
        )
    order = None if sorter is None else sorter._data
    dtype = np.int32 if out_int32 else np.int64
    result = SearchSorted.apply(sorted_sequence, values, side=side, sorter=order, dtype=dtype)
    return write_out(result, out, "searchsorted")


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value of ``input`` among the sorted 1-d ``boundaries`` (``right``:
    a value equal to a boundary goes to the bucket after it)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(
            f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})"
        )
    return searchsorted(
        boundaries, input, out_int32=out_int32, side="right" if right else "left", out=out
    )
