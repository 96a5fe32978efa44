"""Number theory on integer tensors: ``gcd`` and ``lcm`` (never differentiable)."""

from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._common import check_broadcast, not_implemented
from ember.ops._inplace import make_inplace, write_out

__all__ = ["gcd", "lcm"]

TENSOR_METHODS = tuple(__all__)


class Gcd(Op):
    differentiable = False
    promote = True

    def forward(ctx, a, b):
        return ctx.xp.gcd(a, b)


class Lcm(Op):
    differentiable = False
    promote = True

    def forward(ctx, a, b):
        return ctx.xp.lcm(a, b)


def _integer_binary(op, name, input, other, out):
    for position, (arg, x) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                f"{type(x).__name__}"
            )
        if x._data.dtype.kind not in "iu":
            raise not_implemented(f"{name}_cpu", x)
    try:
        result = op.apply(input, other)
    except ValueError:
        check_broadcast(input, other)
        raise
    return write_out(result, out, name)


def gcd(input, other, *, out=None):
    """The greatest common divisor, elementwise (non-negative; ``gcd(0, 0) = 0``)."""
    return _integer_binary(Gcd, "gcd", input, other, out)


def lcm(input, other, *, out=None):
    """The least common multiple, elementwise (non-negative; 0 when either is 0)."""
    return _integer_binary(Lcm, "lcm", input, other, out)


gcd_ = make_inplace(gcd)
lcm_ = make_inplace(lcm)
INPLACE_METHODS = ("gcd_", "lcm_")
