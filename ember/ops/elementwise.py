"""Elementwise arithmetic: the binary operators, abs/sign/relu, where, lerp, addcmul/addcdiv,
and dtype conversion.

Gradients are returned in the broadcast shape; the engine sums them back to each input's
shape (Note [one broadcasting rule] in ember/autograd/engine.py). A broadcasting failure
surfaces from NumPy as a ValueError; the wrappers turn it into PyTorch's RuntimeError only
after it happened, so the hot path pays nothing (``check_broadcast``).
"""

import builtins

import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._dtype import SCALAR_NAMES, is_floating_np
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import as_tensor_arg, check_broadcast, float_input, not_implemented
from ember.ops._inplace import make_inplace, write_out

__all__ = [
    "add",
    "sub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "neg",
    "negative",
    "pow",
    "float_power",
    "relu",
    "abs",
    "absolute",
    "sign",
    "where",
    "lerp",
    "addcmul",
    "addcdiv",
    "to_dtype",
    "clone",
]

TENSOR_METHODS = (
    "add",
    "sub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "neg",
    "negative",
    "pow",
    "float_power",
    "relu",
    "abs",
    "absolute",
    "sign",
    "where",
    "lerp",
    "addcmul",
    "addcdiv",
    "clone",
)

_BOOL = np.dtype(np.bool_)


def _zeros(grad):
    # The gradient of a piecewise-constant op: zero, and no graph behind it.
    data = grad._data
    return make_tensor(array_module(data).zeros(data.shape, data.dtype))


# ---- add, sub, mul, div ---------------------------------------------------------------------


class Add(Op):
    promote = True

    def forward(ctx, a, b):
        return a + b

    def backward(ctx, grad):
        return grad, grad


class Sub(Op):
    promote = True

    def forward(ctx, a, b):
        return a - b

    def backward(ctx, grad):
        return grad, -grad if ctx.needs_input_grad[1] else None


class Mul(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        return a * b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


class Div(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        return a / b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad / b if need_a else None
        grad_b = -grad * a / (b * b) if need_b else None
        return grad_a, grad_b


def _operator(op):
    """``Tensor.__add__``/``__mul__``: ``op.apply`` without the public function's keyword
    handling (``alpha``, ``out=``), one call less on the commonest path of all."""
    apply = op.apply

    def method(self, other):
        try:
            return apply(self, other)
        except ValueError:
            check_broadcast(self, other)
            raise

    return method


OPERATORS_FAST = {"__add__": _operator(Add), "__mul__": _operator(Mul)}


def _apply2(op, a, b, **params):
    """``op.apply(a, b)`` with NumPy's broadcasting error turned into PyTorch's."""
    try:
        return op.apply(a, b, **params)
    except ValueError:
        check_broadcast(a, b)
        raise


def _scaled(input, other, alpha):
    """``alpha * other`` for add/sub, with PyTorch's checks on ``alpha``."""
    target = _dtype.result_type(input, other)
    if isinstance(alpha, float) and not target.is_floating_point:
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )
    if target is _dtype.bool:
        return other if alpha else mul(other, False)
    return mul(other, alpha) if isinstance(other, Tensor) else other * alpha


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other``, with broadcasting and PyTorch's type promotion."""
    if alpha != 1:
        other = _scaled(input, other, alpha)
    try:
        result = Add.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return result if out is None else write_out(result, out, "add")


def _is_bool(x):
    return type(x) is bool or (isinstance(x, Tensor) and x._data.dtype is _BOOL)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``."""
    if _is_bool(input) or _is_bool(other):
        if _is_bool(input) and _is_bool(other):
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                "`^` or `logical_xor()` operator instead."
            )
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    if alpha != 1:
        other = _scaled(input, other, alpha)
    try:
        result = Sub.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return result if out is None else write_out(result, out, "sub")


subtract = sub


def mul(input, other, *, out=None):
    """Elementwise product."""
    try:
        result = Mul.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return result if out is None else write_out(result, out, "mul")


multiply = mul


def _is_float(x):
    if isinstance(x, Tensor):
        return is_floating_np(x._data.dtype)
    return isinstance(x, float)


def div(input, other, *, rounding_mode=None, out=None):
    """True division, or ``rounding_mode='trunc'|'floor'`` division."""
    if rounding_mode is not None:
        return write_out(_rounded_div(input, other, rounding_mode), out, "div")
    if not (_is_float(input) or _is_float(other)):
        # Integer true division gives the default float dtype, as in PyTorch.
        input = float_input(input)
    try:
        result = Div.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return result if out is None else write_out(result, out, "div")


divide = div


def true_divide(input, other, *, out=None):
    """Alias of ``div`` without rounding."""
    return div(input, other, out=out)


# ---- rounded division, remainder, fmod ------------------------------------------------------


def _int_operands(a, b):
    # Both are arrays or NumPy scalars here (promote_arrays turned Python scalars into them).
    return a.dtype.kind in "iub" and b.dtype.kind in "iub"


def _check_int_divisor(a, b):
    if _int_operands(a, b) and bool((b == 0).any()):
        # PyTorch raises a RuntimeError whose message is the Python exception's name.
        raise RuntimeError("ZeroDivisionError")


class DivRounded(Op):
    """Division rounded toward zero ('trunc') or down ('floor'); its gradient is zero."""

    promote = True

    def forward(ctx, a, b, mode):
        xp = ctx.xp
        _check_int_divisor(a, b)
        if _int_operands(a, b):
            q = xp.floor_divide(a, b)
            if mode == "trunc":
                fix = (xp.remainder(a, b) != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0))
                q = q + fix.astype(q.dtype)
            return q
        with errstate(xp, divide="ignore", invalid="ignore"):
            if mode == "floor":
                return xp.floor_divide(a, b)
            return xp.trunc(xp.true_divide(a, b))

    def backward(ctx, grad):
        return _zeros(grad), _zeros(grad)


def _rounded_div(input, other, rounding_mode):
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    if _is_bool(input) and _is_bool(other):
        raise not_implemented(f"div_{rounding_mode}_cpu", _bool_tensor(input, other))
    return _apply2(DivRounded, input, other, mode=rounding_mode)


def _bool_tensor(*xs):
    return next(x for x in xs if isinstance(x, Tensor))


def floor_divide(input, other, *, out=None):
    """``input // other``: division rounded down (Python's ``//``)."""
    return div(input, other, rounding_mode="floor", out=out)


class Remainder(Op):
    """Python's ``%``: the result has the sign of the divisor."""

    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        xp = ctx.xp
        _check_int_divisor(a, b)
        with errstate(xp, divide="ignore", invalid="ignore"):
            return xp.remainder(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_b = -grad * div(a, b, rounding_mode="floor") if need_b else None
        return grad if need_a else None, grad_b


class Fmod(Op):
    """C's ``fmod``: the result has the sign of the dividend."""

    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        xp = ctx.xp
        _check_int_divisor(a, b)
        with errstate(xp, divide="ignore", invalid="ignore"):
            return xp.fmod(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_b = -grad * div(a, b, rounding_mode="trunc") if need_b else None
        return grad if need_a else None, grad_b


def remainder(input, other, *, out=None):
    """Elementwise remainder with the sign of ``other`` (Python's ``%``)."""
    if _is_bool(input) and _is_bool(other):
        raise not_implemented("remainder_cpu", _bool_tensor(input, other))
    return write_out(_apply2(Remainder, input, other), out, "remainder")


def fmod(input, other, *, out=None):
    """Elementwise remainder with the sign of ``input`` (C's ``fmod``)."""
    if _is_bool(input) and _is_bool(other):
        raise not_implemented("fmod_cpu", _bool_tensor(input, other))
    return write_out(_apply2(Fmod, input, other), out, "fmod")


# ---- pow ------------------------------------------------------------------------------------


class Pow(Op):
    promote = True
    save_inputs = True
    save_output = True

    def forward(ctx, a, b):
        xp = ctx.xp
        if xp.asarray(a).dtype.kind in "iu" and xp.asarray(b).dtype.kind in "iu":
            if (xp.asarray(b) < 0).any():
                raise RuntimeError("Integers to negative integer powers are not allowed.")
        with errstate(xp, divide="ignore", invalid="ignore", over="ignore"):
            return xp.power(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            # d/da a**b = b * a**(b-1), taken as 0 where b == 0 (PyTorch's rule: no 0 * inf).
            if not isinstance(b, Tensor):
                grad_a = _zeros(grad) if b == 0 else grad * (b * pow(a, b - 1))
            else:
                grad_a = where(b == 0, 0.0, grad * (b * pow(a, b - 1)))
        if need_b:
            # d/db a**b = a**b * log(a), taken as 0 where a == 0 and b >= 0 (PyTorch's rule).
            zero_base = (a == 0) & (b >= 0)
            grad_b = grad * where(zero_base, 0.0, ctx.output * a.log())
        return grad_a, grad_b


def pow(input, exponent, *, out=None):
    """``input ** exponent`` (either may be a Python number)."""
    if not isinstance(input, Tensor):
        input = as_tensor_arg(input, like=exponent)
    return write_out(_apply2(Pow, input, exponent), out, "pow")


def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in float64."""
    base = to_dtype(input, _dtype.float64) if isinstance(input, Tensor) else float(input)
    if isinstance(exponent, Tensor):
        exponent = to_dtype(exponent, _dtype.float64)
    else:
        exponent = float(exponent)
    if not isinstance(base, Tensor):
        base = as_tensor_arg(base, like=exponent)
    return write_out(_apply2(Pow, base, exponent), out, "float_power")


# ---- neg, abs, sign, relu -------------------------------------------------------------------


class Neg(Op):
    def forward(ctx, x):
        return ctx.xp.negative(x)

    def backward(ctx, grad):
        return -grad


def neg(input, *, out=None):
    """``-input``."""
    if input._data.dtype is _BOOL:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    result = Neg.apply(input)
    return result if out is None else write_out(result, out, "neg")


negative = neg


class Abs(Op):
    save_inputs = True

    def forward(ctx, x):
        return ctx.xp.abs(x)

    def backward(ctx, grad):
        # d/dx |x| at 0 is 0 (sign(0) = 0), as in PyTorch.
        (x,) = ctx.saved_tensors
        return grad * sign(x)


def abs(input, *, out=None):
    """Elementwise absolute value."""
    if input._data.dtype is _BOOL:
        raise not_implemented("abs_cpu", input)
    return write_out(Abs.apply(input), out, "abs")


absolute = abs


class Sign(Op):
    def forward(ctx, x):
        xp = ctx.xp
        if x.dtype.kind == "b":
            return x.copy()
        # PyTorch's sign of NaN is 0.
        return xp.nan_to_num(xp.sign(x), nan=0.0) if x.dtype.kind not in "iu" else xp.sign(x)

    def backward(ctx, grad):
        return _zeros(grad)


def sign(input, *, out=None):
    """-1, 0 or 1 by the sign of each element (bool stays bool)."""
    return write_out(Sign.apply(input), out, "sign")


class Relu(Op):
    save_output = True

    def forward(ctx, x):
        xp = ctx.xp
        return xp.maximum(x, xp.zeros((), x.dtype))

    def backward(ctx, grad):
        # d/dx relu at 0 is 0, as in PyTorch.
        return grad * (ctx.output > 0)


def relu(input):
    """``max(input, 0)``."""
    if input._data.dtype is _BOOL:
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


# ---- where, lerp, addcmul, addcdiv ----------------------------------------------------------


class Where(Op):
    save_inputs = True

    def forward(ctx, cond, a, b):
        return ctx.xp.where(cond, a, b)

    def backward(ctx, grad):
        cond = ctx.saved_tensors[0]
        _, need_a, need_b = ctx.needs_input_grad
        zero = make_tensor(array_module(grad._data).zeros((), grad._data.dtype))
        return (
            None,
            Where.apply(cond, grad, zero) if need_a else None,
            Where.apply(cond, zero, grad) if need_b else None,
        )


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other``; ``where(cond)`` is ``nonzero``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor) or condition._data.dtype is not _BOOL:
        found = SCALAR_NAMES.get(getattr(condition, "dtype", None), type(condition).__name__)
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {found}"
        )
    target = _dtype.result_type(input, other)
    xp = array_module(condition._data)
    a = input if isinstance(input, Tensor) else make_tensor(xp.asarray(input, target.np))
    b = other if isinstance(other, Tensor) else make_tensor(xp.asarray(other, target.np))
    if a.dtype is not target:
        a = to_dtype(a, target)
    if b.dtype is not target:
        b = to_dtype(b, target)
    try:
        result = Where.apply(condition, a, b)
    except ValueError:
        check_broadcast(condition, a, b)
        raise
    return write_out(result, out, "where")


def _check_same_dtype(input, arg, argname):
    if isinstance(arg, Tensor) and arg.dtype is not input.dtype:
        raise RuntimeError(
            f"expected dtype {SCALAR_NAMES[input.dtype].lower()} for `{argname}` but got "
            f"dtype {SCALAR_NAMES[arg.dtype].lower()}"
        )


def lerp(input, end, weight, *, out=None):
    """``input + weight * (end - input)``, computed as PyTorch does for accuracy near 1."""
    if not input.dtype.is_floating_point:
        raise not_implemented("lerp_kernel_scalar", input)
    _check_same_dtype(input, end, "end")
    _check_same_dtype(input, weight, "weight")
    diff = end - input
    if isinstance(weight, Tensor):
        # The two forms agree in exact arithmetic; each is the accurate one on its half.
        result = where(weight < 0.5, input + weight * diff, end - diff * (1 - weight))
    else:
        result = input + weight * diff if builtins.abs(weight) < 0.5 else end - diff * (1 - weight)
    return write_out(result, out, "lerp")


def _value_for(value, *tensors):
    # An integral result takes ``value`` cast to an integer, as PyTorch's kernels do.
    if _dtype.result_type(*tensors).is_floating_point:
        return value
    return builtins.int(value)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``."""
    value = _value_for(value, input, tensor1, tensor2)
    product = mul(tensor1, tensor2)
    result = add(input, product if value == 1 else mul(product, value))
    return write_out(result, out, "addcmul")


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2`` (floating inputs only)."""
    if not (_is_float(tensor1) or _is_float(tensor2)):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
            "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes."
        )
    quotient = div(tensor1, tensor2)
    result = add(input, quotient if value == 1 else mul(quotient, value))
    return write_out(result, out, "addcdiv")


# ---- conversion -----------------------------------------------------------------------------


class ToDtype(Op):
    def forward(ctx, x, dtype):
        ctx.in_dtype = _dtype.from_numpy_dtype(x.dtype)
        return x.astype(dtype.np)

    def backward(ctx, grad):
        return grad.to(ctx.in_dtype)


def to_dtype(input, dtype):
    """``input`` converted to ``dtype`` (differentiable between floating dtypes)."""
    out = ToDtype.apply(input, dtype)
    if out._requires_grad and not dtype.is_floating_point:
        out._requires_grad = False
        out._grad_fn = None
    return out


class Clone(Op):
    def forward(ctx, x):
        return x.copy()

    def backward(ctx, grad):
        return grad


def clone(input, *, memory_format=None):
    """A copy of ``input`` with its own memory; differentiable."""
    return Clone.apply(input)


add_ = make_inplace(add)
sub_ = make_inplace(sub)
subtract_ = make_inplace(sub)
mul_ = make_inplace(mul)
multiply_ = make_inplace(mul)
div_ = make_inplace(div)
divide_ = make_inplace(div)
true_divide_ = make_inplace(true_divide)
floor_divide_ = make_inplace(floor_divide)
remainder_ = make_inplace(remainder)
fmod_ = make_inplace(fmod)
neg_ = make_inplace(neg)
negative_ = make_inplace(neg)
pow_ = make_inplace(pow)
relu_ = make_inplace(relu)
abs_ = make_inplace(abs)
absolute_ = make_inplace(abs)
sign_ = make_inplace(sign)
lerp_ = make_inplace(lerp)
addcmul_ = make_inplace(addcmul)
addcdiv_ = make_inplace(addcdiv)
INPLACE_METHODS = (
    "add_",
    "sub_",
    "subtract_",
    "mul_",
    "multiply_",
    "div_",
    "divide_",
    "true_divide_",
    "floor_divide_",
    "remainder_",
    "fmod_",
    "neg_",
    "negative_",
    "pow_",
    "relu_",
    "abs_",
    "absolute_",
    "sign_",
    "lerp_",
    "addcmul_",
    "addcdiv_",
)
