"""The normalization primitive shared by batch, instance, layer and group norm.

Note [one normalization op]
Batch, instance, layer and group norm all standardise ``x`` over some axes, then scale and
shift. ``_Normalize`` does this in one op whose forward also returns the batch statistics (mean
and biased variance, kept dims, as non-differentiable outputs) for running-statistics updates.
When the affine parameters are constant along the reduced axes (batch, instance and group
norm), the scale and shift fold into one multiply-add per element. Half-precision inputs are
computed in float32 and rounded once at the end, as PyTorch's CPU kernels do.

The backward is the closed-form gradient. Under ``create_graph`` it is written with ember ops
and recomputes mean and inverse std from ``x``, so second derivatives see their dependence on
``x``. Otherwise (the common case) ``_NormalizeGrad`` computes the same formula in a few NumPy
passes; it is only ever applied with grad mode off, so it never needs a backward of its own.
"""

import math

import numpy as np

from ember._backend import array_module
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD

__all__ = ["normalize"]


def _constant_along(w, x, axes):
    """Whether ``w`` (broadcast against ``x``) has size 1 on every reduced axis."""
    if w is None:
        return True
    lead = x.ndim - w.ndim
    return all(a < lead or w.shape[a - lead] == 1 for a in axes)


def _sum_to(a, shape):
    """``a`` summed down to ``shape`` (aligned at the right, as broadcasting)."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1
    )
    return a.sum(axis=axes, keepdims=True).reshape(shape) if axes else a


def _upcast(a):
    """Half-precision arrays as float32: statistics accumulate in float32, as in PyTorch."""
    return a.astype(np.float32) if a.dtype.itemsize < 4 else a


def _dot_over(a, b, axes):
    """``(a * b).sum(axes, keepdims=True)`` without the full-size temporary (einsum)."""
    dims = list(range(a.ndim))
    keep = [d for d in dims if d not in axes]
    out = array_module(a, b).einsum(a, dims, b, dims, keep)
    return out.reshape([1 if d in axes else a.shape[d] for d in dims])


class _Normalize(Op):
    save_inputs = True
    non_differentiable = (1, 2)  # the batch mean and variance

    def forward(ctx, x, w, b, *, axes, eps):
        dtype = x.dtype
        x = _upcast(x)
        count = math.prod(x.shape[a] for a in axes)
        if count == 0:  # nothing to average: NaN statistics, as in PyTorch, without warnings
            stat = [1 if d in axes else n for d, n in enumerate(x.shape)]
            mean = ctx.xp.full(stat, np.nan, dtype=x.dtype)
        else:
            mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = _dot_over(xc, xc, axes) / count if count else mean.copy()
        invstd = (1.0 / ctx.xp.sqrt(var + eps)).astype(x.dtype, copy=False)
        ctx.axes, ctx.eps, ctx.mean, ctx.invstd = axes, eps, mean, invstd
        ctx.folded = _constant_along(w, x, axes)
        y = xc
        if ctx.folded:
            y *= invstd if w is None else invstd * w
        else:
            y *= invstd
            y *= w
        if b is not None:
            y += b
        return y.astype(dtype, copy=False), mean, var

    def backward(ctx, grad, _mean, _var):
        x, w, b = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        if not GRAD.enabled:
            gx, gw, gb = _NormalizeGrad.apply(
                grad,
                x,
                w,
                axes=ctx.axes,
                mean=ctx.mean,
                invstd=ctx.invstd,
                folded=ctx.folded,
                needs=(need_x, need_w, b is not None and need_b),
                bshape=None if b is None else b._data.shape,
            )
            return gx if need_x else None, gw if need_w else None, gb if need_b else None
        axes = ctx.axes
        mean = x.mean(axes, keepdim=True)
        invstd = (x.var(axes, keepdim=True, correction=0) + ctx.eps).rsqrt()
        xhat = (x - mean) * invstd
        gx = gw = None
        if need_x:
            g = grad if w is None else grad * w
            gx = invstd * (
                g - g.mean(axes, keepdim=True) - xhat * (g * xhat).mean(axes, keepdim=True)
            )
        if need_w:
            gw = grad * xhat  # the engine sums it down to the weight's shape
        return gx, gw, (grad if need_b else None)


class _NormalizeGrad(Op):
    """First-order gradients of ``_Normalize`` in NumPy; applied only with grad mode off."""

    def forward(ctx, grad, x, w, *, axes, mean, invstd, folded, needs, bshape):
        gx, gw, gb = _normalize_grads(grad, x, w, axes, mean, invstd, folded, needs, bshape)
        empty = ctx.xp.zeros((), x.dtype)  # a placeholder for a gradient that is not needed
        return tuple(empty if a is None else a for a in (gx, gw, gb))

    def backward(ctx, *grads):
        raise RuntimeError("_NormalizeGrad is used only without create_graph")


def _normalize_grads(grad, x, w, axes, mean, invstd, folded, needs, bshape):
    """(grad x, grad w, grad b) as arrays, None where not needed."""
    grad, x = _upcast(grad), _upcast(x)
    xp = array_module(grad, x)
    need_x, need_w, need_b = needs
    count = max(math.prod(x.shape[a] for a in axes), 1)  # an empty group has no gradient
    xhat = x - mean
    xhat *= invstd
    gx = gw = gb = None
    if need_b:
        gb = _sum_to(grad, bshape)
    if folded:  # w constant along axes: both reductions are of grad itself
        sg = grad.sum(axis=axes, keepdims=True)
        sgx = _dot_over(grad, xhat, axes)
        if need_w:
            gw = _sum_to(sgx, w.shape)
        if need_x:  # invstd * w * (grad - mean(grad) - xhat * mean(grad * xhat))
            gx = xhat
            gx *= sgx / count
            xp.subtract(grad, gx, out=gx)
            gx -= sg / count
            gx *= invstd if w is None else invstd * w
        return gx, gw, gb
    if need_w:
        lead = x.ndim - w.ndim
        broadcast = tuple(d for d in range(x.ndim) if d < lead or w.shape[d - lead] == 1)
        gw = _dot_over(grad, xhat, broadcast).reshape(w.shape)
    if need_x:  # invstd * (g - mean(g) - xhat * mean(g * xhat)), g = grad * w
        g = grad * w
        mg = g.mean(axis=axes, keepdims=True)
        mgx = _dot_over(g, xhat, axes) / count
        gx = xhat
        gx *= mgx
        xp.subtract(g, gx, out=gx)
        gx -= mg
        gx *= invstd
    return gx, gw, gb


def normalize(x, w, b, axes, eps):
    """``(x - mean) / sqrt(var + eps) * w + b`` over ``axes``; returns (out, mean, biased var)
    with the statistics as arrays (kept dims), for running-statistics updates."""
    out, mean, var = _Normalize.apply(x, w, b, axes=axes, eps=eps)
    return out, mean._data, var._data
