"""Registry entries for unary math (exp/log/trig/hyperbolic/sigmoid/erf family, atan2) and
rounding (floor/ceil/round/trunc/frac, nan_to_num)."""

from functools import partial

from ember.testing.op_db.elementwise import (
    CONSTANT_GRAD,
    away_from_zero,
    binary_samples,
    unary_samples,
)
from ember.testing.op_db.opinfo import OpInfo, positive, rand
from ember.testing.oracle import Sample

__all__ = ["OPS"]

_inside_unit = partial(rand, low=-0.9, high=0.9)
_above_minus_one = partial(rand, low=-0.6, high=2.0)
_moderate = partial(rand, low=-1.2, high=1.2)


def _int_input(rng):
    return [Sample((rng.integers(1, 4, (3,)),), name="int input")]


def _with_int(samples):
    def all_samples(rng):
        return samples(rng) + _int_input(rng)

    return all_samples


def _no_scalar(samples):
    # atan2 takes no Python scalar ``other`` in PyTorch.
    def tensor_samples(rng):
        return [s for s in samples(rng) if s.name != "python scalar"]

    return tensor_samples


def _unary(name, domain=rand, **kwargs):
    return OpInfo(
        name, lambda T, x: getattr(T, name)(x), _with_int(unary_samples(domain)), **kwargs
    )


OPS = [
    _unary("exp"),
    _unary("exp2"),
    _unary("expm1"),
    _unary("log", positive),
    _unary("log2", positive),
    _unary("log10", positive),
    _unary("log1p", _above_minus_one),
    _unary("sqrt", positive),
    _unary("rsqrt", positive),
    _unary("square"),
    _unary("reciprocal", away_from_zero),
    _unary("sin"),
    _unary("cos"),
    _unary("tan", _moderate),
    _unary("asin", _inside_unit),
    _unary("acos", _inside_unit),
    _unary("atan"),
    _unary("sinh"),
    _unary("cosh"),
    _unary("tanh"),
    _unary("sigmoid"),
    _unary("erf"),
    _unary("erfc"),
    _unary("erfinv", _inside_unit),
    OpInfo("erf_wide", lambda T, x: T.erf(x), unary_samples(partial(rand, low=-6, high=6))),
    OpInfo("erfc_tail", lambda T, x: T.erfc(x), unary_samples(partial(rand, low=2, high=9))),
    OpInfo(
        "atan2",
        lambda T, a, b: T.atan2(a, b),
        _no_scalar(binary_samples(away_from_zero)),
    ),
    _unary("floor", away_from_zero, **CONSTANT_GRAD),
    _unary("ceil", away_from_zero, **CONSTANT_GRAD),
    _unary("round", away_from_zero, **CONSTANT_GRAD),
    _unary("trunc", away_from_zero, **CONSTANT_GRAD),
    OpInfo(
        "round_decimals",
        lambda T, x: T.round(x, decimals=2),
        unary_samples(partial(rand, low=-30.0, high=30.0)),
        **CONSTANT_GRAD,
    ),
    OpInfo("frac", lambda T, x: T.frac(x), unary_samples(away_from_zero)),
    OpInfo(
        "nan_to_num",
        lambda T, x: T.nan_to_num(x, nan=1.5, posinf=9.0),
        _with_int(unary_samples()),
    ),
]
