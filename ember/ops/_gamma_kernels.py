"""NumPy kernels for the log-gamma family: ``lgamma``, ``digamma`` and ``polygamma``.

Note [gamma kernels]
lgamma is the C library's ``lgamma`` (``math.lgamma``) element by element: exact to an ulp,
and the log-gamma of a NumPy array is rare enough that a Python-level loop is acceptable.
digamma and polygamma are vectorised: the recurrences psi(x) = psi(x + 1) - 1/x and
psi_n(x) = psi_n(x + 1) + (-1)**(n+1) n! / x**(n+1) shift every argument to x >= 16, where
the asymptotic (Bernoulli) series reaches double precision in 8 terms; digamma reflects
x < 0.5 first (psi(1 - x) - pi / tan(pi x)). All kernels compute in float64.
"""

import math

import numpy as np

__all__ = ["lgamma", "digamma", "polygamma"]

_SHIFT = 16.0
# Bernoulli numbers B_2, B_4, ..., B_16.
_BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510]


def _lgamma_scalar(v):
    try:
        return math.lgamma(v)
    except ValueError:  # a pole: 0 or a negative integer
        return math.inf


_LGAMMA = np.frompyfunc(_lgamma_scalar, 1, 1)


def lgamma(x):
    """log|Gamma(x)|, +inf at the poles."""
    return np.asarray(_LGAMMA(x), dtype=np.float64).reshape(np.shape(x))


def _shift_count(x):
    """How many unit steps take each finite x to at least ``_SHIFT`` (0 where it is already)."""
    finite = np.isfinite(x)
    steps = np.where(finite, np.ceil(_SHIFT - np.where(finite, x, _SHIFT)), 0.0)
    return np.maximum(steps, 0.0).astype(np.int64)


def _digamma_positive(x):
    """psi(x) for x >= 0.5 (any x where the upward recurrence meets no pole)."""
    steps = _shift_count(x)
    y = x.copy()
    total = np.zeros_like(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(int(steps.max(initial=0))):
            active = steps > 0
            total -= np.where(active, 1.0 / y, 0.0)
            y = np.where(active, y + 1.0, y)
            steps = steps - active
        inv2 = 1.0 / (y * y)
        series = np.zeros_like(x)
        for k in range(len(_BERNOULLI), 0, -1):  # sum B_2k / (2k y^2k), Horner in 1/y^2
            series = (series + _BERNOULLI[k - 1] / (2 * k)) * inv2
        return np.log(y) - 0.5 / y - series + total


def digamma(x):
    """psi(x) = d/dx lgamma(x); -inf at +0, +inf at -0, NaN at negative integers and -inf."""
    x = np.asarray(x, dtype=np.float64)
    reflect = x < 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.where(reflect, 1.0 - x, x)
        out = _digamma_positive(base)
        out = np.where(reflect, out - math.pi / np.tan(math.pi * x), out)
    pole = (x <= 0) & (x == np.floor(x))
    out = np.where(pole, np.nan, out)
    out = np.where(x == 0, np.copysign(np.inf, -x), out)  # as PyTorch: -inf at +0, inf at -0
    return np.where(x == np.inf, np.inf, out)


def polygamma(n, x):
    """The ``n``-th derivative of digamma, ``n >= 1``."""
    x = np.asarray(x, dtype=np.float64)
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)**(n+1)
    fact = math.factorial(n)
    steps = _shift_count(x)
    y = x.copy()
    total = np.zeros_like(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(int(steps.max(initial=0))):
            active = steps > 0
            total += np.where(active, y ** -(n + 1.0), 0.0)
            y = np.where(active, y + 1.0, y)
            steps = steps - active
        # zeta(n+1, y) ~ y^-n / n + y^-(n+1) / 2 + sum B_2k (n+2k-1)! / ((2k)! n!) y^-(n+2k)
        tail = y**-n / n + 0.5 * y ** -(n + 1.0)
        for k in range(1, len(_BERNOULLI) + 1):
            coef = _BERNOULLI[k - 1] * math.factorial(n + 2 * k - 1)
            coef /= math.factorial(2 * k) * fact
            tail = tail + coef * y ** -(n + 2.0 * k)
        return sign * fact * (total + tail)
