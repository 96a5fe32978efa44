"""Reductions: sum, mean and the shape helper ``sum_to_size`` that the engine relies on."""

import numpy as np

from ember import _dtype
from ember.autograd.function import Op
from ember.ops._common import wrap_dims
from ember.ops._inplace import write_out

__all__ = ["sum", "mean", "sum_to_size"]

TENSOR_METHODS = ("sum", "mean", "sum_to_size")


def _kept_shape(shape, dims):
    """``shape`` with the reduced ``dims`` set to 1 (the keepdim shape)."""
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


class Sum(Op):
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.shape = x.shape
        ctx.kept = _kept_shape(x.shape, dims)
        return np.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    def backward(ctx, grad):
        return grad.reshape(ctx.kept).expand(ctx.shape)


def _sum_dtype(x, dtype):
    if dtype is not None:
        return _dtype.as_dtype(dtype).np
    if x._data.dtype.kind in "iub":
        return np.int64  # integer and bool sums are int64, as in PyTorch
    return x._data.dtype


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over ``dim`` (None: all dims; int or tuple; negative allowed)."""
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        dim = None
    dims = wrap_dims(dim, input._data.ndim)
    return write_out(Sum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input, dtype)), out, "sum")


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over ``dim``; integer inputs need an explicit floating ``dtype``."""
    if dtype is not None:
        input = input.to(dtype)
    if not (input.dtype.is_floating_point):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_dtype_name(input.dtype)}"
        )
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        dim = None
    dims = wrap_dims(dim, input._data.ndim)
    count = 1
    for d in dims:
        count *= input._data.shape[d]
    total = Sum.apply(input, dims=dims, keepdim=keepdim, dtype=input._data.dtype)
    return write_out(total / count if count else total * float("nan"), out, "mean")


def _dtype_name(d):
    return d.name.capitalize() if d.name != "int64" else "Long"


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (which ``input`` must broadcast from)."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    if tuple(input.shape) == tuple(shape):
        return input
    lead = input._data.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and input._data.shape[lead + i] != 1
    )
    out = Sum.apply(input, dims=dims, keepdim=True, dtype=input._data.dtype)
    return out.reshape(shape) if lead or out._data.shape != tuple(shape) else out
