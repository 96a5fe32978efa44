"""Registry entries for indexing: ``x[key]``, setitem as a function, index_put, masks,
gather/scatter, index_select/index_add/index_copy/index_fill, take, take_along_dim.

Integer indices are int64 arrays (tensors that never require grad) or Python lists; masks
are bool arrays.
"""

import numpy as np

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _i(*values):
    return np.array(values, dtype=np.int64)


def _b(*values):
    return np.array(values, dtype=bool)


def _setitem(T, x, key, v):
    y = x * 1  # a non-leaf copy, so the in-place write is allowed and recorded
    y[key] = v
    return y


def _getitem_samples(rng):
    return [
        Sample((rand(rng, 4, 3), (1, slice(None, None, 2))), name="basic"),
        Sample((rand(rng, 4, 3), (None, Ellipsis, -1)), name="none ellipsis"),
        Sample((rand(rng), (None,)), name="0-d none"),
        Sample((rand(rng, 0, 3), (slice(None), 1)), name="empty"),
        Sample((NonContiguous(rand(rng, 4, 3)), (slice(1, 3), 0)), name="non-contiguous"),
        Sample((rand(rng, 4, 3), ([0, 2, 0], -1)), name="list repeated"),
        Sample((rand(rng, 4, 3), (slice(None), [[0, 1], [2, 2]])), name="2-d index"),
        Sample((rand(rng, 2, 3, 4), ([0, 1], slice(None), [1, 3])), name="separated"),
        Sample((rand(rng, 3, 2), (_b(True, False, True),)), name="mask"),
    ]


def _index_arg(T, x, i, key):
    full = list(key)
    full[full.index("I")] = i
    return x[tuple(full)]


def _tensor_key_samples(rng):
    return [
        Sample((rand(rng, 4, 3), _i(3, 0, 3), ("I",)), name="int tensor"),
        Sample((rand(rng, 4, 3), _b(1, 0, 1, 1), ("I", slice(1, None))), name="bool mask"),
        Sample((rand(rng, 2, 3), rand(rng, 2, 3) > 0, ("I",)), name="full mask"),
        Sample((rand(rng, 4, 3), _i(2), (slice(None), "I")), name="0-d int tensor"),
    ]


OPS = [
    OpInfo("getitem", lambda T, x, key: x[key], _getitem_samples),
    OpInfo("getitem_tensor", _index_arg, _tensor_key_samples),
    OpInfo(
        "setitem",
        _setitem,
        lambda rng: [
            Sample((rand(rng, 3, 4), 1, rand(rng, 4)), name="row"),
            Sample((rand(rng, 3, 4), (slice(None), 0), rand(rng)), name="column broadcast"),
            Sample((rand(rng, 3, 4), ([0, 2], [1, 3]), rand(rng, 2)), name="advanced"),
            Sample((rand(rng, 3, 4), (slice(None), [3, 0]), rand(rng, 3, 1)), name="mixed"),
            Sample((rand(rng, 3, 4), 0, 2.5), name="scalar"),
        ],
    ),
    OpInfo(
        "index_put",
        lambda T, x, i, j, v, acc: x.index_put((i, j), v, accumulate=acc),
        lambda rng: [
            Sample((rand(rng, 3, 4), _i(0, 2, 1), _i(1, 1, 1), rand(rng, 3), False), name="put"),
            Sample((rand(rng, 3, 4), _i(0, 2, 0), _i(1, 1, 1), rand(rng, 3), True), name="acc"),
            Sample((rand(rng, 3, 4), _i(0, 2), _i(3, 3), rand(rng), True), name="broadcast"),
        ],
    ),
    OpInfo(
        "masked_fill",
        lambda T, x, m, v: x.masked_fill(m, v),
        lambda rng: [
            Sample((rand(rng, 3, 4), rand(rng, 3, 4) > 0, 1.5), name="scalar"),
            Sample((rand(rng, 3, 4), rand(rng, 4) > 0, rand(rng)), name="tensor value"),
            Sample((rand(rng), np.array(True), 2.0), name="0-d"),
            Sample((NonContiguous(rand(rng, 3, 4)), rand(rng, 3, 1) > 0, -1.0), name="nc"),
        ],
    ),
    OpInfo(
        "masked_select",
        lambda T, x, m: x.masked_select(m),
        lambda rng: [
            Sample((rand(rng, 3, 4), rand(rng, 3, 4) > 0)),
            Sample((rand(rng, 3, 1), rand(rng, 4) > 0), name="broadcast"),
            Sample((rand(rng, 0, 2), rand(rng, 2) > 0), name="empty"),
        ],
    ),
    OpInfo(
        "masked_scatter",
        lambda T, x, m, s: x.masked_scatter(m, s),
        lambda rng: [
            Sample((rand(rng, 3, 4), rand(rng, 3, 4) > 0, rand(rng, 4, 4))),
            Sample((rand(rng, 3, 4), rand(rng, 4) > 0, rand(rng, 12)), name="broadcast"),
        ],
    ),
    OpInfo(
        "gather",
        lambda T, x, d, i: x.gather(d, i),
        lambda rng: [
            Sample((rand(rng, 3, 4), 0, _i([0, 2, 2, 1], [1, 1, 0, 0])), name="dim 0"),
            Sample((rand(rng, 3, 4), -1, _i([3], [0], [3])), name="smaller index"),
            Sample((rand(rng), 0, np.array(0)), name="0-d"),
            Sample((NonContiguous(rand(rng, 3, 4)), 1, _i([0, 0], [1, 2])), name="nc"),
            Sample((rand(rng, 3, 4), 1, np.zeros((3, 0), np.int64)), name="empty index"),
        ],
    ),
    OpInfo(
        "scatter",
        lambda T, x, d, i, s: x.scatter(d, i, s),
        lambda rng: [
            # PyTorch's own src gradient fails when src is larger than index: compare x's only
            Sample(
                (rand(rng, 3, 4), 0, _i([0, 2, 1, 1]), rand(rng, 2, 5)),
                grad=(0,),
                name="src bigger",
            ),
            Sample((rand(rng, 3, 4), -1, _i([3, 0], [1, 2]), rand(rng, 2, 2)), name="dim -1"),
            Sample((rand(rng, 3, 4), 1, _i([0], [2]), 2.5), name="value"),
        ],
    ),
    OpInfo(
        "scatter_add",
        lambda T, x, d, i, s: x.scatter_add(d, i, s),
        lambda rng: [
            Sample((rand(rng, 3, 4), 0, _i([0, 2, 0, 0], [0, 0, 1, 1]), rand(rng, 2, 4))),
            Sample((rand(rng), 0, np.array(0), rand(rng)), name="0-d"),
        ],
    ),
    OpInfo(
        "scatter_reduce",
        lambda T, x, d, i, s, r, inc: x.scatter_reduce(d, i, s, r, include_self=inc),
        lambda rng: [
            Sample(
                (rand(rng, 3, 4), 0, _i([0, 2, 0, 0], [0, 0, 1, 1]), rand(rng, 2, 4), r, inc),
                name=f"{r} {inc}",
            )
            for r in ("sum", "mean", "amax", "amin", "prod")
            for inc in (True, False)
        ],
    ),
    OpInfo(
        "index_select",
        lambda T, x, d, i: x.index_select(d, i),
        lambda rng: [
            Sample((rand(rng, 3, 4), 0, _i(2, 0, 2))),
            Sample((rand(rng, 3, 4), -1, np.array(1)), name="0-d index"),
            Sample((rand(rng), 0, _i(0)), name="0-d input"),
            Sample((NonContiguous(rand(rng, 3, 4)), 1, _i(3, 3)), name="nc"),
        ],
    ),
    OpInfo(
        "index_add",
        lambda T, x, d, i, s: x.index_add(d, i, s, alpha=2.0),
        lambda rng: [
            Sample((rand(rng, 3, 4), 0, _i(2, 0, 2), rand(rng, 3, 4))),
            Sample((rand(rng, 3, 4), -1, _i(1), rand(rng, 3, 1)), name="negative dim"),
        ],
    ),
    OpInfo(
        "index_copy",
        lambda T, x, d, i, s: x.index_copy(d, i, s),
        lambda rng: [Sample((rand(rng, 3, 4), 1, _i(3, 0), rand(rng, 3, 2)))],
    ),
    OpInfo(
        "index_fill",
        lambda T, x, d, i, v: x.index_fill(d, i, v),
        lambda rng: [
            Sample((rand(rng, 3, 4), 1, _i(3, 0), 1.5), name="scalar"),
            Sample((rand(rng, 3, 4), 0, _i(1), rand(rng)), name="tensor value"),
        ],
    ),
    OpInfo(
        "take",
        lambda T, x, i: x.take(i),
        lambda rng: [
            Sample((rand(rng, 3, 4), _i([0, 11], [-1, 0]))),
            Sample((NonContiguous(rand(rng, 3, 4)), _i(1, 2)), name="nc"),
        ],
    ),
    OpInfo(
        "take_along_dim",
        lambda T, x, i, *d: T.take_along_dim(x, i, *d),
        lambda rng: [
            Sample((rand(rng, 3, 4), _i([0, 2], [1, 1], [3, 3]), 1), name="dim"),
            Sample((rand(rng, 3, 4), _i([0], [2]), 0), name="broadcast"),
            Sample((rand(rng, 3, 4), _i(0, 11, 5)), name="flat"),
        ],
    ),
]
