"""The gradient paths of ops whose results are elements of their input.

``take_along_dim`` picks elements at a fixed index array (max with dim, sort, topk, median,
cummax...); its adjoint scatters a gradient back to those places. Both are linear, so their
gradients are each other and double backward works. ``SelectValue`` is PyTorch's rule for
reductions without indices (max(), amax, median()): the gradient is shared evenly among the
elements equal to the result.
"""

from ember._backend import array_module
from ember._backend._arrays import add_at, errstate, put_along_axis
from ember._tensor import make_tensor
from ember.autograd.function import Op

__all__ = ["take_along_dim", "SelectValue", "check_nonempty"]


class TakeAlongDim(Op):
    def forward(ctx, x, index, dim, unique):
        ctx.index, ctx.dim, ctx.unique, ctx.shape = index, dim, unique, x.shape
        return ctx.xp.take_along_axis(x, index, dim)

    def backward(ctx, grad):
        return ScatterAlongDim.apply(
            grad, index=ctx.index, dim=ctx.dim, shape=ctx.shape, unique=ctx.unique
        )


class ScatterAlongDim(Op):
    """Zeros of ``shape`` with ``src`` added at ``index`` along ``dim``."""

    def forward(ctx, src, index, dim, shape, unique):
        ctx.index, ctx.dim, ctx.unique = index, dim, unique
        xp = ctx.xp
        out = xp.zeros(shape, src.dtype)
        if unique:
            put_along_axis(out, index, src, dim)
        else:
            # Repeated indices (cummax) accumulate.
            where = list(xp.ix_(*[xp.arange(s) for s in index.shape]))
            where[dim] = index
            add_at(out, tuple(where), src)
        return out

    def backward(ctx, grad):
        return TakeAlongDim.apply(grad, index=ctx.index, dim=ctx.dim, unique=ctx.unique)


def take_along_dim(x, index, dim, shape, unique=True):
    """The elements of ``x`` at ``index`` (an int64 array) along ``dim``, reshaped to ``shape``;
    differentiable in ``x``. A 0-d ``x`` acts as 1-d."""
    if x._data.ndim == 0:
        x = x.reshape(1)
        index = index.reshape(1)
    values = TakeAlongDim.apply(x, index=index, dim=dim, unique=unique)
    return values if values._data.shape == tuple(shape) else values.reshape(shape)


class SelectValue(Op):
    """A reduction whose result ``value`` (computed by the caller, reduced dims kept) is an
    element of ``x``. The gradient is shared evenly among the elements equal to it; with
    ``nan_equal`` a NaN result shares it among the NaNs (PyTorch's rule for max() and
    median(); amax compares with ``==`` only, so a NaN result gives NaN gradients)."""

    save_inputs = True

    def forward(ctx, x, value, dims, keepdim, nan_equal):
        ctx.value, ctx.dims, ctx.nan_equal = value, dims, nan_equal
        out = (
            value
            if keepdim
            else value.reshape([s for i, s in enumerate(value.shape) if i not in dims])
        )
        return out.copy()  # the output may be changed in place; ``value`` must not

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xd, value = x._data, ctx.value
        xp = array_module(xd)
        mask = xd == value
        if ctx.nan_equal:
            mask |= xp.isnan(xd) & xp.isnan(value)
        with errstate(xp, divide="ignore", invalid="ignore"):
            weights = mask / mask.sum(axis=ctx.dims, keepdims=True)
        return grad.reshape(value.shape) * make_tensor(weights.astype(xd.dtype))


def check_nonempty(x, dims, name, sep="()"):
    """PyTorch's errors for reductions without an identity (max, argmax...) on empty input."""
    shape = x._data.shape
    if dims is None:
        if x._data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return
    for d in dims:
        if shape and shape[d] == 0:
            raise IndexError(f"{name}{sep}: Expected reduction dim {d} to have non-zero size.")
