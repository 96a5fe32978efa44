"""Elementwise arithmetic: the binary operators, unary math, and dtype conversion.

Gradients are returned in the broadcast shape; the engine sums them back to each input's
shape (Note [one broadcasting rule] in ember/autograd/engine.py).
"""

import numpy as np

from ember import _dtype
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import float_input, is_floating
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
    "neg",
    "negative",
    "pow",
    "exp",
    "log",
    "sqrt",
    "tanh",
    "sigmoid",
    "relu",
    "abs",
    "where",
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
    "neg",
    "negative",
    "pow",
    "exp",
    "log",
    "sqrt",
    "tanh",
    "sigmoid",
    "relu",
    "abs",
    "where",
    "clone",
)


# ---- binary arithmetic ----------------------------------------------------------------------


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


def _scaled(other, alpha):
    return other if alpha == 1 else mul(other, alpha)


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other``, with broadcasting and PyTorch's type promotion."""
    result = Add.apply(input, other if alpha == 1 else mul(other, alpha))
    return result if out is None else write_out(result, out, "add")


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``."""
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead."
        )
    return write_out(Sub.apply(input, _scaled(other, alpha)), out, "sub")


subtract = sub


def mul(input, other, *, out=None):
    """Elementwise product."""
    result = Mul.apply(input, other)
    return result if out is None else write_out(result, out, "mul")


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """True division, or ``rounding_mode='trunc'|'floor'`` division."""
    if rounding_mode is not None:
        return write_out(_rounded_div(input, other, rounding_mode), out, "div")
    a_float = isinstance(input, Tensor) and is_floating(input) or isinstance(input, float)
    b_float = isinstance(other, Tensor) and is_floating(other) or isinstance(other, float)
    if not (a_float or b_float):
        # Integer true division gives the default float dtype, as in PyTorch.
        input = float_input(input)
    return write_out(Div.apply(input, other), out, "div")


divide = div
true_divide = div


class DivRounded(Op):
    """Division rounded toward zero ('trunc') or down ('floor'); its gradient is zero."""

    promote = True

    def forward(ctx, a, b, mode):
        if np.asarray(a).dtype.kind in "iub" and np.asarray(b).dtype.kind in "iub":
            if (np.asarray(b) == 0).any():
                raise ZeroDivisionError("ZeroDivisionError")
            q = np.floor_divide(a, b)
            if mode == "trunc":
                q = q + ((np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))
            return q
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.true_divide(a, b)
        return np.trunc(q) if mode == "trunc" else np.floor(q)

    def backward(ctx, grad):
        return grad * 0, grad * 0


def _rounded_div(input, other, rounding_mode):
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    return DivRounded.apply(input, other, mode=rounding_mode)


def _is_bool(x):
    return (isinstance(x, Tensor) and x._data.dtype == np.bool_) or isinstance(x, bool)


class Neg(Op):
    def forward(ctx, x):
        return np.negative(x)

    def backward(ctx, grad):
        return -grad


def neg(input, *, out=None):
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return write_out(Neg.apply(input), out, "neg")


negative = neg


class Pow(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b):
        if isinstance(b, np.ndarray) and b.dtype.kind in "iu" and (b < 0).any():
            if isinstance(a, np.ndarray) and a.dtype.kind in "iu":
                raise RuntimeError("Integers to negative integer powers are not allowed.")
        out = np.power(a, b)
        return out

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            # d/da a**b = b * a**(b-1); at b == 0 the gradient is 0, as in PyTorch.
            grad_a = where(b == 0, 0.0, grad * b * pow(a, b - 1))
        if need_b:
            # d/db a**b = a**b * log(a), taken as 0 where a == 0 and b >= 0 (PyTorch's rule).
            grad_b = where((a == 0) & (b >= 0), 0.0, grad * pow(a, b) * log(a))
        return grad_a, grad_b


class Where(Op):
    save_inputs = True

    def forward(ctx, cond, a, b):
        return np.where(cond, a, b)

    def backward(ctx, grad):
        cond = ctx.saved_tensors[0]
        _, need_a, need_b = ctx.needs_input_grad
        zero = make_tensor(np.zeros((), grad._data.dtype))
        return (
            None,
            Where.apply(cond, grad, zero) if need_a else None,
            Where.apply(cond, zero, grad) if need_b else None,
        )


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other``; ``where(cond)`` is ``nonzero``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor) or condition._data.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{getattr(condition, 'dtype', type(condition).__name__)}"
        )
    target = _dtype.result_type(input, other)
    a = input if isinstance(input, Tensor) else make_tensor(np.asarray(input, target.np))
    b = other if isinstance(other, Tensor) else make_tensor(np.asarray(other, target.np))
    if a.dtype is not target:
        a = to_dtype(a, target)
    if b.dtype is not target:
        b = to_dtype(b, target)
    return write_out(Where.apply(condition, a, b), out, "where")


def pow(input, exponent, *, out=None):
    """``input ** exponent`` (either may be a Python number)."""
    if not isinstance(input, Tensor):
        from ember.ops._common import as_tensor_arg

        input = as_tensor_arg(input, like=exponent)
    return write_out(Pow.apply(input, exponent), out, "pow")


# ---- unary math -----------------------------------------------------------------------------


class Exp(Op):
    save_output = True

    def forward(ctx, x):
        return np.exp(x)

    def backward(ctx, grad):
        return grad * ctx.output


class Log(Op):
    save_inputs = True

    def forward(ctx, x):
        return np.log(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Op):
    save_output = True

    def forward(ctx, x):
        return np.sqrt(x)

    def backward(ctx, grad):
        return grad / (2 * ctx.output)


class Tanh(Op):
    save_output = True

    def forward(ctx, x):
        return np.tanh(x)

    def backward(ctx, grad):
        y = ctx.output
        return grad * (1 - y * y)


class Sigmoid(Op):
    save_output = True

    def forward(ctx, x):
        # Written with tanh so large |x| neither overflows nor loses precision.
        return 0.5 * np.tanh(0.5 * x) + 0.5

    def backward(ctx, grad):
        y = ctx.output
        return grad * y * (1 - y)


class Relu(Op):
    save_output = True

    def forward(ctx, x):
        return np.maximum(x, 0)

    def backward(ctx, grad):
        # d/dx relu at 0 is 0, as in PyTorch.
        return grad * (ctx.output > 0)


class Abs(Op):
    save_inputs = True

    def forward(ctx, x):
        return np.abs(x)

    def backward(ctx, grad):
        # d/dx |x| at 0 is 0 (sign(0) = 0), as in PyTorch.
        (x,) = ctx.saved_tensors
        return grad * x.sign()


def _unary_float(op, name):
    def fn(input, *, out=None):
        return write_out(op.apply(float_input(input)), out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name}; integer inputs are computed in the default float dtype."
    return fn


exp = _unary_float(Exp, "exp")
log = _unary_float(Log, "log")
sqrt = _unary_float(Sqrt, "sqrt")
tanh = _unary_float(Tanh, "tanh")
sigmoid = _unary_float(Sigmoid, "sigmoid")


def relu(input):
    """``max(input, 0)``."""
    return Relu.apply(input)


def abs(input, *, out=None):
    """Elementwise absolute value."""
    return write_out(Abs.apply(input), out, "abs")


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
mul_ = make_inplace(mul)
div_ = make_inplace(div)
neg_ = make_inplace(neg)
pow_ = make_inplace(pow)
exp_ = make_inplace(exp)
log_ = make_inplace(log)
sqrt_ = make_inplace(sqrt)
tanh_ = make_inplace(tanh)
sigmoid_ = make_inplace(sigmoid)
relu_ = make_inplace(relu)
abs_ = make_inplace(abs)
INPLACE_METHODS = (
    "add_",
    "sub_",
    "mul_",
    "div_",
    "neg_",
    "pow_",
    "exp_",
    "log_",
    "sqrt_",
    "tanh_",
    "sigmoid_",
    "relu_",
    "abs_",
)
