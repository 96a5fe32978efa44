"""Order statistics and sample statistics: ``quantile``/``nanquantile``, ``cov``,
``corrcoef``, ``histc`` and ``bincount``.

quantile sorts, then interpolates between the two order statistics around each rank; the
gradient flows through ``sort``, ``gather`` and ``lerp``, as in PyTorch.
"""

import warnings

import numpy as np

from ember import _dtype, return_types
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
        values, scalar = np.array([float(q)]), True
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
    nan = np.isnan(rows._data)
    count = n - nan.sum(-1, keepdims=True) if ignore_nan else np.full(nan.shape[:-1] + (1,), n)
    # Ranks in the input's dtype, as PyTorch computes them (float32 rounding decides ties).
    ranks = qs.astype(dtype) * np.maximum(count - 1, 0).astype(dtype)  # (..., Q)
    below, above = np.floor(ranks), np.ceil(ranks)
    if interpolation == "lower":
        above = below
    elif interpolation == "higher":
        below = above
    elif interpolation == "nearest":
        below = above = np.round(ranks)  # half to even, as PyTorch's round
    weight = np.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
    if not ignore_nan:
        # A row with a NaN reads its last sorted element, a NaN, as PyTorch does (so the
        # gradient goes there too); an all-NaN row of nanquantile reads element 0.
        undefined = nan.any(-1, keepdims=True)
        below = np.where(undefined, n - 1, below)
        above = np.where(undefined, n - 1, above)
    lo = rows.gather(-1, make_tensor(np.clip(below, 0, n - 1).astype(np.int64)))
    hi = rows.gather(-1, make_tensor(np.clip(above, 0, n - 1).astype(np.int64)))
    result = lerp(lo, hi, make_tensor(np.asarray(weight, dtype)))
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


def _linspace(lo, hi, n):
    """PyTorch's linspace in the dtype of ``lo``: from the start for the first half, from the
    end for the rest (so both ends are exact and rounding matches PyTorch's edges)."""
    dtype = np.asarray(lo).dtype
    i = np.arange(n)
    step = (hi - lo) / dtype.type(n - 1)
    head = lo + step * i.astype(dtype)
    tail = hi - step * (n - 1 - i).astype(dtype)
    return np.where(i < n // 2, head, tail).astype(dtype)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts of ``input`` in ``bins`` equal bins over [min, max] (both 0: the data's range);
    elements outside are ignored. Not differentiable."""
    if not is_floating(input):
        raise not_implemented("histogram_cpu", input)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    x = input._data.reshape(-1)
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    finite = x[np.isfinite(x)]
    if lo == hi and finite.size:
        lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    dtype = x.dtype
    edges = _linspace(dtype.type(lo), dtype.type(hi), bins + 1)
    inside = x[(x >= dtype.type(lo)) & (x <= dtype.type(hi))]
    pos = ((inside - dtype.type(lo)) * bins / (dtype.type(hi) - dtype.type(lo))).astype(np.int64)
    pos = np.clip(pos, 0, bins - 1)
    # Settle rounding at the bin edges by the edges themselves, as PyTorch does.
    pos -= (inside < edges[pos]) & (pos > 0)
    pos += (inside >= edges[np.minimum(pos + 1, bins)]) & (pos < bins - 1)
    counts = np.bincount(pos, minlength=bins).astype(dtype)
    return write_out(make_tensor(counts), out, "histc")


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """Counts (or summed ``weight``) of ``input`` in ``bins`` equal bins over ``range`` (default
    the data's range), or between the given ``bins`` edges; with the bin edges. Not
    differentiable."""
    if not is_floating(input):
        raise not_implemented("histogramdd", input)
    x = input._data.reshape(-1)
    dtype = x.dtype
    if isinstance(bins, Tensor):
        edges = bins._data.astype(dtype)
    else:
        if range is None:
            finite = x[np.isfinite(x)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        else:
            lo, hi = float(range[0]), float(range[1])
        lo, hi = dtype.type(lo), dtype.type(hi)
        if lo == hi:
            lo, hi = lo - dtype.type(0.5), hi + dtype.type(0.5)  # PyTorch's widening
        edges = _linspace(lo, hi, int(bins) + 1)
    w = None if weight is None else weight._data.reshape(-1).astype(np.float64)
    hist, _ = np.histogram(x.astype(np.float64), edges.astype(np.float64), weights=w)
    hist = hist.astype(np.float64)
    if density:
        total = hist.sum()
        hist = hist / (total * np.diff(edges.astype(np.float64))) if total else hist * np.nan
    result = (make_tensor(hist.astype(dtype)), make_tensor(edges))
    if out is not None:
        write_out(result[0], out[0], "histogram")
        write_out(result[1], out[1], "histogram")
        return return_types.histogram_out(out)
    return return_types.histogram(result)


class _WeightedBincount(Op):
    def forward(ctx, weights, index, minlength):
        counts = np.bincount(index, weights.astype(np.float64), minlength)
        # Floating weights keep their dtype; integer weights count in float64, as in PyTorch.
        return counts.astype(weights.dtype if weights.dtype.kind == "f" else np.float64)

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
        return make_tensor(np.bincount(index, minlength=minlength).astype(np.int64))
    if weights._data.ndim != 1 or weights._data.shape[0] != index.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return _WeightedBincount.apply(weights, index, minlength)
