"""Gather along one axis by an index array, and its adjoint, a scatter-add along that axis.

Non-constant padding and nearest/linear interpolation are compositions of these two ops; each
is the other's gradient, so every derivative order works.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import run_ranks
from ember.autograd.function import Op

__all__ = ["take_axis"]


class _TakeAxis(Op):
    def forward(ctx, x, *, idx, axis):
        ctx.idx, ctx.axis, ctx.size = idx, axis, x.shape[axis]
        return ctx.xp.take(x, idx, axis=axis)

    def backward(ctx, grad):
        return _AddAxis.apply(grad, idx=ctx.idx, axis=ctx.axis, size=ctx.size)


class _AddAxis(Op):
    def forward(ctx, g, *, idx, axis, size):
        ctx.idx, ctx.axis = idx, axis
        shape = list(g.shape)
        shape[axis] = size
        xp = ctx.xp
        out = xp.zeros(shape, dtype=g.dtype)
        key = [slice(None)] * g.ndim
        # Positions that share a target index get ranks 0, 1, 2...; within one rank the targets
        # are distinct, so each rank is one fancy-indexed add (padding and 2x upsampling have
        # at most 2 ranks).
        order = xp.argsort(idx, kind="stable")
        sorted_idx = idx[order]
        n = idx.size
        first = xp.ones(n, dtype=bool)
        first[1:] = sorted_idx[1:] != sorted_idx[:-1]
        rank = run_ranks(first)
        for r in range(int(rank.max()) + 1 if n else 0):
            sel = order[rank == r]
            key[axis] = idx[sel]
            part = xp.take(g, sel, axis=axis)
            if r == 0:
                out[tuple(key)] = part
            else:
                out[tuple(key)] += part
        return out

    def backward(ctx, grad):
        return _TakeAxis.apply(grad, idx=ctx.idx, axis=ctx.axis)


def take_axis(x, idx, axis):
    """``x`` indexed by the int array ``idx`` along ``axis`` (differentiable)."""
    # The index moves to x's device once, here, not in every forward.
    xp = array_module(x._data)
    idx = xp.asarray(idx, dtype=np.int64)
    return _TakeAxis.apply(x, idx=idx, axis=axis % x.dim())
