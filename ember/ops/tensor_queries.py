"""Queries about a tensor that PyTorch also exposes as functions (``torch.numel``,
``torch.is_nonzero``...), the memory-placement methods that are no-ops on the CPU, and the
conjugation family, which is the identity on real tensors (ember has no complex dtypes)."""

from ember._tensor import Tensor

__all__ = ["is_tensor", "numel", "is_floating_point", "is_nonzero", "detach", "is_same_size"]
__all__ += ["conj", "conj_physical", "resolve_conj", "resolve_neg", "is_conj", "is_neg"]

TENSOR_METHODS = ("is_nonzero", "is_inference", "pin_memory", "share_memory_", "is_pinned")
TENSOR_METHODS += ("is_shared", "is_same_size", "conj", "conj_physical", "resolve_conj")
TENSOR_METHODS += ("resolve_neg", "is_conj", "is_neg")


def _check_tensor(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )


def is_tensor(obj) -> bool:
    """Whether ``obj`` is an ember Tensor."""
    return isinstance(obj, Tensor)


def numel(input) -> int:
    """The number of elements of ``input``."""
    _check_tensor(input, "numel")
    return input._data.size


def is_floating_point(input) -> bool:
    """Whether ``input`` has a floating dtype."""
    _check_tensor(input, "is_floating_point")
    return input.is_floating_point()


def is_nonzero(input) -> bool:
    """Whether the single element of ``input`` is nonzero."""
    _check_tensor(input, "is_nonzero")
    size = input._data.size
    if size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()))


def detach(input):
    """A tensor sharing ``input``'s memory, outside the graph."""
    _check_tensor(input, "detach")
    return input.detach()


def is_inference(self) -> bool:
    """Whether this is an inference tensor; ember makes none, so always False.

    Differences from PyTorch: tensors created under ``inference_mode`` are ordinary tensors.
    """
    return False


def pin_memory(self, device=None):
    """Return ``self``: ember has no page-locked memory.

    Differences from PyTorch: PyTorch raises when no accelerator is present.
    """
    return self


def share_memory_(self):
    """Return ``self``: NumPy memory is shared with worker processes as it is."""
    return self


def is_pinned(self, device=None) -> bool:
    """False: ember has no page-locked memory."""
    return False


def is_shared(self) -> bool:
    """False: ember tensors are not placed in shared memory."""
    return False


def is_same_size(input, other) -> bool:
    """Whether ``input`` and ``other`` have the same shape."""
    return input._data.shape == other._data.shape


# ---- conjugation: the identity on real tensors ---------------------------------------------


def conj(input):
    """``input`` itself: the conjugate of a real tensor."""
    return input


def resolve_conj(input):
    """``input`` itself: a real tensor has no conjugate bit to resolve."""
    return input


def resolve_neg(input):
    """``input`` itself: ember has no negative bit to resolve."""
    return input


def conj_physical(input, *, out=None):
    """``input`` itself (a copy into ``out`` when given): the conjugate of a real tensor."""
    if out is None:
        return input
    from ember.ops._inplace import write_out

    return write_out(input.clone(), out, "conj_physical")


def conj_physical_(input):
    """In-place conjugation: nothing to do for a real tensor."""
    return input


def is_conj(input) -> bool:
    """False: ember has no conjugate views."""
    return False


def is_neg(input) -> bool:
    """False: ember has no negative views."""
    return False


INPLACE_METHODS = ("conj_physical_",)
