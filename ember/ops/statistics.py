"""Order statistics and sample statistics: ``quantile``/``nanquantile``, ``cov``,
``corrcoef``, ``histc`` and ``bincount``.

quantile sorts, then interpolates between the two order statistics around each rank; the
gradient flows through ``sort``, ``gather`` and ``lerp``, as in PyTorch.
"""

import math
import warnings

import numpy as np

from ember import _dtype, return_types
from ember._backend import array_module
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import float_input, is_floating, not_implemented, wrap_dim
from ember.ops._inplace import write_out
from ember.ops.elementwise import lerp
from ember.ops.unary_math import sqrt

__all__ = ["quantile", "nanquantile", "cov", "corrcoef", "histc", "histogram", "bincount"]

TENSOR_METHODS = tuple(__all__)

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


# ---- quantile -----------------------------------------------------------------------------------


def _check_q(input, q, name):
    if isinstance(q, Tensor):
        if q._data.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        values = q._data.reshape(-1).astype(np.float64)
        scalar = q._data.ndim == 0
    else:
        values, scalar = array_module(input._data).asarray([float(q)], np.float64), True
    if values.size and not ((values >= 0) & (values <= 1)).all():
        bad = values[~((values >= 0) & (values <= 1))][0]
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad:g}")
    return values, scalar


def _quantile(input, q, dim, keepdim, interpolation, name, ignore_nan):
    if not isinstance(input, Tensor) or input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if input._data.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {interpolation}"
        )
    qs, scalar_q = _check_q(input, q, name)
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        d = wrap_dim(dim, input._data.ndim)
        x = input if input._data.ndim else input.reshape(1)
    rows = x.sort(dim=d)[0].movedim(d, -1)  # (..., n), NaN last
    n = rows.shape[-1]
    dtype = rows._data.dtype
    xp = array_module(rows._data)
    nan = xp.isnan(rows._data)
    count = n - nan.sum(-1, keepdims=True) if ignore_nan else xp.full(nan.shape[:-1] + (1,), n)
    # Ranks in the input's dtype, as PyTorch computes them (float32 rounding decides ties).
    ranks = qs.astype(dtype) * xp.maximum(count - 1, 0).astype(dtype)  # (..., Q)
    below, above = xp.floor(ranks), xp.ceil(ranks)
    if interpolation == "lower":
        above = below
    elif interpolation == "higher":
        below = above
    elif interpolation == "nearest":
        below = above = xp.round(ranks)  # half to even, as PyTorch's round
    weight = xp.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
    if not ignore_nan:
        # A row with a NaN reads its last sorted element, a NaN, as PyTorch does (so the
        # gradient goes there too); an all-NaN row of nanquantile reads element 0.
        undefined = nan.any(-1, keepdims=True)
        below = xp.where(undefined, n - 1, below)
        above = xp.where(undefined, n - 1, above)
    lo = rows.gather(-1, make_tensor(xp.clip(below, 0, n - 1).astype(np.int64)))
    hi = rows.gather(-1, make_tensor(xp.clip(above, 0, n - 1).astype(np.int64)))
    result = lerp(lo, hi, make_tensor(xp.asarray(weight, dtype)))
    if keepdim:
        if dim is None:
            result = result.reshape((1,) * input._data.ndim + (len(qs),))
        else:
            result = result.unsqueeze(d)
    result = result.movedim(-1, 0)
    return result.squeeze(0) if scalar_q else result


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-th quantiles of ``input`` along ``dim`` (None: all elements); a row with a
    NaN gives NaN."""
    result = _quantile(input, q, dim, keepdim, interpolation, "quantile", False)
    return write_out(result, out, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """``quantile`` ignoring NaNs (a row of NaNs only gives NaN)."""
    result = _quantile(input, q, dim, keepdim, interpolation, "nanquantile", True)
    return write_out(result, out, "nanquantile")


# ---- cov, corrcoef ------------------------------------------------------------------------------


def _check_weights(weights, name, num_obs, integral):
    if weights._data.ndim > 1:
        raise RuntimeError(
            f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
            f"{weights._data.ndim} dimensions"
        )
    if weights.numel() != num_obs:
        raise RuntimeError(
            f"cov(): expected {name} to have the same numel as there are observations in the "
            f"input but got {weights.numel()} != {num_obs}"
        )
    if integral and weights._data.dtype.kind not in "iu":
        raise RuntimeError(f"cov(): expected {name} to have integral dtype but got {weights.dtype}")
    if not integral and not is_floating(weights):
        raise RuntimeError(
            f"cov(): expected {name} to have floating point dtype but got {weights.dtype}"
        )
    if (weights._data < 0).any():
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in the
    columns), with frequency and importance weights."""
    if input._data.ndim > 2:
        raise RuntimeError(
            "cov(): expected input to have two or fewer dimensions but got an input with "
            f"{input._data.ndim} dimensions"
        )
    x = float_input(input)
    x = x.reshape(1, -1) if x._data.ndim < 2 else x
    num_obs = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, "fweights", num_obs, True)
        w = fweights
    if aweights is not None:
        _check_weights(aweights, "aweights", num_obs, False)
        w = aweights if w is None else w * aweights
    if w is None:
        avg = x.mean(1)
        w_sum = float(num_obs)
        norm_factor = w_sum - correction
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        norm_factor = w_sum - correction * (
            (w * aweights).sum() / w_sum if aweights is not None else 1
        )
    if float(norm_factor) <= 0:
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less "
            "than the number of observations.",
            RuntimeWarning,
            stacklevel=2,
        )
        norm_factor = norm_factor * 0
    xm = x - avg.unsqueeze(1)
    weighted = xm if w is None else xm * w
    c = (xm @ weighted.t()) / norm_factor
    return c.squeeze() if input._data.ndim < 2 else c


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in the rows of ``input``."""
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    std = sqrt(c.diagonal())
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    return c.clamp(-1, 1)


# ---- histc, bincount ----------------------------------------------------------------------------


def _linspace(xp, lo, hi, n):
    """PyTorch's linspace in the dtype of ``lo`` (a NumPy scalar), as an array of ``xp``: from
    the start for the first half, from the end for the rest (so both ends are exact and
    rounding matches PyTorch's edges)."""
    dtype = lo.dtype
    i = xp.arange(n)
    step = (hi - lo) / dtype.type(n - 1)
    head = lo + step * i.astype(dtype)
    tail = hi - step * (n - 1 - i).astype(dtype)
    return xp.where(i < n // 2, head, tail).astype(dtype)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts of ``input`` in ``bins`` equal bins over [min, max] (both 0: the data's range);
    elements outside are ignored. Not differentiable."""
    if not is_floating(input):
        raise not_implemented("histogram_cpu", input)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    return write_out(Histc.apply(input, bins=int(bins), lo=lo, hi=hi), out, "histc")


class Histc(Op):
    """The counts of ``histc`` (no gradient); ``lo == hi`` takes the data's range."""

    differentiable = False

    def forward(ctx, x, bins, lo, hi):
        xp = ctx.xp
        x = x.reshape(-1)
        if lo == hi and x.size:
            lo, hi = float(x.min()), float(x.max())  # host syncs, as PyTorch's
            if not (math.isfinite(lo) and math.isfinite(hi)):
                # C's printf spells NaN '-nan' here, and PyTorch's message shows it so.
                lo_s, hi_s = ("-nan" if math.isnan(v) else f"{v:g}" for v in (lo, hi))
                raise RuntimeError(f"torch.histc: range of [{lo_s}, {hi_s}] is not finite")
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        dtype = x.dtype
        lo, hi = dtype.type(lo), dtype.type(hi)
        edges = _linspace(xp, lo, hi, bins + 1)
        inside = x[(x >= lo) & (x <= hi)]
        pos = ((inside - lo) * bins / (hi - lo)).astype(np.int64)
        pos = xp.clip(pos, 0, bins - 1)
        # Settle rounding at the bin edges by the edges themselves, as PyTorch does.
        pos -= (inside < edges[pos]) & (pos > 0)
        pos += (inside >= edges[xp.minimum(pos + 1, bins)]) & (pos < bins - 1)
        return xp.bincount(pos, minlength=bins).astype(dtype)


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """Counts (or summed ``weight``) of ``input`` in ``bins`` equal bins over ``range`` (default
    the data's range), or between the given ``bins`` edges; with the bin edges. Not
    differentiable."""
    if not is_floating(input):
        raise not_implemented("histogramdd", input)
    edges = bins if isinstance(bins, Tensor) else None
    count = None if edges is not None else int(bins)
    span = None if range is None else (float(range[0]), float(range[1]))
    result = Histogram.apply(input, edges, weight, bins=count, span=span, density=density)
    if out is not None:
        write_out(result[0], out[0], "histogram")
        write_out(result[1], out[1], "histogram")
        return return_types.histogram_out(out)
    return return_types.histogram(result)


class Histogram(Op):
    """``(hist, bin_edges)`` of ``histogram`` (no gradient): between the given ``edges``, or
    ``bins`` equal bins over ``span`` (None: the data's range)."""

    differentiable = False

    def forward(ctx, x, edges, weight, bins, span, density):
        xp = ctx.xp
        x = x.reshape(-1)
        dtype = x.dtype
        if edges is not None:
            edges = edges.astype(dtype)
        else:
            if span is None:
                finite = x[xp.isfinite(x)]
                has = finite.size
                span = (float(finite.min()), float(finite.max())) if has else (0.0, 0.0)
            lo, hi = dtype.type(span[0]), dtype.type(span[1])
            if lo == hi:
                lo, hi = lo - dtype.type(0.5), hi + dtype.type(0.5)  # PyTorch's widening
            edges = _linspace(xp, lo, hi, bins + 1)
        w = None if weight is None else weight.reshape(-1).astype(np.float64)
        hist, _ = xp.histogram(x.astype(np.float64), edges.astype(np.float64), weights=w)
        hist = hist.astype(np.float64)
        if density:
            total = hist.sum()
            hist = hist / (total * xp.diff(edges.astype(np.float64))) if total else hist * np.nan
        return hist.astype(dtype), edges


class Bincount(Op):
    """How many times each non-negative integer occurs (no gradient)."""

    differentiable = False

    def forward(ctx, index, minlength):
        return ctx.xp.bincount(index, minlength=minlength).astype(np.int64)


class _WeightedBincount(Op):
    def forward(ctx, weights, index, minlength):
        xp = ctx.xp
        counts = xp.bincount(index, weights.astype(np.float64), minlength)
        # float32 and float64 weights keep their dtype; half precision and integer weights
        # count in float64, as in PyTorch.
        return counts.astype(
            weights.dtype if weights.dtype in (np.float32, np.float64) else np.float64
        )

    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::bincount is not implemented")


def bincount(input, weights=None, minlength=0):
    """How many times each non-negative integer occurs in ``input`` (or the sum of its
    ``weights``)."""
    if input._data.dtype.kind not in "iu":
        raise not_implemented("bincount_cpu", input)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    index = input._data
    if index.ndim != 1 or (index.size and index.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Bincount.apply(input, minlength=minlength)
    if weights._data.ndim != 1 or weights._data.shape[0] != index.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return _WeightedBincount.apply(weights, index, minlength)
