"""Conversions between PIL images, NumPy arrays and tensors, dtype conversion, normalize."""

import numpy as np
from PIL import Image

from ember import _dtype, ops
from ember._tensor import Tensor
from ember.vision.transforms import _pil, _tensor_image

__all__ = ["convert_image_dtype", "normalize", "pil_to_tensor", "to_pil_image", "to_tensor"]

# Pillow modes whose pixels are not uint8, and the array dtype that holds them
_PIL_MODE_DTYPES = {"I": np.int32, "I;16": np.int16, "F": np.float32}


def _pil_array(pic):
    if pic.mode == "1":
        return 255 * np.array(pic, np.uint8)
    return np.array(pic, _PIL_MODE_DTYPES.get(pic.mode, np.uint8))


def to_tensor(pic):
    """A PIL image or HWC ndarray as a CHW tensor; uint8 is scaled to float in [0, 1]."""
    if not (_pil.is_pil(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        arr = _pil_array(pic)
        arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    chw = np.ascontiguousarray(arr.transpose(2, 0, 1))
    img = ops.from_numpy(chw)
    if img.dtype is _dtype.uint8:
        return img.to(_dtype.get_default_dtype()).div(255)
    return img


def pil_to_tensor(pic):
    """A PIL image as a CHW tensor of its own dtype, not scaled."""
    if not _pil.is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = _pil_array(pic).reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    return ops.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


_ONE_CHANNEL_MODES = {np.uint8: "L", np.int16: "I;16", np.int32: "I", np.float32: "F"}
_MODES_BY_CHANNELS = {2: ["LA"], 3: ["RGB", "YCbCr", "HSV"], 4: ["RGBA", "CMYK", "RGBX"]}
_DEFAULT_MODES = {2: "LA", 3: "RGB", 4: "RGBA"}


def _infer_mode(npimg, mode):
    """The Pillow mode for an HWC array, checking a requested ``mode`` against the channels."""
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected = _ONE_CHANNEL_MODES.get(npimg.dtype.type)
        if mode is not None and mode != expected:
            raise ValueError(
                f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. Should be "
                f"{expected}"
            )
        if expected is None:
            raise TypeError(f"Input type {npimg.dtype} is not supported")
        return npimg, expected
    if mode is not None and mode not in _MODES_BY_CHANNELS[channels]:
        raise ValueError(
            f"Only modes {_MODES_BY_CHANNELS[channels]} are supported for {channels}D inputs"
        )
    if mode is None:
        if npimg.dtype != np.uint8:
            raise TypeError(f"Input type {npimg.dtype} is not supported")
        mode = _DEFAULT_MODES[channels]
    return npimg, mode


def to_pil_image(pic, mode=None):
    """A CHW tensor or HWC ndarray as a PIL image (float tensors are scaled by 255)."""
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        if pic.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-3]} channels.")
        if pic.is_floating_point() and mode != "F":
            pic = pic.mul(255).byte()
        npimg = pic.detach().numpy().transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        npimg = pic[:, :, None] if pic.ndim == 2 else pic
        if npimg.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} channels.")
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        npimg = (npimg * 255).astype(np.uint8)
    npimg, mode = _infer_mode(np.ascontiguousarray(npimg), mode)
    return Image.fromarray(npimg, mode=mode)


def convert_image_dtype(image, dtype=_dtype.float32):
    """Convert an image tensor's dtype, rescaling values to the new dtype's range."""
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype is dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        unsafe = (image.dtype is _dtype.float32 and dtype in (_dtype.int32, _dtype.int64)) or (
            image.dtype is _dtype.float64 and dtype is _dtype.int64
        )
        if unsafe:
            raise RuntimeError(
                f"The cast from {image.dtype} to {dtype} cannot be performed safely."
            )
        # (max + 1 - eps) gives every output value an equal share of [0, 1]
        return image.mul(_tensor_image.max_value(dtype) + 1.0 - 1e-3).to(dtype)
    in_max = _tensor_image.max_value(image.dtype)
    if dtype.is_floating_point:
        return image.to(dtype).div(in_max)
    out_max = _tensor_image.max_value(dtype)
    if in_max > out_max:
        factor = (in_max + 1) // (out_max + 1)
        return ops.div(image, factor, rounding_mode="floor").to(dtype)
    return image.to(dtype).mul((out_max + 1) // (in_max + 1))


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean) / std`` per channel, on a float (..., C, H, W) tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(
            "Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
            f"{tensor.size()}"
        )
    if not inplace:
        tensor = tensor.clone()
    mean = ops.as_tensor(mean, dtype=tensor.dtype)
    std = ops.as_tensor(std, dtype=tensor.dtype)
    if bool((std == 0).any()):
        raise ValueError(
            f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by "
            "zero."
        )
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)
