"""Registry entries for shape ops."""

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]

OPS = [
    OpInfo(
        "reshape",
        lambda T, x, shape: x.reshape(shape),
        lambda rng: [
            Sample((rand(rng, 3, 4), (4, 3))),
            Sample((rand(rng, 3, 4), (-1,)), name="inferred"),
            Sample((NonContiguous(rand(rng, 3, 4)), (2, 6)), name="non-contiguous"),
        ],
    ),
    OpInfo(
        "permute",
        lambda T, x, dims: x.permute(dims),
        lambda rng: [Sample((rand(rng, 2, 3, 4), (2, 0, -2)))],
    ),
    OpInfo(
        "expand",
        lambda T, x, shape: x.expand(shape),
        lambda rng: [Sample((rand(rng, 3, 1), (2, 3, 4))), Sample((rand(rng), (2, 2)))],
    ),
]
