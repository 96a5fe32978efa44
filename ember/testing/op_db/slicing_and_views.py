"""Registry entries for the slicing, view and scatter ops:
select, split_with_sizes, hsplit/vsplit/dsplit, unfold, adjoint, the in-place metadata
ops (slicing, view_inplace), block_diag, cartesian_prod (structured), as_strided (strided),
the view scatters, narrow_copy, diagflat, unsafe splits (view_scatter), put, nonzero_static
(flat_index)."""

import numpy as np

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]

OPS = []


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


# ---- structured: block_diag, cartesian_prod ----------------------------------------------------


def _block_diag_samples(rng):
    return [
        Sample(([rand(rng, 2, 3), rand(rng, 1, 1), rand(rng, 2)],), name="mixed"),
        Sample(([rand(rng), rand(rng, 3, 2)],), name="0-d block"),
        Sample(([rand(rng, 2, 0), rand(rng, 0, 3), rand(rng, 1, 2)],), name="empty blocks"),
        Sample(([rng.integers(0, 3, (2, 2)), rand(rng, 2)],), name="int with float"),
    ]


def _cartesian_prod_samples(rng):
    return [
        Sample(([rand(rng, 3), rand(rng, 2)],), name="two"),
        Sample(([rand(rng, 2), rand(rng, 2), rand(rng, 3)],), name="three"),
        Sample(([rand(rng, 4)],), name="one"),
        Sample(([rand(rng, 0), rand(rng, 2)],), name="empty"),
        Sample(([rng.integers(0, 5, (3,)), rng.integers(0, 5, (2,))],), name="int"),
    ]


OPS += [
    OpInfo("block_diag", lambda T, ts: T.block_diag(*ts), _block_diag_samples),
    OpInfo("cartesian_prod", lambda T, ts: T.cartesian_prod(*ts), _cartesian_prod_samples),
]


# ---- strided: as_strided -----------------------------------------------------------------------


def _as_strided_samples(rng):
    return [
        Sample((rand(rng, 3, 4), (2, 2), (1, 2)), name="transposed window"),
        Sample((rand(rng, 3, 4), (3, 3), (1, 1)), name="overlapping"),
        Sample((rand(rng, 3, 4), (2, 3), (4, 1), 5), name="storage offset"),
        Sample((rand(rng, 3, 4), (2, 2), (0, 1)), name="zero stride"),
        Sample((rand(rng, 6), (), (), 2), name="0-d"),
        Sample((rand(rng, 3, 4), (0, 3), (1, 1)), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), (4, 2), (1, 3)), name="non-contiguous"),
    ]


OPS += [
    OpInfo("as_strided", lambda T, x, *a: T.as_strided(x, *a), _as_strided_samples),
    OpInfo("as_strided_of_slice", lambda T, x, *a: x[1:].as_strided(*a), _as_strided_samples),
]


# ---- view_scatter: select/slice/diagonal_scatter, narrow_copy, diagflat, unsafe splits ------


def _select_scatter_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 4), 0, 1), name="row"),
        Sample((rand(rng, 3, 4), rand(rng, 3), -1, -2), name="negative dim and index"),
        Sample((rand(rng, 5), rand(rng), 0, 2), name="1-d into 0-d"),
        Sample((rand(rng, 0, 4), rand(rng, 0), 1, 3), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), rand(rng, 3), 1, 0), name="non-contiguous"),
    ]


def _slice_scatter_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 3, 2), 1, 1, 3), name="middle columns"),
        Sample((rand(rng, 5, 2), rand(rng, 3, 2), 0, None, None, 2), name="step"),
        Sample((rand(rng, 3, 4), rand(rng, 3, 4)), name="whole"),
        Sample((rand(rng, 3, 4), rand(rng, 3, 0), -1, 2, 2), name="empty slice"),
        Sample((NonContiguous(rand(rng, 4, 3)), rand(rng, 2, 3), 0, -2), name="non-contiguous"),
    ]


def _diagonal_scatter_samples(rng):
    return [
        Sample((rand(rng, 3, 3), rand(rng, 3)), name="main"),
        Sample((rand(rng, 3, 4), rand(rng, 3), 1), name="offset"),
        Sample((rand(rng, 2, 3, 4), rand(rng, 2, 3), 0, 1, 2), name="batched"),
        Sample((rand(rng, 2, 3, 4), rand(rng, 4, 1), -1, -3, -2), name="negative dims"),
        Sample((NonContiguous(rand(rng, 4, 3)), rand(rng, 2), -2), name="non-contiguous"),
    ]


def _diagflat_samples(rng):
    return [
        Sample((rand(rng, 2, 2),), name="matrix"),
        Sample((rand(rng, 3), 1), name="offset"),
        Sample((rand(rng), -1), name="0-d"),
        Sample((rand(rng, 0),), name="empty"),
        Sample((NonContiguous(rand(rng, 2, 3)), -2), name="non-contiguous"),
    ]


def _narrow_copy_samples(rng):
    return [
        Sample((rand(rng, 3, 4),), name="2-d"),
        Sample((rand(rng, 0, 3),), name="empty"),
        Sample((NonContiguous(rand(rng, 4, 3)),), name="non-contiguous"),
    ]


def _unsafe_split_samples(rng):
    return [
        Sample((rand(rng, 5, 3), 2), name="size"),
        Sample((rand(rng, 3, 4), 3, -1), name="negative dim"),
        Sample((NonContiguous(rand(rng, 4, 3)), 1, 1), name="non-contiguous"),
    ]


OPS += [
    OpInfo(
        "select_scatter",
        lambda T, x, s, d, i: T.select_scatter(x, s, d, i),
        _select_scatter_samples,
    ),
    OpInfo("slice_scatter", lambda T, x, s, *a: T.slice_scatter(x, s, *a), _slice_scatter_samples),
    OpInfo(
        "diagonal_scatter",
        lambda T, x, s, *a: T.diagonal_scatter(x, s, *a),
        _diagonal_scatter_samples,
    ),
    OpInfo("narrow_copy", lambda T, x: T.narrow_copy(x, -1, 1, 2), _narrow_copy_samples),
    OpInfo("diagflat", lambda T, x, *a: T.diagflat(x, *a), _diagflat_samples),
    OpInfo("unsafe_split", lambda T, x, *a: T.unsafe_split(x, *a), _unsafe_split_samples),
    OpInfo("unsafe_chunk", lambda T, x, *a: x.unsafe_chunk(*a), _unsafe_split_samples),
    OpInfo(
        "unsafe_split_with_sizes",
        lambda T, x: T.unsafe_split_with_sizes(x, [1, 2], -1),
        lambda rng: [Sample((rand(rng, 2, 3),)), Sample((NonContiguous(rand(rng, 3, 3)),))],
    ),
]


# ---- flat_index: put, nonzero_static; adjoint ----------------------------------------------------


def _put_samples(rng):
    return [
        Sample((rand(rng, 3, 4), np.array([1, 5, -1]), rand(rng, 3)), name="flat positions"),
        Sample(
            (rand(rng, 3, 4), np.array([[0, 2], [2, 7]]), rand(rng, 2, 2), True),
            name="accumulate repeated",
        ),
        Sample((rand(rng), np.array([0]), rand(rng, 1)), name="0-d"),
        Sample((rand(rng, 2, 3), np.zeros(0, np.int64), rand(rng, 0)), name="empty index"),
        Sample((NonContiguous(rand(rng, 3, 4)), np.array([3, 4]), rand(rng, 2)), name="non-contig"),
    ]


def _nonzero_static_samples(rng):
    x = rng.integers(0, 2, (3, 4))
    return [
        Sample((x,), {"size": 20}, name="padded"),
        Sample((x,), {"size": 2, "fill_value": -7}, name="cut"),
        Sample((np.array(3),), {"size": 2}, name="0-d"),
        Sample((np.zeros((0, 2)),), {"size": 1}, name="empty"),
        Sample((NonContiguous(x),), {"size": 4}, name="non-contiguous"),
    ]


OPS += [
    OpInfo("adjoint", lambda T, x: T.adjoint(x), _inplace_view_samples),
    OpInfo("put", lambda T, x, i, s, *a: T.put(x, i, s, *a), _put_samples),
    OpInfo("put_", lambda T, x, i, s, *a: (x * 1).put_(i, s, *a), _put_samples),
    OpInfo("nonzero_static", lambda T, x, **kw: T.nonzero_static(x, **kw), _nonzero_static_samples),
]
