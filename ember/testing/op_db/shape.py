"""Registry entries for shape ops: views (reshape, permute, squeeze, narrow, split...), joins
(cat, stack...), repeats, and the rearranging copies (flip, roll, tril, diag...)."""

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _nc(rng, *shape):
    return NonContiguous(rand(rng, *shape))


def _one(name, fn, *samples):
    """An OpInfo whose samples are ``(shape_or_array, *extra_args, name)`` tuples."""

    def make(rng):
        out = []
        for spec in samples:
            *args, label = spec
            first = args[0]
            if isinstance(first, tuple):
                first = rand(rng, *first)
            elif first == "nc":
                first = _nc(rng, *args[1])
                args = args[1:]
            out.append(Sample((first, *args[1:]), name=label))
        return out

    return OpInfo(name, fn, make)


OPS = [
    _one(
        "reshape",
        lambda T, x, shape: x.reshape(shape),
        ((3, 4), (4, 3), "plain"),
        ((3, 4), (-1,), "inferred"),
        ((), (1, 1), "0-d"),
        ((0, 3), (3, 0), "empty"),
        ("nc", (3, 4), (2, 6), "non-contiguous"),
    ),
    _one(
        "view",
        lambda T, x, shape: x.view(shape),
        ((3, 4), (2, -1, 3), "plain"),
        ((), (), "0-d"),
        ((2, 0), (0, 5), "empty"),
    ),
    _one(
        "flatten",
        lambda T, x, s, e: T.flatten(x, s, e),
        ((2, 3, 4), 0, -1, "all"),
        ((2, 3, 4), 1, 2, "tail"),
        ((), 0, -1, "0-d"),
        ("nc", (2, 3, 4), -2, -1, "non-contiguous"),
    ),
    _one(
        "unflatten",
        lambda T, x, d, sizes: x.unflatten(d, sizes),
        ((2, 6), 1, (2, 3), "plain"),
        ((2, 6), -1, (-1, 2), "inferred"),
    ),
    _one("ravel", lambda T, x: x.ravel(), ((3, 4), "plain"), ("nc", (3, 4), "non-contiguous")),
    _one(
        "permute",
        lambda T, x, dims: x.permute(dims),
        ((2, 3, 4), (2, 0, -2), "negative dims"),
        ((), (), "0-d"),
        ((0, 2), (1, 0), "empty"),
    ),
    _one(
        "transpose",
        lambda T, x, a, b: x.transpose(a, b),
        ((2, 3, 4), 0, -1, "plain"),
        ((), 0, -1, "0-d"),
    ),
    _one("swapaxes", lambda T, x: T.swapaxes(x, 0, 1), ((2, 3), "plain")),
    _one("t", lambda T, x: x.t(), ((2, 3), "2-d"), ((3,), "1-d"), ((), "0-d")),
    _one("T", lambda T, x: x.T, ((2, 3, 4), "plain")),
    _one("mT", lambda T, x: x.mT, ((2, 3, 4), "plain")),
    _one(
        "movedim",
        lambda T, x, s, d: T.movedim(x, s, d),
        ((2, 3, 4), 0, -1, "int"),
        ((2, 3, 4), (0, 1), (2, 0), "tuple"),
    ),
    _one(
        "expand",
        lambda T, x, shape: x.expand(shape),
        ((3, 1), (2, 3, 4), "plain"),
        ((), (2, 2), "0-d"),
        ((3, 1), (-1, 0), "to empty"),
    ),
    OpInfo(
        "expand_as",
        lambda T, x, y: x.expand_as(y),
        lambda rng: [Sample((rand(rng, 3, 1), rand(rng, 2, 3, 4)), grad=(0,))],
    ),
    _one("broadcast_to", lambda T, x: T.broadcast_to(x, (2, 3)), ((3,), "plain")),
    OpInfo(
        "broadcast_tensors",
        lambda T, x, y: T.broadcast_tensors(x, y),
        lambda rng: [Sample((rand(rng, 3, 1), rand(rng, 4))), Sample((rand(rng), rand(rng, 2)))],
    ),
    _one(
        "squeeze",
        lambda T, x, *d: x.squeeze(*d),
        ((1, 3, 1), "all"),
        ((1, 3, 1), -1, "dim"),
        ((1, 3, 1), (0, 1), "dims"),
        ((), "0-d"),
    ),
    _one(
        "unsqueeze",
        lambda T, x, d: x.unsqueeze(d),
        ((2, 3), 1, "plain"),
        ((2, 3), -1, "negative"),
        ((), 0, "0-d"),
    ),
    _one(
        "narrow",
        lambda T, x, d, s, n: x.narrow(d, s, n),
        ((4, 3), 0, 1, 2, "plain"),
        ((4, 3), -1, -2, 2, "negative"),
        ((4, 3), 0, 4, 0, "empty"),
    ),
    _one(
        "unbind",
        lambda T, x, d: x.unbind(d),
        ((2, 3), 0, "dim 0"),
        ((2, 3), -1, "dim -1"),
    ),
    _one(
        "split",
        lambda T, x, s, d: T.split(x, s, d),
        ((5, 2), 2, 0, "size"),
        ((2, 5), [1, 4], -1, "sections"),
        ((0, 2), 2, 0, "empty"),
    ),
    _one(
        "chunk",
        lambda T, x, n, d: x.chunk(n, d),
        ((5, 2), 3, 0, "uneven"),
        ((2, 6), 2, -1, "negative dim"),
    ),
    _one(
        "tensor_split",
        lambda T, x, s, d: x.tensor_split(s, d),
        ((7, 2), 3, 0, "sections"),
        ((2, 7), [1, 5], 1, "indices"),
    ),
    _one(
        "diagonal",
        lambda T, x, o, a, b: x.diagonal(o, a, b),
        ((3, 4), 0, 0, 1, "plain"),
        ((3, 4), 1, 0, 1, "offset"),
        ((2, 3, 4), -1, -1, 0, "negative"),
        ((2, 2), 5, 0, 1, "empty"),
    ),
    OpInfo(
        "view_as",
        lambda T, x, y: x.view_as(y),
        lambda rng: [Sample((rand(rng, 3, 4), rand(rng, 2, 6)), grad=(0,))],
    ),
    OpInfo(
        "reshape_as",
        lambda T, x, y: x.reshape_as(y),
        lambda rng: [Sample((_nc(rng, 3, 4), rand(rng, 2, 6)), grad=(0,))],
    ),
    _one("atleast_1d", lambda T, x: T.atleast_1d(x), ((), "0-d"), ((3,), "1-d")),
    _one("atleast_2d", lambda T, x: T.atleast_2d(x), ((), "0-d"), ((3,), "1-d")),
    _one("atleast_3d", lambda T, x: T.atleast_3d(x), ((3,), "1-d"), ((2, 3), "2-d")),
    # ---- joins and repeats ----
    OpInfo(
        "cat",
        lambda T, xs, d: T.cat(xs, d),
        lambda rng: [
            Sample(([rand(rng, 2, 3), rand(rng, 2, 1)], 1), name="dim 1"),
            Sample(([rand(rng, 2, 3), rand(rng, 0, 3), rand(rng, 1, 3)], -2), name="empty"),
            Sample(([rand(rng, 2, 3), rand(rng, 0)], 0), name="legacy empty"),
        ],
    ),
    OpInfo(
        "stack",
        lambda T, xs, d: T.stack(xs, d),
        lambda rng: [
            Sample(([rand(rng, 2, 3), rand(rng, 2, 3)], -1)),
            Sample(([rand(rng), rand(rng)], 0), name="0-d"),
        ],
    ),
    OpInfo(
        "hstack",
        lambda T, xs: T.hstack(xs),
        lambda rng: [
            Sample(([rand(rng, 2), rand(rng, 3)],), name="1-d"),
            Sample(([rand(rng, 2, 2), rand(rng, 2, 1)],), name="2-d"),
        ],
    ),
    OpInfo(
        "vstack",
        lambda T, xs: T.vstack(xs),
        lambda rng: [Sample(([rand(rng, 3), rand(rng, 2, 3)],))],
    ),
    OpInfo(
        "dstack",
        lambda T, xs: T.dstack(xs),
        lambda rng: [Sample(([rand(rng, 3), rand(rng, 3)],))],
    ),
    _one(
        "repeat",
        lambda T, x, r: x.repeat(r),
        ((2, 3), (2, 1, 2), "plain"),
        ((), (3,), "0-d"),
        ((2, 3), (1, 1), "ones"),
        ("nc", (2, 3), (2, 2), "non-contiguous"),
    ),
    _one("tile", lambda T, x, r: x.tile(r), ((2, 3), (2,), "short"), ((2,), (2, 2), "long")),
    _one(
        "repeat_interleave",
        lambda T, x, r, d: x.repeat_interleave(r, d),
        ((2, 3), 2, 1, "int"),
        ((2, 3), 2, None, "flat"),
    ),
    OpInfo(
        "repeat_interleave_tensor",
        lambda T, x, r: x.repeat_interleave(r, dim=0),
        lambda rng: [Sample((rand(rng, 3, 2), _ints([2, 0, 1])))],
    ),
    OpInfo(
        "meshgrid",
        lambda T, x, y, indexing: T.meshgrid(x, y, indexing=indexing),
        lambda rng: [
            Sample((rand(rng, 2), rand(rng, 3), "ij"), name="ij"),
            Sample((rand(rng, 2), rand(rng, 3), "xy"), name="xy"),
        ],
    ),
    # ---- rearranging copies ----
    _one(
        "flip",
        lambda T, x, d: x.flip(d),
        ((2, 3, 4), (0, -1), "dims"),
        ((), (0,), "0-d"),
        ((0, 2), (1,), "empty"),
        ("nc", (3, 4), (0,), "non-contiguous"),
    ),
    _one("fliplr", lambda T, x: x.fliplr(), ((2, 3), "plain")),
    _one("flipud", lambda T, x: x.flipud(), ((2, 3), "plain")),
    _one(
        "roll",
        lambda T, x, s, d: x.roll(s, d),
        ((3, 4), 1, None, "flat"),
        ((3, 4), (1, -5), (0, -1), "dims"),
        ("nc", (3, 4), 2, 1, "non-contiguous"),
    ),
    _one(
        "rot90",
        lambda T, x, k, d: x.rot90(k, d),
        ((2, 3), 1, (0, 1), "k=1"),
        ((2, 3, 4), 2, (1, 2), "k=2"),
        ((2, 3), -1, (1, 0), "k=-1"),
    ),
    _one(
        "tril",
        lambda T, x, k: x.tril(k),
        ((3, 4), 0, "plain"),
        ((2, 3, 4), -1, "batched"),
        ("nc", (3, 4), 1, "non-contiguous"),
    ),
    _one("triu", lambda T, x, k: x.triu(k), ((3, 4), 1, "plain"), ((0, 3), 0, "empty")),
    _one(
        "diag",
        lambda T, x, k: T.diag(x, k),
        ((3,), 0, "1-d"),
        ((3,), -1, "1-d offset"),
        ((3, 4), 1, "2-d"),
    ),
    _one(
        "diag_embed",
        lambda T, x, o, a, b: T.diag_embed(x, o, a, b),
        ((2, 3), 0, -2, -1, "plain"),
        ((2, 3), 1, 0, 2, "dims"),
    ),
]


def _ints(values):
    import numpy as np

    return np.array(values, dtype=np.int64)
