"""``Tensor.new``: PyTorch's legacy constructor of a tensor with the caller's dtype, from
sizes (uninitialised), from data, or from another tensor of the same dtype."""

import numpy as np

from ember._dtype import SCALAR_NAMES
from ember._tensor import Size, Tensor, make_tensor
from ember.ops.creation import empty, tensor

__all__ = []

TENSOR_METHODS = ("new",)


def new(self, *args, device=None):
    """A new tensor of ``self``'s dtype: ``new()`` is empty, ``new(2, 3)`` or ``new(Size)``
    uninitialised, ``new(data)`` built from a (nested) list."""
    if not args:
        return empty(0, dtype=self.dtype)
    if len(args) == 1:
        (arg,) = args
        if isinstance(arg, Size):
            return empty(*arg, dtype=self.dtype)
        if isinstance(arg, Tensor):
            if arg.dtype is not self.dtype:
                raise TypeError(
                    f"new(): expected a tensor of dtype {SCALAR_NAMES[self.dtype]}, got "
                    f"{SCALAR_NAMES[arg.dtype]}"
                )
            return make_tensor(arg._data)  # PyTorch's legacy constructor aliases it
        if not isinstance(arg, (int, np.integer)):
            return tensor(arg, dtype=self.dtype)
    if not all(isinstance(a, (int, np.integer)) for a in args):
        raise TypeError(
            f"new() received an invalid combination of arguments - got "
            f"({', '.join(type(a).__name__ for a in args)})"
        )
    return empty(*args, dtype=self.dtype)
