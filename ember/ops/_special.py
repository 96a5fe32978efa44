"""NumPy kernels for the error function family: ``erf``, ``erfc`` and ``erfinv``.

Note [erf kernels]
For ``|x| < 0.5`` erf is its Maclaurin series (13 terms reach double precision). For
``x >= 0.5`` we evaluate ``erfc(x) = exp(-x**2) / x * h(1 / x)``, where ``h(u) = x exp(x**2)
erfc(x)`` is smooth on ``u`` in [0, 2]; ``h`` is a Chebyshev expansion on two pieces,
``u`` in [0, 0.5] (x >= 2) and [0.5, 2] (0.5 <= x <= 2), whose coefficients were fitted to a
40-digit reference. This keeps erfc accurate to a few ulp deep in the tail (never ``1 - erf``
there), and ``erf = 1 - erfc`` is exact enough where erfc <= 0.48. ``exp(-x**2)`` splits ``x``
into a short head and a tail so that the rounding of ``x**2`` does not cost relative accuracy
for large ``x``. erfinv starts from Winitzki's closed-form approximation and polishes it with
Halley steps on ``erf(x) - y`` (written as ``(1 - y) - erfc(x)`` when ``y > 0.5``).
All kernels compute in float64; callers cast back.
"""

import math

import numpy as np
from numpy.polynomial import chebyshev

__all__ = ["erf", "erfc", "erfinv"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

# erf(x) = 2/sqrt(pi) * sum_n (-1)**n x**(2n+1) / (n! (2n+1)), highest power first for Horner.
_SERIES = [(-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(13)][::-1]

# h(u) on u in [0, 0.5], as a Chebyshev series in t = 4u - 1.
_H_TAIL = np.array(
    [
        0.5427416308736757,
        -0.02745654162701034,
        -0.005256099448393958,
        0.0007739396325011419,
        2.609208681427184e-06,
        -1.6601192411765353e-05,
        2.4179794694989553e-06,
        7.3107616454003e-08,
        -9.093948871367485e-08,
        1.530787303887477e-08,
        2.6706447999339926e-10,
        -6.890191687641795e-10,
        1.4963131479707972e-10,
        -4.72554675234194e-12,
        -6.096269731949165e-12,
        1.8587901905334968e-12,
        -1.8499231096640338e-13,
        -5.07840211050587e-14,
        2.5465663133452835e-14,
        -4.621982732106172e-15,
        -1.586363281428939e-16,
    ]
)

# h(u) on u in [0.5, 2], as a Chebyshev series in t = (4u - 5) / 3.
_H_MID = np.array(
    [
        0.4006822530639844,
        -0.1018377596850692,
        0.00904713955093581,
        0.00023721926016752857,
        -0.0003822110272800101,
        0.00012226854702317527,
        -2.82739123395007e-05,
        5.181760903964474e-06,
        -6.792942640649194e-07,
        1.4290407251837973e-08,
        2.9624045394228743e-08,
        -1.3345643747839115e-08,
        4.12148034484423e-09,
        -1.0500077853914898e-09,
        2.27916248326565e-10,
        -4.0549026680138084e-11,
        4.753424307204559e-12,
        2.9234862290127994e-13,
        -4.3114634509327537e-13,
        1.8387990041694665e-13,
        -5.949995421988114e-14,
        1.65072430598977e-14,
        -4.052025067421347e-15,
        8.792985045634689e-16,
        -1.4503892858778868e-16,
    ]
)


def _erf_series(x):
    x2 = x * x
    acc = np.zeros_like(x)
    for c in _SERIES:
        acc = acc * x2 + c
    return _TWO_OVER_SQRT_PI * x * acc


def _exp_minus_square(x):
    # exp(-x**2) with x = hi + lo, where hi keeps 21 fraction bits: for x < 32 (beyond which
    # the result underflows anyway) hi has at most 26 significant bits, so hi * hi is exact.
    hi = np.round(x * 2097152.0) / 2097152.0
    with np.errstate(invalid="ignore"):
        lo = np.where(np.isinf(x), 0.0, x - hi)
        # At x = inf the correction term is 0 * inf; the result there is exactly 0.
        return np.where(np.isinf(x), 0.0, np.exp(-hi * hi) * np.exp(-lo * (x + hi)))


def _erfc_right(x):
    """erfc(x) for x >= 0.5 (and +inf)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        u = 1.0 / x
        h = np.where(
            u <= 0.5,
            chebyshev.chebval(4.0 * u - 1.0, _H_TAIL),
            chebyshev.chebval((4.0 * u - 5.0) / 3.0, _H_MID),
        )
        return _exp_minus_square(x) * h * u


def erfc(x):
    """erfc of a float64 array."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    small = ax < 0.5
    with np.errstate(invalid="ignore"):
        right = _erfc_right(np.where(small, 1.0, ax))
    tail = np.where(x < 0, 2.0 - right, right)
    return np.where(small, 1.0 - _erf_series(np.where(small, x, 0.0)), tail)


def erf(x):
    """erf of a float64 array."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    small = ax < 0.5
    big = 1.0 - _erfc_right(np.where(small, 1.0, ax))
    return np.where(small, _erf_series(np.where(small, x, 0.0)), np.copysign(big, x))


def erfinv(y):
    """erfinv of a float64 array: +-inf at +-1, nan outside [-1, 1]."""
    y = np.asarray(y, np.float64)
    z = np.abs(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Winitzki's approximation (relative error below 2e-3) as the starting point.
        a = 0.147
        log_term = np.log1p(-z * z)
        b = 2.0 / (math.pi * a) + 0.5 * log_term
        x = np.sqrt(np.sqrt(b * b - log_term / a) - b)
        x = np.where(np.isfinite(x), x, 0.0)
        tail = z > 0.5
        one_minus_z = 1.0 - z  # exact for z >= 0.5
        for _ in range(3):
            # Halley's step for f(x) = erf(x) - z: f'' = -2x f', so dx = (f/f') / (1 + x f/f').
            f = np.where(tail, one_minus_z - erfc(x), erf(x) - z)
            ratio = f / (_TWO_OVER_SQRT_PI * _exp_minus_square(x))
            x = x - ratio / (1.0 + x * ratio)
    x = np.where(z == 1.0, np.inf, x)
    x = np.where(z > 1.0, np.nan, x)
    return np.copysign(x, y)
