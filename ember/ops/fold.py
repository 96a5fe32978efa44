"""im2col and col2im: ``unfold`` gathers sliding blocks into columns, ``fold`` sums columns
back into an image. Each is the other's adjoint, so each one's gradient is the other op."""

import numpy as np

from ember.autograd.function import Op
from ember.ops._windows import padded, scatter_windows, windows

__all__ = ["unfold_blocks", "fold_blocks"]

TENSOR_METHODS = ()


class _Unfold(Op):
    """(N, C, *in) -> (N, C * prod(kernel), L) with L the number of block positions."""

    def forward(ctx, x, *, geom):
        ctx.geom = geom
        n, c = x.shape[:2]
        cols = windows(padded(x, geom), geom)  # (N, C, *kernel, *blocks)
        return cols.reshape(n, c * int(np.prod(geom.kernel)), int(np.prod(geom.out_size)))

    def backward(ctx, grad):
        return _Fold.apply(grad, geom=ctx.geom)


class _Fold(Op):
    """(N, C * prod(kernel), L) -> (N, C, *out): overlapping block values are summed."""

    def forward(ctx, cols, *, geom):
        ctx.geom = geom
        n = cols.shape[0]
        k = int(np.prod(geom.kernel))
        blocks = cols.reshape((n, cols.shape[1] // k) + geom.kernel + geom.out_size)
        return ctx.xp.ascontiguousarray(scatter_windows(blocks, geom))

    def backward(ctx, grad):
        return _Unfold.apply(grad, geom=ctx.geom)


def unfold_blocks(input, geom):
    """im2col of a batched input with a checked window ``geom`` (see ember/ops/_windows.py)."""
    return _Unfold.apply(input, geom=geom)


def fold_blocks(input, geom):
    """col2im of batched columns with a checked window ``geom`` (``geom.in_size``: the image)."""
    return _Fold.apply(input, geom=geom)
