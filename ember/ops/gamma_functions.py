"""The log-gamma family: ``lgamma``, ``digamma`` and ``polygamma``, computed by scipy.special
(cupyx.scipy.special on the GPU) at the input's precision. Each derivative is the next member
of the family, so gradients of any order exist. Integer inputs are computed in the default
float dtype.

Note [gamma conventions]
scipy's ``gammaln``, ``digamma`` and ``zeta`` agree with PyTorch everywhere but at one point:
``gammaln(-inf)`` is -inf where PyTorch gives +inf (log|Gamma| grows without bound), so
``lgamma`` patches it. ``polygamma(n, x)`` for n >= 1 is ``(-1)**(n+1) n! zeta(n+1, x)``, the
formula PyTorch uses, rather than scipy's ``polygamma`` (a Python wrapper of the same formula
that always computes in float64).
"""

import math

import numpy as np

from ember._backend._math import special
from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._common import float_input
from ember.ops._inplace import make_inplace, write_out

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma"]

TENSOR_METHODS = ("lgamma", "digamma", "mvlgamma")


class Lgamma(Op):
    save_inputs = True

    def forward(ctx, x):
        xp = ctx.xp
        out = special(xp, "gammaln", x)
        return xp.where(x == -math.inf, xp.asarray(math.inf, out.dtype), out)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * digamma(x)


class Digamma(Op):
    save_inputs = True

    def forward(ctx, x):
        return special(ctx.xp, "digamma", x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * polygamma(1, x)


class Polygamma(Op):
    save_inputs = True

    def forward(ctx, x, n):
        ctx.n = n
        sign = -1.0 if n % 2 == 0 else 1.0  # (-1)**(n+1)
        # Half-precision inputs compute in float32 and round once, at the end.
        wide = x if x.dtype == np.float64 else x.astype(np.float32, copy=False)
        zeta = special(ctx.xp, "zeta", wide, n + 1)
        return (zeta * (sign * math.factorial(n))).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * polygamma(ctx.n + 1, x)


def lgamma(input, *, out=None):
    """log|Gamma(input)|."""
    return write_out(Lgamma.apply(float_input(input)), out, "lgamma")


def digamma(input, *, out=None):
    """The logarithmic derivative of the gamma function, psi(input)."""
    return write_out(Digamma.apply(float_input(input)), out, "digamma")


def polygamma(n, input, *, out=None):
    """The ``n``-th derivative of digamma at ``input``.

    Differences from PyTorch: computed from the Hurwitz zeta at the input's precision; in float64
    trigamma agrees with the exact value to about 1e-15, where PyTorch's kernel is within 1e-9.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(
            f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}"
        )
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    x = float_input(input)
    result = Digamma.apply(x) if n == 0 else Polygamma.apply(x, n=int(n))
    return write_out(result, out, "polygamma")


def mvlgamma(input, p, *, out=None):
    """The log of the multivariate gamma function of dimension ``p``:
    ``sum(lgamma(input - i / 2) for i < p) + p (p - 1) / 4 log(pi)``."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = float_input(input)
    result = lgamma(x)
    for i in range(1, int(p)):
        result = result + lgamma(x - i / 2)
    return write_out(result + p * (p - 1) / 4 * math.log(math.pi), out, "mvlgamma")


def _polygamma_method(self, n):
    """``polygamma(n, self)``."""
    return polygamma(n, self)


lgamma_ = make_inplace(lgamma)
digamma_ = make_inplace(digamma)
mvlgamma_ = make_inplace(mvlgamma)
polygamma_ = make_inplace(_polygamma_method)  # Tensor.polygamma_(n), as PyTorch's
polygamma_.__name__ = polygamma_.__qualname__ = "polygamma_"
INPLACE_METHODS = ("lgamma_", "digamma_", "polygamma_", "mvlgamma_")

# Tensor.polygamma takes n after self, unlike torch.polygamma(n, input), so it is installed
# here rather than through TENSOR_METHODS (which passes the tensor first).
Tensor.polygamma = _polygamma_method
