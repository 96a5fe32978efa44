"""Registry entries for the fused recurrent cell (ember/ops/recurrent.py); PyTorch's side is
the same update composed of its ops."""

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample


def _lstm_cell(T, gates, c):
    if T.__name__ == "ember":
        from ember.ops.recurrent import lstm_cell

        return lstm_cell(gates, c)
    i, f, g, o = gates.chunk(4, -1)
    c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_new.tanh(), c_new


def _lstm_samples(rng):
    return [
        Sample((rand(rng, 3, 8), rand(rng, 3, 2)), name="batched"),
        Sample((rand(rng, 8), rand(rng, 2)), name="unbatched"),
        Sample((rand(rng, 0, 8), rand(rng, 0, 2)), name="empty batch"),
        Sample((rand(rng, 2, 3, 12), NonContiguous(rand(rng, 2, 3, 3))), name="non-contiguous"),
        Sample((rand(rng, 3, 8, low=-30, high=30), rand(rng, 3, 2)), name="saturated gates"),
    ]


def _gru_cell(T, x_proj, h_proj, h):
    if T.__name__ == "ember":
        from ember.ops.recurrent import gru_cell

        return gru_cell(x_proj, h_proj, h)
    xr, xz, xn = x_proj.chunk(3, -1)
    hr, hz, hn = h_proj.chunk(3, -1)
    r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
    n = (xn + r * hn).tanh()
    return (1 - z) * n + z * h


def _gru_samples(rng):
    return [
        Sample((rand(rng, 3, 6), rand(rng, 3, 6), rand(rng, 3, 2)), name="batched"),
        Sample((rand(rng, 6), rand(rng, 6), rand(rng, 2)), name="unbatched"),
        Sample((rand(rng, 0, 6), rand(rng, 0, 6), rand(rng, 0, 2)), name="empty batch"),
        Sample(
            (rand(rng, 2, 9), NonContiguous(rand(rng, 2, 9)), NonContiguous(rand(rng, 2, 3))),
            name="non-contiguous",
        ),
        Sample(
            (rand(rng, 3, 6, low=-30, high=30), rand(rng, 3, 6), rand(rng, 3, 2)),
            name="saturated gates",
        ),
    ]


OPS = [
    OpInfo("lstm_cell", _lstm_cell, _lstm_samples),
    OpInfo("gru_cell", _gru_cell, _gru_samples),
]
