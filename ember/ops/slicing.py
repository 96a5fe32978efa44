"""More view-producing slicers: ``select``, ``split_with_sizes``, ``hsplit``/``vsplit``/
``dsplit``, ``adjoint`` and ``Tensor.unfold`` (sliding windows as a strided view).

``unfold`` is its own view primitive (``Unfold``, replayable like the views of shape.py);
overlapping windows are read-only in NumPy, so an in-place write to them is refused with
PyTorch's message, as for expanded tensors.
"""

import numpy as np

from ember._backend._arrays import as_strided, is_writeable
from ember.autograd.function import Op
from ember.ops._common import wrap_dim
from ember.ops._index_ops import Slice
from ember.ops.shape import split, tensor_split, transpose

__all__ = ["select", "split_with_sizes", "hsplit", "vsplit", "dsplit", "adjoint"]

TENSOR_METHODS = tuple(__all__) + ("unfold",)


def select(input, dim, index):
    """The view of ``input`` at ``index`` along ``dim`` (that dim removed)."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    index = int(index)
    if not -shape[d] <= index < shape[d]:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(shape)} at "
            f"dimension {d}"
        )
    return Slice.apply(input, key=(slice(None),) * d + (index % shape[d], Ellipsis))


def split_with_sizes(input, split_sizes, dim=0):
    """Views of consecutive pieces of the given sizes along ``dim``."""
    return split(input, list(split_sizes), dim)


def _split_along(input, spec, dim, name, min_dims):
    n = input._data.ndim
    if n < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a "
            f"tensor with {n} dimensions!"
        )
    if isinstance(spec, (int, np.integer)):
        size = input._data.shape[dim]
        if spec == 0 or size % spec:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {size} is not divisible by the split_size {spec}!"
            )
    return tensor_split(input, spec, dim)


def hsplit(input, indices_or_sections):
    """``tensor_split`` along dim 1 (dim 0 for a 1-d tensor); sections must divide evenly."""
    dim = 1 if input._data.ndim > 1 else 0
    return _split_along(input, indices_or_sections, dim, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """``tensor_split`` along dim 0 of a tensor with at least 2 dims."""
    return _split_along(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """``tensor_split`` along dim 2 of a tensor with at least 3 dims."""
    return _split_along(input, indices_or_sections, 2, "dsplit", 3)


def adjoint(input):
    """The view with the last two dims swapped (the conjugate transpose of real matrices)."""
    if input._data.ndim < 2:
        raise RuntimeError(
            "tensor.adjoint() is only supported on matrices or batches of matrices. Got "
            f"{input._data.ndim}-D tensor."
        )
    return transpose(input, -2, -1)


# ---- unfold: sliding windows ------------------------------------------------------------------


def windows(x, dim, size, step):
    """The strided NumPy view of ``x`` with ``dim`` cut into windows (window index at ``dim``,
    offset within the window as a new last dim); read-only where windows overlap."""
    count = (x.shape[dim] - size) // step + 1 if x.ndim else 1
    if x.ndim == 0:
        return x.reshape(1)
    shape = x.shape[:dim] + (count,) + x.shape[dim + 1 :] + (size,)
    strides = x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1 :]
    strides += (x.strides[dim],)
    overlap = step < size and count > 1
    return as_strided(x, shape, strides, writeable=is_writeable(x) and not overlap)


class Unfold(Op):
    is_view = True

    def forward(ctx, x, dim, size, step):
        ctx.shape, ctx.args = x.shape, (dim, size, step)
        return windows(x, dim, size, step)

    def backward(ctx, grad):
        return UnfoldBackward.apply(grad, shape=ctx.shape, args=ctx.args)


class UnfoldBackward(Op):
    """The adjoint of ``Unfold``: each window's gradient added back at its place."""

    def forward(ctx, g, shape, args):
        ctx.args = args
        dim, size, step = args
        out = ctx.xp.zeros(shape, g.dtype)
        if not shape:
            return g.reshape(())
        count = g.shape[dim]
        for j in range(size):  # offset j of every window: distinct positions, no collisions
            key = (slice(None),) * dim + (slice(j, j + step * (count - 1) + 1, step),)
            out[key] += g[..., j]
        return out

    def backward(ctx, grad):
        dim, size, step = ctx.args
        return Unfold.apply(grad, dim=dim, size=size, step=step)


def unfold(self, dimension, size, step):
    """A view of all windows of ``size`` elements, ``step`` apart, along ``dimension``."""
    n = self._data.ndim
    dim = wrap_dim(dimension, n)
    length = self._data.shape[dim] if n else 1
    size, step = int(size), int(step)
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size > length:
        raise RuntimeError(
            f"maximum size for tensor at dimension {dim} is {length} but size is {size}"
        )
    return Unfold.apply(self, dim=dim, size=size, step=step)
