"""Logical and bitwise ops: logical_and/or/xor/not (any dtype in, bool out) and
bitwise_and/or/xor/not with the shifts (integers and bool only). No gradients: each is an
``Op`` kernel with ``differentiable = False``, so it passes through ``Op.apply``.
"""

import numpy as np

from ember._backend._arrays import errstate
from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._common import check_broadcast, not_implemented
from ember.ops._inplace import make_inplace, write_out

__all__ = [
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "bitwise_left_shift",
    "bitwise_right_shift",
]

TENSOR_METHODS = tuple(__all__)


class _Kernel(Op):
    """A logical or bitwise kernel: no gradient."""

    differentiable = False


# Logical ops take the operands as they are: truth values need no promotion.
class LogicalAnd(_Kernel):
    def forward(ctx, a, b):
        return ctx.xp.logical_and(a, b)


class LogicalOr(_Kernel):
    def forward(ctx, a, b):
        return ctx.xp.logical_or(a, b)


class LogicalXor(_Kernel):
    def forward(ctx, a, b):
        return ctx.xp.logical_xor(a, b)


class LogicalNot(_Kernel):
    def forward(ctx, x):
        return ctx.xp.logical_not(x)


def _binary(op, input, other):
    try:
        return op.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise


def _logical(op, name):
    def fn(input, other, *, out=None):
        result = _binary(op, input, other)
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of the truth values: a bool tensor."
    return fn


logical_and = _logical(LogicalAnd, "logical_and")
logical_or = _logical(LogicalOr, "logical_or")
logical_xor = _logical(LogicalXor, "logical_xor")


def logical_not(input, *, out=None):
    """Elementwise ``not``: a bool tensor."""
    return write_out(LogicalNot.apply(input), out, "logical_not")


def _check_integral(kernel_name, *operands):
    for x in operands:
        if isinstance(x, Tensor) and x._data.dtype.kind not in "iub":
            raise not_implemented(kernel_name, x)
        if isinstance(x, float):
            from ember import _dtype

            raise NotImplementedError(
                f'"{kernel_name}" not implemented for '
                f"'{'Float' if _dtype.get_default_dtype() is _dtype.float32 else 'Double'}'"
            )


# Bitwise ops compute on the operands promoted to their common dtype.
class BitwiseAnd(_Kernel):
    promote = True

    def forward(ctx, a, b):
        return ctx.xp.bitwise_and(a, b)


class BitwiseOr(_Kernel):
    promote = True

    def forward(ctx, a, b):
        return ctx.xp.bitwise_or(a, b)


class BitwiseXor(_Kernel):
    promote = True

    def forward(ctx, a, b):
        return ctx.xp.bitwise_xor(a, b)


class BitwiseNot(_Kernel):
    def forward(ctx, x):
        return ctx.xp.invert(x)


def _bitwise(op, name, kernel_name):
    def fn(input, other, *, out=None):
        _check_integral(kernel_name, input, other)
        result = _binary(op, input, other)
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of integer or bool tensors."
    return fn


bitwise_and = _bitwise(BitwiseAnd, "bitwise_and", "bitwise_and_cpu")
bitwise_or = _bitwise(BitwiseOr, "bitwise_or", "bitwise_or_cpu")
bitwise_xor = _bitwise(BitwiseXor, "bitwise_xor", "bitwise_xor_cpu")


def bitwise_not(input, *, out=None):
    """Elementwise ``~``: logical not on bool, two's-complement not on integers."""
    _check_integral("bitwise_not_cpu", input)
    return write_out(BitwiseNot.apply(input), out, "bitwise_not")


# a and b of the shifts share one dtype (arrays or NumPy scalars, promoted by Op.apply).
class LeftShift(_Kernel):
    promote = True

    def forward(ctx, a, b):
        xp = ctx.xp
        # Shifting by the bit width or more (or by a negative amount) gives 0, as in PyTorch.
        bits = a.dtype.itemsize * 8
        with errstate(xp, over="ignore"):
            shifted = xp.left_shift(a, xp.clip(b, 0, bits - 1))
        return xp.where((b >= bits) | (b < 0), 0, shifted).astype(a.dtype)


class RightShift(_Kernel):
    promote = True

    def forward(ctx, a, b):
        xp = ctx.xp
        # Shifting by the bit width or more (or a negative amount) fills with the sign bit.
        bits = a.dtype.itemsize * 8
        b = xp.where((b >= bits) | (b < 0), bits - 1, b)
        return xp.right_shift(a, b.astype(a.dtype)).astype(a.dtype)


def _shift(op, name, kernel_name):
    def fn(input, other, *, out=None):
        _check_integral(kernel_name, input, other)
        both_bool = all(
            (isinstance(x, Tensor) and x._data.dtype == np.bool_) or isinstance(x, bool)
            for x in (input, other)
        )
        if both_bool:
            raise not_implemented(kernel_name, input if isinstance(input, Tensor) else other)
        result = _binary(op, input, other)
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of integer tensors."
    return fn


bitwise_left_shift = _shift(LeftShift, "bitwise_left_shift", "lshift_cpu")
bitwise_right_shift = _shift(RightShift, "bitwise_right_shift", "rshift_cpu")

logical_and_ = make_inplace(logical_and)
logical_or_ = make_inplace(logical_or)
logical_xor_ = make_inplace(logical_xor)
logical_not_ = make_inplace(logical_not)
bitwise_and_ = make_inplace(bitwise_and)
bitwise_or_ = make_inplace(bitwise_or)
bitwise_xor_ = make_inplace(bitwise_xor)
bitwise_not_ = make_inplace(bitwise_not)
bitwise_left_shift_ = make_inplace(bitwise_left_shift)
bitwise_right_shift_ = make_inplace(bitwise_right_shift)
INPLACE_METHODS = tuple(name + "_" for name in __all__)
