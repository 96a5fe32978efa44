"""Scans along a dim: cumsum, cumprod, cummax, cummin, logcumsumexp.

A 0-d input acts as 1-d (dim 0 or -1), as in PyTorch.
"""

from functools import partial

import ml_dtypes
import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._backend._math import accumulate
from ember._dtype import SCALAR_NAMES, is_floating_np
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD
from ember.ops._common import wrap_dim
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import where
from ember.ops.extrema import values_indices

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]

TENSOR_METHODS = ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp")


# Half-precision sums accumulate in float32 and round once at the end, as PyTorch does.
_ACCUMULATE = {np.dtype(np.float16): np.dtype(np.float32), _dtype.bfloat16.np: np.dtype(np.float32)}


def accumulation_dtype(dtype):
    """The dtype a sum of ``dtype`` values accumulates in (float32 for half precision)."""
    return _ACCUMULATE.get(dtype, dtype)


# Scans (cumsum, cumprod, logcumsumexp) on PyTorch's CPU accumulate one step wider: float32 in
# float64 (ones(2**25).cumsum(0)[-1] is 2**25, not float32's 2**24), half precision in float32.
_SCAN_ACCUMULATE = dict(_ACCUMULATE)
_SCAN_ACCUMULATE[np.dtype(np.float32)] = np.dtype(np.float64)


def scan_dtype(dtype):
    """The dtype a scan over ``dtype`` values accumulates in, as on PyTorch's CPU."""
    return _SCAN_ACCUMULATE.get(dtype, dtype)


def _scan(fn, x, dim, reverse=False, **kwargs):
    """``fn(x, axis=dim)`` on a 0-d or n-d array, from the end of ``dim`` when ``reverse``."""
    xp = array_module(x)
    a = x.reshape(1) if x.ndim == 0 else x
    if reverse:
        out = xp.flip(fn(xp.flip(a, dim), axis=dim, **kwargs), dim)
    else:
        out = fn(a, axis=dim, **kwargs)
    return xp.ascontiguousarray(out).reshape(x.shape)


class CumSum(Op):
    def forward(ctx, x, dim, reverse, dtype):
        xp = ctx.xp
        ctx.dim, ctx.reverse = dim, reverse
        out_dtype = x.dtype if dtype is None else dtype
        out = _scan(xp.cumsum, x, dim, reverse, dtype=scan_dtype(out_dtype))
        return out.astype(out_dtype, copy=False)

    def backward(ctx, grad):
        # The adjoint of a prefix sum is a suffix sum.
        return CumSum.apply(grad, dim=ctx.dim, reverse=not ctx.reverse, dtype=None)


def _reverse_cumsum(x, dim):
    return CumSum.apply(x, dim=dim, reverse=True, dtype=None)


def _int64_if_integral(input, dtype):
    if dtype is not None:
        return _dtype.as_dtype(dtype).np
    return None if is_floating_np(input._data.dtype) else np.dtype(np.int64)


def cumsum(input, dim, *, dtype=None, out=None):
    """Cumulative sum along ``dim``; integer and bool inputs give int64."""
    d = wrap_dim(dim, input._data.ndim)
    result = CumSum.apply(input, dim=d, reverse=False, dtype=_int64_if_integral(input, dtype))
    return write_out(result, out, "cumsum")


class CumProd(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, x, dim, dtype):
        xp = ctx.xp
        ctx.dim = dim
        out_dtype = x.dtype if dtype is None else dtype
        out = _scan(xp.cumprod, x, dim, dtype=scan_dtype(out_dtype))
        return out.astype(out_dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        d = ctx.dim
        if x._data.size <= 1:
            return grad
        if not (x._data == 0).any():
            # d out_j / d x_k = out_j / x_k for j >= k.
            return _reverse_cumsum(grad * ctx.output, d) / x
        if GRAD.enabled:
            return _cumprod_backward_quadratic(x, grad, d)
        return _cumprod_backward_zeros(x, grad, d)


def _cumprod_backward_zeros(x, grad, d):
    """The first derivative of cumprod where ``x`` has zeros, in O(n). Only the first zero of
    a slice (at z) matters: for k < z the no-zero formula holds on the prefix; at z the
    gradient is prod(x[:z]) * sum_{j>=z} grad_j prod(x[z+1:j+1]); after z it is 0. Its own
    derivative is not cumprod's second derivative, so it is used only without create_graph."""
    zero = x._data == 0
    seen = _scan(array_module(zero).cumsum, zero, d)  # zeros up to and including each place
    before = make_tensor(seen == 0)
    at = (seen == 1) & zero
    past = make_tensor(seen >= 1)
    x_before = where(before, x, 1.0)
    prefix = cumprod(x_before, d)  # the output before z, and prod(x[:z]) from z on
    part_before = where(before, _reverse_cumsum(where(before, grad * prefix, 0.0), d), 0.0)
    x_after = where(make_tensor((seen >= 1) & ~at), x, 1.0)
    tail = _reverse_cumsum(where(past, grad * cumprod(x_after, d), 0.0), d)
    return part_before / x_before + where(make_tensor(at), prefix * tail, 0.0)


def _cumprod_backward_quadratic(x, grad, d):
    """dx_k = sum_{j>=k} grad_j prod_{i<=j, i!=k} x_i as an (n, n) table per slice: exact to
    every order, used when the gradient itself is differentiated (as PyTorch does)."""
    xt, gt = x.transpose(d, -1), grad.transpose(d, -1)  # x has at least 2 elements here
    n = xt._data.shape[-1]
    xp = array_module(x._data)
    table = xt.unsqueeze(-2).expand(*xt._data.shape[:-1], n, n)  # [..., k, i] = x_i
    eye = make_tensor(xp.eye(n, dtype=bool))
    others = CumProd.apply(where(eye, 1.0, table), dim=table._data.ndim - 1, dtype=None)
    upper = make_tensor(xp.triu(xp.ones((n, n), x._data.dtype)))  # [k, j] = j >= k
    dx = (gt.unsqueeze(-2) * others * upper).sum(-1)
    return dx.transpose(d, -1)


def cumprod(input, dim, *, dtype=None, out=None):
    """Cumulative product along ``dim``; integer and bool inputs give int64."""
    d = wrap_dim(dim, input._data.ndim)
    result = CumProd.apply(input, dim=d, dtype=_int64_if_integral(input, dtype))
    return write_out(result, out, "cumprod")


class Shift(Op):
    """``x`` moved one place along ``dim`` (toward the end when ``step`` is 1), the vacated
    place filled with ``fill``: the building block of exclusive scans."""

    def forward(ctx, x, dim, step, fill):
        xp = ctx.xp
        ctx.dim, ctx.step = dim, step
        out = xp.full_like(x, fill)
        n = x.shape[dim]
        src = [slice(None)] * x.ndim
        dst = [slice(None)] * x.ndim
        src[dim], dst[dim] = (
            (slice(0, n - 1), slice(1, n)) if step > 0 else (slice(1, n), slice(0, n - 1))
        )
        out[tuple(dst)] = x[tuple(src)]
        return out

    def backward(ctx, grad):
        return Shift.apply(grad, dim=ctx.dim, step=-ctx.step, fill=0)


def products_of_others(x, dim):
    """``prod_{i != k} x_i`` along ``dim`` for every k, without division (zeros are fine)."""
    before = cumprod(Shift.apply(x, dim=dim, step=1, fill=1), dim)
    reversed_x = _Flip.apply(x, dim=dim)
    after = _Flip.apply(cumprod(Shift.apply(reversed_x, dim=dim, step=1, fill=1), dim), dim=dim)
    return before * after


class _Flip(Op):
    def forward(ctx, x, dim):
        xp = ctx.xp
        ctx.dim = dim
        return xp.flip(x, dim).copy()

    def backward(ctx, grad):
        return _Flip.apply(grad, dim=ctx.dim)


def _cumextreme(input, dim, largest):
    name = "cummax" if largest else "cummin"
    x = input._data
    xp = array_module(x)
    d = wrap_dim(dim, x.ndim)
    a = x.reshape(1) if x.ndim == 0 else x
    running = accumulate(xp, "maximum" if largest else "minimum", a, d) if a.size else a
    # A position holds the running extreme from its last "record" (ties move the index to
    # the latest one, as PyTorch's >=); a NaN is a record and stays the extreme.
    record = a == running
    if is_floating_np(a.dtype):
        record |= xp.isnan(a)
    shape = [1] * a.ndim
    shape[d] = a.shape[d]
    positions = xp.arange(a.shape[d]).reshape(shape)
    if a.size:
        index = accumulate(xp, "maximum", xp.where(record, positions, 0), d)
    else:
        index = xp.zeros(a.shape, np.int64)
    return values_indices(input, index.astype(np.int64), d, True, name, unique=False)


def cummax(input, dim):
    """``(values, indices)`` of the running maximum along ``dim``."""
    return _cumextreme(input, dim, True)


def cummin(input, dim):
    """``(values, indices)`` of the running minimum along ``dim``."""
    return _cumextreme(input, dim, False)


class LogCumSumExp(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, x, dim, reverse):
        xp = ctx.xp
        ctx.dim, ctx.reverse = dim, reverse
        wide = x.astype(scan_dtype(x.dtype), copy=False)
        out = _scan(partial(accumulate, xp, "logaddexp"), wide, dim, reverse)
        return out.astype(x.dtype, copy=False)

    def backward(ctx, grad):
        # Note [stable logcumsumexp gradient]: dx_k = sum_{j>=k} grad_j exp(x_k - out_j).
        # Positive and negative parts of grad go through a reversed logcumsumexp in log space,
        # so nothing overflows; an absent part is a huge negative finite value (exp gives 0 and,
        # unlike -inf, no NaN in double backward).
        (x,) = ctx.saved_tensors
        out = ctx.output
        g = grad._data
        xp = array_module(g)
        lowest = make_tensor(xp.asarray(ml_dtypes.finfo(g.dtype).min / 4, g.dtype))
        sign = make_tensor(xp.sign(g))  # constant: its derivative is 0
        log_abs = where(make_tensor(g != 0), grad * sign, 1.0).log()
        parts = []
        for mask in (g > 0, g < 0):
            log_part = where(make_tensor(mask), log_abs, lowest) - out
            scan = LogCumSumExp.apply(log_part, dim=ctx.dim, reverse=not ctx.reverse)
            parts.append((scan + x).exp())
        return parts[0] - parts[1]


def logcumsumexp(input, dim, *, out=None):
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably."""
    if not is_floating_np(input._data.dtype):
        raise NotImplementedError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{_torch_name(input)}'"
        )
    d = wrap_dim(dim, input._data.ndim)
    return write_out(LogCumSumExp.apply(input, dim=d, reverse=False), out, "logcumsumexp")


def _torch_name(x):

    return SCALAR_NAMES[x.dtype]


cumsum_ = make_inplace(cumsum)
cumprod_ = make_inplace(cumprod)
INPLACE_METHODS = ("cumsum_", "cumprod_")
