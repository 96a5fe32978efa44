"""Gather along one axis by an index array, and its adjoint, a scatter-add along that axis.

Non-constant padding and nearest/linear interpolation are compositions of these two ops; each
is the other's gradient, so every derivative order works.
"""

import numpy as np

from ember.autograd.function import Op

__all__ = ["take_axis"]


class _TakeAxis(Op):
    def forward(ctx, x, *, idx, axis):
        ctx.idx, ctx.axis, ctx.size = idx, axis, x.shape[axis]
        return np.take(x, idx, axis=axis)

    def backward(ctx, grad):
        return _AddAxis.apply(grad, idx=ctx.idx, axis=ctx.axis, size=ctx.size)


class _AddAxis(Op):
    def forward(ctx, g, *, idx, axis, size):
        ctx.idx, ctx.axis = idx, axis
        shape = list(g.shape)
        shape[axis] = size
        out = np.zeros(shape, dtype=g.dtype)
        # Sort the indices so that repeated ones are adjacent, then sum each run at once.
        order = np.argsort(idx, kind="stable")
        sorted_idx = idx[order]
        uniq, starts = np.unique(sorted_idx, return_index=True)
        if uniq.size == idx.size:
            key = [slice(None)] * g.ndim
            key[axis] = idx
            out[tuple(key)] = g
            return out
        sums = np.add.reduceat(np.take(g, order, axis=axis), starts, axis=axis)
        key = [slice(None)] * g.ndim
        key[axis] = uniq
        out[tuple(key)] = sums
        return out

    def backward(ctx, grad):
        return _TakeAxis.apply(grad, idx=ctx.idx, axis=ctx.axis)


def take_axis(x, idx, axis):
    """``x`` indexed by the int array ``idx`` along ``axis`` (differentiable)."""
    return _TakeAxis.apply(x, idx=np.asarray(idx, dtype=np.int64), axis=axis % x.dim())
