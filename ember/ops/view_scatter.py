"""Out-of-place writes into a view: ``select_scatter``, ``slice_scatter`` and
``diagonal_scatter`` (a copy of ``input`` with the view replaced by ``src``), plus the
copying twins of views: ``narrow_copy``, ``diagflat`` and the ``unsafe_`` splits.

Each scatter clones ``input`` and copies ``src`` into the view of the clone, so the graph is
the in-place one (Note [in-place recording]): the gradient of ``input`` is zero inside the
view, that of ``src`` is the view of the gradient, and both are differentiable again.
"""

from ember._tensor import Tensor
from ember.ops._common import wrap_dim
from ember.ops._index_ops import Slice
from ember.ops.rearrange import diag
from ember.ops.shape import chunk, diagonal, narrow, split
from ember.ops.slicing import select

__all__ = ["select_scatter", "slice_scatter", "diagonal_scatter", "narrow_copy", "diagflat"]
__all__ += ["unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes"]

TENSOR_METHODS = tuple(__all__)


def _scatter_into(input, src, view_fn):
    out = input.clone()
    window = view_fn(out)
    if not isinstance(src, Tensor):
        raise TypeError(f"argument 'src' must be Tensor, not {type(src).__name__}")
    if window.shape != src.shape:
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(window.shape)}"
        )
    window.copy_(src)
    return out


def select_scatter(input, src, dim, index):
    """``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    return _scatter_into(input, src, lambda t: select(t, dim, index))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """``input`` with the slice ``start:end:step`` of ``dim`` replaced by ``src``."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")

    def window(t):
        d = wrap_dim(dim, t._data.ndim)
        return Slice.apply(t, key=(slice(None),) * d + (slice(start, end, step), Ellipsis))

    return _scatter_into(input, src, window)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """``input`` with the diagonal ``(offset, dim1, dim2)`` replaced by ``src``."""
    return _scatter_into(input, src, lambda t: diagonal(t, offset, dim1, dim2))


def narrow_copy(input, dim, start, length, *, out=None):
    """A copy of ``input.narrow(dim, start, length)``."""
    from ember.ops._inplace import write_out

    return write_out(narrow(input, dim, start, length).clone(), out, "narrow_copy")


def diagflat(input, offset=0):
    """The square matrix with the flattened ``input`` on diagonal ``offset``."""
    return diag(input.reshape(-1), offset)


def _unmarked(pieces):
    # "unsafe": the caller promises not to write into the pieces, so PyTorch lifts the
    # multi-view restriction on them.
    for p in pieces:
        p.__dict__.pop("_multi_view", None)
    return pieces


def unsafe_split(input, split_size, dim=0):
    """``split`` without the in-place restriction on its outputs."""
    return _unmarked(split(input, split_size, dim))


def unsafe_chunk(input, chunks, dim=0):
    """``chunk`` without the in-place restriction on its outputs."""
    return _unmarked(chunk(input, chunks, dim))


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """``split_with_sizes`` without the in-place restriction on its outputs."""
    return _unmarked(split(input, list(split_sizes), dim))
