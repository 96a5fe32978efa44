"""Registry entries for convolution, pooling and fold/unfold (``torch.nn.functional``).

Samples are tiny: the registry runs gradgradcheck on each, by finite differences.
"""

from ember.testing.op_db.opinfo import OpInfo, positive, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


# Spatial sizes per number of spatial dims, and the (N, C) of batched samples: 3-d samples
# stay small because finite differences cost one call per input element.
_SPATIAL = {1: (7,), 2: (5, 4), 3: (3, 4, 3)}
_LEAD = {1: (2, 2), 2: (2, 2), 3: (1, 2)}


def _F(T):
    return T.nn.functional


def _conv_samples(nsp):
    def samples(rng):
        sp = {1: (5,), 2: (5, 4), 3: (4, 3, 3)}[nsp]
        k = (3, 2, 2)[:nsp]
        return [
            Sample((rand(rng, 2, 2, *sp), rand(rng, 3, 2, *k), rand(rng, 3)), name="bias"),
            Sample(
                (rand(rng, 1, 4, *sp), rand(rng, 4, 2, *k), None),
                dict(stride=2, padding=1, groups=2),
                name="stride pad groups",
            ),
            Sample(
                (rand(rng, 2, *sp), rand(rng, 2, 2, *k), rand(rng, 2)),
                dict(padding="same", dilation=2),
                name="unbatched same dilation",
            ),
            Sample(
                (NonContiguous(rand(rng, 2, 2, *sp)), rand(rng, 2, 2, *k), None),
                dict(padding="valid"),
                name="non-contiguous",
            ),
            Sample((rand(rng, 0, 2, *sp), rand(rng, 3, 2, *k), rand(rng, 3)), name="empty"),
        ]

    return samples


def _conv_transpose_samples(nsp):
    def samples(rng):
        sp = {1: (3,), 2: (3, 3), 3: (2, 2, 2)}[nsp]
        k = (3, 2, 2)[:nsp]
        return [
            Sample((rand(rng, 2, 2, *sp), rand(rng, 2, 3, *k), rand(rng, 3)), name="bias"),
            Sample(
                (rand(rng, 1, 4, *sp), rand(rng, 4, 1, *k), rand(rng, 2)),
                dict(stride=2, padding=1, output_padding=1, groups=2),
                name="stride output_padding groups",
            ),
            Sample(
                (rand(rng, 2, *sp), rand(rng, 2, 2, *k), None),
                dict(stride=3, output_padding=1, dilation=2),
                name="unbatched dilation",
            ),
            Sample(
                (NonContiguous(rand(rng, 2, 2, *sp)), rand(rng, 2, 2, *k), None),
                name="non-contiguous",
            ),
        ]

    return samples


def _pool_samples(nsp, extra):
    def samples(rng):
        sp, lead = _SPATIAL[nsp], _LEAD[nsp]
        out = [
            Sample((rand(rng, *lead, *sp),), dict(kernel_size=2), name="kernel 2"),
            Sample(
                (rand(rng, 2, *sp),),
                dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                name="unbatched padding ceil_mode",
            ),
            Sample(
                (NonContiguous(rand(rng, *lead, *sp)),),
                dict(kernel_size=2, stride=1),
                name="non-contiguous",
            ),
            Sample((rand(rng, 0, 2, *sp),), dict(kernel_size=2), name="empty batch"),
        ]
        for kwargs in extra:
            out.append(
                Sample((rand(rng, 1, 2, *sp),), {"kernel_size": 3, **kwargs}, name=" ".join(kwargs))
            )
        return out

    return samples


def _adaptive_samples(nsp):
    def samples(rng):
        sp, lead = _SPATIAL[nsp], _LEAD[nsp]
        return [
            Sample((rand(rng, *lead, *sp), (3, 2, 2)[:nsp]), name="shrink"),
            Sample((rand(rng, 2, *sp), (4, 3, 4)[:nsp]), name="unbatched overlapping"),
            Sample((NonContiguous(rand(rng, *lead, *sp)), 1), name="non-contiguous to 1"),
            Sample((rand(rng, 0, 2, *sp), 2), name="empty batch"),
        ]

    return samples


def _unpool_fn(nsp):
    def fn(T, x, kernel_size, stride, padding):
        F = _F(T)
        values, indices = getattr(F, f"max_pool{nsp}d")(
            x, kernel_size, stride, padding, return_indices=True
        )
        # Windows may pick positions past the default output size: ask for x's size.
        size = x.shape[-nsp:]
        return getattr(F, f"max_unpool{nsp}d")(
            values * 2, indices, kernel_size, stride, padding, output_size=size
        )

    return fn


def _unpool_samples(nsp):
    def samples(rng):
        sp, lead = _SPATIAL[nsp], _LEAD[nsp]
        # Non-overlapping windows: a position chosen twice would make unpool's output depend
        # on which write wins.
        return [
            Sample((rand(rng, *lead, *sp), 2, None, 0), name="kernel 2"),
            Sample((rand(rng, 2, *sp), 2, 2, 1), name="unbatched padding"),
        ]

    return samples


def _lp_samples(nsp):
    def samples(rng):
        sp, lead = _SPATIAL[nsp], _LEAD[nsp]
        return [
            Sample((rand(rng, *lead, *sp), 2.0, 2, None, False), name="p=2"),
            # Positive input: a negative window sum of x^3 is clamped to 0, where x^(1/3) has
            # no derivative.
            Sample((positive(rng, 2, *sp), 3.0, 3, 2, True), name="p=3 unbatched ceil_mode"),
            Sample((rand(rng, 1, 2, *sp), float("inf"), 2, 1, False), name="p=inf"),
        ]

    return samples


def _unfold_samples(rng):
    return [
        Sample((rand(rng, 2, 2, 4, 5), (2, 3)), name="kernel 2x3"),
        Sample(
            (rand(rng, 2, 4, 4), 3),
            dict(dilation=1, padding=1, stride=2),
            name="unbatched padding stride",
        ),
        Sample(
            (NonContiguous(rand(rng, 2, 2, 5, 5)), 2),
            dict(dilation=2),
            name="non-contiguous dilation",
        ),
    ]


def _fold_samples(rng):
    return [
        Sample((rand(rng, 2, 8, 6), (3, 4), 2), name="kernel 2"),
        Sample(
            (rand(rng, 18, 4), (4, 4), 3),
            dict(padding=1, stride=2),
            name="unbatched padding stride",
        ),
        Sample((rand(rng, 1, 4, 9), (5, 5), 2), dict(dilation=2), name="dilation"),
    ]


def _ops():
    ops = []
    for n in (1, 2, 3):
        name = f"conv{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}",
                lambda T, x, w, b, name=name, **kw: getattr(_F(T), name)(x, w, b, **kw),
                _conv_samples(n),
            )
        )
        name = f"conv_transpose{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}",
                lambda T, x, w, b, name=name, **kw: getattr(_F(T), name)(x, w, b, **kw),
                _conv_transpose_samples(n),
            )
        )
        extra = [dict(kernel_size=2, dilation=2)] if n < 3 else []
        name = f"max_pool{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}",
                lambda T, x, name=name, **kw: getattr(_F(T), name)(x, **kw),
                _pool_samples(n, extra),
            )
        )
        name = f"max_pool{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}_with_indices",
                lambda T, x, name=name, **kw: getattr(_F(T), name)(x, return_indices=True, **kw),
                _pool_samples(n, []),
                # The values and their gradient are max_pool's entry; this one adds indices.
                gradcheck=False,
                gradgradcheck=False,
            )
        )
        extra = [dict(padding=1, count_include_pad=False)]
        extra += [dict(stride=2, divisor_override=2)] if n > 1 else []
        name = f"avg_pool{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}",
                lambda T, x, name=name, **kw: getattr(_F(T), name)(x, **kw),
                _pool_samples(n, extra),
            )
        )
        name = f"adaptive_avg_pool{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}",
                lambda T, x, size, name=name: getattr(_F(T), name)(x, size),
                _adaptive_samples(n),
            )
        )
        name = f"adaptive_max_pool{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}",
                lambda T, x, size, name=name: getattr(_F(T), name)(x, size, True),
                _adaptive_samples(n),
            )
        )
        ops.append(OpInfo(f"nn.functional.max_unpool{n}d", _unpool_fn(n), _unpool_samples(n)))
        name = f"lp_pool{n}d"
        ops.append(
            OpInfo(
                f"nn.functional.{name}",
                lambda T, x, *args, name=name: getattr(_F(T), name)(x, *args),
                _lp_samples(n),
            )
        )
    ops.append(
        OpInfo(
            "nn.functional.unfold", lambda T, x, k, **kw: _F(T).unfold(x, k, **kw), _unfold_samples
        )
    )
    ops.append(
        OpInfo(
            "nn.functional.fold",
            lambda T, x, size, k, **kw: _F(T).fold(x, size, k, **kw),
            _fold_samples,
        )
    )
    for op in ops:
        if "3d" in op.name:
            # 1-d and 2-d entries cover the argument grid; 3-d ones (slow under finite
            # differences) check the first two samples.
            op.samples = _first_two(op.samples)
    return ops


def _first_two(samples):
    return lambda rng: samples(rng)[:2]


OPS = _ops()
