"""Registry entries for reductions (sum, mean, prod, var/std, logsumexp, norm, logical
reductions, NaN-aware reductions), extremes (max, min, amax, argmax...) and scans (cumsum...)."""

import numpy as np

from ember.testing.op_db.opinfo import OpInfo, positive, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _reduce_samples(rng):
    """Samples for ops that take ``dim=None | int | tuple`` and ``keepdim``."""
    return [
        Sample((rand(rng, 3, 4),), name="all"),
        Sample((rand(rng, 3, 4),), {"dim": 1}, name="dim"),
        Sample((rand(rng, 3, 4, 2),), {"dim": (0, -1), "keepdim": True}, name="dims keepdim"),
        Sample((rand(rng, 3, 4),), {"dim": -1}, name="negative dim"),
        Sample((rand(rng, 2, 3),), {"dim": 0, "keepdim": True}, name="keepdim"),
        Sample((rand(rng),), name="0-d"),
        Sample((rand(rng),), {"dim": 0}, name="0-d dim"),
        Sample((rand(rng, 0, 3),), {"dim": 1}, name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)),), {"dim": 0}, name="non-contiguous"),
    ]


def _with_empty_total(samples):
    """Also reduce a whole empty tensor (valid for sum-like ops with an identity)."""

    def all_samples(rng):
        return samples(rng) + [Sample((rand(rng, 0, 3),), name="empty all")]

    return all_samples


def _int_samples(rng):
    """Integer and bool inputs: result dtypes (int64 sums, bool logical reductions)."""
    ints = rng.integers(-3, 4, size=(3, 4))
    return [
        Sample((ints,), name="int"),
        Sample((ints,), {"dim": 1}, name="int dim"),
        Sample((ints > 0,), {"dim": 0}, name="bool"),
    ]


def _one_dim_samples(rng):
    """Samples for ops that take one int ``dim`` (scans, max with dim, prod with dim)."""
    return [
        Sample((rand(rng, 3, 4), 1), name="dim"),
        Sample((rand(rng, 3, 4), -2), name="negative dim"),
        Sample((rand(rng, 2, 3, 4), 1), name="3-d"),
        Sample((rand(rng), 0), name="0-d"),
        Sample((rand(rng, 0, 3), 1), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), 0), name="non-contiguous"),
    ]


def _with_zeros(samples):
    """Add inputs with one and with several exact zeros (prod, cumprod)."""

    def all_samples(rng):
        one = rand(rng, 3, 4)
        one[1, 2] = 0.0
        two = rand(rng, 3, 4)
        two[0, 1] = two[0, 3] = two[2, 0] = 0.0
        return samples(rng) + [
            Sample((one, 1), name="one zero"),
            Sample((two, 1), name="two zeros"),
            Sample((two, 0), name="zeros dim 0"),
        ]

    return all_samples


def _var_samples(rng):
    return _reduce_samples(rng)[:5] + [
        Sample((rand(rng, 3, 4),), {"dim": 1, "correction": 0}, name="correction 0"),
        Sample((rand(rng, 3, 4),), {"dim": (0, 1), "correction": 2}, name="correction 2"),
        Sample((rand(rng, 3, 4), 1, False), name="unbiased False"),
        Sample((rand(rng, 3, 4), 0, True, True), name="unbiased keepdim"),
        Sample((NonContiguous(rand(rng, 3, 4)),), {"dim": 0}, name="non-contiguous"),
    ]


def _norm_samples(rng):
    x = rand(rng, 3, 4)
    return [
        Sample((x,), name="default"),
        Sample((x,), {"p": 2, "dim": 1}, name="p2 dim"),
        Sample((x,), {"p": 1, "dim": -1, "keepdim": True}, name="p1"),
        Sample((x,), {"p": 3, "dim": (0, 1)}, name="p3 dims"),
        Sample((x,), {"p": 0.5, "dim": 0}, name="p0.5"),
        Sample((x,), {"p": 1.5}, name="p1.5"),
        Sample((x,), {"p": float("inf"), "dim": 1}, name="inf"),
        Sample((x,), {"p": -float("inf")}, name="-inf"),
        Sample((x,), {"p": "fro", "dim": (0, 1), "keepdim": True}, name="fro dims"),
        Sample((rand(rng),), name="0-d"),
        Sample((rand(rng, 0, 3),), {"dim": 1}, name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)),), {"dim": 0}, name="non-contiguous"),
    ]


def _extreme_samples(rng):
    """max/min: no dim, with dim (values and indices), binary form."""
    return [
        Sample((rand(rng, 3, 4),), name="all"),
        Sample((rand(rng, 3, 4), 1), name="dim"),
        Sample((rand(rng, 3, 4), -1, True), name="negative dim keepdim"),
        Sample((rand(rng),), name="0-d"),
        Sample((rand(rng), 0), name="0-d dim"),
        Sample((rand(rng, 0, 3), 1), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), 0), name="non-contiguous"),
        Sample((rand(rng, 3, 4), rand(rng, 4)), name="binary"),
    ]


def _nan_samples(rng):
    x = rand(rng, 3, 4)
    x[0, 1] = x[2, 2] = x[2, 3] = np.nan
    return [
        Sample((x,), name="all"),
        Sample((x,), {"dim": 1}, name="dim"),
        Sample((x,), {"dim": (0, 1), "keepdim": True}, name="dims"),
        Sample((rand(rng),), name="0-d"),
        Sample((NonContiguous(x),), {"dim": -1}, name="non-contiguous"),
    ]


def _call(name):
    return lambda T, x, *args, **kw: getattr(T, name)(x, *args, **kw)


def _method(name):
    return lambda T, x, *args, **kw: getattr(x, name)(*args, **kw)


def _no_grad(name, fn, samples):
    """An op without a gradient (indices, booleans, counts)."""
    return OpInfo(name, fn, samples, grad=False, gradcheck=False, gradgradcheck=False)


OPS = [
    OpInfo("sum", _call("sum"), _with_empty_total(_reduce_samples)),
    OpInfo("mean", _call("mean"), _reduce_samples),
    OpInfo("Tensor.sum", _method("sum"), _reduce_samples),
    _no_grad("sum_int", _call("sum"), _int_samples),
    _no_grad("prod_int", _call("prod"), lambda rng: _int_samples(rng)),
    OpInfo("prod", _call("prod"), _with_zeros(_one_dim_samples)),
    OpInfo(
        "prod_all", _call("prod"), lambda rng: _reduce_samples(rng)[:1] + _reduce_samples(rng)[5:6]
    ),
    OpInfo("var", _call("var"), _var_samples),
    OpInfo("std", _call("std"), _var_samples),
    OpInfo("var_mean", _call("var_mean"), _var_samples),
    OpInfo("std_mean", _call("std_mean"), _var_samples),
    OpInfo(
        "logsumexp", _call("logsumexp"), lambda rng: [s for s in _reduce_samples(rng) if s.kwargs]
    ),
    OpInfo("norm", _call("norm"), _norm_samples),
    OpInfo("nansum", _call("nansum"), _nan_samples),
    OpInfo("nanmean", _call("nanmean"), _nan_samples),
    _no_grad("all", _call("all"), lambda rng: _reduce_samples(rng) + _int_samples(rng)),
    _no_grad("any", _call("any"), lambda rng: _reduce_samples(rng) + _int_samples(rng)),
    _no_grad("count_nonzero", _call("count_nonzero"), _int_samples),
    OpInfo("max", _call("max"), _extreme_samples),
    OpInfo("min", _call("min"), _extreme_samples),
    OpInfo("Tensor.max", _method("max"), _extreme_samples),
    OpInfo("amax", _call("amax"), _reduce_samples),
    OpInfo("amin", _call("amin"), _reduce_samples),
    OpInfo("aminmax", lambda T, x, **kw: T.aminmax(x, **kw), lambda rng: _reduce_samples(rng)[:2]),
    _no_grad(
        "argmax", _call("argmax"), lambda rng: _one_dim_samples(rng) + [Sample((rand(rng, 3, 4),))]
    ),
    _no_grad(
        "argmin", _call("argmin"), lambda rng: _one_dim_samples(rng) + [Sample((rand(rng, 3, 4),))]
    ),
    OpInfo("cumsum", _call("cumsum"), _one_dim_samples),
    _no_grad("cumsum_int", _call("cumsum"), lambda rng: [Sample((rng.integers(0, 5, (3, 4)), 1))]),
    OpInfo("cumprod", _call("cumprod"), _with_zeros(_one_dim_samples)),
    OpInfo("cummax", _call("cummax"), _one_dim_samples),
    OpInfo("cummin", _call("cummin"), _one_dim_samples),
    OpInfo("logcumsumexp", _call("logcumsumexp"), _one_dim_samples),
    OpInfo(
        "logcumsumexp_large",
        _call("logcumsumexp"),
        lambda rng: [Sample((positive(rng, 3, 4) * 400, 1))],
    ),
]
