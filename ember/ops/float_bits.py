"""Ops on the binary representation of floats: ``ldexp``, ``frexp`` and ``nextafter``."""

import numpy as np

from ember import return_types
from ember._backend import array_module
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import check_broadcast, float_input, is_floating, not_implemented
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import pow

__all__ = ["ldexp", "frexp", "nextafter"]

TENSOR_METHODS = tuple(__all__)


def _check_tensor(value, name, arg, position):
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
            f"{type(value).__name__}"
        )


def ldexp(input, other, *, out=None):
    """``input * 2 ** other``.

    Differences from PyTorch: with an integer ``other``, the gradient for a negative exponent
    is ``2 ** other`` (PyTorch's backward computes that power in integers, giving 0).
    """
    _check_tensor(input, "ldexp", "input", 1)
    _check_tensor(other, "ldexp", "other", 2)
    x = float_input(input)
    if x.dtype.itemsize < 4 and not other.dtype.is_floating_point:
        # Half precision with integer exponents keeps its dtype, scaled in float32 as PyTorch
        # does (2 ** 20 overflows float16, 1e-3 * 2 ** 20 does not).
        return write_out((x.float() * pow(2.0, other)).to(x.dtype), out, "ldexp")
    return write_out(x * pow(2.0, other), out, "ldexp")


class Frexp(Op):
    non_differentiable = (1,)

    def forward(ctx, x):
        xp = ctx.xp
        mantissa, exponent = xp.frexp(x)
        ctx.exponent = exponent
        return mantissa.astype(x.dtype, copy=False), exponent.astype(np.int32)

    def backward(ctx, grad, _):
        xp = array_module(grad._data)
        scale = make_tensor(xp.ldexp(xp.ones((), grad._data.dtype), -ctx.exponent))
        return grad * scale  # d mantissa / dx = 2 ** -exponent, piecewise


def frexp(input, *, out=None):
    """The mantissa in [0.5, 1) and the int32 exponent with ``input = mantissa * 2**exponent``."""
    if not is_floating(input):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = Frexp.apply(input)
    if out is not None:
        write_out(mantissa, out[0], "frexp")
        write_out(exponent, out[1], "frexp")
        return return_types.frexp_out(out)
    return return_types.frexp((mantissa, exponent))


class Nextafter(Op):
    promote = True

    def forward(ctx, a, b):
        xp = ctx.xp
        ctx.moved = xp.asarray(a != b)
        return xp.nextafter(a, b)

    def backward(ctx, grad):
        # PyTorch's convention: the gradient passes to input where it moved, other gets 0.
        need_a, need_b = ctx.needs_input_grad
        moved = make_tensor(ctx.moved)
        return grad * moved if need_a else None, grad * 0 if need_b else None


def nextafter(input, other, *, out=None):
    """The next representable float after ``input`` in the direction of ``other``."""
    _check_tensor(input, "nextafter", "input", 1)
    _check_tensor(other, "nextafter", "other", 2)
    for x in (input, other):
        if not is_floating(x):
            raise not_implemented("nextafter_cpu", x)
    try:
        result = Nextafter.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return write_out(result, out, "nextafter")


ldexp_ = make_inplace(ldexp)
nextafter_ = make_inplace(nextafter)
INPLACE_METHODS = ("ldexp_", "nextafter_")
