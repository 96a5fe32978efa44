"""Registry entries for comparisons, predicates, logical and bitwise ops (no gradients), and
for clamp/minimum/maximum/fmin/fmax (differentiable away from their kinks)."""

import numpy as np

from ember.testing.op_db.elementwise import binary_samples, unary_samples
from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]

_NO_GRAD = {"grad": False, "gradcheck": False, "gradgradcheck": False}


def _halves(rng, *shape):
    # Few distinct values, so that ties are common.
    return np.asarray(rng.integers(-2, 2, shape) / 2.0)


def _compare_samples(rng):
    ints = rng.integers(-3, 3, (3, 4))
    floats = rng.integers(-3, 3, (3, 4)).astype(np.float64) / 2
    return binary_samples(_halves)(rng) + [
        Sample((ints, rng.integers(-3, 3, (4,))), name="int broadcast"),
        Sample((ints, floats), name="int with float"),
        Sample((ints, 1), name="int python int"),
        Sample((ints, 0.5), name="int python float"),
        Sample((rng.random((3, 4)) > 0.5, rng.random((4,)) > 0.5), name="bool"),
        Sample((rng.random((3, 4)) > 0.5, 0), name="bool python int"),
        Sample((NonContiguous(ints), ints), name="int non-contiguous"),
    ]


def _special_values(rng):
    values = np.array([0.0, -1.5, np.inf, -np.inf, np.nan, 2.0])
    return [
        Sample((values,), name="special values"),
        Sample((values.reshape(2, 3)[:, ::2],), name="non-contiguous specials"),
        Sample((np.array(np.nan),), name="0-d nan"),
        Sample((np.zeros((0, 2)),), name="empty"),
        Sample((rng.integers(-3, 3, (4,)),), name="int"),
        Sample((rng.random(3) > 0.5,), name="bool"),
    ]


def _logical_samples(rng):
    return [
        Sample((rng.integers(-1, 2, (3, 4)), rng.integers(-1, 2, (4,))), name="int"),
        Sample((rng.random((3, 4)) > 0.5, rng.random((3, 1)) > 0.5), name="bool"),
        Sample((rng.integers(0, 2, (3,)).astype(np.float64), rng.integers(0, 2, (3,))), name="mix"),
        Sample((np.array(0.0), rng.integers(0, 2, (2,))), name="0-d"),
        Sample((np.zeros((0, 3)), np.ones(3)), name="empty"),
    ]


def _bitwise_samples(rng):
    return [
        Sample((rng.integers(-9, 9, (3, 4)), rng.integers(-9, 9, (4,))), name="int"),
        Sample((rng.random((3, 4)) > 0.5, rng.random((3, 1)) > 0.5), name="bool"),
        Sample((rng.integers(-9, 9, (3,)), 5), name="python int"),
        Sample((rng.random(3) > 0.5, True), name="bool python bool"),
        Sample((np.array(6), rng.integers(0, 9, (2,))), name="0-d"),
        Sample((NonContiguous(rng.integers(0, 9, (3, 4))), rng.integers(0, 9, (3, 4))), name="nc"),
    ]


def _shift_samples(rng):
    return [
        Sample((rng.integers(-9, 9, (3, 4)), rng.integers(0, 5, (4,))), name="int"),
        Sample((rng.integers(-9, 9, (3,)), 2), name="python int"),
        Sample((rng.integers(-9, 9, (3,)), np.array([0, 63, 70])), name="wide shifts"),
        Sample((rng.random(3) > 0.5, 1), name="bool python int"),
    ]


def _close_samples(rng):
    a = rand(rng, 3, 4)
    b = a + rng.choice([0.0, 1e-9, 1e-3], size=a.shape)
    specials = np.array([np.inf, -np.inf, np.nan, 1.0])
    return [
        Sample((a, b), name="near"),
        Sample((a, b[0]), name="broadcast"),
        Sample((specials, np.array([np.inf, np.inf, np.nan, 1.0 + 1e-7])), name="specials"),
        Sample((specials, specials), {"equal_nan": True}, name="equal_nan"),
        Sample((a, b), {"rtol": 0.0, "atol": 1e-6}, name="atol only"),
        Sample((rng.integers(0, 3, (4,)), rng.integers(0, 3, (4,))), name="int"),
    ]


def _clamp_samples(rng):
    x = rand(rng, 3, 4)
    return [
        Sample((x, -0.5, 0.5), name="scalar bounds"),
        Sample((x, None, 0.3), name="max only"),
        Sample((x, -0.3, None), name="min only"),
        Sample((x, rand(rng, 4), rand(rng, 3, 1) + 1.0), name="tensor bounds"),
        Sample((x, rand(rng, 3, 4), rand(rng, 3, 4)), name="min above max somewhere"),
        Sample((x, rand(rng, 3, 4), None), name="tensor min only"),
        Sample((rand(rng), -0.5, 0.5), name="0-d"),
        Sample((rand(rng, 0, 2), -0.5, 0.5), name="empty"),
        Sample((NonContiguous(x), -0.5, 0.5), name="non-contiguous"),
        Sample((rng.integers(-5, 5, (4,)), -2, 2), name="int"),
        Sample((rng.integers(-5, 5, (4,)), 0.5, None), name="int with float bound"),
    ]


def _extremum_samples(rng):
    return binary_samples()(rng)[:-1] + [
        Sample((rng.integers(-5, 5, (3, 4)), rand(rng, 4)), name="int with float"),
    ]


def _equal_samples(rng):
    a = _halves(rng, 3, 4)
    return [
        Sample((a, a.copy()), name="same"),
        Sample((a, _halves(rng, 3, 4)), name="different"),
        Sample((a, a[0]), name="other shape"),
        Sample((rng.integers(0, 2, (3,)), rng.integers(0, 2, (3,)).astype(np.float64)), name="mix"),
        Sample((np.zeros((0, 2)), np.zeros((0, 2))), name="empty"),
    ]


def _comparison(name, fn):
    return OpInfo(name, fn, _compare_samples, **_NO_GRAD)


OPS = [
    _comparison("eq", lambda T, a, b: T.eq(a, b)),
    _comparison("ne", lambda T, a, b: T.ne(a, b)),
    _comparison("lt", lambda T, a, b: T.lt(a, b)),
    _comparison("le", lambda T, a, b: T.le(a, b)),
    _comparison("gt", lambda T, a, b: T.gt(a, b)),
    _comparison("ge", lambda T, a, b: T.ge(a, b)),
    _comparison("greater", lambda T, a, b: T.greater(a, b)),
    _comparison("less_equal", lambda T, a, b: T.less_equal(a, b)),
    _comparison("not_equal", lambda T, a, b: T.not_equal(a, b)),
    _comparison("operator_lt", lambda T, a, b: a < b),
    _comparison("operator_ge", lambda T, a, b: a >= b),
    _comparison("operator_eq", lambda T, a, b: a == b),
    _comparison("operator_ne", lambda T, a, b: a != b),
    OpInfo("isnan", lambda T, x: T.isnan(x), _special_values, **_NO_GRAD),
    OpInfo("isinf", lambda T, x: T.isinf(x), _special_values, **_NO_GRAD),
    OpInfo("isfinite", lambda T, x: T.isfinite(x), _special_values, **_NO_GRAD),
    OpInfo("isposinf", lambda T, x: T.isposinf(x), _special_values, **_NO_GRAD),
    OpInfo("isneginf", lambda T, x: T.isneginf(x), _special_values, **_NO_GRAD),
    OpInfo("nan_to_num_specials", lambda T, x: T.nan_to_num(x), _special_values, **_NO_GRAD),
    OpInfo("isclose", lambda T, a, b, **kw: T.isclose(a, b, **kw), _close_samples, **_NO_GRAD),
    OpInfo("allclose", lambda T, a, b, **kw: T.allclose(a, b, **kw), _close_samples, **_NO_GRAD),
    OpInfo("equal", lambda T, a, b: T.equal(a, b), _equal_samples, **_NO_GRAD),
    OpInfo("logical_and", lambda T, a, b: T.logical_and(a, b), _logical_samples, **_NO_GRAD),
    OpInfo("logical_or", lambda T, a, b: T.logical_or(a, b), _logical_samples, **_NO_GRAD),
    OpInfo("logical_xor", lambda T, a, b: T.logical_xor(a, b), _logical_samples, **_NO_GRAD),
    OpInfo("logical_not", lambda T, a, b: T.logical_not(a), _logical_samples, **_NO_GRAD),
    OpInfo("bitwise_and", lambda T, a, b: T.bitwise_and(a, b), _bitwise_samples, **_NO_GRAD),
    OpInfo("bitwise_or", lambda T, a, b: a | b, _bitwise_samples, **_NO_GRAD),
    OpInfo("bitwise_xor", lambda T, a, b: a ^ b, _bitwise_samples, **_NO_GRAD),
    OpInfo("bitwise_not", lambda T, a, b: ~a, _bitwise_samples, **_NO_GRAD),
    OpInfo("left_shift", lambda T, a, b: T.bitwise_left_shift(a, b), _shift_samples, **_NO_GRAD),
    OpInfo("right_shift", lambda T, a, b: a >> b, _shift_samples, **_NO_GRAD),
    OpInfo("clamp", lambda T, x, lo, hi: T.clamp(x, lo, hi), _clamp_samples),
    OpInfo("clip", lambda T, x, lo, hi: T.clip(x, min=lo, max=hi), _clamp_samples),
    OpInfo("maximum", lambda T, a, b: T.maximum(a, b), _extremum_samples),
    OpInfo("minimum", lambda T, a, b: T.minimum(a, b), _extremum_samples),
    OpInfo("fmax", lambda T, a, b: T.fmax(a, b), _extremum_samples),
    OpInfo("fmin", lambda T, a, b: T.fmin(a, b), _extremum_samples),
]

_ = unary_samples
