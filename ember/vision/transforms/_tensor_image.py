"""Shared helpers for tensor images: checks, NumPy round trips, dtype bounds."""

import numpy as np

from ember import _dtype, ops
from ember._tensor import Tensor

__all__ = []


def is_tensor(img):
    """Whether ``img`` is an ember tensor."""
    return isinstance(img, Tensor)


def check_image(img, op):
    """A tensor image has at least two dimensions (..., H, W)."""
    if img.ndim < 2:
        raise TypeError(
            f"{op}: Tensor is not a torch image (got a tensor of shape {list(img.shape)})."
        )


def get_dimensions(img):
    """``[channels, height, width]`` of a tensor image."""
    check_image(img, "get_dimensions")
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def check_channels(img, permitted, op):
    """The image has one of the ``permitted`` channel counts."""
    channels = get_dimensions(img)[0]
    if channels not in permitted:
        raise TypeError(
            f"{op}: Input image tensor permitted channel values are {permitted}, but found "
            f"{channels}"
        )


def max_value(dtype):
    """The value of a full-intensity pixel: 1.0 for floats, the dtype's maximum for integers."""
    if dtype.is_floating_point:
        return 1.0
    if dtype is _dtype.bool:
        return 1
    return int(np.iinfo(dtype.np).max)


def array(img):
    """The tensor's pixels as a NumPy array (shared memory; callers never write to it)."""
    return img.detach().numpy()


def float_array(img):
    """Pixels as float32 (or the float dtype of a float image), for the sampling kernels."""
    x = array(img)
    return x if img.dtype.is_floating_point else x.astype(np.float32)


def wrap(x, dtype):
    """A tensor of ``dtype`` from float results: integer images are rounded and clamped."""
    if not dtype.is_floating_point:
        info = np.iinfo(dtype.np)
        x = np.clip(np.rint(x), info.min, info.max)
    return ops.from_numpy(np.ascontiguousarray(x.astype(dtype.np, copy=False)))


def truncating_wrap(x, dtype):
    """Clamp to the image range and cast with truncation, as ``(...).clamp(0, bound).to(dtype)``."""
    x = np.clip(x, 0, max_value(dtype))
    return ops.from_numpy(np.ascontiguousarray(x.astype(dtype.np, copy=False)))
