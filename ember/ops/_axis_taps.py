"""A fixed linear map along one axis, given as taps: ``out[j] = sum_k w_k[j] * x[idx_k[j]]``.

Linear and cubic interpolation are such maps (2 and 4 taps per output position). The map is
linear in ``x``, so its gradient is the transposed map, another set of taps, and the op is
its own family under differentiation: every derivative order works.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import run_ranks
from ember.autograd.function import Op

__all__ = ["axis_taps"]


def _transpose(taps, size):
    """The taps of the transposed map onto an axis of ``size`` positions."""
    xp = array_module(taps[0][0])
    n_out = taps[0][0].size
    targets = xp.concatenate([idx for idx, _ in taps])
    sources = xp.tile(xp.arange(n_out), len(taps))
    weights = xp.concatenate([w for _, w in taps])
    keep = weights != 0
    targets, sources, weights = targets[keep], sources[keep], weights[keep]
    order = xp.argsort(targets, kind="stable")
    targets, sources, weights = targets[order], sources[order], weights[order]
    n = targets.size
    first = xp.ones(n, dtype=bool)
    first[1:] = targets[1:] != targets[:-1]
    rank = run_ranks(first)
    out = []
    for r in range(int(rank.max()) + 1 if n else 1):
        idx = xp.zeros(size, dtype=np.int64)
        w = xp.zeros(size, dtype=weights.dtype)
        sel = rank == r
        idx[targets[sel]] = sources[sel]
        w[targets[sel]] = weights[sel]
        out.append((idx, w))
    return tuple(out)


class _AxisTaps(Op):
    def forward(ctx, x, *, taps, axis):
        ctx.taps, ctx.axis, ctx.size = taps, axis, x.shape[axis]
        bshape = (-1,) + (1,) * (x.ndim - axis - 1)
        out = None
        for idx, w in taps:
            term = ctx.xp.take(x, idx, axis=axis)
            term *= w.astype(x.dtype, copy=False).reshape(bshape)
            if out is None:
                out = term
            else:
                out += term
        return out

    def backward(ctx, grad):
        return _AxisTaps.apply(grad, taps=_transpose(ctx.taps, ctx.size), axis=ctx.axis)


def axis_taps(x, taps, axis):
    """``sum_k x.index_select(axis, idx_k) * w_k`` (weights broadcast along ``axis``)."""
    # The taps move to x's device once, here, not in every forward.
    xp = array_module(x._data)
    if xp is not np:
        taps = tuple((xp.asarray(idx), xp.asarray(w)) for idx, w in taps)
    return _AxisTaps.apply(x, taps=taps, axis=axis % x.dim())
