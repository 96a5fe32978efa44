"""Registry entries for vector and matrix reductions and statistics:
diff, cross, dist, cdist, renorm (vector_ops), trace, matrix_power,
fill_diagonal_ (matrix_extra), quantile, nanquantile, cov, corrcoef, histc, histogram,
bincount (statistics), unique, unique_consecutive, searchsorted, bucketize (set_ops)."""

import warnings

import numpy as np

from ember.testing.op_db.opinfo import OpInfo, positive, rand
from ember.testing.op_db.special_math import NO_GRAD
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]

OPS = []


# ---- vector_ops: diff, cross, dist, cdist, renorm; matrix_extra: trace, matrix_power ---------


def _diff_samples(rng):
    return [
        Sample((rand(rng, 3, 5),), name="last dim"),
        Sample((rand(rng, 4, 3), 2, 0), name="second order dim 0"),
        Sample((rand(rng, 3, 4), 1, -1, rand(rng, 3, 2), rand(rng, 3, 1)), name="prepend append"),
        Sample((rand(rng, 0, 3),), name="empty"),
        Sample((rand(rng, 4), 5), name="order past length"),
        Sample((NonContiguous(rand(rng, 4, 3)), 1, 0), name="non-contiguous"),
        Sample((rng.integers(-5, 5, (6,)),), name="int"),
        Sample((rng.random(6) > 0.5,), name="bool"),
    ]


def _cross_samples(rng):
    return [
        Sample((rand(rng, 4, 3), rand(rng, 4, 3)), {"dim": -1}, name="rows"),
        Sample((rand(rng, 3, 2), rand(rng, 3, 2)), {"dim": 0}, name="columns"),
        Sample((rand(rng, 2, 4, 3), rand(rng, 1, 4, 3)), {"dim": 2}, name="broadcast"),
        Sample((rand(rng, 3), rand(rng, 3)), {"dim": 0}, name="1-d"),
        Sample((rand(rng, 0, 3), rand(rng, 0, 3)), {"dim": 1}, name="empty"),
        Sample((NonContiguous(rand(rng, 5, 3)), rand(rng, 5, 3)), {"dim": -1}, name="non-contig"),
    ]


def _dist_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 3, 4)), name="p=2"),
        Sample((rand(rng, 3, 4), rand(rng, 4), 1), name="p=1 broadcast"),
        Sample((rand(rng, 3, 4), rand(rng, 3, 4), 3.5), name="p=3.5"),
        Sample((rand(rng, 3, 4), rand(rng, 3, 1), float("inf")), name="p=inf"),
        Sample((rand(rng), rand(rng)), name="0-d"),
        Sample((NonContiguous(rand(rng, 3, 4)), rand(rng, 3, 4)), name="non-contiguous"),
    ]


def _cdist_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 5, 4)), name="p=2"),
        Sample((rand(rng, 2, 3, 4), rand(rng, 5, 4), 1.0), name="p=1 batch broadcast"),
        Sample((rand(rng, 3, 2), rand(rng, 2, 2), 3.0), name="p=3"),
        Sample((rand(rng, 3, 2), rand(rng, 4, 2), float("inf")), name="p=inf"),
        Sample((rand(rng, 0, 2), rand(rng, 3, 2)), name="empty"),
        Sample((NonContiguous(rand(rng, 4, 3)), rand(rng, 2, 3)), name="non-contiguous"),
    ]


def _renorm_samples(rng):
    return [
        Sample((rand(rng, 3, 4), 2, 0, 1.5), name="rows"),
        Sample((rand(rng, 3, 4), 1, -1, 2.0), name="columns p=1 negative dim"),
        Sample((rand(rng, 2, 3, 2), 3, 1, 1.0), name="3-d"),
        Sample((rand(rng, 0, 3), 2, 1, 1.0), name="empty"),
        Sample((NonContiguous(rand(rng, 4, 3)), 2, 0, 0.8), name="non-contiguous"),
    ]


def _square(rng, *shape):
    return rand(rng, *shape) + 3 * np.eye(shape[-1])


def _matrix_power_samples(rng):
    return [
        Sample((_square(rng, 3, 3), 3), name="cube"),
        Sample((_square(rng, 2, 3, 3), 2), name="batch"),
        Sample((_square(rng, 3, 3), 0), name="zero"),
        Sample((_square(rng, 3, 3), 1), name="one"),
        Sample((_square(rng, 3, 3), -2), name="negative"),
        Sample((rand(rng, 0, 2, 2), 3), name="empty batch"),
        Sample((NonContiguous(_square(rng, 3, 3)), 5), name="non-contiguous"),
        Sample((rng.integers(-3, 3, (2, 2)), 3), name="int"),
    ]


def _trace_samples(rng):
    return [
        Sample((rand(rng, 3, 3),), name="square"),
        Sample((rand(rng, 2, 4),), name="wide"),
        Sample((rand(rng, 0, 3),), name="empty"),
        Sample((NonContiguous(rand(rng, 4, 3)),), name="non-contiguous"),
        Sample((rng.integers(-3, 3, (3, 3)).astype(np.int32),), name="int32"),
    ]


def _fill_diagonal_samples(rng):
    return [
        Sample((rand(rng, 3, 4), 1.5), name="wide"),
        Sample((rand(rng, 7, 3), -2.0, True), name="tall wrap"),
        Sample((rand(rng, 7, 3), 0.5), name="tall"),
        Sample((rand(rng, 2, 2, 2), 3.0), name="cube"),
        Sample((NonContiguous(rand(rng, 3, 4)), 2.0), name="non-contiguous"),
        Sample((rng.integers(0, 5, (3, 3)), 2.7), name="int"),
    ]


OPS += [
    OpInfo("diff", lambda T, x, *args: T.diff(x, *args), _diff_samples),
    OpInfo("cross", lambda T, a, b, **kw: T.cross(a, b, **kw), _cross_samples),
    OpInfo("dist", lambda T, a, b, *p: T.dist(a, b, *p), _dist_samples),
    OpInfo("cdist", lambda T, a, b, *p: T.cdist(a, b, *p), _cdist_samples),
    OpInfo("renorm", lambda T, x, p, d, m: T.renorm(x, p, d, m), _renorm_samples),
    OpInfo("renorm_", lambda T, x, p, d, m: (x * 1).renorm_(p, d, m), _renorm_samples),
    OpInfo("trace", lambda T, x: T.trace(x), _trace_samples),
    OpInfo("matrix_power", lambda T, x, n: T.matrix_power(x, n), _matrix_power_samples),
    OpInfo(
        "fill_diagonal_",
        lambda T, x, v, wrap=False: (x * 1).fill_diagonal_(v, wrap),
        _fill_diagonal_samples,
    ),
]


# ---- statistics: quantile, nanquantile, cov, corrcoef, histc, bincount -------------------------


def _distinct(rng, *shape):
    """Values without ties (sort's gradient routing at ties is not specified)."""
    n = int(np.prod(shape))
    return np.asarray(
        rng.permutation(n).reshape(shape) / 3.0 - n / 6.0 + rng.uniform(0, 0.1, shape)
    )


def _quantile_samples(rng):
    q2 = np.array([0.0, 0.25, 0.6, 1.0])
    samples = [
        Sample((_distinct(rng, 7), 0.3), name="all elements"),
        Sample((_distinct(rng, 3, 5), q2, 1), grad=(0,), name="q tensor dim 1"),
        Sample((_distinct(rng, 4, 3), 0.5, -2, True), name="keepdim negative dim"),
        Sample((_distinct(rng, 2, 3), q2, None, True), grad=(0,), name="keepdim all"),
        Sample((_distinct(rng), 0.7), name="0-d"),
        Sample((NonContiguous(_distinct(rng, 4, 5)), 0.45, 0), name="non-contiguous"),
    ]
    for mode in ("lower", "higher", "midpoint", "nearest"):
        samples.append(
            Sample((_distinct(rng, 3, 6), q2, 1), {"interpolation": mode}, (0,), name=mode)
        )
    return samples


def _nanquantile_samples(rng):
    x = _distinct(rng, 4, 5)
    x[0, 1] = x[2, 0] = x[2, 3] = np.nan
    x[3] = np.nan
    return [
        Sample((x, 0.4, 1), name="with NaN rows"),
        Sample((x, np.array([0.1, 0.9]), 1), grad=(0,), name="with NaN q tensor"),
    ]


def _cov_samples(rng):
    return [
        Sample((rand(rng, 3, 6),), name="rows"),
        Sample((rand(rng, 6),), name="1-d"),
        Sample((rand(rng, 2, 5),), {"correction": 0}, name="correction 0"),
        Sample(
            (rand(rng, 3, 5),),
            {"fweights": rng.integers(1, 4, (5,)), "aweights": positive(rng, 5)},
            name="weights",
        ),
        Sample((NonContiguous(rand(rng, 5, 3)),), name="non-contiguous"),
        Sample((rng.integers(-4, 4, (2, 5)),), name="int"),
    ]


def _corrcoef_samples(rng):
    return [
        Sample((rand(rng, 3, 6),), name="rows"),
        Sample((rand(rng, 5),), name="1-d"),
        Sample((NonContiguous(rand(rng, 5, 3)),), name="non-contiguous"),
    ]


def _histc_samples(rng):
    x = rand(rng, 4, 5)
    return [
        Sample((x,), {"bins": 7}, name="data range"),
        Sample((x,), {"bins": 4, "min": -1.0, "max": 1.0}, name="clipped range"),
        Sample((np.linspace(0.0, 1.0, 11),), {"bins": 10, "min": 0, "max": 1}, name="edges"),
        Sample((np.full(3, 2.0),), {"bins": 3}, name="constant"),
        Sample((rand(rng, 0),), {"bins": 3}, name="empty"),
        Sample((rand(rng),), {"bins": 2}, name="0-d"),
        Sample((NonContiguous(x),), {"bins": 5}, name="non-contiguous"),
    ]


def _bincount_samples(rng):
    index = rng.integers(0, 6, (10,))
    return [
        Sample((index,), name="counts"),
        Sample((index, rand(rng, 10)), name="weights"),
        Sample((index, rng.integers(0, 3, (10,))), name="int weights"),
        Sample((index,), {"minlength": 9}, name="minlength"),
        Sample((index[:0],), name="empty"),
    ]


OPS += [
    OpInfo("quantile", lambda T, x, *a, **kw: T.quantile(x, *_q(T, x, a), **kw), _quantile_samples),
    OpInfo(
        "nanquantile",
        lambda T, x, *a, **kw: T.nanquantile(x, *_q(T, x, a), **kw),
        _quantile_samples,
    ),
    # NaN rows: values and gradients against PyTorch; numerical checks cannot run on NaN.
    OpInfo(
        "nanquantile_nan",
        lambda T, x, *a, **kw: T.nanquantile(x, *_q(T, x, a), **kw),
        _nanquantile_samples,
        gradcheck=False,
        gradgradcheck=False,
    ),
    OpInfo(
        "quantile_nan",
        lambda T, x, *a, **kw: T.quantile(x, *_q(T, x, a), **kw),
        _nanquantile_samples,
        gradcheck=False,
        gradgradcheck=False,
    ),
    OpInfo("cov", lambda T, x, **kw: T.cov(x, **_kw_tensors(T, kw)), _cov_samples),
    OpInfo("corrcoef", lambda T, x: T.corrcoef(x), _corrcoef_samples),
    OpInfo("histc", lambda T, x, **kw: T.histc(x, **kw), _histc_samples, **NO_GRAD),
    OpInfo(
        "bincount", lambda T, x, *w, **kw: T.bincount(x, *w, **kw), _bincount_samples, **NO_GRAD
    ),
]


def _q(T, x, args):
    """The q argument as a tensor of ``x``'s dtype when the sample gives an array."""
    if args and hasattr(args[0], "shape") and not isinstance(args[0], float):
        if not hasattr(args[0], "requires_grad"):
            return (T.tensor(args[0], dtype=x.dtype),) + tuple(args[1:])
        return (args[0].to(x.dtype),) + tuple(args[1:])
    return args


def _kw_like(T, x, kwargs):
    """Array keyword arguments as tensors of ``x``'s dtype."""
    return {
        k: T.tensor(v, dtype=x.dtype) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()
    }


def _kw_tensors(T, kwargs):
    return {k: T.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


# ---- set_ops: unique, unique_consecutive, searchsorted, bucketize ----------------------------


def _unique_samples(rng):
    x = rng.integers(0, 4, (4, 3)).astype(np.float64)
    rows = np.array([[1.0, 3.0], [2.0, 3.0], [1.0, 3.0], [0.5, 9.0]])
    every = {"return_inverse": True, "return_counts": True}
    return [
        Sample((x,), name="values"),
        Sample((x,), every, name="inverse and counts"),
        Sample((rows,), {"dim": 0, **every}, name="rows"),
        Sample((rows,), {"dim": -1, **every}, name="columns negative dim"),
        Sample((np.array(2.5),), every, name="0-d"),
        Sample((np.zeros((0, 2)),), {"dim": 0, **every}, name="empty"),
        Sample((NonContiguous(x),), every, name="non-contiguous"),
        Sample((rng.integers(0, 3, (7,)),), every, name="int"),
        Sample((np.array([np.nan, 1.0, np.nan]),), every, name="NaN stays distinct"),
    ]


def _unique_consecutive_samples(rng):
    runs = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 1.0, 1.0, 2.0])
    rows = np.array([[1.0, 3.0], [1.0, 3.0], [2.0, 3.0], [1.0, 3.0]])
    every = {"return_inverse": True, "return_counts": True}
    return [
        Sample((runs,), every, name="runs"),
        Sample((runs.reshape(2, 4),), every, name="2-d flattened"),
        Sample((rows,), {"dim": 0, **every}, name="rows"),
        Sample((rows,), {"dim": -1, **every}, name="columns negative dim"),
        Sample((np.array(1.5),), every, name="0-d"),
        Sample((np.zeros((0,)),), every, name="empty"),
        Sample((NonContiguous(rows),), every, name="non-contiguous"),
    ]


def _searchsorted_samples(rng):
    seq = np.sort(rand(rng, 6))
    rows = np.sort(rand(rng, 2, 5), axis=-1)
    ints = np.array([1, 3, 3, 5, 7])
    return [
        Sample((seq, rand(rng, 3, 4)), name="1-d boundaries"),
        Sample((seq, rand(rng, 3, 4)), {"right": True}, name="right"),
        Sample((rows, rand(rng, 2, 3)), {"side": "right"}, name="rows"),
        Sample((ints, np.array([3, 0, 8, 5])), name="ties left"),
        Sample((ints, np.array([3, 0, 8, 5])), {"side": "right", "out_int32": True}, name="int32"),
        Sample((seq, rand(rng)), name="0-d values"),
        Sample((seq, rand(rng, 0, 2)), name="empty values"),
        Sample((seq, NonContiguous(rand(rng, 3, 4))), name="non-contiguous"),
        Sample((ints, 4), name="python scalar"),
    ]


def _bucketize_samples(rng):
    edges = np.array([-1.0, 0.0, 0.5, 1.5])
    values = np.array([[-2.0, 0.0, 0.2], [0.5, 1.0, 3.0]])
    return [
        Sample((values, edges), name="left"),
        Sample((values, edges), {"right": True}, name="right"),
        Sample((rand(rng), edges), name="0-d"),
        Sample((rand(rng, 0, 3), edges), {"out_int32": True}, name="empty int32"),
        Sample((NonContiguous(rand(rng, 3, 4)), edges), name="non-contiguous"),
    ]


def _quiet(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` without PyTorch's performance warning for non-contiguous
    searchsorted inputs."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-contiguous.*", category=UserWarning)
        return fn(*args, **kwargs)


OPS += [
    OpInfo("unique", lambda T, x, **kw: T.unique(x, **kw), _unique_samples, **NO_GRAD),
    OpInfo("Tensor.unique", lambda T, x, **kw: x.unique(**kw), _unique_samples, **NO_GRAD),
    OpInfo(
        "unique_consecutive",
        lambda T, x, **kw: T.unique_consecutive(x, **kw),
        _unique_consecutive_samples,
        **NO_GRAD,
    ),
    OpInfo(
        "searchsorted",
        lambda T, s, v, **kw: _quiet(T.searchsorted, s, v, **kw),
        _searchsorted_samples,
        **NO_GRAD,
    ),
    OpInfo(
        "bucketize",
        lambda T, x, b, **kw: _quiet(T.bucketize, x, b, **kw),
        _bucketize_samples,
        **NO_GRAD,
    ),
]


# ---- statistics: histogram -----------------------------------------------------------------------


def _histogram_samples(rng):
    x = rand(rng, 4, 5)
    return [
        Sample((x,), {"bins": 6}, name="data range"),
        Sample((x,), {"bins": 4, "range": (-1.0, 1.0)}, name="range"),
        Sample((x, np.array([-2.0, -0.5, 0.0, 2.0])), name="edges"),
        Sample((x,), {"bins": 3, "weight": positive(rng, 4, 5), "density": True}, name="density"),
        Sample((np.full(3, 2.0),), {"bins": 2}, name="constant"),
        Sample((rand(rng),), {"bins": 2}, name="0-d"),
        Sample((NonContiguous(x),), {"bins": 5}, name="non-contiguous"),
    ]


OPS += [
    OpInfo(
        "histogram",
        lambda T, x, *b, **kw: tuple(T.histogram(x, *_q(T, x, b), **_kw_like(T, x, kw))),
        _histogram_samples,
        **NO_GRAD,
    ),
]
