"""Queries about a tensor that PyTorch also exposes as functions (``torch.numel``,
``torch.is_nonzero``...), and the memory-placement methods that are no-ops on the CPU."""

from ember._tensor import Tensor

__all__ = ["is_tensor", "numel", "is_floating_point", "is_nonzero", "detach"]

TENSOR_METHODS = ("is_nonzero", "is_inference", "pin_memory", "share_memory_")


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
