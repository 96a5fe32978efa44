"""Comparisons and predicates: eq/ne/lt/le/gt/ge (and their aliases), isnan/isinf/isfinite/
isposinf/isneginf, isclose, allclose, equal.

These ops have no gradient: they compute on arrays and return bool tensors outside the graph.
Operands are compared in their promoted dtype, as in PyTorch.
"""

import numpy as np

from ember import _dtype
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import promote_arrays
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


def _arrays(input, other):
    if type(input) is Tensor and type(other) is Tensor:
        a, b = input._data, other._data
        if a.dtype is b.dtype:
            return a, b
    return promote_arrays((input, other))


def _comparison(ufunc, name):
    def fn(input, other, *, out=None):
        if not isinstance(other, (Tensor, int, float, bool)):
            # ``tensor == None`` and friends answer as Python does, not with an error.
            return NotImplemented
        a, b = _arrays(input, other)
        try:
            result = make_tensor(np.asarray(ufunc(a, b)))
        except ValueError:
            check_broadcast(input, other)
            raise
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` comparison: a bool tensor."
    return fn


eq = _comparison(np.equal, "eq")
ne = not_equal = _comparison(np.not_equal, "ne")
lt = less = _comparison(np.less, "lt")
le = less_equal = _comparison(np.less_equal, "le")
gt = greater = _comparison(np.greater, "gt")
ge = greater_equal = _comparison(np.greater_equal, "ge")


def _floating(x):
    return x.dtype.is_floating_point


def _predicate(kernel, name, default):
    def fn(input):
        data = input._data
        if not _floating(input):
            return make_tensor(np.full(data.shape, default))
        return make_tensor(np.asarray(kernel(data)))

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}``: a bool tensor (integers are always finite)."
    return fn


isnan = _predicate(np.isnan, "isnan", False)
isinf = _predicate(np.isinf, "isinf", False)
isfinite = _predicate(np.isfinite, "isfinite", True)


def isposinf(input, *, out=None):
    """Where ``input`` is +inf."""
    data = input._data
    result = np.isposinf(data) if _floating(input) else np.zeros(data.shape, np.bool_)
    return write_out(make_tensor(np.asarray(result)), out, "isposinf")


def isneginf(input, *, out=None):
    """Where ``input`` is -inf."""
    data = input._data
    result = np.isneginf(data) if _floating(input) else np.zeros(data.shape, np.bool_)
    return write_out(make_tensor(np.asarray(result)), out, "isneginf")


def isreal(input):
    """Always True for real dtypes."""
    return make_tensor(np.ones(input._data.shape, np.bool_))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|``, elementwise (infinities equal only to
    themselves)."""
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{SCALAR_NAMES[input.dtype]} did not match {SCALAR_NAMES[other.dtype]}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    a, b = input._data, other._data
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        check_broadcast(input, other)
        raise
    if input.dtype is _dtype.bool:
        return make_tensor(np.asarray(a == b))
    compute = np.float64 if a.dtype.kind in "iu" else a.dtype
    a64, b64 = a.astype(compute), b.astype(compute)
    with np.errstate(invalid="ignore", over="ignore"):
        close = (a64 == b64) | (np.abs(a64 - b64) <= atol + rtol * np.abs(b64))
        close &= np.isfinite(a64 - b64) | (a64 == b64)
    if equal_nan:
        close |= np.isnan(a64) & np.isnan(b64)
    return make_tensor(np.asarray(close))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``isclose`` holds everywhere (a Python bool)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both tensors have the same shape and the same elements."""
    a, b = input._data, other._data
    if a.shape != b.shape:
        return False
    return bool(np.array_equal(*promote_arrays((input, other))))


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
