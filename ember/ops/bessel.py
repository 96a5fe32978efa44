"""Modified Bessel functions of the first kind, orders 0 and 1: ``i0`` (``torch.i0``) and,
for ``ember.special``, ``i0e``, ``i1``, ``i1e`` (the ``e`` forms scaled by ``exp(-|x|)``).

Note [bessel kernels]
The scaled functions are computed in float64 from the power series for ``|x| <= 30`` (all
terms positive, so no cancellation; 90 terms reach double precision at 30) and from the
Hankel asymptotic expansion beyond (25 terms, each at most a third of the one before).
The unscaled ones are the scaled ones times ``exp(|x|)``, which overflows to inf where
PyTorch's does. Gradients: i0' = i1, i1' = i0 - i1 / x (1/2 at 0), and the scaled forms
follow by the product rule.
"""

import math

import numpy as np

from ember.autograd.function import Op
from ember.ops._common import float_input
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import sign, where

__all__ = ["i0"]

TENSOR_METHODS = ("i0",)

_SERIES_LIMIT = 30.0


def _scaled(x, order):
    """``exp(-|x|) I_order(|x|)`` for a float64 array (order 0 or 1)."""
    a = np.abs(x)
    small = np.minimum(a, _SERIES_LIMIT)
    quarter = small * small / 4
    term = np.ones_like(a)
    total = np.ones_like(a)
    for k in range(1, 90):
        term = term * quarter / (k * (k + order))
        total = total + term
    series = total * np.exp(-small) * (small / 2 if order else 1.0)
    big = np.maximum(a, _SERIES_LIMIT)
    term = np.ones_like(a)
    total = np.ones_like(a)
    for k in range(1, 26):
        term = term * -(4 * order * order - (2 * k - 1) ** 2) / (k * 8 * big)
        total = total + term
    with np.errstate(divide="ignore"):
        asymptotic = total / np.sqrt(2 * math.pi * big)
    return np.where(a <= _SERIES_LIMIT, series, asymptotic)


def _kernel(order, scaled):
    def compute(x):
        x64 = x.astype(np.float64)
        out = _scaled(x64, order)
        if not scaled:
            with np.errstate(over="ignore", invalid="ignore"):
                out = out * np.exp(np.abs(x64))  # NaN at +-inf (0 * inf), as PyTorch gives
        if order:
            out = np.copysign(out, x64) * (x64 != 0)  # odd, and exactly 0 at 0
        out = np.where(np.isnan(x64), np.nan, out)
        return out.astype(x.dtype, copy=False)

    return compute


_KERNELS = {(o, s): _kernel(o, s) for o in (0, 1) for s in (False, True)}


class _Bessel(Op):
    save_inputs = True

    def forward(ctx, x, order, scaled):
        ctx.order, ctx.scaled = order, scaled
        return _KERNELS[order, scaled](x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        order, scaled = ctx.order, ctx.scaled
        if order == 0:
            slope = _bessel(x, 1, scaled)
            if scaled:
                slope = slope - sign(x) * _bessel(x, 0, True)
            return grad * slope
        zero = x == 0
        safe = where(zero, 1.0, x)
        ratio = _bessel(x, 1, scaled) / safe
        slope = _bessel(x, 0, scaled) - ratio
        if scaled:
            slope = slope - sign(x) * _bessel(x, 1, True)
        return grad * where(zero, 0.5, slope)  # I1'(0) = 1/2 (scaled too)


def _bessel(x, order, scaled):
    return _Bessel.apply(x, order=order, scaled=scaled)


def i0(input, *, out=None):
    """The modified Bessel function of the first kind of order 0."""
    return write_out(_bessel(float_input(input), 0, False), out, "i0")


def i0e(input, *, out=None):
    """``exp(-|input|) * i0(input)``."""
    return write_out(_bessel(float_input(input), 0, True), out, "special_i0e")


def i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1."""
    return write_out(_bessel(float_input(input), 1, False), out, "special_i1")


def i1e(input, *, out=None):
    """``exp(-|input|) * i1(input)``."""
    return write_out(_bessel(float_input(input), 1, True), out, "special_i1e")


i0_ = make_inplace(i0)
INPLACE_METHODS = ("i0_",)
