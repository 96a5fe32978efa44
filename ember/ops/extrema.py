"""Extremes: max, min (value, or values and indices along a dim, or the binary form), amax,
amin, aminmax, argmax, argmin.

Gradients follow PyTorch: with a dim, the gradient goes to the returned index; without one
(and for amax/amin), ties share it evenly (``SelectValue``).
"""

import numpy as np

from ember import _tensor, return_types
from ember._backend import array_module
from ember._backend._math import reduce_extreme
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import wrap_dim, wrap_dims
from ember.ops._gather import SelectValue, check_nonempty, take_along_dim
from ember.ops._inplace import write_out

__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin"]

TENSOR_METHODS = ("max", "min", "amax", "amin", "aminmax", "argmax", "argmin")


def reduce_dims(dim, ndim):
    """``dim`` as a sorted tuple; None or an empty sequence means every dim."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    return wrap_dims(dim, ndim)


def _squeezed(shape, dim):
    return tuple(s for i, s in enumerate(shape) if i != dim)


def values_indices(input, index, dim, keepdim, kind, out=None, unique=True):
    """The named tuple ``(values, indices)`` of ``input`` at ``index`` (reduced dim kept)."""
    xp = array_module(index)
    shape = index.shape
    if not keepdim and input._data.ndim:
        shape = _squeezed(shape, dim)
    if not input._data.ndim:
        shape = ()
    values = take_along_dim(input, index, dim, shape, unique)
    indices = make_tensor(xp.asarray(index, np.int64).reshape(shape))
    if out is None:
        return getattr(return_types, kind)((values, indices))
    write_out(values, out[0], kind)
    write_out(indices, out[1], kind)
    return getattr(return_types, kind + "_out")(out)


def _extreme(input, dim, keepdim, out, largest):
    name = "max" if largest else "min"
    if isinstance(dim, Tensor):
        binary = _tensor._ops.maximum if largest else _tensor._ops.minimum
        return binary(input, dim, out=out)
    x = input._data
    xp = array_module(x)
    if dim is None:
        check_nonempty(input, None, name)
        value = reduce_extreme(xp, x, None, largest)
        result = SelectValue.apply(
            input, value=value, dims=tuple(range(x.ndim)), keepdim=False, nan_equal=True
        )
        return write_out(result, out, name)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got dim of type "
            f"{type(dim).__name__}; expected an int dim or a Tensor other"
        )
    d = wrap_dim(int(dim), x.ndim)
    check_nonempty(input, (d,), name)
    # argmax/argmin return the first extreme, and the first NaN if any, as PyTorch does.
    arg = xp.argmax if largest else xp.argmin
    index = arg(x, axis=d, keepdims=True) if x.ndim else xp.zeros((), np.int64)
    return values_indices(input, index, d, keepdim, name, out)


def max(input, dim=None, keepdim=False, *, out=None):
    """The maximum: of all elements, ``(values, indices)`` along ``dim``, or ``maximum(input,
    other)`` when ``dim`` is a Tensor."""
    return _extreme(input, dim, keepdim, out, True)


def min(input, dim=None, keepdim=False, *, out=None):
    """The minimum: of all elements, ``(values, indices)`` along ``dim``, or ``minimum(input,
    other)`` when ``dim`` is a Tensor."""
    return _extreme(input, dim, keepdim, out, False)


def _amax(input, dim, keepdim, largest, name):
    x = input._data
    xp = array_module(x)
    no_dim = dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)
    dims = reduce_dims(dim, x.ndim)
    check_nonempty(input, None if no_dim else dims, name)
    value = reduce_extreme(xp, x, dims, largest)
    return SelectValue.apply(input, value=value, dims=dims, keepdim=keepdim, nan_equal=False)


def amax(input, dim=(), keepdim=False, *, out=None):
    """The maximum over ``dim`` (all dims by default); ties share the gradient evenly."""
    return write_out(_amax(input, dim, keepdim, True, "amax"), out, "amax")


def amin(input, dim=(), keepdim=False, *, out=None):
    """The minimum over ``dim`` (all dims by default); ties share the gradient evenly."""
    return write_out(_amax(input, dim, keepdim, False, "amin"), out, "amin")


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """``(min, max)`` over ``dim`` (all dims when None) in one call."""
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                "no identity."
            )
        dims = None
    else:
        dims = (wrap_dim(dim, x.ndim),) if x.ndim else ()
        check_nonempty(input, dims, "aminmax", sep="")
    lo = _amax(input, dims, keepdim, False, "aminmax")
    hi = _amax(input, dims, keepdim, True, "aminmax")
    if out is None:
        return return_types.aminmax((lo, hi))
    write_out(lo, out[0], "aminmax")
    write_out(hi, out[1], "aminmax")
    return return_types.aminmax_out(out)


def _arg(input, dim, keepdim, out, largest):
    name = "argmax" if largest else "argmin"
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if x.size == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        d = None
    else:
        d = wrap_dim(dim, x.ndim)
        check_nonempty(input, (d,), name)
    op = ArgMax if largest else ArgMin
    result = (
        op.apply(input) if d is None and not keepdim else op.apply(input, dim=d, keepdim=keepdim)
    )
    return write_out(result, out, name)


class _ArgExtreme(Op):
    """The int64 index of the extreme (``kind``: the array module's argmax or argmin) along
    ``dim`` (None: of the flattened input); the first one on ties, and the first NaN if any,
    as in PyTorch. Without ``dim`` the call takes Op.apply's one-tensor path."""

    differentiable = False
    kind = ""

    def forward(ctx, x, dim=None, keepdim=False):
        xp = ctx.xp
        arg = getattr(xp, ctx.kind)
        if dim is None:
            index = xp.asarray(arg(x), np.int64)
            return index.reshape((1,) * x.ndim) if keepdim else index
        if not x.ndim:
            return xp.zeros((), np.int64)
        return xp.asarray(arg(x, axis=dim, keepdims=keepdim), np.int64)


class ArgMax(_ArgExtreme):
    kind = "argmax"


class ArgMin(_ArgExtreme):
    kind = "argmin"


def argmax(input, dim=None, keepdim=False, *, out=None):
    """Index of the maximum (of the flattened input when ``dim`` is None); first on ties."""
    return _arg(input, dim, keepdim, out, True)


def argmin(input, dim=None, keepdim=False, *, out=None):
    """Index of the minimum (of the flattened input when ``dim`` is None); first on ties."""
    return _arg(input, dim, keepdim, out, False)
