"""Gather from and scatter into flattened spatial planes by per-plane flat indices.

Max pooling returns PyTorch's indices: for each output element, the flat position of the
chosen input element within its (N, C) plane. ``_ScatterPlanes`` (max pooling's gradient,
max_unpool) and ``_GatherPlanes`` are each other's adjoints, so derivatives of any order work.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import add_at
from ember.autograd.function import Op

__all__ = ["scatter_planes", "gather_planes"]


def _global_index(idx, nlead, plane):
    """Flat indices into the whole ``(*lead, plane)`` array."""
    lead = int(np.prod(idx.shape[:nlead], dtype=np.int64))
    offsets = (
        array_module(idx)
        .arange(lead, dtype=np.int64)
        .reshape(idx.shape[:nlead] + (1,) * (idx.ndim - nlead))
    )
    return (idx + offsets * plane).ravel()


class _ScatterPlanes(Op):
    def forward(ctx, g, *, idx, nlead, size, accumulate):
        ctx.idx, ctx.nlead, ctx.size, ctx.accumulate = idx, nlead, size, accumulate
        lead = g.shape[:nlead]
        plane = int(np.prod(size, dtype=np.int64))
        flat = _global_index(idx, nlead, plane)
        total = int(np.prod(lead, dtype=np.int64)) * plane
        out = ctx.xp.zeros(total, dtype=g.dtype)
        if accumulate:
            # add.at keeps the dtype and, in NumPy 2, beats bincount on float32.
            add_at(out, flat, g.ravel())
        else:
            out[flat] = g.ravel()
        return out.reshape(lead + tuple(size))

    def backward(ctx, grad):
        return _GatherPlanes.apply(grad, idx=ctx.idx, nlead=ctx.nlead, size=ctx.size)


class _GatherPlanes(Op):
    def forward(ctx, x, *, idx, nlead, size):
        ctx.idx, ctx.nlead, ctx.size = idx, nlead, size
        plane = int(np.prod(size, dtype=np.int64))
        flat = _global_index(idx, nlead, plane)
        return x.reshape(-1)[flat].reshape(idx.shape)

    def backward(ctx, grad):
        return _ScatterPlanes.apply(
            grad, idx=ctx.idx, nlead=ctx.nlead, size=ctx.size, accumulate=True
        )


def scatter_planes(g, idx, nlead, size, accumulate=True):
    """Place (or add) ``g`` at per-plane flat indices ``idx`` in planes of spatial ``size``."""
    return _ScatterPlanes.apply(g, idx=idx, nlead=nlead, size=tuple(size), accumulate=accumulate)


def gather_planes(x, idx, nlead):
    """``x``'s elements at per-plane flat indices ``idx`` (shape ``(*lead, *out)``)."""
    size = tuple(x.shape[nlead:])
    return _GatherPlanes.apply(x, idx=idx, nlead=nlead, size=size)
