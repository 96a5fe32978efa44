"""Registry entries for normalization, padding, interpolation and pixel-shuffle functionals."""

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _F(T):
    return T.nn.functional


def _layer_norm_samples(rng):
    return [
        Sample((rand(rng, 2, 3), rand(rng, 3), rand(rng, 3)), {"shape": (3,)}, name="last dim"),
        Sample((rand(rng, 2, 2, 3), rand(rng, 2, 3), rand(rng, 2, 3)), {"shape": (2, 3)}),
        Sample(
            (NonContiguous(rand(rng, 3, 2)), rand(rng, 2), rand(rng, 2)),
            {"shape": (2,)},
            name="non-contiguous",
        ),
        Sample((rand(rng, 0, 3), rand(rng, 3), rand(rng, 3)), {"shape": (3,)}, name="empty"),
    ]


def _channel_samples(rng):
    """(input, weight, bias) over (N, C, *) with C = 4."""
    return [
        Sample((rand(rng, 3, 4), rand(rng, 4), rand(rng, 4)), name="(N, C)"),
        Sample((rand(rng, 2, 4, 3), rand(rng, 4), rand(rng, 4)), name="(N, C, L)"),
        Sample(
            (NonContiguous(rand(rng, 2, 4, 2, 2)), rand(rng, 4), rand(rng, 4)),
            name="non-contiguous (N, C, H, W)",
        ),
    ]


def _batch_norm(T, x, w, b, training):
    c = x.shape[1]
    mean, var = T.linspace(-1, 1, c, dtype=x.dtype), T.linspace(0.5, 2, c, dtype=x.dtype)
    return _F(T).batch_norm(x, mean, var, w, b, training, 0.1, 1e-3)


def _rms_norm_samples(rng):
    return [
        Sample((rand(rng, 2, 3), rand(rng, 3)), {"shape": (3,)}),
        Sample((NonContiguous(rand(rng, 3, 2)), rand(rng, 2)), {"shape": (2,)}),
        Sample((rand(rng, 0, 3), rand(rng, 3)), {"shape": (3,)}, name="empty"),
    ]


def _lrn_samples(rng):
    return [
        Sample((rand(rng, 2, 5, 3),), {"size": 3}),
        Sample((NonContiguous(rand(rng, 1, 4, 2, 2)),), {"size": 2}),
    ]


def _pad_samples(rng):
    return [
        Sample((rand(rng, 2, 3, 4),), {"pad": (1, 2)}, name="1 dim"),
        Sample((rand(rng, 1, 2, 3, 3),), {"pad": (2, 1, -1, 2)}, name="2 dims, a crop"),
        Sample((NonContiguous(rand(rng, 1, 2, 3, 3, 3)),), {"pad": (1, 0, 0, 2, 1, 1)}),
    ]


def _interpolate_samples(nd):
    def samples(rng):
        x = rand(rng, *((1, 2) + (4, 3, 2)[:nd]))
        return [
            Sample((x,), {"size": tuple((6, 2, 3)[:nd])}, name="size"),
            Sample((x,), {"scale_factor": 1.5}, name="scale_factor"),
            Sample((NonContiguous(x),), {"size": tuple((3, 5, 1)[:nd])}, name="non-contiguous"),
        ]

    return samples


def _pixel_shuffle_samples(rng):
    return [
        Sample((rand(rng, 1, 8, 2, 3),), {"r": 2}),
        Sample((NonContiguous(rand(rng, 9, 2, 2)),), {"r": 3}),
        # PyTorch's backward of an empty pixel_shuffle fails on its own shape check.
        Sample((rand(rng, 0, 4, 1, 2),), {"r": 2}, grad=(), name="empty"),
    ]


def _pixel_unshuffle_samples(rng):
    return [
        Sample((rand(rng, 1, 2, 4, 6),), {"r": 2}),
        Sample((NonContiguous(rand(rng, 1, 3, 6)),), {"r": 3}),
    ]


OPS = [
    OpInfo(
        "nn.functional.layer_norm",
        lambda T, x, w, b, shape: _F(T).layer_norm(x, shape, w, b),
        _layer_norm_samples,
    ),
    OpInfo(
        "nn.functional.group_norm",
        lambda T, x, w, b: _F(T).group_norm(x, 2, w, b, 1e-3),
        _channel_samples,
    ),
    OpInfo(
        "nn.functional.batch_norm (training)",
        lambda T, x, w, b: _batch_norm(T, x, w, b, True),
        _channel_samples,
    ),
    OpInfo(
        "nn.functional.batch_norm (eval)",
        lambda T, x, w, b: _batch_norm(T, x, w, b, False),
        _channel_samples,
    ),
    OpInfo(
        "nn.functional.instance_norm",
        lambda T, x, w, b: _F(T).instance_norm(x, weight=w, bias=b, eps=1e-3),
        lambda rng: _channel_samples(rng)[1:],
    ),
    OpInfo(
        "nn.functional.rms_norm",
        lambda T, x, w, shape: _F(T).rms_norm(x, shape, w),
        _rms_norm_samples,
    ),
    OpInfo(
        "nn.functional.local_response_norm",
        lambda T, x, size: _F(T).local_response_norm(x, size, alpha=0.5, k=1.5),
        _lrn_samples,
    ),
    OpInfo(
        "nn.functional.pixel_shuffle",
        lambda T, x, r: _F(T).pixel_shuffle(x, r),
        _pixel_shuffle_samples,
    ),
    OpInfo(
        "nn.functional.pixel_unshuffle",
        lambda T, x, r: _F(T).pixel_unshuffle(x, r),
        _pixel_unshuffle_samples,
    ),
]

for _mode in ("constant", "reflect", "replicate", "circular"):
    OPS.append(
        OpInfo(
            f"nn.functional.pad ({_mode})",
            lambda T, x, pad, mode=_mode: _F(T).pad(x, pad, mode=mode),
            _pad_samples,
        )
    )

for _mode, _nd, _corners in (
    ("nearest", 1, None),
    ("nearest-exact", 2, None),
    ("area", 2, None),
    ("linear", 1, False),
    ("bilinear", 2, True),
    ("bicubic", 2, False),
    ("trilinear", 3, False),
):
    OPS.append(
        OpInfo(
            f"nn.functional.interpolate ({_mode})",
            lambda T, x, mode=_mode, ac=_corners, **kw: _F(T).interpolate(
                x, mode=mode, align_corners=ac, **kw
            ),
            _interpolate_samples(_nd),
        )
    )
