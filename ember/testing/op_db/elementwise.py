"""Registry entries for elementwise ops."""

from ember.testing.op_db.opinfo import OpInfo, positive, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _binary_samples(domain=rand):
    def samples(rng):
        return [
            Sample((domain(rng, 3, 4), domain(rng, 3, 4)), name="same shape"),
            Sample((domain(rng, 3, 4), domain(rng, 4)), name="broadcast"),
            Sample((domain(rng, 2, 1, 4), domain(rng, 3, 1)), name="broadcast both"),
            Sample((domain(rng), domain(rng)), name="0-d"),
            Sample((domain(rng, 0, 3), domain(rng, 3)), name="empty"),
            Sample((NonContiguous(domain(rng, 3, 4)), domain(rng, 3, 4)), name="non-contiguous"),
            Sample((domain(rng, 3, 4), 2.5), name="python scalar"),
        ]

    return samples


def _unary_samples(domain=rand):
    def samples(rng):
        return [
            Sample((domain(rng, 3, 4),)),
            Sample((domain(rng),), name="0-d"),
            Sample((domain(rng, 0, 2),), name="empty"),
            Sample((NonContiguous(domain(rng, 3, 4)),), name="non-contiguous"),
        ]

    return samples


OPS = [
    OpInfo("add", lambda T, a, b: T.add(a, b), _binary_samples()),
    OpInfo("add_alpha", lambda T, a, b: T.add(a, b, alpha=2), _binary_samples()),
    OpInfo("sub", lambda T, a, b: T.sub(a, b), _binary_samples()),
    OpInfo("mul", lambda T, a, b: T.mul(a, b), _binary_samples()),
    OpInfo("div", lambda T, a, b: T.div(a, b), _binary_samples(positive)),
    OpInfo("pow", lambda T, a, b: T.pow(a, b), _binary_samples(positive)),
    OpInfo("neg", lambda T, x: T.neg(x), _unary_samples()),
    OpInfo("exp", lambda T, x: T.exp(x), _unary_samples()),
    OpInfo("log", lambda T, x: T.log(x), _unary_samples(positive)),
    OpInfo("sqrt", lambda T, x: T.sqrt(x), _unary_samples(positive)),
    OpInfo("tanh", lambda T, x: T.tanh(x), _unary_samples()),
    OpInfo("sigmoid", lambda T, x: T.sigmoid(x), _unary_samples()),
    OpInfo("relu", lambda T, x: T.relu(x), _unary_samples()),
    OpInfo("abs", lambda T, x: T.abs(x), _unary_samples()),
]
