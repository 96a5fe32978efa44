"""Reductions: sum, mean, prod, var/std, logsumexp, norm, all/any, count_nonzero, the NaN-aware
nansum/nanmean, and the shape helper ``sum_to_size`` that the engine relies on.

Each reduction is one array-module call forward; ``dim`` is None (all dims), an int or a tuple, and
negative dims count from the end.
"""

import builtins
import warnings

import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._backend._math import reduce_extreme
from ember._dtype import SCALAR_NAMES, is_floating_np
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops._common import float_input, wrap_dims
from ember.ops._inplace import write_out
from ember.ops.cumulative import accumulation_dtype, products_of_others
from ember.ops.elementwise import where
from ember.ops.extrema import reduce_dims

__all__ = [
    "sum",
    "mean",
    "prod",
    "var",
    "std",
    "var_mean",
    "std_mean",
    "logsumexp",
    "norm",
    "all",
    "any",
    "count_nonzero",
    "nansum",
    "nanmean",
    "sum_to_size",
]

TENSOR_METHODS = (
    "sum",
    "mean",
    "prod",
    "var",
    "std",
    "logsumexp",
    "norm",
    "all",
    "any",
    "count_nonzero",
    "nansum",
    "nanmean",
    "sum_to_size",
)


def _kept_shape(shape, dims):
    """``shape`` with the reduced ``dims`` set to 1 (the keepdim shape)."""
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


# ---- sum and mean ---------------------------------------------------------------------------


class Sum(Op):
    def forward(ctx, x, dims, keepdim, dtype):
        xp = ctx.xp
        ctx.shape = x.shape
        ctx.kept = _kept_shape(x.shape, dims)
        # ufunc.reduce: np.sum's Python-level dispatch costs more than a small sum itself.
        acc = accumulation_dtype(dtype)
        out = xp.add.reduce(x, axis=dims, dtype=acc, keepdims=keepdim)
        return out if acc is dtype else out.astype(dtype)

    def backward(ctx, grad):
        return grad.reshape(ctx.kept).expand(ctx.shape)


def _sum_dtype(x, dtype):
    if dtype is not None:
        return _dtype.as_dtype(dtype).np
    if not is_floating_np(x.dtype):
        return np.int64  # integer and bool sums are int64, as in PyTorch
    return x.dtype


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over ``dim`` (None: all dims; int or tuple; negative allowed)."""
    x = input._data
    dims = tuple(range(x.ndim)) if dim is None else reduce_dims(dim, x.ndim)
    result = Sum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(x, dtype))
    return result if out is None else write_out(result, out, "sum")


class Mean(Op):
    def forward(ctx, x, dims, keepdim):
        xp = ctx.xp
        ctx.shape, ctx.kept = x.shape, _kept_shape(x.shape, dims)
        ctx.count = count = _count(x.shape, dims)
        acc = accumulation_dtype(x.dtype)
        with errstate(xp, invalid="ignore"):  # the mean of nothing is NaN
            out = xp.add.reduce(x, axis=dims, dtype=acc, keepdims=keepdim) / acc.type(count)
        return out.astype(x.dtype, copy=False)

    def backward(ctx, grad):
        scale = 1.0 / ctx.count if ctx.count else float("nan")
        return grad.reshape(ctx.kept).expand(ctx.shape) * make_tensor(
            array_module(grad._data).asarray(scale, grad._data.dtype)
        )


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over ``dim``; integer inputs need an explicit floating ``dtype``."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {SCALAR_NAMES[input.dtype]}"
        )
    dims = reduce_dims(dim, input._data.ndim)
    return write_out(Mean.apply(input, dims=dims, keepdim=keepdim), out, "mean")


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


# ---- prod -----------------------------------------------------------------------------------


class Prod(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, x, dims, keepdim, dtype):
        xp = ctx.xp
        ctx.dims, ctx.kept = dims, _kept_shape(x.shape, dims)
        acc = accumulation_dtype(dtype)
        out = xp.multiply.reduce(x, axis=dims, dtype=acc, keepdims=keepdim)
        return out if acc is dtype else out.astype(dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        grad = grad.reshape(ctx.kept)
        if not (x._data == 0).any():
            return grad * ctx.output.reshape(ctx.kept) / x
        # With zeros, the product of the other elements (no division), as PyTorch does.
        return grad * _products_of_others(x, ctx.dims)


def _products_of_others(x, dims):
    """For each element, the product of the other elements of its slice over ``dims``."""
    nd = x._data.ndim
    if nd == 0:
        return make_tensor(array_module(x._data).ones((), x._data.dtype))
    rest = [d for d in range(nd) if d not in dims]
    perm = rest + list(dims)
    moved = x.permute(perm)
    lead = moved._data.shape[: len(rest)]
    others = products_of_others(moved.reshape(*lead, -1), len(rest))
    inverse = [perm.index(d) for d in range(nd)]
    return others.reshape(moved._data.shape).permute(inverse)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product over all elements, or over the int ``dim``; integer and bool inputs give int64."""
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"prod(): argument 'dim' must be int, not {type(dim).__name__} (prod reduces one "
            "dim at a time)"
        )
    dims = reduce_dims(dim, input._data.ndim)
    result = Prod.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input._data, dtype))
    return write_out(result, out, "prod")


# ---- var and std ----------------------------------------------------------------------------


def _var_args(name, dim, unbiased, keepdim, correction):
    """PyTorch's overloads: ``(dim, unbiased, keepdim)``, ``(unbiased)`` and ``correction=``."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() got both 'unbiased' and 'correction'; pass only one")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


class Var(Op):
    save_inputs = True

    def forward(ctx, x, dims, denom, keepdim):
        xp = ctx.xp
        ctx.dims, ctx.kept, ctx.denom = dims, _kept_shape(x.shape, dims), denom
        a = x.astype(accumulation_dtype(x.dtype), copy=False)
        with errstate(xp, divide="ignore", invalid="ignore"):
            centered = a - xp.mean(a, axis=dims, keepdims=True) if a.size else a
            out = xp.sum(centered * centered, axis=dims, keepdims=keepdim) / a.dtype.type(denom)
        return out.astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return _var_backward(x, grad.reshape(ctx.kept), ctx.dims, ctx.denom)


def _denominator(input, dims, correction, name):
    """``N - correction`` (at least 0), with PyTorch's warning when it is not positive."""
    denom = _count(input._data.shape, dims) - correction
    if denom <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
    return builtins.max(denom, 0)


def _var_backward(x, grad, dims, denom):
    scale = 2.0 / denom if denom else float("inf")
    return grad * (x - x.mean(dims, keepdim=True)) * scale


class Std(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, x, dims, denom, keepdim):
        xp = ctx.xp
        variance = Var.forward(ctx, x, dims, denom, keepdim)
        return xp.sqrt(variance)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        std = ctx.output.reshape(ctx.kept)
        # d std = d var / (2 std), taken as 0 where std is 0, as in PyTorch.
        zero = make_tensor(std._data == 0)
        grad_var = where(zero, 0.0, grad.reshape(ctx.kept) / (2 * where(zero, 1.0, std)))
        return _var_backward(x, grad_var, ctx.dims, ctx.denom)


def _check_float(input, name):
    if not is_floating_np(input._data.dtype):
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with ``correction`` (1, Bessel's, by default; ``unbiased=False``
    is 0)."""
    _check_float(input, "std and var")
    dim, correction = _var_args("var", dim, unbiased, keepdim, correction)
    dims = reduce_dims(dim, input._data.ndim)
    denom = _denominator(input, dims, correction, "var")
    result = Var.apply(input, dims=dims, denom=denom, keepdim=keepdim)
    return write_out(result, out, "var")


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over ``dim``; see :func:`var` for ``correction``."""
    _check_float(input, "std and var")
    dim, correction = _var_args("std", dim, unbiased, keepdim, correction)
    dims = reduce_dims(dim, input._data.ndim)
    denom = _denominator(input, dims, correction, "std")
    result = Std.apply(input, dims=dims, denom=denom, keepdim=keepdim)
    return write_out(result, out, "std")


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``(var, mean)`` over ``dim``."""
    _check_float(input, "std and var")
    dim, correction = _var_args("var_mean", dim, unbiased, keepdim, correction)
    result = (var(input, dim, correction=correction, keepdim=keepdim), mean(input, dim, keepdim))
    return result if out is None else _write_pair(result, out, "var_mean")


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``(std, mean)`` over ``dim``."""
    _check_float(input, "std and var")
    dim, correction = _var_args("std_mean", dim, unbiased, keepdim, correction)
    result = (std(input, dim, correction=correction, keepdim=keepdim), mean(input, dim, keepdim))
    return result if out is None else _write_pair(result, out, "std_mean")


def _write_pair(result, out, name):
    return tuple(write_out(r, o, name) for r, o in zip(result, out))


# ---- logsumexp and norm ---------------------------------------------------------------------


class LogSumExp(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, x, dims, keepdim):
        xp = ctx.xp
        ctx.kept = _kept_shape(x.shape, dims)
        a = x.astype(accumulation_dtype(x.dtype), copy=False)  # half precision sums in float32
        # Shift by the max for stability; an infinite max (or an empty slice) shifts by 0.
        if a.size:
            top = reduce_extreme(xp, a, dims, largest=True)
            top = xp.where(xp.isfinite(top), top, 0)
        else:
            top = xp.zeros(ctx.kept, a.dtype)
        with errstate(xp, divide="ignore"):
            out = xp.log(xp.sum(xp.exp(a - top), axis=dims, keepdims=True)) + top
        out = out.astype(x.dtype, copy=False)
        return out if keepdim else out.reshape([s for i, s in enumerate(x.shape) if i not in dims])

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad.reshape(ctx.kept) * (x - ctx.output.reshape(ctx.kept)).exp()


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input)))`` over ``dim``, computed stably; integers give the default float."""
    input = float_input(input)
    dims = reduce_dims(dim, input._data.ndim)
    return write_out(LogSumExp.apply(input, dims=dims, keepdim=keepdim), out, "logsumexp")


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: a vector p-norm over ``dim`` (all dims when None) for a number ``p``;
    'fro' is the 2-norm over ``dim`` (at most 2 dims); 'nuc' is the nuclear matrix norm."""
    from ember import linalg

    dims = None if dim is None else ([dim] if isinstance(dim, (int, np.integer)) else list(dim))
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return linalg.vector_norm(input, 2, dims, keepdim, dtype=dtype, out=out)
        dims = list(range(input._data.ndim)) if dims is None else dims
        return linalg.matrix_norm(input, p, dims, keepdim, dtype=dtype, out=out)
    p = 2.0 if p is None else p
    return linalg.vector_norm(input, p, dims, keepdim, dtype=dtype, out=out)


# ---- logical reductions and counts ----------------------------------------------------------


class _TruthReduction(Op):
    """``all`` / ``any`` (``kind``, the array module's function) over ``dim``: no gradient.
    Without ``dim`` the call takes Op.apply's one-tensor path."""

    differentiable = False
    kind = ""

    def forward(ctx, x, dim=None, keepdim=False):
        xp = ctx.xp
        if isinstance(dim, (tuple, list)) and len(dim) == 0:
            result = x.astype(bool)  # an empty dim list reduces nothing, as in PyTorch
        else:
            result = getattr(xp, ctx.kind)(x, axis=wrap_dims(dim, x.ndim), keepdims=keepdim)
        # uint8 inputs keep their dtype, as in PyTorch.
        return xp.asarray(result, np.uint8 if x.dtype == np.uint8 else np.bool_)


class All(_TruthReduction):
    kind = "all"


class Any(_TruthReduction):
    kind = "any"


def all(input, dim=None, keepdim=False, *, out=None):
    """Whether every element (over ``dim``) is nonzero."""
    plain = dim is None and not keepdim
    result = All.apply(input) if plain else All.apply(input, dim=dim, keepdim=keepdim)
    return write_out(result, out, "all")


def any(input, dim=None, keepdim=False, *, out=None):
    """Whether any element (over ``dim``) is nonzero."""
    plain = dim is None and not keepdim
    result = Any.apply(input) if plain else Any.apply(input, dim=dim, keepdim=keepdim)
    return write_out(result, out, "any")


class CountNonzero(Op):
    """The number of nonzero elements over ``dims`` (None: all; empty: elementwise)."""

    differentiable = False

    def forward(ctx, x, dims=None):
        xp = ctx.xp
        counted = (x != 0) if dims == () else xp.count_nonzero(x, axis=dims)
        return xp.asarray(counted, np.int64)


def count_nonzero(input, dim=None):
    """The number of nonzero elements over ``dim`` (all dims when None), as int64."""
    if dim is None:
        return CountNonzero.apply(input)
    return CountNonzero.apply(input, dims=reduce_dims(dim, input._data.ndim))


# ---- NaN-aware reductions -------------------------------------------------------------------


class NanSum(Op):
    save_inputs = True

    def forward(ctx, x, dims, keepdim, dtype):
        xp = ctx.xp
        ctx.kept = _kept_shape(x.shape, dims)
        # In the accumulation dtype first: NumPy's nansum sees no NaN in a bfloat16 array.
        a = x.astype(accumulation_dtype(x.dtype), copy=False)
        acc = accumulation_dtype(dtype)
        return xp.nansum(a, axis=dims, keepdims=keepdim, dtype=acc).astype(dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        present = make_tensor(
            (~array_module(x._data).isnan(x._data)).astype(x._data.dtype)
        )  # NaNs get 0
        return grad.reshape(ctx.kept) * present


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over ``dim`` treating NaN as zero."""
    if not is_floating_np(input._data.dtype):
        return sum(input, dim, keepdim, dtype=dtype, out=out)
    dims = reduce_dims(dim, input._data.ndim)
    result = NanSum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input._data, dtype))
    return write_out(result, out, "nansum")


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over ``dim`` of the non-NaN elements."""
    if dtype is not None:
        input = input.to(dtype)
    if not is_floating_np(input._data.dtype):
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{SCALAR_NAMES[input.dtype]}"
        )
    dims = reduce_dims(dim, input._data.ndim)
    xp = array_module(input._data)
    present = xp.sum(~xp.isnan(input._data), axis=dims, keepdims=keepdim)
    total = NanSum.apply(input, dims=dims, keepdim=keepdim, dtype=input._data.dtype)
    return write_out(total / make_tensor(present.astype(input._data.dtype)), out, "nanmean")
