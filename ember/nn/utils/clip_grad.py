"""Gradient clipping: clip_grad_norm_ and clip_grad_value_ (in place, under no_grad)."""

import math

import numpy as np

from ember._backend import array_module
from ember._device import as_device
from ember._tensor import Tensor, make_tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _vector_norm(array, norm_type):
    """The ``norm_type`` norm of ``array`` as a float64 0-d array on ``array``'s device (no
    host round trip per parameter)."""
    xp = array_module(array)
    a = xp.abs(array.astype(np.float64, copy=False)).reshape(-1)
    if norm_type == math.inf:
        return a.max() if a.size else xp.asarray(0.0)
    if norm_type == -math.inf:
        return a.min() if a.size else xp.asarray(math.inf)
    if norm_type == 0:
        return (a != 0).sum(dtype=np.float64)
    if norm_type == 2:
        return xp.sqrt(xp.dot(a, a))
    return (a**norm_type).sum() ** (1.0 / norm_type)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type`` norm of all ``tensors`` viewed as one vector, as a 0-d tensor."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return make_tensor(as_device(None).xp.asarray(0.0, np.float32))
    xp = array_module(tensors[0]._data)
    norms = xp.stack([xp.asarray(_vector_norm(t._data, norm_type)) for t in tensors])
    total = _vector_norm(norms, norm_type)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return make_tensor(xp.asarray(total, tensors[0]._data.dtype))


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients by ``min(1, max_norm / (total_norm + 1e-6))``, in place."""
    grads = _grads(parameters)
    if not grads:
        return
    xp = array_module(grads[0]._data)
    total = total_norm._data if isinstance(total_norm, Tensor) else xp.asarray(total_norm)
    # Computed on the gradients' device, in float64, without reading the norm on the host.
    coef = xp.minimum(float(max_norm) / (total.astype(np.float64) + 1e-6), 1.0)
    for g in grads:
        data = g._data
        # The coefficient is rounded to the gradient's dtype first, as PyTorch's tensor is.
        xp.multiply(data, coef.astype(data.dtype), out=data)
        g._version.value += 1


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale gradients so their total norm is at most ``max_norm``; returns the total norm."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        parameters = list(parameters)
    grads = _grads(parameters)
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient to ``[-clip_value, clip_value]``, in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        array_module(g._data).clip(g._data, -clip_value, clip_value, out=g._data)
        g._version.value += 1
