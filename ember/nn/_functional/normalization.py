"""layer_norm, group_norm, rms_norm, local_response_norm: argument handling around the
normalization primitive (batch and instance norm, with running statistics, live in
``ember.nn._functional.batchnorm``)."""

import numpy as np

from ember import ops
from ember._dtype import SCALAR_NAMES, bfloat16, float16, float32
from ember.nn._functional.padding import pad
from ember.ops.normalization import normalize

__all__ = ["layer_norm", "group_norm", "rms_norm", "local_response_norm"]


def _as_shape(normalized_shape):
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(s) for s in normalized_shape)


def _check_trailing(input, shape, star="*, "):
    """PyTorch's check that ``input`` ends in ``shape`` (layer_norm, rms_norm)."""
    k = len(shape)
    if k == 0:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least "
            f"one element, but got normalized_shape = {list(shape)}"
        )
    if input.dim() < k or tuple(input.shape[input.dim() - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[{star}{', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}"
        )


def _check_param(name, t, input, shape):
    if t is None:
        return
    if tuple(t.shape) != shape:
        raise RuntimeError(
            f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
            f"{list(t.shape)} and normalized_shape = {list(shape)}"
        )
    _check_same_dtype(input, t)


def _check_same_dtype(input, t):
    # PyTorch's CPU kernels take float32 parameters with any floating input, else one dtype.
    if t is None or t.dtype == input.dtype:
        return
    if t.dtype != float32:
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    if input.dtype not in (float16, bfloat16):
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def not_implemented_for(kernel, dtype):
    """PyTorch's error for a kernel called on a dtype it does not support."""
    name = SCALAR_NAMES.get(dtype, dtype.name)
    return NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")


def _check_floating(kernel, input):
    if not input.is_floating_point():
        raise not_implemented_for(kernel, input.dtype)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization over the trailing ``normalized_shape`` dims."""
    shape = _as_shape(normalized_shape)
    _check_trailing(input, shape)
    _check_param("weight", weight, input, shape)
    _check_param("bias", bias, input, shape)
    _check_floating("LayerNormKernelImpl", input)
    axes = tuple(range(input.dim() - len(shape), input.dim()))
    return normalize(input, weight, bias, axes, eps)[0]


def _check_channel_param(name, t, input):
    c = input.shape[1]
    if t is not None and (t.dim() != 1 or t.shape[0] != c):
        raise RuntimeError(
            f"Expected {name} to be a vector of size equal to the number of channels in input, "
            f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}"
        )
    _check_same_dtype(input, t)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization: channels split into ``num_groups`` groups, each standardised."""
    if input.dim() < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.dim()}"
        )
    n, c = input.shape[:2]
    if c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    _check_channel_param("weight", weight, input)
    _check_channel_param("bias", bias, input)
    _check_floating("GroupNormKernelImpl", input)
    g = num_groups
    spatial = int(np.prod(input.shape[2:], dtype=np.int64))
    x = input.reshape(n, g, c // g, spatial)  # (N, G, C/G, S)
    w = None if weight is None else weight.reshape(g, c // g, 1)
    b = None if bias is None else bias.reshape(g, c // g, 1)
    return normalize(x, w, b, (2, 3), eps)[0].reshape(input.shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalization over the trailing ``normalized_shape`` dims."""
    shape = _as_shape(normalized_shape)
    _check_trailing(input, shape, star="*")
    _check_param("weight", weight, input, shape)
    _check_floating("rms_norm", input)
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization across channels: ``x / (k + alpha * avg(x^2))^beta`` with
    the average over ``size`` neighbouring channels (zero-padded), as PyTorch composes it."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(
            "Expected 3D or higher dimensionality                          input "
            f"(got {dim} dimensions)"
        )
    if input.numel() == 0:
        return input
    div = input * input
    sizes = input.shape
    # (N, C, L) -> (N, C, L): mean over a window of `size` channels, zero-padded on both sides.
    div = div.reshape(sizes[0], sizes[1], -1)
    div = pad(div, (0, 0, size // 2, (size - 1) // 2))
    windows = ops.stack([div[:, i : i + sizes[1]] for i in range(size)]) if size else div
    div = windows.sum(0).reshape(sizes) / size
    div = (div * alpha + k).pow(beta)
    return input / div
