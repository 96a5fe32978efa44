"""Elementwise math beyond the basic unary family: inverse hyperbolic functions, hypot,
logaddexp/logaddexp2, logit, xlogy, the sign helpers (sgn, signbit, copysign, heaviside),
angle conversions, sinc, positive, angle and float_power_.

Integer and bool inputs are computed in the default float dtype where PyTorch does so. Each
gradient is written with ember ops, so it is differentiable again.
"""

import math

import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import check_broadcast, float_input, is_floating, not_implemented
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import float_power, sign, where
from ember.ops.unary_math import cos, erfc, exp, exp2, log, sin, sqrt

__all__ = [
    "acosh",
    "asinh",
    "atanh",
    "arccosh",
    "arcsinh",
    "arctanh",
    "hypot",
    "logaddexp",
    "logaddexp2",
    "logit",
    "xlogy",
    "sgn",
    "signbit",
    "copysign",
    "heaviside",
    "deg2rad",
    "rad2deg",
    "positive",
    "sinc",
    "angle",
]

TENSOR_METHODS = tuple(__all__)

_LN2 = math.log(2.0)
_DEG_PER_RAD = 180.0 / math.pi
_SQRT_HALF = math.sqrt(0.5)


# ---- inverse hyperbolic functions -------------------------------------------------------------


class Acosh(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, invalid="ignore"):
            return xp.arccosh(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / sqrt(x * x - 1)


class Asinh(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.arcsinh(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / sqrt(x * x + 1)


class Atanh(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            return xp.arctanh(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)


def _unary_float(op, name):
    def fn(input, *, out=None):
        return write_out(op.apply(float_input(input)), out, name)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name}; integer inputs are computed in the default float dtype."
    return fn


acosh = arccosh = _unary_float(Acosh, "acosh")
asinh = arcsinh = _unary_float(Asinh, "asinh")
atanh = arctanh = _unary_float(Atanh, "atanh")


# ---- binary functions of two floating tensors --------------------------------------------------


def _check_tensor(value, name, arg, position):
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
            f"{type(value).__name__}"
        )


def _float_binary(op, name, input, other, out):
    """``op`` on two tensors, promoted as PyTorch does; integer-only inputs are refused."""
    _check_tensor(input, name, "input", 1)
    _check_tensor(other, name, "other", 2)
    if not (is_floating(input) or is_floating(other)):
        raise not_implemented(f"{name}_cpu", input if not is_floating(input) else other)
    try:
        result = op.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return write_out(result, out, name)


class Hypot(Op):
    promote = True
    save_inputs = True
    save_output = True

    def forward(ctx, a, b):
        return ctx.xp.hypot(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = grad / ctx.output
        return scale * a if need_a else None, scale * b if need_b else None


class LogAddExp(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        return ctx.xp.logaddexp(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            grad / (1 + exp(b - a)) if need_a else None,
            grad / (1 + exp(a - b)) if need_b else None,
        )


class LogAddExp2(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        return ctx.xp.logaddexp2(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            grad / (1 + exp2(b - a)) if need_a else None,
            grad / (1 + exp2(a - b)) if need_b else None,
        )


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)``, computed without overflow."""
    return _float_binary(Hypot, "hypot", input, other, out)


def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))``, computed without overflow."""
    return _float_binary(LogAddExp, "logaddexp", input, other, out)


def logaddexp2(input, other, *, out=None):
    """``log2(2**input + 2**other)``, computed without overflow."""
    return _float_binary(LogAddExp2, "logaddexp2", input, other, out)


# ---- logit, xlogy -------------------------------------------------------------------------------


def logit(input, eps=None, *, out=None):
    """``log(z / (1 - z))`` with ``z = clamp(input, eps, 1 - eps)`` (no clamp when eps is None)."""
    z = float_input(input)
    if eps is not None:
        # clamp passes the gradient at its bounds, as PyTorch's logit_backward does.
        z = z.clamp(float(eps), 1.0 - float(eps))
    return write_out(log(z / (1 - z)), out, "logit")


class Xlogy(Op):
    """``x * log(y)``, 0 where ``x`` is 0 (unless ``y`` is NaN); ``Xlog1py`` shifts ``y``."""

    promote = True
    save_inputs = True
    shift = 0

    def forward(ctx, x, y):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            out = xp.asarray(x * (xp.log1p(y) if ctx.shift else xp.log(y)))
        # 0 * log(y) is 0 even where log(y) is infinite, but NaN stays NaN.
        return xp.where((x == 0) & ~xp.isnan(y), xp.zeros((), out.dtype), out)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        shift = ctx.shift
        grad_x = grad_y = None
        if need_x:
            # PyTorch's formula: xlogy(grad, y), set to 0 where x is 0 and y is outside the
            # log's domain.
            grad_x = (xlog1py if shift else xlogy)(grad, y)
            bound = -1.0 if shift else 0.0
            if isinstance(y, Tensor):
                grad_x = where((x == 0) & (y <= bound), 0.0, grad_x)
            elif y <= bound:
                grad_x = where(x == 0, 0.0, grad_x)
        if need_y:
            grad_y = grad * x / (y + 1) if shift else grad * x / y
        return grad_x, grad_y


class Xlog1py(Xlogy):
    shift = 1


def _xlog(op, name, input, other, out):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}(): expected at least one Tensor argument")
    if not (_floating_arg(input) or _floating_arg(other)):
        target = _dtype.get_default_dtype()
        input = _to_float(input, target)
        other = _to_float(other, target)
    try:
        result = op.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return write_out(result, out, name)


def xlog1py(input, other, *, out=None):
    """``input * log1p(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    return _xlog(Xlog1py, "xlog1py", input, other, out)


def xlogy(input, other, *, out=None):
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    return _xlog(Xlogy, "xlogy", input, other, out)


def _floating_arg(value):
    return is_floating(value) if isinstance(value, Tensor) else isinstance(value, float)


def _to_float(value, target):
    if isinstance(value, Tensor):
        return make_tensor(value._data.astype(target.np))
    return float(value)


# ---- signs ---------------------------------------------------------------------------------------


def sgn(input, *, out=None):
    """``sign`` for real tensors (PyTorch extends it to complex numbers)."""
    return write_out(sign(input), out, "sgn")


class Signbit(Op):
    differentiable = False

    def forward(ctx, x):
        return ctx.xp.signbit(x)


def signbit(input, *, out=None):
    """Whether the sign bit of each element is set (true for -0.0)."""
    return write_out(Signbit.apply(input), out, "signbit")


class Copysign(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        xp = ctx.xp
        ctx.b_negative = xp.signbit(b)
        return xp.copysign(a, b)

    def backward(ctx, grad):
        (a, _) = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        xp = array_module(grad._data)
        flip = make_tensor(xp.where(ctx.b_negative, -1.0, 1.0).astype(grad._data.dtype))
        # d/da copysign(a, b) at a == 0 is 0, as in PyTorch; b's gradient is zero.
        grad_a = grad * sign(a) * flip if need_a else None
        return grad_a, grad * 0 if need_b else None


def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other``; integers are computed in the default float."""
    _check_tensor(input, "copysign", "input", 1)
    if not (is_floating(input) or _floating_arg(other)):
        target = _dtype.get_default_dtype()
        input = _to_float(input, target)
        other = _to_float(other, target)
    try:
        result = Copysign.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return write_out(result, out, "copysign")


class Heaviside(Op):
    def forward(ctx, x, values):
        xp = ctx.xp
        return xp.asarray(xp.where(x == 0, values, (x > 0).astype(x.dtype)), x.dtype)

    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


def heaviside(input, values, *, out=None):
    """0 where ``input < 0``, 1 where ``input > 0``, ``values`` where ``input == 0``."""
    _check_tensor(input, "heaviside", "input", 1)
    _check_tensor(values, "heaviside", "values", 2)
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    try:
        result = Heaviside.apply(input, values)
    except ValueError:
        check_broadcast(input, values)
        raise
    return write_out(result, out, "heaviside")


# ---- entr, ndtr (ember.special only) ----------------------------------------------------------


class Entr(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        with errstate(xp, divide="ignore", invalid="ignore"):
            out = xp.asarray(-x * xp.log(x))
        out = xp.where(x == 0, xp.zeros((), x.dtype), out)
        return xp.where(x < 0, xp.asarray(-np.inf, x.dtype), out)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -(1 + log(x))  # PyTorch's formula: inf at 0, NaN below


def entr(input, *, out=None):
    """The elementwise entropy ``-x log x`` (0 at 0, -inf for negative x)."""
    return write_out(Entr.apply(float_input(input)), out, "special_entr")


def ndtr(input, *, out=None):
    """The standard normal CDF, ``(1 + erf(x / sqrt(2))) / 2`` computed as
    ``erfc(-x / sqrt(2)) / 2`` for accuracy in the lower tail."""
    return write_out(erfc(float_input(input) * -_SQRT_HALF) * 0.5, out, "special_ndtr")


# ---- angles, sinc, positive ----------------------------------------------------------------------


def deg2rad(input, *, out=None):
    """Degrees to radians."""
    return write_out(float_input(input) * (1.0 / _DEG_PER_RAD), out, "deg2rad")


def rad2deg(input, *, out=None):
    """Radians to degrees."""
    return write_out(float_input(input) * _DEG_PER_RAD, out, "rad2deg")


class Sinc(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.sinc(x).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        zero = x == 0
        safe = where(zero, 1.0, x)  # keeps the unused branch finite (and its gradient)
        px = math.pi * safe
        slope = (cos(px) * px - sin(px)) / (px * safe)
        # d/dx sinc at 0 is 0 (sinc is even), as in PyTorch.
        return grad * where(zero, 0.0, slope)


def sinc(input, *, out=None):
    """``sin(pi x) / (pi x)``, 1 at 0."""
    return write_out(Sinc.apply(float_input(input)), out, "sinc")


def positive(input):
    """``input`` itself (``+input``)."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class Angle(Op):
    def forward(ctx, x):
        xp = ctx.xp
        out = xp.where(x < 0, xp.asarray(math.pi, x.dtype), xp.zeros((), x.dtype))
        return xp.where(xp.isnan(x), x, out)

    def backward(ctx, grad):
        return grad * 0  # piecewise constant on the reals, as in PyTorch


def angle(input, *, out=None):
    """The argument of each element: pi for negative reals, 0 otherwise (NaN stays NaN)."""
    return write_out(Angle.apply(float_input(input)), out, "angle")


# ---- in-place variants --------------------------------------------------------------------------

_INPLACE = [
    "acosh",
    "asinh",
    "atanh",
    "arccosh",
    "arcsinh",
    "arctanh",
    "hypot",
    "logit",
    "xlogy",
    "sgn",
    "copysign",
    "heaviside",
    "deg2rad",
    "rad2deg",
    "sinc",
]
for _name in _INPLACE:
    globals()[_name + "_"] = make_inplace(globals()[_name])
# PyTorch names the in-place aliases after the alias (arccosh_), not after acosh_.
for _alias in ("arccosh", "arcsinh", "arctanh"):
    globals()[_alias + "_"].__name__ = _alias + "_"


def float_power_(input, exponent):
    """In-place ``float_power``; ``input`` must already be float64."""
    if input.dtype is not _dtype.float64:
        raise RuntimeError(
            "the base given to float_power_ has dtype "
            f"{SCALAR_NAMES[input.dtype]} but the operation's result requires dtype Double"
        )
    return _float_power_inplace(input, exponent)


_float_power_inplace = make_inplace(float_power)

INPLACE_METHODS = tuple(name + "_" for name in _INPLACE) + ("float_power_",)
