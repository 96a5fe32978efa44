"""The indexing primitives that every indexing op reduces to, each the adjoint of another.

- ``Slice``: a basic-index view (ints, slices, None, Ellipsis); adjoint ``SliceBackward``.
- ``Index``: an advanced-index copy (integer arrays, masks, mixed with basic keys); adjoint
  ``IndexBackward``, which accumulates repeated indices.
- ``IndexPut``: a copy of the input with ``value`` written (or added) at a key.

Keys are NumPy keys on the backend array, already checked by the caller; gather, scatter,
index_select, index_add... build keys and call these.
"""

from ember._backend._arrays import add_at, as_strided
from ember.autograd.function import Op

__all__ = ["Slice", "SliceBackward", "Index", "IndexBackward", "IndexPut", "basic_view"]


def basic_view(a, key):
    """``a[key]`` for a basic key ending with Ellipsis (so the result is an array), with the
    strides PyTorch gives the dims that ``None`` inserts."""
    out = a[key]
    if None in key:
        out = _none_strides(a, key, out)
    return out


def _none_strides(a, key, out):
    # NumPy gives an inserted dim stride 0; PyTorch unsqueezes, giving it size * stride of the
    # input dim that follows it (1 at the end). The other dims keep NumPy's strides.
    n_consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    strides = list(out.strides)
    in_dim = 0
    pos = 0
    for k in key:
        if k is Ellipsis:
            span = a.ndim - n_consumed
            in_dim += span
            pos += span
        elif k is None:
            if in_dim < a.ndim:
                strides[pos] = a.shape[in_dim] * a.strides[in_dim]
            else:
                strides[pos] = a.itemsize
            pos += 1
        elif isinstance(k, slice):
            in_dim += 1
            pos += 1
        else:
            in_dim += 1
    return as_strided(out, out.shape, tuple(strides))


class Slice(Op):
    is_view = True

    def forward(ctx, x, key):
        ctx.shape = x.shape
        ctx.key = key
        return basic_view(x, key)

    def backward(ctx, grad):
        return SliceBackward.apply(grad, shape=ctx.shape, key=ctx.key)


class SliceBackward(Op):
    """Zeros of ``shape`` with ``g`` written at the basic key (the adjoint of ``Slice``)."""

    def forward(ctx, g, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, g.dtype)
        out[key] = g
        return out

    def backward(ctx, grad):
        return Slice.apply(grad, key=ctx.key)


class Index(Op):
    def forward(ctx, x, key):
        ctx.shape = x.shape
        ctx.key = key
        return x[key]

    def backward(ctx, grad):
        return IndexBackward.apply(grad, shape=ctx.shape, key=ctx.key)


class IndexBackward(Op):
    """Zeros of ``shape`` with ``g`` added at an advanced key; repeated indices accumulate."""

    def forward(ctx, g, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, g.dtype)
        add_at(out, key, g)
        return out

    def backward(ctx, grad):
        return Index.apply(grad, key=ctx.key)


class IndexPut(Op):
    """A copy of ``x`` with ``value`` (broadcast to ``x[key]``) written or, with
    ``accumulate``, added at ``key``. The engine sums ``value``'s gradient to its shape."""

    def forward(ctx, x, value, key, accumulate):
        ctx.key = key
        ctx.accumulate = accumulate
        out = x.copy()
        if accumulate:
            add_at(out, key, value)
        else:
            out[key] = value
        return out

    def backward(ctx, grad):
        need_x, need_value = ctx.needs_input_grad
        key = ctx.key
        gx = gv = None
        if need_x:
            # Written places take nothing from the old values; added places pass grad through.
            gx = grad if ctx.accumulate else IndexPut.apply(grad, 0.0, key=key, accumulate=False)
        if need_value:
            gv = Index.apply(grad, key=key)
        return gx, gv
