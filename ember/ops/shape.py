"""Shape and memory: views (view, reshape, expand, permute, transpose...) and joins.

Views share memory with their input (Op.is_view); their gradient is the inverse reshaping.
"""

import numpy as np

from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._common import wrap_dim

__all__ = ["view", "reshape", "expand", "permute", "transpose", "unbind", "squeeze", "unsqueeze"]

TENSOR_METHODS = (
    "view",
    "reshape",
    "expand",
    "permute",
    "transpose",
    "unbind",
    "squeeze",
    "unsqueeze",
)


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer_shape(shape, numel, name, in_shape):
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(Op):
    is_view = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


def view(input, *shape):
    """A view with a new shape; fails where memory layout makes a view impossible."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        return input.to(shape[0])  # view(dtype) for same-size dtypes is not supported
    shape = _infer_shape(_shape_arg(shape), input._data.size, "view", input.shape)
    if not input._data.flags.c_contiguous and input._data.size > 1:
        try:
            np.ndarray.reshape(input._data, shape, copy=False)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
    return Reshape.apply(input, shape=shape)


def reshape(input, *shape):
    """``input`` with a new shape: a view when possible, else a copy."""
    shape = _infer_shape(_shape_arg(shape), input._data.size, "reshape", input.shape)
    if input._data.shape == shape:
        return Reshape.apply(input, shape=shape)
    return Reshape.apply(input, shape=shape)


class Expand(Op):
    is_view = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return np.broadcast_to(x, shape)

    def backward(ctx, grad):
        return grad.sum_to_size(ctx.in_shape)


def expand(input, *sizes):
    """A broadcast view of ``input`` with ``sizes`` (-1 keeps a dim)."""
    sizes = _shape_arg(sizes)
    shape = input._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(
            f"expand({input.type()}{{{list(shape)}}}, size=[{', '.join(map(str, sizes))}]): the "
            "number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
            f"({len(shape)})"
        )
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    "non-existing dimension 0"
                )
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            target.append(cur)
        elif cur == 1 or cur == s:
            target.append(s)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(shape)}"
            )
    return Expand.apply(input, shape=tuple(target))


class Permute(Op):
    is_view = True

    def forward(ctx, x, dims):
        ctx.inverse = tuple(np.argsort(dims))
        return x.transpose(dims)

    def backward(ctx, grad):
        return grad.permute(ctx.inverse)


def permute(input, *dims):
    """A view with dims reordered."""
    dims = _shape_arg(dims)
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}"
        )
    dims = tuple(wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims)


def transpose(input, dim0, dim1):
    """A view with ``dim0`` and ``dim1`` swapped."""
    n = input._data.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    if n < 2:
        return Permute.apply(input, dims=tuple(range(n)))
    order = list(range(n))
    order[d0], order[d1] = order[d1], order[d0]
    return Permute.apply(input, dims=tuple(order))


class Select(Op):
    is_view = True

    def forward(ctx, x, dim, index):
        ctx.shape = x.shape
        ctx.dim = dim
        ctx.index = index
        return x[(slice(None),) * dim + (index,)]

    def backward(ctx, grad):
        from ember.ops.creation import zeros

        # Gradient of one slice: a zero tensor with that slice filled by ``grad``.
        return _Embed.apply(grad, shape=ctx.shape, key=(slice(None),) * ctx.dim + (ctx.index,))


class _Embed(Op):
    """Place ``grad`` into a zero tensor of ``shape`` at basic index ``key`` (adjoint of a
    basic-index view)."""

    def forward(ctx, g, shape, key):
        ctx.key = key
        out = np.zeros(shape, g.dtype)
        out[key] = g
        return out

    def backward(ctx, grad):
        return grad[ctx.key]


def unbind(input, dim=0):
    """Tuple of views, one per index along ``dim``."""
    dim = wrap_dim(dim, input._data.ndim)
    return tuple(Select.apply(input, dim=dim, index=i) for i in range(input._data.shape[dim]))


def squeeze(input, dim=None):
    """Drop size-1 dims (all, or those in ``dim``)."""
    shape = input._data.shape
    if dim is None:
        dims = {i for i, s in enumerate(shape) if s == 1}
    else:
        dlist = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = {wrap_dim(d, len(shape)) for d in dlist}
        dims = {d for d in dims if d < len(shape) and shape[d] == 1}
    return Reshape.apply(input, shape=tuple(s for i, s in enumerate(shape) if i not in dims))


def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim``."""
    n = input._data.ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim %= n
    shape = input._data.shape
    return Reshape.apply(input, shape=shape[:dim] + (1,) + shape[dim:])


_ = Tensor
