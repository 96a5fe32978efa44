"""Comparisons and predicates: eq/ne/lt/le/gt/ge (and their aliases), isnan/isinf/isfinite/
isposinf/isneginf, isclose, allclose, equal.

These ops have no gradient: they are ``Op`` kernels with ``differentiable = False``, so they
pass through ``Op.apply`` (the one choke point) and return bool tensors outside the graph.
Operands are compared in their promoted dtype, as in PyTorch.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor
from ember.autograd.function import Op, promote_arrays
from ember.ops._common import check_broadcast
from ember.ops._inplace import make_inplace, write_out

__all__ = [
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "isnan",
    "isinf",
    "isfinite",
    "isposinf",
    "isneginf",
    "isreal",
    "isclose",
    "allclose",
    "equal",
]

TENSOR_METHODS = tuple(__all__)


class _Comparison(Op):
    """A comparison of the promoted operands: a bool array, no gradient."""

    differentiable = False
    promote = True


class Equal(_Comparison):
    def forward(ctx, a, b):
        return ctx.xp.equal(a, b)


class NotEqual(_Comparison):
    def forward(ctx, a, b):
        return ctx.xp.not_equal(a, b)


class Less(_Comparison):
    def forward(ctx, a, b):
        return ctx.xp.less(a, b)


class LessEqual(_Comparison):
    def forward(ctx, a, b):
        return ctx.xp.less_equal(a, b)


class Greater(_Comparison):
    def forward(ctx, a, b):
        return ctx.xp.greater(a, b)


class GreaterEqual(_Comparison):
    def forward(ctx, a, b):
        return ctx.xp.greater_equal(a, b)


def _comparison(op, name):
    def fn(input, other, *, out=None):
        if not isinstance(other, (Tensor, int, float, bool)):
            # ``tensor == None`` and friends answer as Python does, not with an error.
            return NotImplemented
        try:
            result = op.apply(input, other)
        except ValueError:
            check_broadcast(input, other)
            raise
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` comparison: a bool tensor."
    return fn


eq = _comparison(Equal, "eq")
ne = not_equal = _comparison(NotEqual, "ne")
lt = less = _comparison(Less, "lt")
le = less_equal = _comparison(LessEqual, "le")
gt = greater = _comparison(Greater, "gt")
ge = greater_equal = _comparison(GreaterEqual, "ge")


class _Predicate(Op):
    """An elementwise test of a floating array: a bool array, no gradient."""

    differentiable = False


class IsNan(_Predicate):
    def forward(ctx, x):
        return ctx.xp.isnan(x)


class IsInf(_Predicate):
    def forward(ctx, x):
        return ctx.xp.isinf(x)


class IsFinite(_Predicate):
    def forward(ctx, x):
        return ctx.xp.isfinite(x)


class IsPosInf(_Predicate):
    def forward(ctx, x):
        return ctx.xp.isposinf(x)


class IsNegInf(_Predicate):
    def forward(ctx, x):
        return ctx.xp.isneginf(x)


# Tests whose answer the dtype alone gives (integers are never NaN, always finite, real).
class Never(_Predicate):
    def forward(ctx, x):
        return ctx.xp.zeros(x.shape, np.bool_)


class Always(_Predicate):
    def forward(ctx, x):
        return ctx.xp.ones(x.shape, np.bool_)


def _apply_test(op, input, default):
    if input.dtype.is_floating_point:
        return op.apply(input)
    return (Always if default else Never).apply(input)


def _predicate(op, name, default):
    def fn(input):
        return _apply_test(op, input, default)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}``: a bool tensor (integers are always finite)."
    return fn


isnan = _predicate(IsNan, "isnan", False)
isinf = _predicate(IsInf, "isinf", False)
isfinite = _predicate(IsFinite, "isfinite", True)


def isposinf(input, *, out=None):
    """Where ``input`` is +inf."""
    return write_out(_apply_test(IsPosInf, input, False), out, "isposinf")


def isneginf(input, *, out=None):
    """Where ``input`` is -inf."""
    return write_out(_apply_test(IsNegInf, input, False), out, "isneginf")


def isreal(input):
    """Always True for real dtypes."""
    return Always.apply(input)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|``, elementwise (infinities equal only to
    themselves)."""
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{SCALAR_NAMES[input.dtype]} did not match {SCALAR_NAMES[other.dtype]}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    try:
        np.broadcast_shapes(input.shape, other.shape)
    except ValueError:
        check_broadcast(input, other)
        raise
    return IsClose.apply(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


class IsClose(Op):
    """The kernel of ``isclose`` on two arrays of one dtype (no gradient)."""

    differentiable = False

    def forward(ctx, a, b, rtol, atol, equal_nan):
        xp = ctx.xp
        if a.dtype == np.bool_:
            return xp.asarray(a == b)
        compute = np.float64 if a.dtype.kind in "iu" else a.dtype
        a64, b64 = a.astype(compute), b.astype(compute)
        with errstate(xp, invalid="ignore", over="ignore"):
            close = (a64 == b64) | (xp.abs(a64 - b64) <= atol + rtol * xp.abs(b64))
            close &= xp.isfinite(a64 - b64) | (a64 == b64)
        if equal_nan:
            close |= xp.isnan(a64) & xp.isnan(b64)
        return xp.asarray(close)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``isclose`` holds everywhere (a Python bool)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both tensors have the same shape and the same elements."""
    if input._data.shape != other._data.shape:
        return False
    a, b = promote_arrays((input, other))
    return bool(array_module(a).array_equal(a, b))


eq_ = make_inplace(eq)
ne_ = not_equal_ = make_inplace(ne)
lt_ = less_ = make_inplace(lt)
le_ = less_equal_ = make_inplace(le)
gt_ = greater_ = make_inplace(gt)
ge_ = greater_equal_ = make_inplace(ge)
INPLACE_METHODS = (
    "eq_",
    "ne_",
    "lt_",
    "le_",
    "gt_",
    "ge_",
    "not_equal_",
    "less_",
    "less_equal_",
    "greater_",
    "greater_equal_",
)
