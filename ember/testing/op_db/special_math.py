"""Registry entries for the elementwise special-math ops:
inverse hyperbolic functions, hypot, logaddexp, logit, xlogy, the sign helpers, angle
conversions, sinc, positive, angle (special_math); lgamma, digamma, polygamma, mvlgamma
(gamma_functions); ldexp, frexp, nextafter (float_bits); gcd, lcm (integer_math). Shapes and
indexing are in slicing_and_views.py, reductions and statistics in statistics.py."""

from functools import partial

import numpy as np

from ember.testing.op_db.elementwise import (
    CONSTANT_GRAD,
    away_from_zero,
    binary_samples,
    unary_samples,
)
from ember.testing.op_db.opinfo import OpInfo, positive, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]

NO_GRAD = {"grad": False, "gradcheck": False, "gradgradcheck": False}

_above_one = partial(rand, low=1.2, high=3.0)
_inside_unit = partial(rand, low=-0.9, high=0.9)
_probability = partial(rand, low=0.05, high=0.95)


def _with_int(samples, low=1, high=4):
    def all_samples(rng):
        return samples(rng) + [Sample((rng.integers(low, high, (3,)),), name="int input")]

    return all_samples


def _tensors_only(samples):
    """Drop the Python-scalar sample: PyTorch's op takes a Tensor ``other`` only."""

    def tensor_samples(rng):
        return [s for s in samples(rng) if s.name != "python scalar"]

    return tensor_samples


def _unary(name, domain=rand, **kwargs):
    return OpInfo(name, lambda T, x: getattr(T, name)(x), unary_samples(domain), **kwargs)


def _logit_samples(rng):
    return unary_samples(_probability)(rng) + [
        Sample((rand(rng, 3, 4, low=-0.5, high=1.5),), {"eps": 0.1}, name="eps clamps")
    ]


def _xlogy_samples(rng):
    return binary_samples(rand, positive)(rng) + [
        Sample((2.5, positive(rng, 3, 4)), name="python scalar input"),
        Sample((rng.integers(-3, 4, (3,)), rng.integers(1, 5, (3,))), name="int inputs"),
    ]


def _heaviside_samples(rng):
    x = rng.choice([-1.5, 0.0, 2.0], size=(3, 4))
    return [
        Sample((x, rand(rng, 3, 4)), name="same shape"),
        Sample((x, rand(rng)), name="0-d values"),
        Sample((np.zeros((0, 2)), rand(rng, 2)), name="empty"),
        Sample((NonContiguous(x), rand(rng, 4)), name="non-contiguous"),
        Sample((rng.integers(-2, 3, (5,)), rng.integers(5, 9, (5,))), name="int"),
    ]


def _signbit_samples(rng):
    return unary_samples(away_from_zero)(rng) + [
        Sample((np.array([-0.0, 0.0, -np.inf, np.nan]),), name="signed zeros"),
        Sample((rng.integers(-3, 3, (4,)),), name="int"),
    ]


OPS = [
    _unary("acosh", _above_one),
    _unary("asinh"),
    _unary("atanh", _inside_unit),
    OpInfo("arccosh", lambda T, x: T.arccosh(x), _with_int(unary_samples(_above_one), 2, 5)),
    OpInfo("arcsinh", lambda T, x: T.arcsinh(x), _with_int(unary_samples())),
    OpInfo("arctanh", lambda T, x: T.arctanh(x), _with_int(unary_samples(_inside_unit), 0, 1)),
    OpInfo("hypot", lambda T, a, b: T.hypot(a, b), _tensors_only(binary_samples(away_from_zero))),
    OpInfo("logaddexp", lambda T, a, b: T.logaddexp(a, b), _tensors_only(binary_samples())),
    OpInfo("logaddexp2", lambda T, a, b: T.logaddexp2(a, b), _tensors_only(binary_samples())),
    OpInfo("logit", lambda T, x, **kw: T.logit(x, **kw), _logit_samples),
    OpInfo("xlogy", lambda T, a, b: T.xlogy(a, b), _xlogy_samples),
    OpInfo("sgn", lambda T, x: T.sgn(x), unary_samples(away_from_zero), **CONSTANT_GRAD),
    OpInfo("signbit", lambda T, x: T.signbit(x), _signbit_samples, **NO_GRAD),
    OpInfo(
        "copysign",
        lambda T, a, b: T.copysign(a, b),
        binary_samples(away_from_zero, away_from_zero, scalar=-1.5),
    ),
    OpInfo("heaviside", lambda T, x, v: T.heaviside(x, v), _heaviside_samples, **NO_GRAD),
    OpInfo("deg2rad", lambda T, x: T.deg2rad(x), _with_int(unary_samples())),
    OpInfo("rad2deg", lambda T, x: T.rad2deg(x), _with_int(unary_samples())),
    OpInfo("sinc", lambda T, x: T.sinc(x), _with_int(unary_samples(away_from_zero))),
    OpInfo("positive", lambda T, x: T.positive(x), _with_int(unary_samples())),
]


# ---- gamma_functions: lgamma, digamma, polygamma -------------------------------------------


def _gamma_domain(rng, *shape):
    """Positive values and negative ones between poles (-2.8 to -2.2, -0.8 to -0.2)."""
    magnitude = rng.uniform(0.2, 0.8, size=shape)
    offset = rng.choice([0.0, 1.0, 3.5, -1.0, -3.0], size=shape)
    return np.asarray(magnitude + offset)


_GAMMA_SAMPLES = _with_int(unary_samples(_gamma_domain))

OPS += [
    OpInfo("lgamma", lambda T, x: T.lgamma(x), _GAMMA_SAMPLES),
    OpInfo("digamma", lambda T, x: T.digamma(x), unary_samples(_gamma_domain)),
    OpInfo("polygamma_0", lambda T, x: T.polygamma(0, x), unary_samples(_gamma_domain)),
    # Integer inputs give float32, where PyTorch's own digamma is good to ~2e-7 only.
    OpInfo(
        "digamma_int",
        lambda T, x: T.digamma(x),
        lambda rng: [Sample((rng.integers(1, 9, (5,)),), name="int input")],
        rtol=1e-6,
    ),
    OpInfo("polygamma_1", lambda T, x: T.polygamma(1, x), _GAMMA_SAMPLES),
    OpInfo("polygamma_2", lambda T, x: x.polygamma(2), _GAMMA_SAMPLES),
    OpInfo("polygamma_3", lambda T, x: T.polygamma(3, x), unary_samples(positive)),
    OpInfo(
        "lgamma_wide",
        lambda T, x: T.lgamma(x),
        unary_samples(partial(rand, low=5.0, high=60.0)),
    ),
]


# ---- float_bits: ldexp, frexp, nextafter; integer_math: gcd, lcm; mvlgamma ------------------


def _ldexp_samples(rng):
    # Non-negative integer exponents: PyTorch's gradient for negative ones is 0 (see ldexp).
    exponents = rng.integers(0, 4, (3, 4))
    return [
        Sample((rand(rng, 3, 4), exponents), name="int exponents"),
        Sample((rand(rng, 3, 4), exponents[0]), name="broadcast"),
        Sample((rand(rng, 3, 4), rand(rng, 3, 4)), name="float exponents"),
        Sample((rand(rng), np.array(2)), name="0-d"),
        Sample((rand(rng, 0, 4), exponents[0]), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), exponents), name="non-contiguous"),
        Sample((rng.integers(-3, 3, (4,)), rng.integers(0, 3, (4,))), name="int input"),
    ]


def _frexp_samples(rng):
    return unary_samples(away_from_zero)(rng)


def _frexp_special_samples(rng):
    # Numerical gradients jump across these (the exponent changes within a step).
    return [
        Sample((np.array([0.0, -0.0, 1.0, -0.75, 1e-30, 3e20]),), name="zeros and extremes"),
        Sample((np.array([np.inf, -np.inf, np.nan, 1.0]),), name="inf and NaN"),
    ]


def _nextafter_samples(rng):
    return [s for s in binary_samples()(rng) if s.name != "python scalar"] + [
        Sample((np.array([0.0, 1.0, -1.0]), np.array([1.0, 1.0, -2.0])), name="equal, zero")
    ]


def _integer_samples(rng):
    a = rng.integers(-30, 30, (3, 4))
    return [
        Sample((a, rng.integers(-30, 30, (3, 4))), name="same shape"),
        Sample((a, rng.integers(0, 12, (4,))), name="broadcast"),
        Sample((np.array(0), np.array(0)), name="0-d zeros"),
        Sample((a[:0], rng.integers(1, 5, (4,))), name="empty"),
        Sample((NonContiguous(a), a.T.copy().T), name="non-contiguous"),
        Sample((a.astype(np.int32), rng.integers(1, 9, (4,))), name="int32 with int64"),
    ]


def _mvlgamma_samples(rng):
    domain = partial(rand, low=2.1, high=5.0)
    return [
        Sample((domain(rng, 3, 4), 1), name="p=1"),
        Sample((domain(rng, 3, 4), 3), name="p=3"),
        Sample((domain(rng), 2), name="0-d"),
        Sample((domain(rng, 0, 2), 2), name="empty"),
        Sample((NonContiguous(domain(rng, 3, 4)), 4), name="non-contiguous"),
        Sample((rng.integers(3, 6, (3,)), 2), name="int input"),
    ]


OPS += [
    OpInfo("ldexp", lambda T, x, e: T.ldexp(x, e), _ldexp_samples),
    OpInfo("frexp", lambda T, x: tuple(T.frexp(x)), _frexp_samples, gradgradcheck=False),
    OpInfo(
        "frexp_special",
        lambda T, x: tuple(T.frexp(x)),
        _frexp_special_samples,
        gradcheck=False,
        gradgradcheck=False,
    ),
    OpInfo(
        "nextafter",
        lambda T, a, b: T.nextafter(a, b),
        _nextafter_samples,
        gradcheck=False,  # PyTorch's convention (gradient 1 to input) is not the numeric one
        gradgradcheck=False,
    ),
    OpInfo("gcd", lambda T, a, b: T.gcd(a, b), _integer_samples, **NO_GRAD),
    OpInfo("lcm", lambda T, a, b: T.lcm(a, b), _integer_samples, **NO_GRAD),
    OpInfo("mvlgamma", lambda T, x, p: T.mvlgamma(x, p), _mvlgamma_samples),
]


# ---- special_math: angle -------------------------------------------------------------------------

OPS += [
    OpInfo("angle", lambda T, x: T.angle(x), _with_int(unary_samples(away_from_zero), -3, 3)),
]


# ---- ember.special: entr, ndtr, xlog1py ------------------------------------------------------


def _xlog1py_samples(rng):
    above = partial(rand, low=-0.8, high=2.0)
    return binary_samples(rand, above)(rng) + [
        Sample((2.5, above(rng, 3, 4)), name="python scalar input"),
        Sample((rng.integers(-3, 4, (3,)), rng.integers(0, 5, (3,))), name="int inputs"),
    ]


OPS += [
    OpInfo("special.entr", lambda T, x: T.special.entr(x), _with_int(unary_samples(positive))),
    OpInfo(
        "special.ndtr",
        lambda T, x: T.special.ndtr(x),
        _with_int(unary_samples(partial(rand, low=-6.0, high=6.0))),
    ),
    OpInfo("special.xlog1py", lambda T, a, b: T.special.xlog1py(a, b), _xlog1py_samples),
]


# ---- bessel: i0 and ember.special's i0e, i1, i1e ---------------------------------------------

_BESSEL_SAMPLES = unary_samples(partial(rand, low=-4.0, high=4.0))
_BESSEL_WIDE = unary_samples(partial(rand, low=-45.0, high=45.0))

OPS += [
    OpInfo("i0", lambda T, x: T.i0(x), _BESSEL_SAMPLES),
    OpInfo("special.i0e", lambda T, x: T.special.i0e(x), _BESSEL_SAMPLES),
    OpInfo("special.i1", lambda T, x: T.special.i1(x), _BESSEL_SAMPLES),
    OpInfo("special.i1e", lambda T, x: T.special.i1e(x), _BESSEL_SAMPLES),
    # Integer inputs give float32, where PyTorch's own kernels are good to ~1e-7 only.
    OpInfo(
        "i0_int",
        lambda T, x: (T.i0(x), T.special.i1(x)),
        lambda rng: [Sample((rng.integers(-3, 4, (5,)),), name="int input")],
        rtol=1e-6,
    ),
    # Both sides of the switch from the series to the asymptotic expansion at |x| = 30.
    OpInfo("i0_wide", lambda T, x: T.i0(x), _BESSEL_WIDE),
    OpInfo("special.i1e_wide", lambda T, x: T.special.i1e(x), _BESSEL_WIDE),
]
