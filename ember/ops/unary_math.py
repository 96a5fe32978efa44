"""Unary math: exponentials and logarithms, powers, trigonometric and hyperbolic functions,
sigmoid, the error functions, and atan2.

Integer and bool inputs are computed in the default float dtype, as in PyTorch. Each gradient
is written with ember ops, so it is differentiable again.
"""

import math

import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._backend._math import erfc as erfc_kernel
from ember._backend._math import special
from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._common import check_broadcast, float_input
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import pow

__all__ = [
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sqrt",
    "rsqrt",
    "square",
    "reciprocal",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "sigmoid",
    "erf",
    "erfc",
    "erfinv",
    "atan2",
    "arctan2",
]

TENSOR_METHODS = tuple(__all__)

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0


def _special_kernel(name):
    """The forward of the special function ``name`` (scipy.special's), at the input's
    precision (see ember/_backend/_math.py)."""

    def forward(ctx, x):
        return special(ctx.xp, name, x)

    return forward


class Exp(Op):
    save_output = True

    def forward(ctx, x):
        return ctx.xp.exp(x)

    def backward(ctx, grad):
        return grad * ctx.output


class Exp2(Op):
    save_output = True

    def forward(ctx, x):
        return ctx.xp.exp2(x)

    def backward(ctx, grad):
        return grad * ctx.output * _LN2


class Expm1(Op):
    save_output = True

    def forward(ctx, x):
        return ctx.xp.expm1(x)

    def backward(ctx, grad):
        return grad * (ctx.output + 1)


class Log(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            return xp.log(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Log2(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            return xp.log2(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            return xp.log10(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN10)


class Log1p(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            return xp.log1p(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x + 1)


class Sqrt(Op):
    save_output = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, invalid="ignore"):
            return xp.sqrt(x)

    def backward(ctx, grad):
        return grad / (2 * ctx.output)


class Rsqrt(Op):
    save_output = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            return (1 / xp.sqrt(x)).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        y = ctx.output
        return -0.5 * grad * y * y * y


class Reciprocal(Op):
    save_output = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore"):
            return (1 / x).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        y = ctx.output
        return -grad * (y * y)


class Sin(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.sin(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cos(x)


class Cos(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.cos(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -sin(x)


class Tan(Op):
    save_output = True

    def forward(ctx, x):
        return ctx.xp.tan(x)

    def backward(ctx, grad):
        y = ctx.output
        return grad * (1 + y * y)


class Asin(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, invalid="ignore"):
            return xp.arcsin(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / sqrt(1 - x * x)


class Acos(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, invalid="ignore"):
            return xp.arccos(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad / sqrt(1 - x * x)


class Atan(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.arctan(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1)


class Sinh(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.sinh(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cosh(x)


class Cosh(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.cosh(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sinh(x)


class Tanh(Op):
    save_output = True

    def forward(ctx, x):
        return ctx.xp.tanh(x)

    def backward(ctx, grad):
        y = ctx.output
        return grad * (1 - y * y)


def sigmoid_kernel(x):
    """sigmoid of an array, in its dtype. Written with tanh so large |x| neither overflows nor
    loses precision."""
    return (0.5 * array_module(x).tanh(0.5 * x) + 0.5).astype(x.dtype, copy=False)


class Sigmoid(Op):
    save_output = True

    def forward(ctx, x):
        return sigmoid_kernel(x)

    def backward(ctx, grad):
        y = ctx.output
        return grad * (1 - y) * y


class Erf(Op):
    save_inputs = True
    forward = _special_kernel("erf")

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (_TWO_OVER_SQRT_PI * exp(-(x * x)))


class Erfc(Op):
    save_inputs = True

    def forward(ctx, x):
        return erfc_kernel(ctx.xp, x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-_TWO_OVER_SQRT_PI * exp(-(x * x)))


class Erfinv(Op):
    save_output = True

    def forward(ctx, x):
        # scipy gives +0 at -0; PyTorch keeps the sign (erfinv is odd).
        return ctx.xp.copysign(special(ctx.xp, "erfinv", x), x)

    def backward(ctx, grad):
        y = ctx.output
        return grad * (_SQRT_PI_OVER_TWO * exp(y * y))


def _unary_float(op, name):
    def fn(input, *, out=None):
        result = op.apply(float_input(input))
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name}; integer inputs are computed in the default float dtype."
    return fn


exp = _unary_float(Exp, "exp")
exp2 = _unary_float(Exp2, "exp2")
expm1 = _unary_float(Expm1, "expm1")
log = _unary_float(Log, "log")
log2 = _unary_float(Log2, "log2")
log10 = _unary_float(Log10, "log10")
log1p = _unary_float(Log1p, "log1p")
sqrt = _unary_float(Sqrt, "sqrt")
rsqrt = _unary_float(Rsqrt, "rsqrt")
reciprocal = _unary_float(Reciprocal, "reciprocal")
sin = _unary_float(Sin, "sin")
cos = _unary_float(Cos, "cos")
tan = _unary_float(Tan, "tan")
asin = arcsin = _unary_float(Asin, "asin")
acos = arccos = _unary_float(Acos, "acos")
atan = arctan = _unary_float(Atan, "atan")
sinh = _unary_float(Sinh, "sinh")
cosh = _unary_float(Cosh, "cosh")
tanh = _unary_float(Tanh, "tanh")
sigmoid = _unary_float(Sigmoid, "sigmoid")
erf = _unary_float(Erf, "erf")
erfc = _unary_float(Erfc, "erfc")
erfinv = _unary_float(Erfinv, "erfinv")


def square(input, *, out=None):
    """``input * input``; bool becomes int64, as in PyTorch."""
    if input._data.dtype == np.bool_:
        input = input.to(_dtype.int64)
    return write_out(pow(input, 2), out, "square")


class Atan2(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        return ctx.xp.arctan2(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = grad / (a * a + b * b)
        return scale * b if need_a else None, -scale * a if need_b else None


def atan2(input, other, *, out=None):
    """The angle of the point ``(other, input)``, in (-pi, pi]."""
    if not isinstance(other, Tensor):
        raise TypeError(
            f"atan2(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    if not (input.dtype.is_floating_point or other.dtype.is_floating_point):
        input = float_input(input)
    try:
        result = Atan2.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return write_out(result, out, "atan2")


arctan2 = atan2

_INPLACE = [name for name in __all__]
for _name in _INPLACE:
    globals()[_name + "_"] = make_inplace(globals()[_name])
INPLACE_METHODS = tuple(name + "_" for name in _INPLACE)
