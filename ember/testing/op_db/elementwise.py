"""Registry entries for elementwise arithmetic: add/sub/mul/div and rounded division,
remainder/fmod, pow, neg/abs/sign/relu, where, lerp, addcmul/addcdiv."""

import numpy as np

from ember.testing.op_db.opinfo import OpInfo, positive, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS", "binary_samples", "unary_samples", "away_from_zero", "CONSTANT_GRAD"]


def away_from_zero(rng, *shape, low=0.5, high=2.0):
    """Values with ``low <= |x| < high`` and random signs (no kink at 0 in reach)."""
    return np.asarray(rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape))


def binary_samples(domain=rand, other_domain=None, scalar=2.5):
    """Broadcast, 0-d, empty, non-contiguous and Python-scalar samples of a binary op."""
    other_domain = other_domain or domain

    def samples(rng):
        return [
            Sample((domain(rng, 3, 4), other_domain(rng, 3, 4)), name="same shape"),
            Sample((domain(rng, 3, 4), other_domain(rng, 4)), name="broadcast"),
            Sample((domain(rng, 2, 1, 4), other_domain(rng, 3, 1)), name="broadcast both"),
            Sample((domain(rng), other_domain(rng)), name="0-d"),
            Sample((domain(rng, 2, 3), other_domain(rng)), name="0-d other"),
            Sample((domain(rng, 0, 3), other_domain(rng, 3)), name="empty"),
            Sample(
                (NonContiguous(domain(rng, 3, 4)), other_domain(rng, 3, 4)),
                name="non-contiguous",
            ),
            Sample((domain(rng, 3, 4), scalar), name="python scalar"),
        ]

    return samples


def unary_samples(domain=rand):
    """Plain, 0-d, empty and non-contiguous samples of a unary op."""

    def samples(rng):
        return [
            Sample((domain(rng, 3, 4),)),
            Sample((domain(rng),), name="0-d"),
            Sample((domain(rng, 0, 2),), name="empty"),
            Sample((NonContiguous(domain(rng, 3, 4)),), name="non-contiguous"),
        ]

    return samples


def _scalar_first_samples(rng):
    return [
        Sample((2.5, rand(rng, 3, 4)), name="scalar base"),
        Sample((2, rand(rng)), name="int scalar base 0-d"),
    ]


def _int_samples(rng):
    return [
        Sample((rng.integers(-9, 9, (3, 4)), rng.integers(1, 5, (4,))), name="int broadcast"),
        Sample((rng.integers(-9, 9, (3, 4)), -rng.integers(1, 5, (3, 1))), name="int negative"),
        Sample((rng.integers(-9, 9, (3,)), rand(rng, 3)), name="int with float"),
        Sample((rng.integers(-9, 9, (3,)), 2), name="int python int"),
    ]


def _where_samples(rng):
    cond = rng.random((3, 4)) > 0.5
    return [
        Sample((cond, rand(rng, 3, 4), rand(rng, 3, 4)), name="same shape"),
        Sample((cond, rand(rng, 4), rand(rng, 3, 1)), name="broadcast"),
        Sample((np.array(True), rand(rng), rand(rng)), name="0-d"),
        Sample((cond[:0], rand(rng, 0, 4), rand(rng, 4)), name="empty"),
        Sample((cond, NonContiguous(rand(rng, 3, 4)), 1.5), name="non-contiguous scalar"),
        Sample((cond, rng.integers(0, 5, (3, 4)), rand(rng, 3, 4)), name="int with float"),
    ]


def _lerp_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 3, 4), 0.3), name="scalar weight"),
        Sample((rand(rng, 3, 4), rand(rng, 3, 4), 0.8), name="scalar weight above half"),
        Sample((rand(rng, 3, 4), rand(rng, 4), rng.uniform(0, 1, (3, 1))), name="tensor weight"),
        Sample((rand(rng), rand(rng), rng.uniform(0, 1, ())), name="0-d"),
        Sample((rand(rng, 0, 2), rand(rng, 2), 0.5), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), rand(rng, 3, 4), 0.2), name="non-contiguous"),
    ]


def _addc_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 3, 4), positive(rng, 3, 4))),
        Sample((rand(rng, 3, 4), rand(rng, 4), positive(rng, 3, 1)), {"value": 0.5}),
        Sample((rand(rng), rand(rng), positive(rng)), {"value": -2}, name="0-d"),
        Sample((rand(rng, 0, 3), rand(rng, 3), positive(rng, 3)), name="empty"),
        Sample(
            (NonContiguous(rand(rng, 3, 4)), rand(rng, 3, 4), positive(rng, 3, 4)),
            name="non-contiguous",
        ),
    ]


def _concat(*sample_fns):
    def samples(rng):
        return [s for fn in sample_fns for s in fn(rng)]

    return samples


_NO_GRAD = {"grad": False, "gradcheck": False, "gradgradcheck": False}
# Piecewise-constant ops: the gradient is a constant zero outside the graph, so there is no
# second derivative to check (gradgradcheck needs a differentiable first derivative).
CONSTANT_GRAD = {"gradgradcheck": False}

OPS = [
    OpInfo("add", lambda T, a, b: T.add(a, b), binary_samples()),
    OpInfo("add_alpha", lambda T, a, b: T.add(a, b, alpha=2), binary_samples()),
    OpInfo("add_int", lambda T, a, b: T.add(a, b), _int_samples),
    OpInfo("radd", lambda T, a, b: b + a, binary_samples()),
    OpInfo("sub", lambda T, a, b: T.sub(a, b), binary_samples()),
    OpInfo("sub_alpha", lambda T, a, b: T.sub(a, b, alpha=-1.5), binary_samples()),
    OpInfo("rsub", lambda T, a, b: b - a, binary_samples()),
    OpInfo("mul", lambda T, a, b: T.mul(a, b), binary_samples()),
    OpInfo("mul_int", lambda T, a, b: a * b, _int_samples),
    OpInfo("div", lambda T, a, b: T.div(a, b), binary_samples(away_from_zero)),
    OpInfo("rdiv", lambda T, a, b: b / a, binary_samples(away_from_zero)),
    OpInfo("true_divide", lambda T, a, b: T.true_divide(a, b), binary_samples(away_from_zero)),
    OpInfo("div_int", lambda T, a, b: T.div(a, b), _int_samples),
    OpInfo(
        "div_trunc",
        lambda T, a, b: T.div(a, b, rounding_mode="trunc"),
        _concat(binary_samples(rand, away_from_zero), _int_samples),
        **CONSTANT_GRAD,
    ),
    OpInfo(
        "div_floor",
        lambda T, a, b: T.div(a, b, rounding_mode="floor"),
        _concat(binary_samples(rand, away_from_zero), _int_samples),
        **CONSTANT_GRAD,
    ),
    # PyTorch implements no derivative for floor_divide or for remainder(Scalar, Tensor).
    OpInfo(
        "floor_divide",
        lambda T, a, b: a // b,
        _concat(binary_samples(rand, away_from_zero), _int_samples),
        **_NO_GRAD,
    ),
    OpInfo(
        "remainder",
        lambda T, a, b: T.remainder(a, b),
        _concat(binary_samples(rand, away_from_zero, scalar=0.7), _int_samples),
    ),
    OpInfo("rmod", lambda T, a, b: b % a, binary_samples(away_from_zero, scalar=2.5), **_NO_GRAD),
    OpInfo(
        "fmod",
        lambda T, a, b: T.fmod(a, b),
        _concat(binary_samples(rand, away_from_zero, scalar=0.7), _int_samples),
    ),
    OpInfo("pow", lambda T, a, b: T.pow(a, b), binary_samples(positive)),
    OpInfo("pow_scalar_exponent", lambda T, x: T.pow(x, 3), unary_samples()),
    OpInfo("pow_half", lambda T, x: x**0.5, unary_samples(positive)),
    OpInfo("pow_scalar_base", lambda T, a, b: T.pow(a, b), _scalar_first_samples),
    OpInfo("rpow", lambda T, x: 1.5**x, unary_samples()),
    OpInfo("float_power", lambda T, a, b: T.float_power(a, b), binary_samples(positive)),
    OpInfo("neg", lambda T, x: T.neg(x), unary_samples()),
    OpInfo("abs", lambda T, x: T.abs(x), unary_samples(away_from_zero)),
    OpInfo("sign", lambda T, x: T.sign(x), unary_samples(away_from_zero), **CONSTANT_GRAD),
    OpInfo("relu", lambda T, x: T.relu(x), unary_samples(away_from_zero)),
    OpInfo("where", lambda T, c, a, b: T.where(c, a, b), _where_samples),
    OpInfo("lerp", lambda T, a, b, w: T.lerp(a, b, w), _lerp_samples),
    OpInfo("addcmul", lambda T, x, a, b, **kw: T.addcmul(x, a, b, **kw), _addc_samples),
    OpInfo("addcdiv", lambda T, x, a, b, **kw: T.addcdiv(x, a, b, **kw), _addc_samples),
    OpInfo(
        "eq_operator_int",
        lambda T, a, b: a == b,
        _int_samples,
        **_NO_GRAD,
    ),
]
