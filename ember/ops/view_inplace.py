"""In-place metadata changes: ``squeeze_``, ``unsqueeze_``, ``t_``, ``transpose_``,
``swapaxes_``, ``swapdims_``, and ``resize_``/``resize_as_``.

Note [in-place views]
These change the tensor's own shape and strides, not its values. Each runs its view op and
moves the result into the tensor: the tensor then holds the view's NumPy array (the same
memory) and, when recorded, the view's ``grad_fn``, as PyTorch's ``t_`` leaves ``TBackward``
on the tensor. A tensor that is itself a view keeps its base and extends its replay chain, so
later in-place ops on it still update the base (Note [in-place recording]).
"""

import numpy as np

from ember._backend import array_module
from ember.autograd.grad_mode import GRAD
from ember.ops.shape import squeeze, swapaxes, swapdims, t, transpose, unsqueeze
from ember.ops.strided import storage_root

__all__ = []

TENSOR_METHODS = ()


def _metadata_inplace(view_fn):
    def fn_(input, *args):
        if GRAD.enabled and input._requires_grad and input._grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        view = view_fn(input, *args)
        input._data = view._data
        input._version.value += 1
        if view._grad_fn is not None:
            input._grad_fn = view._grad_fn
            input._output_nr = view._output_nr
        if input._base is not None:
            input.__dict__["_view_chain"] = view.__dict__.get("_view_chain", ())
        return input

    fn_.__name__ = fn_.__qualname__ = view_fn.__name__ + "_"
    fn_.__doc__ = f"In-place version of :func:`{view_fn.__name__}` (changes the shape only)."
    return fn_


squeeze_ = _metadata_inplace(squeeze)
unsqueeze_ = _metadata_inplace(unsqueeze)
t_ = _metadata_inplace(t)
transpose_ = _metadata_inplace(transpose)
swapaxes_ = _metadata_inplace(swapaxes)
swapdims_ = _metadata_inplace(swapdims)


# ---- resize_ -------------------------------------------------------------------------------------


def resize_(self, *sizes, memory_format=None):
    """Give ``self`` the shape ``sizes``, contiguous over its storage from its storage offset;
    the storage grows (new elements uninitialised) when it is too small, as in PyTorch.

    Differences from PyTorch: growing moves this tensor to new memory; other tensors sharing the
    old storage keep it (PyTorch resizes the shared storage itself).
    """
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    if any(s < 0 for s in sizes):
        raise RuntimeError("numel: integer multiplication overflow")
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    data = self._data
    root = storage_root(data)
    offset = self.storage_offset()
    count = int(np.prod(sizes))
    flat = root.reshape(-1) if root.flags.c_contiguous else None
    if flat is None or offset + count > flat.size:
        grown = array_module(data).empty(offset + count, data.dtype)
        old = root.ravel(order="K")  # memory order, as the storage holds it
        grown[: min(old.size, grown.size)] = old[: grown.size]
        flat = grown
    self._data = flat[offset : offset + count].reshape(sizes)
    return self


def resize_as_(self, the_template, memory_format=None):
    """``resize_`` to the shape of ``the_template``."""
    return resize_(self, the_template.shape)


INPLACE_METHODS = ("squeeze_", "unsqueeze_", "t_", "transpose_", "swapaxes_", "swapdims_")
INPLACE_METHODS += ("resize_", "resize_as_")
