"""Joining and repeating: cat, stack and their h/v/d forms, repeat, tile, repeat_interleave,
meshgrid and broadcasting of several tensors.

Results are copies (cat, repeat) or expanded views (meshgrid, broadcast_tensors), as in
PyTorch. ``Cat`` is the one primitive; its gradient is a slice per input.
"""

import warnings

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import repeat_indices
from ember._tensor import Size, Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import wrap_dim
from ember.ops._index_ops import Index, Slice
from ember.ops.shape import (
    _can_view,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    expand,
    reshape,
    unsqueeze,
)

__all__ = [
    "cat",
    "concat",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "dstack",
    "repeat_interleave",
    "tile",
    "meshgrid",
    "broadcast_tensors",
    "broadcast_shapes",
]

TENSOR_METHODS = ("repeat", "repeat_interleave", "tile")


class Cat(Op):
    promote = True

    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        n = max(a.ndim for a in arrays)
        # Legacy: 1-D empty tensors are skipped when the others have more dims.
        ctx.skipped = [a.ndim == 1 and a.size == 0 and n != 1 for a in arrays]
        ctx.sizes = [0 if s else a.shape[dim] for a, s in zip(arrays, ctx.skipped)]
        return ctx.xp.concatenate([a for a, s in zip(arrays, ctx.skipped) if not s], axis=dim)

    def backward(ctx, grad):
        head = (slice(None),) * ctx.dim
        grads = []
        start = 0
        for size, skipped in zip(ctx.sizes, ctx.skipped):
            if skipped:
                grads.append(make_tensor(array_module(grad._data).zeros((0,), grad._data.dtype)))
                continue
            grads.append(Slice.apply(grad, key=head + (slice(start, start + size), Ellipsis)))
            start += size
        return tuple(grads)


def _tensor_list(tensors, name):
    if isinstance(tensors, Tensor):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"
        )
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
    return tensors


def cat(tensors, dim=0, *, out=None):
    """Concatenation along an existing ``dim`` (shapes must match elsewhere; dtypes promote).
    1-D empty tensors are skipped, as in PyTorch."""
    from ember.ops._inplace import write_out

    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    real = [t for t in tensors if not (t._data.ndim == 1 and t._data.size == 0)]
    ref = real[0] if real else tensors[0]
    n = ref._data.ndim
    d = wrap_dim(dim, n)
    for i, t in enumerate(tensors):
        if t._data.ndim == 1 and t._data.size == 0 and n != 1:
            continue
        if t._data.ndim != n:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {n} and {t._data.ndim}"
            )
        for k in range(n):
            if k != d and t._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref._data.shape[k]} but got size {t._data.shape[k]} for tensor number {i} "
                    "in the list."
                )
    return write_out(Cat.apply(*tensors, dim=d), out, "cat")


def concat(tensors, dim=0, *, out=None):
    """Alias of ``cat``."""
    return cat(tensors, dim, out=out)


def concatenate(tensors, axis=0, out=None):
    """Alias of ``cat``."""
    return cat(tensors, axis, out=out)


def stack(tensors, dim=0, *, out=None):
    """Join along a new dim ``dim`` (all tensors of one shape)."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(t.shape)} at entry {i}"
            )
    d = wrap_dim(dim, len(shape) + 1)
    return cat([unsqueeze(t, d) for t in tensors], d, out=out)


def hstack(tensors, *, out=None):
    """Concatenate horizontally (along dim 0 for 1-D inputs, else dim 1)."""
    tensors = atleast_1d(_tensor_list(tensors, "hstack"))
    dim = 0 if tensors and tensors[0]._data.ndim == 1 else 1
    return cat(tensors, dim, out=out)


def vstack(tensors, *, out=None):
    """Concatenate vertically (inputs made at least 2-D)."""
    return cat(atleast_2d(_tensor_list(tensors, "vstack")), 0, out=out)


def dstack(tensors, *, out=None):
    """Concatenate depth-wise (inputs made at least 3-D)."""
    return cat(atleast_3d(_tensor_list(tensors, "dstack")), 2, out=out)


# ---- repeating --------------------------------------------------------------------------------


def repeat(input, *sizes):
    """``input`` tiled ``sizes[i]`` times along each dim (extra leading sizes add dims)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    reps = tuple(int(s) for s in sizes)
    shape = input._data.shape
    if len(reps) < len(shape):
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    if any(r < 0 for r in reps):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(reps)}: {list(reps)}"
        )
    shape = (1,) * (len(reps) - len(shape)) + shape
    # (s0, s1) -> (1, s0, 1, s1) -> expand (r0, s0, r1, s1) -> (r0*s0, r1*s1)
    pairs = tuple(v for s in shape for v in (1, s))
    wide = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    grown = expand(reshape(input, pairs), wide)
    final = tuple(r * s for r, s in zip(reps, shape))
    out = reshape(grown, final)
    # PyTorch's repeat always copies; the reshape above is a view only when nothing repeats.
    return out.clone() if _can_view(grown._data, final) else out


def tile(input, dims):
    """``repeat`` with ``dims`` padded by leading ones to the input's number of dims."""
    dims = tuple(int(d) for d in dims)
    n = input._data.ndim
    return repeat(input, (1,) * (n - len(dims)) + dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in place;
    ``repeat_interleave(repeats)`` alone gives the repeated indices."""
    if repeats is None:
        counts = _counts(input, None)
        return make_tensor(repeat_indices(counts))
    x = input
    if dim is None:
        x = reshape(input, (-1,))
        d = 0
    else:
        d = wrap_dim(dim, input._data.ndim)
        if x._data.ndim == 0:
            x = reshape(x, (1,))
    size = x._data.shape[d]
    counts = _counts(repeats, size, d, array_module(x._data))
    idx = repeat_indices(counts)
    if output_size is not None and output_size != idx.size:
        raise RuntimeError("allocated size does not match required size")
    return Index.apply(x, key=(slice(None),) * d + (idx,))


def _counts(repeats, size, dim=0, xp=np):
    """The repeat count of each of ``size`` positions (a tensor's own array, or an int64
    array of module ``xp`` for a number)."""
    if isinstance(repeats, Tensor):
        r = repeats._data
        if r.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if r.dtype.kind not in "iu":
            raise RuntimeError("repeats has to be Long or Int tensor")
    else:
        r = xp.asarray(int(repeats))
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    if size is None:
        return r.reshape(-1)
    if r.ndim == 0 or r.size == 1:
        return xp.full(size, int(r.reshape(())), np.int64)
    if r.size != size:
        raise RuntimeError(
            f"repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{r.size} and input.size({dim}) = {size}"
        )
    return r


# ---- grids and broadcasting -------------------------------------------------------------------


def meshgrid(*tensors, indexing=None):
    """Coordinate grids (expanded views) from 1-D tensors; ``indexing`` is 'ij' or 'xy'."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t!r}"
            )
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    swap = indexing == "xy" and len(tensors) >= 2
    ts = list(tensors)
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    sizes = tuple(max(t._data.size, 1) if t._data.ndim == 0 else t._data.shape[0] for t in ts)
    n = len(ts)
    grids = []
    for i, t in enumerate(ts):
        shape = [1] * n
        shape[i] = sizes[i]
        grids.append(expand(reshape(t, tuple(shape)), sizes))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def broadcast_shapes(*shapes):
    """The shape that ``shapes`` broadcast to."""
    result = []
    for i, s in enumerate(shapes):
        shape = (int(s),) if isinstance(s, (int, np.integer)) else tuple(int(v) for v in s)
        n = max(len(result), len(shape))
        a = [1] * (n - len(result)) + result
        b = (1,) * (n - len(shape)) + shape
        for k in range(n):
            if b[k] != a[k] and b[k] != 1 and a[k] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {b[k]} at {k - n}! "
                    f"Mismatching argument at index {i} had {tuple(shape)}; but expected shape "
                    f"should be broadcastable to {a}"
                )
            if a[k] == 1:
                a[k] = b[k]
        result = a
    return Size(result)


def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = _broadcast_or_raise([t._data.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def _broadcast_or_raise(shapes):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        n = max(len(s) for s in shapes)
        padded = [(1,) * (n - len(s)) + tuple(s) for s in shapes]
        for k in range(n - 1, -1, -1):
            sizes = {p[k] for p in padded if p[k] != 1}
            if len(sizes) > 1:
                a, b = sorted(sizes)[:2]
                raise RuntimeError(
                    f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                    f"non-singleton dimension {k}"
                ) from None
        raise
