"""Registry entries for reductions."""

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _reduce_samples(rng):
    return [
        Sample((rand(rng, 3, 4),), name="all"),
        Sample((rand(rng, 3, 4),), {"dim": 1}, name="dim"),
        Sample((rand(rng, 3, 4, 2),), {"dim": (0, -1), "keepdim": True}, name="dims keepdim"),
        Sample((rand(rng, 3, 4),), {"dim": -1}, name="negative dim"),
        Sample((rand(rng),), name="0-d"),
        Sample((NonContiguous(rand(rng, 3, 4)),), {"dim": 0}, name="non-contiguous"),
    ]


OPS = [
    OpInfo("sum", lambda T, x, **kw: T.sum(x, **kw), _reduce_samples),
    OpInfo("mean", lambda T, x, **kw: T.mean(x, **kw), _reduce_samples),
]
