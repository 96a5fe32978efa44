"""Modified Bessel functions of the first kind, orders 0 and 1: ``i0`` (``torch.i0``) and,
for ``ember.special``, ``i0e``, ``i1``, ``i1e`` (the ``e`` forms scaled by ``exp(-|x|)``).

Computed by scipy.special (cupyx.scipy.special on the GPU) at the input's precision: its
values agree with PyTorch's, including inf (and NaN at +-inf for the unscaled forms) where
the exponential overflows. Gradients: i0' = i1, i1' = i0 - i1 / x (1/2 at 0), and the scaled
forms follow by the product rule.
"""

from ember._backend._math import special
from ember.autograd.function import Op
from ember.ops._common import float_input
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import sign, where

__all__ = ["i0"]

TENSOR_METHODS = ("i0",)

# (order, scaled) -> the scipy.special name.
_KERNELS = {(0, False): "i0", (0, True): "i0e", (1, False): "i1", (1, True): "i1e"}


class _Bessel(Op):
    save_inputs = True

    def forward(ctx, x, order, scaled):
        ctx.order, ctx.scaled = order, scaled
        return special(ctx.xp, _KERNELS[order, scaled], x)

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
