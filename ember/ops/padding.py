"""``pad``: constant, reflect, replicate and circular padding in PyTorch's pad-tuple order
(last dim first: ``(left, right, top, bottom, ...)``)."""

import numpy as np

from ember.autograd.function import Op
from ember.ops._axis_take import take_axis

__all__ = ["pad"]

TENSOR_METHODS = ()

_SUPPORTED = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


class _ConstantPad(Op):
    """Pads (or, for negative amounts, crops) each dim by ``(lo, hi)``; linear in ``x``."""

    def forward(ctx, x, *, pads, value):
        ctx.pads = pads
        shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pads))
        if any(s < 0 for s in shape):
            raise RuntimeError("narrow(): length must be non-negative.")
        out = np.full(shape, value, dtype=x.dtype)
        dst, src = [], []
        for n, (lo, hi) in zip(x.shape, pads):
            start = max(-lo, 0)
            stop = max(min(n, n + hi), start)
            src.append(slice(start, stop))
            dst.append(slice(start + lo, stop + lo))
        out[tuple(dst)] = x[tuple(src)]
        return out

    def backward(ctx, grad):
        return _ConstantPad.apply(grad, pads=tuple((-lo, -hi) for lo, hi in ctx.pads), value=0)


def _per_dim(pad, ndim):
    """PyTorch's flat pad tuple as ((lo, hi) per dim of the tensor), leading dims unpadded."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {ndim}"
        )
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(k)]
    return [(0, 0)] * (ndim - k) + pairs[::-1]


def _source_index(mode, n, lo, hi):
    pos = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(pos, 0, n - 1)
    if mode == "circular":
        return pos % n
    period = 2 * (n - 1)
    if period == 0:
        return np.zeros_like(pos)
    q = np.abs(pos) % period
    return np.where(q >= n, period - q, q)


def _check_non_constant(input, pad, mode, pairs):
    ndim = input.dim()
    k = len(pad) // 2
    if len(pad) % 2 or not (1 <= k <= 3) or ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {ndim}D input tensor.\n{_SUPPORTED}"
        )
    for dim, (lo, hi) in enumerate(pairs):
        n = input.shape[dim]
        if (lo, hi) == (0, 0):
            continue
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                "Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                f"{list(input.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and n == 0:
            raise RuntimeError(
                f"padding size is expected to be less than input size, got input of "
                f"size {list(input.shape)}"
            )


def pad(input, pad, mode="constant", value=None):
    """Pad ``input``; ``pad`` lists (before, after) amounts starting from the last dim."""
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant" and value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    pairs = _per_dim(tuple(pad), input.dim())
    if mode == "constant":
        fill = 0 if value is None else value
        return _ConstantPad.apply(input, pads=tuple(pairs), value=fill)
    _check_non_constant(input, tuple(pad), mode, pairs)
    out = input
    for dim, (lo, hi) in enumerate(pairs):
        if (lo, hi) != (0, 0):
            out = take_axis(out, _source_index(mode, input.shape[dim], lo, hi), dim)
    return out
