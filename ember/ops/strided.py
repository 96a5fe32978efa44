"""``as_strided``: a view with explicit sizes and strides over the input's storage.

Note [storage of an array]
ember has no storage object: a tensor's storage is the NumPy array at the root of its
``.base`` chain (what ``Tensor.storage_offset`` measures from). ``as_strided`` addresses that
root in elements, as PyTorch addresses the storage. Its gradient works on storage positions
too: the output's gradient is added into a zero storage at the positions the output reads,
and the input's gradient is read back at the positions the input covers (PyTorch's
as_strided backward, for inputs whose elements do not overlap).
"""

import numpy as np

from ember._backend import _arrays
from ember._backend._arrays import add_at, data_address, is_array, is_writeable
from ember.autograd.function import Op

__all__ = ["as_strided"]

TENSOR_METHODS = ("as_strided",)


def storage_root(a):
    """The array at the root of ``a``'s ``.base`` chain: its storage (Note [storage of an
    array])."""
    root = a
    kind = type(a)  # a device array's chain may end in a host array it was made from
    while True:
        base = root.base
        if not is_array(base):
            base = getattr(base, "base", None)  # as_strided views hang off a helper object
            if not is_array(base):
                return root
        if type(base) is not kind:
            return root
        root = base


def _positions(shape, strides, offset, xp):
    """The storage position of every element of a (shape, element strides) grid, as an
    array of module ``xp``."""
    pos = xp.full(shape, offset, np.int64)
    for dim, (size, stride) in enumerate(zip(shape, strides)):
        axis = [1] * len(shape)
        axis[dim] = size
        pos = pos + (xp.arange(size, dtype=np.int64) * stride).reshape(axis)
    return pos


def _element_layout(a, root):
    item = a.itemsize
    offset = (data_address(a) - data_address(root)) // item
    return offset, tuple(s // item for s in a.strides)


class AsStrided(Op):
    is_view = True

    def forward(ctx, x, size, stride, storage_offset):
        root = storage_root(x)
        if not (root.flags.c_contiguous or root.flags.f_contiguous):
            raise RuntimeError("as_strided: the tensor's memory is not one contiguous block")
        flat = root.ravel(order="K")  # a view, in memory order
        in_offset, in_strides = _element_layout(x, root)
        offset = in_offset if storage_offset is None else storage_offset
        ctx.storage_size = flat.size
        ctx.out_index = _positions(size, stride, offset, ctx.xp)
        ctx.in_index = _positions(x.shape, in_strides, in_offset, ctx.xp)
        needed = max(int(ctx.out_index.max()), offset - 1) + 1 if ctx.out_index.size else 0
        if needed > flat.size:
            span = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{offset}, and itemsize {x.itemsize} requiring a storage size of "
                f"{(offset + span) * x.itemsize} are out of bounds for storage of size "
                f"{flat.size * x.itemsize}"
            )
        overlap = len(ctx.xp.unique(ctx.out_index)) < ctx.out_index.size
        return _arrays.as_strided(
            flat[offset:],
            size,
            tuple(s * x.itemsize for s in stride),
            writeable=is_writeable(x) and not overlap,
        )

    def backward(ctx, grad):
        return StorageMove.apply(
            grad, src=ctx.out_index, dst=ctx.in_index, storage_size=ctx.storage_size
        )


class StorageMove(Op):
    """Values added into a zero storage at positions ``src``, then read at ``dst`` (the
    adjoint of as_strided, and with ``src`` and ``dst`` swapped, its own adjoint)."""

    def forward(ctx, g, src, dst, storage_size):
        ctx.args = (src, dst, storage_size)
        storage = ctx.xp.zeros(storage_size, g.dtype)
        add_at(storage, src.reshape(-1), g.reshape(-1))
        return storage[dst]

    def backward(ctx, grad):
        src, dst, storage_size = ctx.args
        return StorageMove.apply(grad, src=dst, dst=src, storage_size=storage_size)


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s storage with the given ``size``, ``stride`` (in elements) and
    ``storage_offset`` (default: the input's own).

    Differences from PyTorch: on a view, the gradient flows to that view's own elements only; an
    in-place write through the result to storage outside them sends no gradient to the base.
    """
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(
            f"as_strided: Negative strides are not supported at the moment, got strides: "
            f"{list(stride)}"
        )
    if storage_offset is not None and storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    if any(s < 0 for s in size):
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(size)} and "
            f"strides={list(stride)}"
        )
    return AsStrided.apply(input, size=size, stride=stride, storage_offset=storage_offset)
