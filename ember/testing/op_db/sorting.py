"""Registry entries for sorting and order statistics."""

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _sort_samples(rng):
    return [
        Sample((rand(rng, 3, 4),), name="default"),
        Sample((rand(rng, 3, 4),), {"dim": 0, "descending": True}, name="dim 0 descending"),
        Sample((rand(rng, 2, 3, 4),), {"dim": -2}, name="negative dim"),
        Sample((rand(rng),), name="0-d"),
        Sample((rand(rng, 0, 3),), name="empty"),
        Sample(
            (NonContiguous(rand(rng, 3, 4)),), {"dim": 1, "stable": True}, name="non-contiguous"
        ),
    ]


def _topk_samples(rng):
    return [
        Sample((rand(rng, 3, 5), 2), name="default"),
        Sample((rand(rng, 3, 5), 3), {"dim": 0, "largest": False}, name="smallest dim 0"),
        Sample((rand(rng, 3, 5), 0), name="k 0"),
        Sample((rand(rng, 2, 3, 4), 4, -1), name="all"),
        Sample((rand(rng), 1), name="0-d"),
        Sample((rand(rng, 0, 3), 2), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), 2, 0), name="non-contiguous"),
    ]


def _kth_samples(rng):
    return [
        Sample((rand(rng, 3, 5), 2), name="default"),
        Sample((rand(rng, 3, 5), 3, 0, True), name="dim 0 keepdim"),
        Sample((rand(rng, 2, 3, 4), 1, -2), name="negative dim"),
        Sample((rand(rng), 1), name="0-d"),
        Sample((rand(rng, 0, 3), 2), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), 3, 0), name="non-contiguous"),
    ]


def _median_samples(rng):
    return [
        Sample((rand(rng, 3, 5),), name="all odd"),
        Sample((rand(rng, 3, 4),), name="all even"),
        Sample((rand(rng, 3, 5), 1), name="dim"),
        Sample((rand(rng, 4, 3), 0, True), name="dim 0 keepdim"),
        Sample((rand(rng, 2, 3, 4), -1), name="negative dim"),
        Sample((rand(rng),), name="0-d"),
        Sample((rand(rng), 0), name="0-d dim"),
        Sample((rand(rng, 0, 3), 1), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), 0), name="non-contiguous"),
    ]


def _nan_median_samples(rng):
    x = rand(rng, 4, 5)
    x[0, 1] = x[2, 0] = x[2, 3] = float("nan")
    return _median_samples(rng) + [Sample((x,), name="nan all"), Sample((x, 1), name="nan dim")]


def _mode_samples(rng):
    repeated = rng.integers(0, 3, size=(3, 6)).astype(float)
    return [
        Sample((repeated,), name="repeated"),
        Sample((repeated, 0, True), name="dim 0 keepdim"),
        Sample((rand(rng, 3, 4),), name="distinct"),
        Sample((rand(rng),), name="0-d"),
        Sample((NonContiguous(repeated),), name="non-contiguous"),
    ]


def _call(name):
    return lambda T, x, *args, **kw: getattr(T, name)(x, *args, **kw)


OPS = [
    OpInfo("sort", _call("sort"), _sort_samples),
    OpInfo("Tensor.sort", lambda T, x, **kw: x.sort(**kw), _sort_samples),
    OpInfo(
        "argsort",
        _call("argsort"),
        _sort_samples,
        grad=False,
        gradcheck=False,
        gradgradcheck=False,
    ),
    OpInfo("msort", _call("msort"), lambda rng: [s for s in _sort_samples(rng) if not s.kwargs]),
    OpInfo("topk", _call("topk"), _topk_samples),
    OpInfo("kthvalue", _call("kthvalue"), _kth_samples),
    OpInfo("median", _call("median"), _median_samples),
    OpInfo("nanmedian", _call("nanmedian"), _nan_median_samples),
    OpInfo("mode", _call("mode"), _mode_samples, gradcheck=False, gradgradcheck=False),
]
