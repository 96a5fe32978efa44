"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode.

Indices come from one stable ``argsort`` (NaN sorts as the largest value, as in PyTorch);
values are the input gathered at them, so gradients flow back to the returned indices.

Differences from PyTorch: where PyTorch leaves the choice among equal elements to its
selection algorithm (``topk``, ``kthvalue``, ``median`` and ``sort`` without ``stable``), ember
always picks in stable-sort order; values are the same, the indices of ties may differ.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._math import accumulate
from ember._dtype import is_floating_np
from ember.autograd.function import Op
from ember.ops._common import wrap_dim
from ember.ops._gather import SelectValue, check_nonempty
from ember.ops._inplace import write_out
from ember.ops.extrema import values_indices

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode"]

TENSOR_METHODS = ("sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode")


def _argsort(a, dim, descending):
    """Stable argsort along ``dim``; descending keeps equal elements in their original order."""
    xp = array_module(a)
    if a.ndim == 0:
        return xp.zeros((), np.int64)
    if not descending:
        return xp.argsort(a, axis=dim, kind="stable")
    # Sort the reversed array ascending, then reverse the order: equal elements end up in
    # their original order, and NaN (last ascending) comes first.
    n = a.shape[dim]
    order = xp.argsort(xp.flip(a, dim), axis=dim, kind="stable")
    return xp.flip(n - 1 - order, dim)


def _take(index, dim, positions):
    """``index`` at ``positions`` along ``dim`` (a 0-d index stays 0-d)."""
    xp = array_module(index)
    return index if index.ndim == 0 else xp.take(index, positions, axis=dim)


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """``(values, indices)`` sorted along ``dim``; always stable in ember.

    Differences from PyTorch: without ``stable=True`` PyTorch may order equal elements either
    way; ember always keeps them in their original order.
    """
    d = wrap_dim(dim, input._data.ndim)
    index = _argsort(input._data, d, descending)
    return values_indices(input, index, d, True, "sort", out)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim`` (stable)."""
    d = wrap_dim(dim, input._data.ndim)
    if d == input._data.ndim - 1 and not descending:
        return ArgSort.apply(input)  # the common call takes Op.apply's one-tensor path
    return ArgSort.apply(input, dim=d, descending=descending)


class ArgSort(Op):
    """The int64 indices of a stable sort along ``dim`` (no gradient)."""

    differentiable = False

    def forward(ctx, x, dim=-1, descending=False):
        return ctx.xp.asarray(_argsort(x, dim, descending), np.int64)


def msort(input, *, out=None):
    """``input`` sorted along dim 0."""
    return write_out(sort(input, 0).values, out, "msort")


def _size(x, d):
    return x.shape[d] if x.ndim else 1


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) elements along ``dim`` as ``(values, indices)``, in
    sorted order (also when ``sorted=False``)."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if not 0 <= k <= _size(x, d):
        raise RuntimeError("selected index k out of range")
    return values_indices(input, _topk_index(x, k, d, largest), d, True, "topk", out)


def _topk_index(a, k, d, largest):
    """The first ``k`` indices of the stable sort along ``d``; for a small ``k``, by an O(n)
    partition and a sort of the ``k`` winners only."""
    xp = array_module(a)
    if (
        a.ndim == 0
        or k == 0
        or 4 * k >= a.shape[d]
        or (is_floating_np(a.dtype) and xp.isnan(a).any())
    ):
        return _take(_argsort(a, d, largest), d, xp.arange(k))
    kth = a.shape[d] - k if largest else k - 1
    threshold = xp.take(xp.partition(a, kth, axis=d), [kth], axis=d)
    better = a > threshold if largest else a < threshold
    tied = a == threshold
    # A stable sort keeps, after the strictly better ones, the first ties in index order.
    need = k - xp.sum(better, axis=d, keepdims=True)
    chosen = xp.moveaxis(better | (tied & (xp.cumsum(tied, axis=d) <= need)), d, -1)
    index = xp.nonzero(chosen)[-1].reshape(chosen.shape[:-1] + (k,))
    index = xp.moveaxis(index, -1, d)
    order = _argsort(xp.take_along_axis(a, index, d), d, largest)
    return xp.take_along_axis(index, order, d)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """``(values, indices)`` of the ``k``-th smallest element along ``dim``."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    check_nonempty(input, (d,), "kthvalue")
    if not 1 <= k <= _size(x, d):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    index = _take(_argsort(x, d, False), d, [k - 1])
    return values_indices(input, index, d, keepdim, "kthvalue", out)


def _lower_median_index(x, d, skip_nan):
    """Index along ``d`` of the lower median of each slice, NaN-aware."""
    xp = array_module(x)
    order = _argsort(x, d, False)
    if x.ndim == 0:
        return order
    n = x.shape[d]
    if not is_floating_np(x.dtype):
        return xp.take(order, [(n - 1) // 2], axis=d)
    nans = xp.isnan(x)
    if skip_nan:
        # The median of the non-NaN elements (sorted first); an all-NaN slice gives a NaN.
        valid = n - xp.sum(nans, axis=d, keepdims=True)
        return xp.take_along_axis(order, xp.maximum(valid - 1, 0) // 2, d)
    index = xp.take(order, [(n - 1) // 2], axis=d)
    # A slice with a NaN has median NaN, at its first NaN.
    return xp.where(
        xp.any(nans, axis=d, keepdims=True), xp.argmax(nans, axis=d, keepdims=True), index
    )


def _median(input, dim, keepdim, out, skip_nan):
    name = "nanmedian" if skip_nan else "median"
    x = input._data
    xp = array_module(x)
    if dim is None:
        flat = x.reshape(-1)
        if skip_nan and is_floating_np(flat.dtype):
            flat = flat[~xp.isnan(flat)]
        if flat.size == 0:
            value = xp.full((1,) * x.ndim, np.nan, x.dtype)
        elif is_floating_np(flat.dtype) and xp.isnan(flat).any():
            value = xp.full((1,) * x.ndim, np.nan, x.dtype)
        else:
            k = (flat.size - 1) // 2
            value = xp.partition(flat, k)[k].reshape((1,) * x.ndim)
        # Ties (and NaNs) share the gradient evenly, as PyTorch's median() does.
        result = SelectValue.apply(
            input, value=value, dims=tuple(range(x.ndim)), keepdim=False, nan_equal=True
        )
        return write_out(result, out, name)
    d = wrap_dim(dim, x.ndim)
    check_nonempty(input, (d,), name)
    return values_indices(input, _lower_median_index(x, d, skip_nan), d, keepdim, name, out)


def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``; NaN if any
    element is NaN."""
    return _median(input, dim, keepdim, out, skip_nan=False)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """As :func:`median`, ignoring NaNs."""
    return _median(input, dim, keepdim, out, skip_nan=True)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """``(values, indices)`` of the most frequent value along ``dim`` (the smallest among
    equally frequent ones), indexed at its last occurrence."""
    x = input._data
    xp = array_module(x)
    d = wrap_dim(dim, x.ndim)
    check_nonempty(input, (d,), "mode")
    if x.ndim == 0:
        return values_indices(input, xp.zeros((), np.int64), d, keepdim, "mode", out)
    order = xp.argsort(x, axis=d, kind="stable")
    ranked = xp.take_along_axis(x, order, d)
    shape = [1] * x.ndim
    shape[d] = x.shape[d]
    positions = xp.arange(x.shape[d]).reshape(shape)
    starts = xp.ones(ranked.shape, bool)
    inner = [slice(None)] * x.ndim
    inner[d] = slice(1, None)
    before = [slice(None)] * x.ndim
    before[d] = slice(None, -1)
    starts[tuple(inner)] = ranked[tuple(inner)] != ranked[tuple(before)]
    # Length of the run of equal values up to each place; the first place reaching the
    # longest run ends the run of the smallest most frequent value, whose last element (the
    # stable sort keeps original order) is the last occurrence.
    run = positions - accumulate(xp, "maximum", xp.where(starts, positions, 0), d)
    end = xp.argmax(run, axis=d, keepdims=True)
    return values_indices(input, xp.take_along_axis(order, end, d), d, keepdim, "mode", out)
