"""Registry entries for the activation primitives exported at top level: softmax, log_softmax."""

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _softmax_samples(rng):
    return [
        Sample((rand(rng, 3, 4), 1), name="dim 1"),
        Sample((rand(rng, 3, 4, 2), -1), name="negative dim"),
        Sample((rand(rng, 3, 4) * 400, 0), name="large values"),
        Sample((rand(rng), 0), name="0-d"),
        Sample((rand(rng, 0, 3), 1), name="empty"),
        Sample((NonContiguous(rand(rng, 3, 4)), 1), name="non-contiguous"),
    ]


OPS = [
    OpInfo("softmax", lambda T, x, dim: T.softmax(x, dim), _softmax_samples),
    OpInfo("log_softmax", lambda T, x, dim: T.log_softmax(x, dim), _softmax_samples),
    OpInfo("Tensor.softmax", lambda T, x, dim: x.softmax(dim), _softmax_samples),
]
