"""Copies that rearrange elements: flip, roll, rot90, tril/triu, diag, diag_embed.

Each is a linear map whose adjoint is an op of the same kind (flip is its own adjoint, roll's
is the opposite roll), so gradients of any order are ember ops. Results are fresh contiguous
arrays: NumPy's negative-stride views never reach a Tensor (PyTorch has no negative strides).
"""

from ember.autograd.function import Op
from ember.ops._common import wrap_dim
from ember.ops._inplace import make_inplace, write_out
from ember.ops.shape import Diagonal, DiagonalScatter, transpose

__all__ = ["flip", "fliplr", "flipud", "roll", "rot90", "tril", "triu", "diag", "diag_embed"]

TENSOR_METHODS = tuple(__all__)


class Flip(Op):
    def forward(ctx, x, dims):
        ctx.dims = dims
        return ctx.xp.ascontiguousarray(ctx.xp.flip(x, dims)) if dims else x.copy()

    def backward(ctx, grad):
        return Flip.apply(grad, dims=ctx.dims)


def flip(input, dims):
    """A copy with the order of entries reversed along ``dims``."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    n = input._data.ndim
    wrapped = tuple(wrap_dim(d, n) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
    if n == 0:
        wrapped = ()
    return Flip.apply(input, dims=wrapped)


def fliplr(input):
    """Flip along dim 1 (left/right)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """Flip along dim 0 (up/down)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class Roll(Op):
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return ctx.xp.roll(x, shifts, dims)

    def backward(ctx, grad):
        return Roll.apply(grad, shifts=tuple(-s for s in ctx.shifts), dims=ctx.dims)


def roll(input, shifts, dims=None):
    """Entries shifted cyclically by ``shifts`` along ``dims`` (None: the flattened tensor)."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        flat = input.reshape(-1)
        return Roll.apply(flat, shifts=shifts, dims=(0,)).reshape(input._data.shape)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    n = input._data.ndim
    if n == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dims = tuple(wrap_dim(d, n) for d in dims)
    return Roll.apply(input, shifts=shifts, dims=dims)


def rot90(input, k=1, dims=(0, 1)):
    """Rotation by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the
    second)."""
    dims = tuple(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = wrap_dim(dims[0], n), wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    k %= 4
    # The same composition as PyTorch, so the result has the same strides.
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return transpose(flip(input, (d0,)), d0, d1)
    return input.clone()


class Triangle(Op):
    def forward(ctx, x, diagonal, upper):
        ctx.args = (diagonal, upper)
        return ctx.xp.triu(x, diagonal) if upper else ctx.xp.tril(x, diagonal)

    def backward(ctx, grad):
        diagonal, upper = ctx.args
        return Triangle.apply(grad, diagonal=diagonal, upper=upper)


def _triangle(input, diagonal, upper):
    if input._data.ndim < 2:
        name = "triu" if upper else "tril"
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return Triangle.apply(input, diagonal=int(diagonal), upper=upper)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle of the last two dims (entries above ``diagonal`` zeroed)."""
    return write_out(_triangle(input, diagonal, False), out, "tril")


def triu(input, diagonal=0, *, out=None):
    """The upper triangle of the last two dims (entries below ``diagonal`` zeroed)."""
    return write_out(_triangle(input, diagonal, True), out, "triu")


def diag(input, diagonal=0, *, out=None):
    """A 1-D input as the ``diagonal``-th diagonal of a square matrix; the ``diagonal``-th
    diagonal of a 2-D input as a 1-D copy."""
    n = input._data.ndim
    if n == 1:
        size = input._data.shape[0] + abs(diagonal)
        result = DiagonalScatter.apply(input, shape=(size, size), args=(int(diagonal), 0, 1))
    elif n == 2:
        result = Diagonal.apply(input, offset=int(diagonal), dim1=0, dim2=1).clone()
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")
    return write_out(result, out, "diag")


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose diagonals (``offset``, over ``dim1`` and ``dim2``) are the last dim of
    ``input``; zeros elsewhere."""
    shape = input._data.shape
    n = len(shape) + 1
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size = (shape[-1] if shape else 1) + abs(offset)
    rest = list(shape[:-1])
    for d in sorted((d1, d2)):
        rest.insert(d, size)
    x = input if shape else input.reshape(1)
    return DiagonalScatter.apply(x, shape=tuple(rest), args=(int(offset), d1, d2))


tril_ = make_inplace(tril)
triu_ = make_inplace(triu)
INPLACE_METHODS = ("tril_", "triu_")
