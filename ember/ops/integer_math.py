"""Number theory on integer tensors: ``gcd`` and ``lcm`` (never differentiable)."""

import numpy as np

from ember import _dtype
from ember._tensor import Tensor, make_tensor
from ember.ops._common import check_broadcast, not_implemented
from ember.ops._inplace import make_inplace, write_out

__all__ = ["gcd", "lcm"]

TENSOR_METHODS = tuple(__all__)


def _integer_binary(kernel, name, input, other, out):
    for position, (arg, x) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                f"{type(x).__name__}"
            )
        if x._data.dtype.kind not in "iu":
            raise not_implemented(f"{name}_cpu", x)
    target = _dtype.result_type(input, other).np
    try:
        result = kernel(input._data.astype(target), other._data.astype(target))
    except ValueError:
        check_broadcast(input, other)
        raise
    return write_out(make_tensor(np.asarray(result, target)), out, name)


def gcd(input, other, *, out=None):
    """The greatest common divisor, elementwise (non-negative; ``gcd(0, 0) = 0``)."""
    return _integer_binary(np.gcd, "gcd", input, other, out)


def lcm(input, other, *, out=None):
    """The least common multiple, elementwise (non-negative; 0 when either is 0)."""
    return _integer_binary(np.lcm, "lcm", input, other, out)


gcd_ = make_inplace(gcd)
lcm_ = make_inplace(lcm)
INPLACE_METHODS = ("gcd_", "lcm_")
