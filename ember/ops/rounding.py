"""Rounding and cleanup: floor, ceil, round (with ``decimals``), trunc, frac, nan_to_num.

The rounding ops are piecewise constant: their gradient is zero everywhere, as in PyTorch.
On integer tensors floor, ceil, round and trunc return a copy; bool is not supported.
"""

import builtins

import ml_dtypes
import numpy as np

from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops._common import not_implemented
from ember.ops._inplace import make_inplace, write_out

__all__ = ["floor", "ceil", "round", "trunc", "fix", "frac", "nan_to_num"]

TENSOR_METHODS = tuple(__all__)


class _Rounding(Op):
    """A piecewise-constant op; ``kernel(xp, x)`` computes it with the array module ``xp``."""

    def forward(ctx, x, kernel):
        if x.dtype.kind in "iu":
            return x.copy()
        return kernel(ctx.xp, x)

    def backward(ctx, grad):
        data = grad._data
        return make_tensor(array_module(data).zeros(data.shape, data.dtype))


def _round_decimals(decimals):
    # PyTorch scales by 10**|decimals| and rounds half to even (nearbyint), as here.
    def kernel(xp, x):
        scale = xp.asarray(10.0 ** builtins.abs(decimals), x.dtype)
        with errstate(xp, over="ignore", invalid="ignore"):
            if decimals > 0:
                return xp.round(x * scale) / scale
            return xp.round(x / scale) * scale

    return kernel


def _rounding(kernel, vml_name):
    def fn(input, *, out=None):
        if input._data.dtype == np.bool_:
            raise not_implemented(f"{vml_name}_vml_cpu", input)
        return write_out(_Rounding.apply(input, kernel=kernel), out, vml_name)

    fn.__name__ = vml_name
    fn.__qualname__ = vml_name
    fn.__doc__ = f"Elementwise {vml_name} (zero gradient)."
    return fn


def _elementwise(name):
    """The kernel ``xp.<name>(x)``."""
    return lambda xp, x: getattr(xp, name)(x)


floor = _rounding(_elementwise("floor"), "floor")
ceil = _rounding(_elementwise("ceil"), "ceil")
trunc = _rounding(_elementwise("trunc"), "trunc")
fix = trunc
_round_half_even = _rounding(_elementwise("round"), "round")


def round(input, *, decimals=0, out=None):
    """Round half to even, to ``decimals`` decimal places (zero gradient)."""
    if decimals == 0:
        return _round_half_even(input, out=out)
    if input._data.dtype.kind in "iub":
        raise not_implemented("round_cpu", input)
    return write_out(_Rounding.apply(input, kernel=_round_decimals(decimals)), out, "round")


class Frac(Op):
    def forward(ctx, x):
        return x - ctx.xp.trunc(x)

    def backward(ctx, grad):
        return grad


def frac(input, *, out=None):
    """``input - trunc(input)``; its gradient is 1."""
    if input._data.dtype.kind in "iub":
        raise not_implemented("frac_cpu", input)
    return write_out(Frac.apply(input), out, "frac")


class NanToNum(Op):
    save_inputs = True

    def forward(ctx, x, nan, posinf, neginf):
        xp = ctx.xp
        if x.dtype.kind in "iub":
            return x.copy()
        if x.dtype.kind != "f":
            # NumPy's nan_to_num passes dtypes it does not know as floating (bfloat16) through
            # unchanged: replace in float32, with the defaults of x's own dtype.
            info = ml_dtypes.finfo(x.dtype)
            posinf = float(info.max) if posinf is None else posinf
            neginf = float(info.min) if neginf is None else neginf
            wide = xp.nan_to_num(x.astype(np.float32), nan=nan, posinf=posinf, neginf=neginf)
            return wide.astype(x.dtype)
        return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(ctx, grad):
        # Replaced elements are constants: the gradient flows only where input is finite.
        (x,) = ctx.saved_tensors
        return grad * x.isfinite()


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` (default: the dtype's max) and
    ``neginf`` (default: its min)."""
    result = NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)
    return write_out(result, out, "nan_to_num")


floor_ = make_inplace(floor)
ceil_ = make_inplace(ceil)
round_ = make_inplace(round)
trunc_ = make_inplace(trunc)
fix_ = make_inplace(fix)
frac_ = make_inplace(frac)
nan_to_num_ = make_inplace(nan_to_num)
INPLACE_METHODS = ("floor_", "ceil_", "round_", "trunc_", "fix_", "frac_", "nan_to_num_")
