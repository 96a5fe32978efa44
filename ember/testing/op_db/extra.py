"""Registry entries for the ops added from the dir(torch.Tensor) coverage audit: inverse
hyperbolic functions, hypot, logaddexp, logit, xlogy, the sign helpers, angle conversions,
sinc and positive (special_math); later sections cover shape, statistics and set ops."""

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


# ---- slicing: select, split_with_sizes, hsplit/vsplit/dsplit, unfold ------------------------


def _select_samples(rng):
    return [
        Sample((rand(rng, 3, 4), 1, 2), name="middle"),
        Sample((rand(rng, 3, 4), -1, -1), name="negative dim and index"),
        Sample((rand(rng, 5), 0, 3), name="1-d to 0-d"),
        Sample((rand(rng, 0, 4), 1, 0), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4, 2)), 0, 1), name="non-contiguous"),
    ]


def _split_sizes_samples(rng):
    return [
        Sample((rand(rng, 5, 3), [2, 3]), name="dim 0"),
        Sample((rand(rng, 3, 4), [1, 0, 3], -1), name="negative dim, empty piece"),
        Sample((NonContiguous(rand(rng, 4, 3)), [1, 2], 1), name="non-contiguous"),
    ]


def _hsplit_samples(rng):
    return [
        Sample((rand(rng, 3, 4), 2), name="sections"),
        Sample((rand(rng, 6), [1, 4]), name="1-d indices"),
        Sample((rand(rng, 2, 0, 3), 1), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), [-1]), name="non-contiguous negative index"),
    ]


def _vsplit_samples(rng):
    return [
        Sample((rand(rng, 4, 3), 2), name="sections"),
        Sample((rand(rng, 5, 2), [1, 3]), name="indices"),
        Sample((NonContiguous(rand(rng, 4, 3)), 4), name="non-contiguous"),
    ]


def _dsplit_samples(rng):
    return [
        Sample((rand(rng, 2, 3, 4), 2), name="sections"),
        Sample((rand(rng, 2, 1, 5), [2]), name="indices"),
        Sample((NonContiguous(rand(rng, 4, 3, 2)), 1), name="non-contiguous"),
    ]


def _unfold_samples(rng):
    return [
        Sample((rand(rng, 3, 7), 1, 3, 2), name="strided windows"),
        Sample((rand(rng, 6, 2), 0, 4, 1), name="overlapping windows"),
        Sample((rand(rng, 2, 3, 5), -1, 2, 3), name="negative dim, gaps"),
        Sample((rand(rng), 0, 1, 1), name="0-d"),
        Sample((rand(rng, 0, 4), 1, 2, 1), name="empty"),
        Sample((rand(rng, 4, 3), 0, 0, 2), name="empty windows"),
        Sample((NonContiguous(rand(rng, 5, 3)), 0, 2, 1), name="non-contiguous"),
    ]


def _inplace_view_samples(rng):
    return [
        Sample((rand(rng, 3, 4),), name="2-d"),
        Sample((NonContiguous(rand(rng, 4, 3)),), name="non-contiguous"),
        Sample((rand(rng, 0, 2),), name="empty"),
    ]


OPS += [
    OpInfo("select", lambda T, x, d, i: T.select(x, d, i), _select_samples),
    OpInfo("Tensor.select", lambda T, x, d, i: x.select(d, i), _select_samples),
    OpInfo(
        "split_with_sizes",
        lambda T, x, sizes, dim=0: T.split_with_sizes(x, sizes, dim),
        _split_sizes_samples,
    ),
    OpInfo("hsplit", lambda T, x, spec: T.hsplit(x, spec), _hsplit_samples),
    OpInfo("vsplit", lambda T, x, spec: T.vsplit(x, spec), _vsplit_samples),
    OpInfo("dsplit", lambda T, x, spec: T.dsplit(x, spec), _dsplit_samples),
    OpInfo("unfold", lambda T, x, d, size, step: x.unfold(d, size, step), _unfold_samples),
    OpInfo("t_", lambda T, x: (x * 1).t_(), _inplace_view_samples),
    OpInfo("transpose_", lambda T, x: (x * 1).transpose_(0, -1), _inplace_view_samples),
    OpInfo("swapaxes_", lambda T, x: (x * 1).swapaxes_(-1, 0), _inplace_view_samples),
    OpInfo("swapdims_", lambda T, x: (x * 1).swapdims_(1, 0), _inplace_view_samples),
    OpInfo("unsqueeze_", lambda T, x: (x * 1).unsqueeze_(-2), _inplace_view_samples),
    OpInfo("squeeze_", lambda T, x: (x * 1).unsqueeze_(1).squeeze_(), _inplace_view_samples),
    OpInfo("squeeze_dim_", lambda T, x: (x * 1).unsqueeze_(0).squeeze_(0), _inplace_view_samples),
]


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


def _kw_tensors(T, kwargs):
    return {k: T.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
