"""Shape and memory: the view ops (view, reshape, expand, permute, transpose, squeeze,
narrow, split, diagonal...).

Note [view ops]
A view shares memory with its input (``Op.is_view``) wherever PyTorch's does, and has the
strides PyTorch gives it; its gradient is the inverse reshaping. ``reshape`` and ``flatten``
are views when the layout allows and copies otherwise (never marked as views then). Every
view is one of four primitives, so that an in-place op on it can be replayed on its base
(Note [views] in ember/autograd/function.py): ``View`` (a new shape), ``Permute``,
``Expand``, ``Slice`` (basic indexing: select, narrow, squeeze, unsqueeze, split pieces) and
``Diagonal``.
"""

import itertools

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import is_writeable, reshape_view
from ember._tensor import Tensor
from ember.autograd.function import Op, _share_version
from ember.ops._common import wrap_dim
from ember.ops._index_ops import Slice

__all__ = [
    "view",
    "reshape",
    "flatten",
    "unflatten",
    "ravel",
    "expand",
    "expand_as",
    "broadcast_to",
    "permute",
    "transpose",
    "swapaxes",
    "swapdims",
    "movedim",
    "moveaxis",
    "t",
    "squeeze",
    "unsqueeze",
    "narrow",
    "unbind",
    "split",
    "chunk",
    "tensor_split",
    "diagonal",
    "view_as",
    "reshape_as",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
]

TENSOR_METHODS = tuple(n for n in __all__ if not n.startswith("atleast_"))


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer_shape(shape, numel):
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


# ---- new shapes -------------------------------------------------------------------------------


class View(Op):
    is_view = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class ReshapeCopy(Op):
    """A reshape that needs a copy (the layout does not allow a view); not a view."""

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return ctx.xp.array(x.reshape(shape), copy=True)

    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


def _can_view(a, shape):
    if a.flags.c_contiguous or a.size <= 1:
        return True
    return reshape_view(a, shape) is not None


def view(input, *shape):
    """A view with a new shape; fails where the memory layout makes a view impossible."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
        return input.to(shape[0])  # view(dtype) for same-size dtypes is not supported
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if not _can_view(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return View.apply(input, shape=shape)


def reshape(input, *shape):
    """``input`` with a new shape: a view when the layout allows, else a copy."""
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if _can_view(input._data, shape):
        return View.apply(input, shape=shape)
    return ReshapeCopy.apply(input, shape=shape)


def view_as(input, other):
    """``input.view(other.shape)``."""
    return view(input, other._data.shape)


def reshape_as(input, other):
    """``input.reshape(other.shape)``."""
    return reshape(input, other._data.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Dims ``start_dim..end_dim`` merged into one (a view when possible)."""
    shape = input._data.shape
    if not shape:
        wrap_dim(start_dim, 0)
        wrap_dim(end_dim, 0)
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    merged = 1
    for n in shape[s : e + 1]:
        merged *= n
    return reshape(input, shape[:s] + (merged,) + shape[e + 1 :])


def unflatten(input, dim, sizes):
    """Dim ``dim`` split into ``sizes`` (one of which may be -1)."""
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    size = shape[d] if shape else 1
    try:
        inner = _infer_shape(sizes, size)
    except RuntimeError:
        if -1 in sizes and sizes.count(-1) == 1:
            raise
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({size}) in the input tensor"
        ) from None
    return view(input, shape[:d] + inner + shape[d + 1 :])


def ravel(input):
    """The elements as a 1-D tensor (a view of a contiguous input, else a copy)."""
    return reshape(input, (-1,))


def atleast_1d(*tensors):
    """Each tensor with at least one dim."""
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    """Each tensor with at least two dims."""
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    """Each tensor with at least three dims."""
    return _atleast(tensors, 3)


def _atleast(tensors, n):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    out = tuple(_grow(t, n) for t in tensors)
    return out[0] if single else out


def _grow(t, n):
    shape = t._data.shape
    if len(shape) >= n:
        return t
    if n == 3 and len(shape) == 2:
        return unsqueeze(t, 2)
    if n == 3 and len(shape) == 1:
        return View.apply(t, shape=(1, shape[0], 1))
    return View.apply(t, shape=(1,) * (n - len(shape)) + shape)


# ---- broadcasting -----------------------------------------------------------------------------


class Expand(Op):
    is_view = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return ctx.xp.broadcast_to(x, shape)

    def backward(ctx, grad):
        return grad.sum_to_size(ctx.in_shape)


def expand(input, *sizes):
    """A broadcast view of ``input`` with ``sizes`` (-1 keeps a dim)."""
    sizes = _shape_arg(sizes)
    shape = input._data.shape
    if sizes == shape:
        return Expand.apply(input, shape=shape)
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


def expand_as(input, other):
    """``input.expand(other.shape)``."""
    return expand(input, other._data.shape)


def broadcast_to(input, size):
    """``input.expand(size)``."""
    return expand(input, size)


# ---- dim order --------------------------------------------------------------------------------


class Permute(Op):
    is_view = True

    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    def backward(ctx, grad):
        inverse = sorted(range(len(ctx.dims)), key=ctx.dims.__getitem__)
        return grad.permute(tuple(inverse))


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
    order = list(range(n))
    if n:
        order[d0], order[d1] = order[d1], order[d0]
    return Permute.apply(input, dims=tuple(order))


def swapaxes(input, axis0, axis1):
    """Alias of ``transpose``."""
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    """Alias of ``transpose``."""
    return transpose(input, dim0, dim1)


def t(input):
    """Transpose of a tensor with at most 2 dims (0-d and 1-d are returned as views)."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return transpose(input, 0, 1) if n == 2 else Permute.apply(input, dims=tuple(range(n)))


def movedim(input, source, destination):
    """A view with dims ``source`` moved to positions ``destination``."""
    n = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    src = tuple(wrap_dim(d, n) for d in src)
    dst = tuple(wrap_dim(d, n) for d in dst)
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [-1] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in src)
    order = [o if o != -1 else next(rest) for o in order]
    return Permute.apply(input, dims=tuple(order))


def moveaxis(input, source, destination):
    """Alias of ``movedim``."""
    return movedim(input, source, destination)


# ---- basic-index views ------------------------------------------------------------------------


def squeeze(input, dim=None):
    """Drop size-1 dims (all, or those in ``dim``)."""
    shape = input._data.shape
    if dim is None:
        dims = {i for i, s in enumerate(shape) if s == 1}
    else:
        dlist = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = {wrap_dim(d, len(shape)) for d in dlist}
        dims = {d for d in dims if d < len(shape) and shape[d] == 1}
    key = tuple(0 if i in dims else slice(None) for i in range(len(shape))) + (Ellipsis,)
    return Slice.apply(input, key=key)


def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim``."""
    n = input._data.ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim %= n
    return Slice.apply(input, key=(slice(None),) * dim + (None, Ellipsis))


def _dim_slice(dim, start, stop):
    return (slice(None),) * dim + (slice(start, stop), Ellipsis)


def narrow(input, dim, start, length):
    """The view of ``length`` entries of ``dim`` from ``start``."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    size = shape[d]
    start, length = int(start), int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Slice.apply(input, key=_dim_slice(d, start, start + length))


def unbind(input, dim=0):
    """Tuple of views, one per index along ``dim``."""
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if n == 0:
        return ()
    return _pieces(input, d, [(i, i + 1) for i in range(n)], "Unbind")


class Split(Op):
    """Pieces of ``x`` along ``dim`` as views, all outputs of one node (PyTorch's
    SplitBackward): backward joins the pieces' gradients once, instead of scattering each
    into zeros of the input's size and summing those (measured 4x the time in an LSTM step).
    ``bounds`` are (start, stop) pairs; ``squeeze`` drops ``dim`` from every piece (unbind)."""

    def forward(ctx, x, dim, bounds, squeeze=False):
        ctx.dim, ctx.bounds, ctx.squeeze = dim, bounds, squeeze
        head = (slice(None),) * dim
        if squeeze:
            return tuple(x[head + (a,)] for a, _ in bounds)
        return tuple(x[head + (slice(a, b),)] for a, b in bounds)

    def backward(ctx, *grads):
        return JoinPieces.apply(*grads, dim=ctx.dim, bounds=ctx.bounds, squeeze=ctx.squeeze)


class JoinPieces(Op):
    """The adjoint of ``Split``: the pieces concatenated (or stacked) along ``dim``."""

    def forward(ctx, *pieces, dim, bounds, squeeze):
        ctx.dim, ctx.bounds, ctx.squeeze = dim, bounds, squeeze
        xp = ctx.xp
        return xp.stack(pieces, axis=dim) if squeeze else xp.concatenate(pieces, axis=dim)

    def backward(ctx, grad):
        return Split.apply(grad, dim=ctx.dim, bounds=ctx.bounds, squeeze=ctx.squeeze)


def _pieces(input, d, bounds, name=None):
    if name is None:  # independent slices (tensor_split), each its own view as in PyTorch
        return tuple(Slice.apply(input, key=_dim_slice(d, a, b)) for a, b in bounds)
    pieces = Split.apply(input, dim=d, bounds=tuple(bounds), squeeze=name == "Unbind")
    for piece in pieces:
        _share_version(piece, input)
    return _multi_view(pieces, name)


def _multi_view(pieces, name):
    # PyTorch forbids recorded in-place ops on the outputs of ops returning several views.
    for i, p in enumerate(pieces):
        p.__dict__["_multi_view"] = (name, i)
    return pieces


def split(tensor, split_size_or_sections, dim=0):
    """Views of consecutive pieces along ``dim``: of ``split_size`` each (the last may be
    smaller) or of the given sizes."""
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor._data.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != size or any(s < 0 for s in sizes):
            raise RuntimeError(
                "split_with_sizes expects split_sizes to sum exactly to "
                f"{size} (input tensor's size at dimension {d}), but got split_sizes={sizes}"
            )
        starts = list(itertools.accumulate([0] + sizes))
        bounds = zip(starts[:-1], starts[1:])
        return _pieces(tensor, d, bounds, "SplitWithSizes")
    step = int(split_size_or_sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0:
        if size:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        return _multi_view((Slice.apply(tensor, key=(Ellipsis,)),), "Split")
    if size == 0:
        return _multi_view((Slice.apply(tensor, key=(Ellipsis,)),), "Split")
    bounds = ((a, min(a + step, size)) for a in range(0, size, step))
    return _pieces(tensor, d, bounds, "Split")


def chunk(input, chunks, dim=0):
    """About ``chunks`` equal views along ``dim`` (each of ``ceil(size / chunks)``)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    step = -(-size // chunks)
    if size == 0:
        return _multi_view(
            tuple(Slice.apply(input, key=(Ellipsis,)) for _ in range(chunks)), "Split"
        )
    return split(input, step, d)


def tensor_split(input, indices_or_sections, dim=0):
    """Views along ``dim``: ``n`` near-equal sections (the first ``size % n`` one longer) or
    the pieces between the given indices."""
    if input._data.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec._data.dtype != np.int64:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but "
                f"got {spec.dtype}"
            )
        if spec._data.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {spec._data.ndim} dims"
            )
        spec = int(spec._data) if spec._data.ndim == 0 else spec._data.tolist()
    if isinstance(spec, (list, tuple)):
        cuts = [min(max(int(i) + (size if i < 0 else 0), 0), size) for i in spec]
        bounds = zip([0] + cuts, cuts + [size])
        return _pieces(input, d, ((a, max(a, b)) for a, b in bounds))
    n = int(spec)
    if n <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {n}")
    small, extra = divmod(size, n)
    sizes = [small + 1] * extra + [small] * (n - extra)
    starts = list(itertools.accumulate([0] + sizes))
    return _pieces(input, d, zip(starts[:-1], starts[1:]))


# ---- diagonals --------------------------------------------------------------------------------


def diagonal_view(a, offset, dim1, dim2):
    """A writable NumPy view of the diagonal (NumPy's own is read-only), in the last dim."""
    out = array_module(a).diagonal(a, offset, dim1, dim2)
    if isinstance(out, np.ndarray) and is_writeable(a):  # CuPy's views are always writable
        out.flags.writeable = True
    return out


class Diagonal(Op):
    is_view = True

    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape = x.shape
        ctx.args = (offset, dim1, dim2)
        return diagonal_view(x, offset, dim1, dim2)

    def backward(ctx, grad):
        return DiagonalScatter.apply(grad, shape=ctx.shape, args=ctx.args)


class DiagonalScatter(Op):
    """Zeros of ``shape`` with ``g`` on the diagonal ``args`` (the adjoint of ``Diagonal``;
    ``diag_embed`` too)."""

    def forward(ctx, g, shape, args):
        ctx.args = args
        out = ctx.xp.zeros(shape, g.dtype)
        diagonal_view(out, *args)[...] = g
        return out

    def backward(ctx, grad):
        offset, dim1, dim2 = ctx.args
        return Diagonal.apply(grad, offset=offset, dim1=dim1, dim2=dim2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The view of the diagonal of ``dim1`` and ``dim2`` (appended as the last dim)."""
    n = input._data.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset=int(offset), dim1=d1, dim2=d2)


INPLACE_METHODS = ()
